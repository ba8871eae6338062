"""Entering an incident afterwards (Statuspage's backfill): past times kept, nobody told."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from forewarn.availability import engine
from forewarn.delivery.models import Notice
from forewarn.incidents import exports
from forewarn.incidents.backfill import PastUpdate, backfill_incident
from forewarn.incidents.exclusions import incident_exclusions
from forewarn.incidents.models import Incident

from .conftest import T0, kinds, refused

DAYS_AGO = T0 - timedelta(days=20)


def past(*steps):
    """(minutes after DAYS_AGO, status, message) as PastUpdates."""
    return [PastUpdate(DAYS_AGO + timedelta(minutes=m), status, text) for m, status, text in steps]


def test_a_resolved_past_incident_keeps_its_times_and_tells_nobody(world):
    incident = backfill_incident(
        actor="rita",
        role="responder",
        title="Calls failed",
        priority="P1",
        components={world.voice: "major_outage"},
        updates=past(
            (0, "investigating", "Calls fail."),
            (25, "identified", "A carrier."),
            (50, "resolved", "Calls connect."),
        ),
        detected_at=DAYS_AGO - timedelta(minutes=5),
    )
    assert (
        incident.created_at,
        incident.acknowledged_at,
        incident.identified_at,
        incident.resolved_at,
        incident.next_update_due_at,
    ) == (
        DAYS_AGO,
        DAYS_AGO,
        DAYS_AGO + timedelta(minutes=25),
        DAYS_AGO + timedelta(minutes=50),
        None,
    )
    assert [u.posted_at for u in incident.updates.order_by("posted_at")] == [
        DAYS_AGO + timedelta(minutes=m) for m in (0, 25, 50)
    ]
    assert Notice.objects.count() == 0
    assert kinds(incident) == ["incident.backfilled"]
    world.voice.refresh_from_db()
    assert world.voice.status == "operational"  # its history is what it was
    report = exports.report_json(incident)
    assert [(g["target_minutes"], g["met"]) for g in report["cadence"]["gaps"]] == [
        (15.0, False),
        (15.0, False),
    ]
    assert report["time_to_resolve_minutes"] == 55.0


def test_a_past_third_party_incident_excludes_its_time(world):
    incident = backfill_incident(
        actor="cody",
        role="communicator",
        title="Host failure",
        priority="P2",
        cause="third_party",
        components={world.sms: "partial_outage"},
        updates=past((0, "investigating", "Slow."), (30, "resolved", "Fast again.")),
    )
    period = engine.Period(DAYS_AGO - timedelta(days=1), DAYS_AGO + timedelta(days=1))
    assert incident_exclusions([world.sms], period) == [
        engine.Exclusion(
            DAYS_AGO,
            DAYS_AGO + timedelta(minutes=30),
            "third_party",
            (world.sms.pk,),
            f"incident:{incident.pk}",
        )
    ]


def test_a_past_incident_still_open_runs_its_cadence_from_its_last_update(world):
    updates = [
        PastUpdate(T0 - timedelta(minutes=40), "investigating", "Slow."),
        PastUpdate(T0 - timedelta(minutes=10), "identified", "A bad index."),
    ]
    incident = backfill_incident(
        actor="rita",
        role="responder",
        title="Slow search",
        priority="P2",
        components={world.portal: "degraded_performance"},
        updates=updates,
    )
    assert (incident.status, incident.next_update_due_at) == (
        "identified",
        T0 + timedelta(minutes=20),
    )
    world.portal.refresh_from_db()
    assert world.portal.status == "degraded_performance"
    assert kinds(incident) == ["incident.backfilled", "incident.escalated"]  # P2: at once


@pytest.mark.parametrize(
    ("updates", "message"),
    [
        ([], "Give the updates as they were posted"),
        (past((0, "investigating", " ")), "Update 1 has no message."),
        (past((0, "investigating", "a"), (-5, "resolved", "b")), "older than the one before"),
        (past((0, "resolved", "a"), (5, "investigating", "b")), "follows the resolution"),
        (past((0, "broken", "a")), "'broken' is not an incident status"),
        ([PastUpdate(T0 + timedelta(hours=1), "investigating", "a")], "is in the future"),
    ],
)
def test_bad_past_updates_are_refused_and_nothing_is_saved(world, updates, message):
    with refused("updates", message):
        backfill_incident(actor="rita", role="responder", title="T", priority="P2", updates=updates)
    assert Incident.objects.count() == 0


def test_a_cause_for_the_sla_needs_a_communicator(world):
    with pytest.raises(PermissionDenied, match="classify an incident's cause"):
        backfill_incident(
            actor="rita",
            role="responder",
            title="T",
            priority="P2",
            cause="force_majeure",
            updates=past((0, "resolved", "Over.")),
        )
