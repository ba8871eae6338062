"""What Alertmanager's notifications do, through ``receiver`` on the real database: one incident
per group, updated as its alerts change, calmed when they resolve and resolved after the quiet
period; retries and repeats change nothing; planned work keeps incidents shut."""

from datetime import timedelta

import pytest

from forewarn.catalog.models import Component
from forewarn.catalog.services import set_status
from forewarn.compat.alertmanager import jobs
from forewarn.compat.alertmanager.models import AlertDelivery, AlertGroup
from forewarn.compat.alertmanager.payload import PayloadError
from forewarn.compat.alertmanager.receiver import receive
from forewarn.delivery.models import Notice
from forewarn.incidents.models import Incident
from forewarn.planned import jobs as planned_jobs
from forewarn.planned import services as planned
from forewarn.policies.models import Policy
from forewarn.policies.services import load_presets
from forewarn.record.models import Event

from .conftest import T0, alert, notification


def status(slug: str) -> str:
    return Component.objects.get(slug=slug).status


def test_a_firing_group_opens_one_internal_incident_for_review(hook):
    outcome = receive(hook.integration, notification(alert(service="voice", instance="sbc-1")))
    incident = Incident.objects.get()
    assert (outcome.result, outcome.incident) == ("opened", incident)
    assert (incident.title, incident.priority, incident.status) == (
        "voice errors above 5%",
        "P3",
        "investigating",
    )
    assert (incident.is_public, incident.acknowledged_at, incident.created_by) == (
        False,
        None,
        "hook:alertmanager",
    )
    assert incident.detected_at.isoformat() == "2026-11-24T08:58:00.123456+00:00"
    assert status("voice") == "partial_outage"
    assert not Notice.objects.filter(key__startswith=f"incident:{incident.pk}:").exists()
    assert "**HighErrorRate** (firing) instance=sbc-1, service=voice" in incident.updates.get().body


def test_the_severity_label_raises_priority_and_status(hook):
    receive(hook.integration, notification(alert(service="voice", severity="critical")))
    incident = Incident.objects.get()
    assert (incident.priority, status("voice")) == ("P1", "major_outage")


def test_a_rule_that_publishes_at_once_makes_a_public_incident_with_notices(hook):
    receive(hook.integration, notification(alert(service="sms"), group_key="sms"))
    incident = Incident.objects.get()
    assert (incident.priority, incident.is_public, status("sms")) == (
        "P2",
        True,
        "degraded_performance",
    )
    assert Notice.objects.filter(key__startswith=f"incident:{incident.pk}:").exists()


def test_a_retry_and_a_repeat_change_nothing_twice(hook):
    body = notification(alert(service="voice"))
    first = receive(hook.integration, body)
    events = Event.objects.count()
    again = receive(hook.integration, body)  # Alertmanager retried: the same notification
    assert (again.result, again.incident) == ("duplicate", first.incident)
    repeat = notification(alert(service="voice"))
    repeat["truncatedAlerts"] = 0
    repeat["externalURL"] = "http://alertmanager-2.example"  # another replica, same alerts
    assert receive(hook.integration, repeat).result == "unchanged"
    assert Event.objects.count() == events
    assert Incident.objects.count() == 1 and first.incident.updates.count() == 1
    assert AlertDelivery.objects.get(digest__isnull=False, outcome="opened").times == 2


def test_more_alerts_update_the_same_incident(hook):
    receive(hook.integration, notification(alert(service="voice", instance="sbc-1")))
    outcome = receive(
        hook.integration,
        notification(
            alert(service="voice", instance="sbc-1"),
            alert(service="voice", instance="sbc-2", severity="critical"),
        ),
    )
    incident = Incident.objects.get()
    assert (outcome.result, incident.updates.count(), status("voice")) == (
        "updated",
        2,
        "major_outage",
    )


def test_resolved_moves_to_monitoring_then_the_job_resolves_after_the_quiet_period(hook, clock):
    receive(hook.integration, notification(alert(service="voice")))
    outcome = receive(hook.integration, notification(alert("resolved", service="voice")))
    incident = Incident.objects.get()
    assert (outcome.result, incident.status) == ("monitoring", "monitoring")
    assert status("voice") == "partial_outage"  # until it is resolved
    clock.shift(timedelta(minutes=9, seconds=59))
    assert jobs.resolve_quiet_groups() == 0
    clock.shift(timedelta(seconds=1))
    assert jobs.resolve_quiet_groups() == 1
    incident.refresh_from_db()
    assert (incident.status, status("voice")) == ("resolved", "operational")
    assert jobs.resolve_quiet_groups() == 0
    assert AlertGroup.objects.get().resolve_due_at is None


def test_firing_again_within_the_quiet_period_goes_back_to_investigating(hook, clock):
    receive(hook.integration, notification(alert(service="voice")))
    receive(hook.integration, notification(alert("resolved", service="voice")))
    clock.shift(timedelta(minutes=5))
    again = receive(
        hook.integration, notification(alert(service="voice", starts="2026-11-24T09:04:00Z"))
    )
    incident = Incident.objects.get()
    assert (again.result, incident.status) == ("updated", "investigating")
    clock.shift(timedelta(minutes=10))
    assert jobs.resolve_quiet_groups() == 0
    assert Incident.objects.get().status == "investigating"


