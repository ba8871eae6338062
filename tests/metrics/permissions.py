"""Metrics in the permission matrix: viewers read them, admins define them and send points."""

from forewarn.metrics.models import Metric
from forewarn.metrics.services import save_metric
from tests.permission_rows import ADMIN, RESPONDER, VIEWER, Console

API = {
    "GET /api/v1/metrics": VIEWER,
    "POST /api/v1/metrics": ADMIN,
    "GET /api/v1/metrics/{slug}": VIEWER,
    "PATCH /api/v1/metrics/{slug}": ADMIN,
    "DELETE /api/v1/metrics/{slug}": ADMIN,
    "POST /api/v1/metrics/{slug}/points": RESPONDER,
    "DELETE /api/v1/metrics/{slug}/points": ADMIN,
    "GET /api/v1/metrics/{slug}/series": VIEWER,
}

CONSOLE = {
    "metrics.metric": Console(
        add=ADMIN,
        change=ADMIN,
        delete=ADMIN,
        make=lambda: save_metric(Metric(name="Latency", slug="latency"), actor="test"),
    )
}
