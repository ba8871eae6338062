"""The demo's planned work: every seed preset, every state the page shows (upcoming, one of them
recurring; in progress; verifying; completed; cancelled), on the page, in the JSON and the
feeds; loaded twice, nothing changes."""

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import time_machine

from forewarn.ops import demo
from forewarn.planned.models import PlannedWork
from forewarn.record.models import Event

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # Tue 10:00 in Amsterdam


@pytest.fixture
def loaded(db):
    with time_machine.travel(NOW, tick=False):
        demo.load()
        yield


def test_the_demo_has_work_from_each_preset_in_each_state(loaded):
    found = {
        w.title: (w.policy.slug, w.state, [x.start_at for x in w.windows.order_by("index")][:2])
        for w in PlannedWork.objects.all()
    }
    assert found == {
        "Service Cloud 2027.2 upgrade": (
            "seed-000",
            "scheduled",
            [datetime(2026, 12, 19, 6, tzinfo=UTC)],
        ),
        "Weekly SIP trunk patching (Amsterdam)": (
            "seed-001",
            "scheduled",
            [datetime(2026, 12, 12, 22, tzinfo=UTC), datetime(2026, 12, 19, 22, tzinfo=UTC)],
        ),
        "Hotfix 4.12.3 for Chatbot Builder": ("seed-002", "completed", [NOW]),
        "Emergency database failover for Campaigns": (
            "seed-003",
            "verifying",
            [NOW - timedelta(minutes=2)],
        ),
        "Journeys search cluster maintenance": (
            "seed-003",
            "cancelled",
            [datetime(2026, 12, 5, 21, tzinfo=UTC)],
        ),
        "OpenSSL security patch for Ticketing": ("seed-004", "in_progress", [NOW]),
        # The releases demo's coming major version and API change (releases/demo.py).
        "Agent Desktop 7.00: major version update": (
            "seed-002",
            "scheduled",
            [NOW + timedelta(days=30)],
        ),
        "Messaging API 3.02: API change": ("seed-002", "scheduled", [NOW + timedelta(days=40)]),
    }
    assert PlannedWork.objects.get(title__startswith="Weekly").windows.count() == 6
    assert not PlannedWork.objects.filter(windows__kept_policy=False).exists()


def test_the_page_the_json_and_the_feeds_are_filled(loaded, client):
    with time_machine.travel(NOW, tick=False):
        html = client.get("/").content.decode()
        summary = client.get("/api/v2/summary.json").json()
        every = client.get("/api/v2/scheduled-maintenances.json").json()
        calendar = icalendar.Calendar.from_ical(client.get("/maintenance.ics").content)
        feed = client.get("/maintenance.atom").content.decode()
    for title in ("Service Cloud 2027.2 upgrade", "OpenSSL security patch for Ticketing"):
        assert title in html
    assert "Repeats: 5 more windows scheduled" in html
    assert sorted({m["status"] for m in summary["scheduled_maintenances"]}) == [
        "in_progress",
        "scheduled",
        "verifying",
    ]
    assert sorted({m["status"] for m in every["scheduled_maintenances"]}) == [
        "completed",
        "in_progress",
        "scheduled",
        "verifying",
    ]
    statuses = [str(e["STATUS"]) for e in calendar.walk("VEVENT")]
    assert (len(statuses), statuses.count("CANCELLED")) == (13, 1)
    assert "Emergency database failover for Campaigns" in feed


def test_loading_the_demo_twice_changes_nothing(loaded):
    works, events = PlannedWork.objects.count(), Event.objects.count()
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        demo.load()
    assert (PlannedWork.objects.count(), Event.objects.count()) == (works, events)
