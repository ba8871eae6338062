"""The demo's incidents: an open public P2 with several updates, resolved ones over 90 days (two by
third parties, excluded from the SLA), a published postmortem, an internal P4; loaded twice,
nothing changes."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from forewarn.availability import periods, reports
from forewarn.incidents.models import Incident, IncidentTemplate, Postmortem
from forewarn.ops import demo
from forewarn.record.models import Event

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
def loaded(db):
    with time_machine.travel(NOW, tick=False):
        demo.load()
        yield


def test_the_demo_has_an_open_public_p2_with_several_updates(loaded, client):
    (p2,) = Incident.objects.filter(resolved_at__isnull=True, is_public=True)
    assert (p2.title, p2.priority, p2.status) == (
        "Delayed WhatsApp deliveries",
        "P2",
        "monitoring",
    )
    assert [u.status for u in p2.updates.order_by("posted_at")] == [
        "investigating",
        "identified",
        "monitoring",
    ]
    assert p2.next_update_due_at == NOW + timedelta(minutes=15)  # 30 minutes after the last
    found = client.get("/api/v2/incidents/unresolved.json").json()["incidents"]
    assert [(i["name"], len(i["incident_updates"])) for i in found] == [
        ("Delayed WhatsApp deliveries", 3)
    ]
    assert "Delayed WhatsApp deliveries" in client.get("/").content.decode()


def test_the_demo_has_resolved_incidents_over_90_days_and_an_internal_p4(loaded):
    resolved = Incident.objects.filter(resolved_at__isnull=False).order_by("detected_at")
    assert [(i.title, i.cause, i.detected_at.isoformat()) for i in resolved] == [
        ("Chatbot answers slowly", "own", "2026-09-10T13:00:00+00:00"),
        ("Slow search in Ticketing", "own", "2026-10-10T16:00:00+00:00"),
        ("Calls failing in the EU", "third_party", "2026-10-25T02:00:00+00:00"),
        ("Campaign sends delayed for one account", "client_caused", "2026-11-15T09:00:00+00:00"),
        (
            "Database maintenance at our hosting provider ran long",
            "third_party",
            "2026-11-21T05:00:00+00:00",
        ),
    ]
    (postmortem,) = Postmortem.objects.filter(published_at__isnull=False)
    assert postmortem.incident.title == "Calls failing in the EU"
    (internal,) = Incident.objects.filter(is_public=False)
    assert (internal.priority, internal.is_open) == ("P4", True)
    assert IncidentTemplate.objects.get().name == "Voice down"


def test_the_availability_report_shows_the_excluded_incidents(loaded):
    with time_machine.travel(NOW, tick=False):
        found = reports.build(periods.quarter(2026, 4))
    refs = {e.ref for e in found.exclusions if e.ref.startswith("incident:")}
    titles = {Incident.objects.get(pk=ref.split(":")[1]).title for ref in refs}
    assert titles == {
        "Calls failing in the EU",
        "Campaign sends delayed for one account",
        "Database maintenance at our hosting provider ran long",
    }


def test_loading_the_demo_twice_changes_nothing(loaded):
    incidents, events = Incident.objects.count(), Event.objects.count()
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        demo.load()
    assert (Incident.objects.count(), Event.objects.count()) == (incidents, events)
