"""A small record to read: three subjects, several kinds, actors and contacts, across a DST change."""

from datetime import UTC, datetime, timedelta

import pytest

from forewarn.catalog.models import Component
from forewarn.record.kinds import Kind
from forewarn.record.services import append

# Europe/Amsterdam moves from +01:00 to +02:00 at 01:00 UTC on this day.
T0 = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)


@pytest.fixture
def record(db):
    """Five events, T0 to T0 + 4 h; returns them in the order they happened."""
    api = Component.objects.create(slug="api", name="API")
    sms = Component.objects.create(slug="sms", name="SMS")
    hour = timedelta(hours=1)
    return {
        "api": api,
        "sms": sms,
        "events": [
            append(
                Kind.COMPONENT_STATUS_CHANGED,
                subject=api,
                actor="alice",
                description="API: operational → major_outage",
                details={"from": "operational", "to": "major_outage"},
                at=T0,
                entered_at=T0,
            ),
            append(
                Kind.SUBSCRIBER_CONFIRMED,
                actor="public",
                contact="Ann@Example.com",
                description="Confirmed by the link sent.",
                at=T0 + hour,
                entered_at=T0 + hour,
            ),
            append(
                Kind.COMPONENT_STATUS_CHANGED,
                subject=sms,
                actor="bob",
                description='=HYPERLINK("http://evil.example")',
                details={"from": "operational", "to": "partial_outage"},
                at=T0 + 2 * hour,
                entered_at=T0 + 2 * hour,
            ),
            append(
                Kind.NOTICE_DELIVERED,
                description="sent 3 of 3",
                at=T0 + 3 * hour,
                entered_at=T0 + 3 * hour + timedelta(seconds=5),
            ),
            append(
                Kind.COMPONENT_STATUS_CHANGED,
                subject=api,
                actor="alice",
                description="API: major_outage → operational",
                details={"from": "major_outage", "to": "operational"},
                at=T0 + 4 * hour,
                entered_at=T0 + 4 * hour,
            ),
        ],
    }
