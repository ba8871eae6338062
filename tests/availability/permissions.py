"""Availability in the permission matrix: viewers read reports, communicators record exclusions."""

from datetime import UTC, datetime

from forewarn.availability import services
from forewarn.availability.models import Exclusion, ExclusionReason
from tests.permission_rows import COMMUNICATOR, VIEWER, Console, Page

API = {
    "GET /api/v1/availability": VIEWER,
    "GET /api/v1/availability/exclusions": VIEWER,
    "POST /api/v1/availability/exclusions": COMMUNICATOR,
    "GET /api/v1/availability/exclusions/{exclusion_id}": VIEWER,
    "PATCH /api/v1/availability/exclusions/{exclusion_id}": COMMUNICATOR,
    "DELETE /api/v1/availability/exclusions/{exclusion_id}": COMMUNICATOR,
}

CONSOLE = {
    "availability.exclusion": Console(
        add=COMMUNICATOR,
        change=COMMUNICATOR,
        delete=COMMUNICATOR,
        make=lambda: services.save_exclusion(
            Exclusion(
                reason=ExclusionReason.values[0],
                starts_at=datetime(2026, 1, 1, tzinfo=UTC),
                ends_at=datetime(2026, 1, 2, tzinfo=UTC),
            ),
            [],
            actor="test",
        ),
    ),
}

PAGES = {
    "availability:report": Page(VIEWER),
    "availability:organization": Page(VIEWER, {"slug": "nobody"}),
}
