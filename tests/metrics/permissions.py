"""Metrics in the permission matrix: viewers read them, admins define them and send points."""

from forewarn.metrics.models import Metric
from forewarn.metrics.services import save_metric
from tests.permission_rows import ADMIN, Console

API: dict[str, str] = {}

CONSOLE = {
    "metrics.metric": Console(
        add=ADMIN,
        change=ADMIN,
        delete=ADMIN,
        make=lambda: save_metric(Metric(name="Latency", slug="latency"), actor="test"),
    )
}