def test_after_a_resolution_the_next_firing_opens_a_new_incident(hook, clock):
    receive(hook.integration, notification(alert(service="voice")))
    receive(hook.integration, notification(alert("resolved", service="voice")))
    clock.shift(timedelta(minutes=11))
    jobs.resolve_quiet_groups()
    clock.shift(timedelta(hours=1))
    outcome = receive(
        hook.integration, notification(alert(service="voice", starts="2026-11-24T10:10:00Z"))
    )
    assert (outcome.result, Incident.objects.count()) == ("opened", 2)


def test_alerts_on_components_under_planned_maintenance_are_recorded_and_open_nothing(hook):
    set_status(
        hook.voice,
        "under_maintenance",
        cause="Planned: SBC upgrade",
        cause_ref="planned:7",
        actor="system",
    )
    outcome = receive(hook.integration, notification(alert(service="voice")))
    assert (outcome.result, outcome.incident) == ("under planned maintenance", None)
    assert not Incident.objects.exists()
    assert status("voice") == "under_maintenance"
    event = Event.objects.get(kind="alert_group.fired")
    assert event.details["under_maintenance"] == ["voice"]
    assert event.details["result"] == "under planned maintenance"


def test_an_open_planned_window_keeps_incidents_shut_whatever_the_status_says(hook, clock):
    # A security patch on Voice (seed 004: announced at once), running from 11:00 to 13:00.
    load_presets()
    policy = Policy.objects.get(slug="seed-004")
    start = T0 + timedelta(hours=1)
    work = planned.create_draft(
        actor="rita",
        role="responder",
        title="SBC upgrade",
        policy=policy,
        work_type=policy.work_types.get(slug="security-patch"),
        start=start,
        end=start + timedelta(hours=2),
        components={hook.voice: "under_maintenance"},
        impact_text="Calls may drop; no security impact.",
        validated_on_test_environment=True,
    )
    planned.publish(work, actor="cody", role="communicator")
    clock.move_to(start)
    assert planned_jobs.planned_transitions() == 1
    assert status("voice") == "under_maintenance"
    # An operator reports an outage meanwhile: the window still covers Voice.
    set_status(hook.voice, "partial_outage", cause="Seen by the NOC", actor="alice")
    outcome = receive(hook.integration, notification(alert(service="voice")))
    assert (outcome.result, Incident.objects.count()) == ("under planned maintenance", 0)
    # SMS is outside any window: its alert opens an incident.
    outcome = receive(
        hook.integration, notification(alert(service="sms"), group_key='{}:{service="sms"}')
    )
    assert (outcome.result, Incident.objects.count()) == ("opened", 1)
    # Past the window's end, held open (Voice is not operational): overrunning, still covered.
    clock.move_to(start + timedelta(hours=3))
    planned_jobs.planned_transitions()
    (window,) = work.windows.all()
    assert (window.state, window.overrunning_since is not None) == ("verifying", True)
    set_status(hook.voice, "partial_outage", cause="Seen by the NOC", actor="alice")
    outcome = receive(
        hook.integration,
        notification(alert(service="voice", instance="sbc-2"), group_key='{}:{voice="2"}'),
    )
    assert (outcome.result, Incident.objects.count()) == ("under planned maintenance", 1)


def test_alerts_no_rule_matches_are_recorded_and_ignored(hook):
    outcome = receive(hook.integration, notification(alert(service="billing"), group_key="b"))
    assert (outcome.result, Incident.objects.count()) == ("no rule matched", 0)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "body: expected a JSON object (Alertmanager's webhook payload)."),
        ({"version": "3"}, 'version: expected "4", got "3".'),
        (
            notification(alert(service="voice"), status="pending"),
            'status: expected one of firing, resolved, got "pending".',
        ),
        (notification(alert(service="voice"), group_key=""), "groupKey: is required."),
        (
            {**notification(alert(service="voice")), "alerts": []},
            "alerts: expected a list of at least one alert.",
        ),
        (
            {**notification(alert(service="voice")), "alerts": [{**alert(), "labels": {"a": 1}}]},
            "alerts.0.labels.a: expected a string of at most 2000 characters.",
        ),
        (
            {
                **notification(alert(service="voice")),
                "alerts": [{**alert(), "startsAt": "yesterday"}],
            },
            "alerts.0.startsAt: 'yesterday' is not an RFC 3339 instant.",
        ),
    ],
)
def test_a_bad_notification_is_refused_naming_the_field_and_changes_nothing(hook, body, message):
    with pytest.raises(PayloadError) as refused:
        receive(hook.integration, body)
    assert str(refused.value) == message
    assert not AlertGroup.objects.exists() and not AlertDelivery.objects.exists()
