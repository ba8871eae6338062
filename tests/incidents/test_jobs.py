"""The cadence watcher and the escalation job, driven through time: reminders, misses, tiers, restarts."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from forewarn.delivery.models import Channel, Delivery, Notice
from forewarn.incidents import jobs, notices, runner, services
from forewarn.incidents.models import (
    EscalationContact,
    EscalationSettings,
)
from forewarn.ops.jobs import load_jobs
from forewarn.record.models import Event
from forewarn.scheduler import jobs as registered

from .conftest import T0, kinds, open_p

HOOK = "https://chat.example/hooks/responders"


@pytest.fixture
def p1(world):
    EscalationSettings.objects.create(pk=1, responder_chat_webhook=HOOK)
    EscalationContact.objects.create(tier="tier_2", email="noc@provider.example")
    EscalationContact.objects.create(tier="executive", email="cto@provider.example")
    incident = open_p(world, responders=[world.responder])
    return incident


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def reminders(incident) -> list[str]:
    return list(
        Notice.objects.filter(key__startswith=f"incident:{incident.pk}:reminder:")
        .order_by("due_at", "pk")
        .values_list("key", flat=True)
    )


def test_p1_responders_are_reminded_five_minutes_before_the_update_is_due(p1, clock):
    clock.move_to(at(9))
    assert jobs.watch_cadence() == 0
    clock.move_to(at(10))
    assert jobs.watch_cadence() == 1
    deadline = at(15).isoformat()
    assert reminders(p1) == [f"incident:{p1.pk}:reminder:{deadline}"]
    notice = Notice.objects.get(key=reminders(p1)[0])
    assert (notice.thread_key, notice.subject) == (
        f"incident:{p1.pk}:staff",
        "Update due: P1 Calls fail",
    )
    assert sorted(Delivery.objects.filter(notice=notice).values_list("channel", "address")) == [
        (Channel.CHAT, HOOK),
        (Channel.EMAIL, "rita@forewarn.example"),
    ]
    event = Event.objects.get(kind="incident.reminder_sent")
    assert (event.actor, event.details["to"], event.details["chat"]) == (
        "system",
        ["rita@forewarn.example"],
        True,
    )
    p1.refresh_from_db()
    assert (p1.next_reminder_at, p1.reminded_for) == (at(15), at(15))


def test_a_reminder_is_sent_once_however_often_the_watcher_runs(p1, clock):
    clock.move_to(at(10))
    jobs.watch_cadence()
    clock.move_to(at(12))
    assert jobs.watch_cadence() == 0
    assert jobs.watch_cadence() == 0
    assert Event.objects.filter(kind="incident.reminder_sent").count() == 1


def test_an_update_in_time_moves_the_next_reminder(p1, clock):
    clock.move_to(at(10))
    jobs.watch_cadence()
    clock.move_to(at(14))
    services.post_update(p1, actor="rita", role="responder", message="Rerouting calls.")
    clock.move_to(at(15))
    assert jobs.watch_cadence() == 0
    clock.move_to(at(24))
    assert jobs.watch_cadence() == 1
    assert reminders(p1)[-1].endswith(at(29).isoformat())
    assert Event.objects.filter(kind="incident.update_overdue").count() == 0


def test_an_overdue_p1_update_escalates_to_tier_2_at_once(p1, clock):
    clock.move_to(at(10))
    jobs.watch_cadence()
    clock.move_to(at(15))
    assert jobs.watch_cadence() == 1
    p1.refresh_from_db()
    assert (p1.overdue_count, p1.missed_since_update, p1.escalation_tier) == (1, 1, "tier_2")
    assert p1.next_update_due_at == at(15)  # still due: shown overdue
    assert p1.next_reminder_at == at(25)  # reminded again before the next deadline
    assert kinds(p1)[-2:] == ["incident.update_overdue", "incident.escalated"]
    notice = Notice.objects.get(key=f"incident:{p1.pk}:escalation:tier_2")
    assert list(Delivery.objects.filter(notice=notice).values_list("address", flat=True)) == [
        "noc@provider.example"
    ]
    overdue = Event.objects.get(kind="incident.update_overdue")
    assert overdue.details["deadline"] == at(15).isoformat()


def test_overdue_twice_reaches_the_executives_once(p1, clock):
    for minute in (10, 15, 25, 30, 40, 45):
        clock.move_to(at(minute))
        jobs.watch_cadence()
        jobs.escalate_due()
    p1.refresh_from_db()
    assert p1.overdue_count == 3
    assert [
        e.details["tier"]
        for e in Event.objects.filter(kind="incident.escalated").order_by("at", "id")
    ] == [
        "tier_1",
        "tier_2",
        "executive",
    ]
    assert len(reminders(p1)) == 3  # before 10:15, 10:30 and 10:45, each once
    executive = Event.objects.get(kind="incident.escalated", details__tier="executive")
    assert executive.description.endswith("persistent: updates overdue 2 times.")


def test_a_failing_reminder_is_pushed_forward_and_sent_once_after_a_restart(p1, clock, monkeypatch):
    original = notices.remind

    def broken(*args, **kwargs):
        raise ConnectionError("database went away")

    monkeypatch.setattr(notices, "remind", broken)
    clock.move_to(at(10))
    with pytest.raises(ConnectionError):
        jobs.watch_cadence()
    p1.refresh_from_db()
    assert p1.next_reminder_at == at(11)  # pushed forward, not lost, not spinning
    assert not Event.objects.filter(kind="incident.reminder_sent").exists()
    assert jobs.watch_cadence() == 0

    monkeypatch.setattr(notices, "remind", original)
    clock.move_to(at(11))
    assert jobs.watch_cadence() == 1
    assert jobs.watch_cadence() == 0
    assert Event.objects.filter(kind="incident.reminder_sent").count() == 1
    assert len(reminders(p1)) == 1


def test_two_workers_reading_the_same_due_row_remind_once(p1, clock):
    clock.move_to(at(10))
    first = jobs.due_rows("next_reminder_at", at(10))
    second = jobs.due_rows("next_reminder_at", at(10))
    assert first == second == [(p1.pk, at(10))]
    (pk, seen) = first[0]
    assert jobs.claim_and_run(pk, seen, "next_reminder_at", runner.watch_cadence, at(10))
    assert not jobs.claim_and_run(pk, seen, "next_reminder_at", runner.watch_cadence, at(10))
    assert Event.objects.filter(kind="incident.reminder_sent").count() == 1


def test_nobody_to_remind_is_recorded(world, clock):
    incident = services.open_incident(
        actor="hook:alertmanager",
        role="responder",
        title="Disk full",
        priority="P2",
        message="Disk usage above 95%.",
        acknowledged=False,
    )
    clock.move_to(T0 + timedelta(minutes=25))
    assert jobs.watch_cadence() == 1
    event = Event.objects.get(kind="incident.reminder_sent")
    assert "no responder has an email address and no chat webhook is set" in event.description
    assert reminders(incident) == []


def test_p3_opened_at_1730_on_friday_escalates_on_monday_at_0830(world):
    friday = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)  # 17:30 in Amsterdam
    with time_machine.travel(friday, tick=False) as clock:
        incident = open_p(world, "P3")
        assert incident.next_escalation_at == datetime(2026, 11, 30, 7, 30, tzinfo=UTC)
        assert not Event.objects.filter(kind="incident.escalated").exists()
        clock.move_to(datetime(2026, 11, 28, 12, 0, tzinfo=UTC))
        assert jobs.escalate_due() == 0
        clock.move_to(datetime(2026, 11, 30, 7, 30, tzinfo=UTC))
        assert jobs.escalate_due() == 1
        assert jobs.escalate_due() == 0
    assert list(
        Event.objects.filter(kind="incident.escalated").values_list("at", "details__tier")
    ) == [(datetime(2026, 11, 30, 7, 30, tzinfo=UTC), "tier_1")]


def test_an_overdue_p3_at_night_reaches_tier_2_after_easter(world):
    thursday = datetime(2027, 3, 25, 15, 0, tzinfo=UTC)  # 16:00 CET, before Good Friday
    with time_machine.travel(thursday, tick=False):
        incident = open_p(world, "P3")
        assert Event.objects.get(kind="incident.escalated").details["tier"] == "tier_1"
    incident.refresh_from_db()
    assert incident.next_update_due_at == thursday + timedelta(minutes=120)  # elapsed time
    with time_machine.travel(thursday + timedelta(minutes=120), tick=False):
        assert jobs.watch_cadence() == 1
        incident.refresh_from_db()
        assert incident.overdue_count == 1
        # Good Friday, the weekend (with the clocks going forward) and Easter Monday are
        # closed: Tuesday 08:30 CEST.
        assert incident.next_escalation_at == datetime(2027, 3, 30, 6, 30, tzinfo=UTC)
        assert jobs.escalate_due() == 0
    with time_machine.travel(datetime(2027, 3, 30, 6, 30, tzinfo=UTC), tick=False):
        assert jobs.escalate_due() == 1
    tiers = Event.objects.filter(kind="incident.escalated").order_by("at", "id")
    assert [(e.at, e.details["tier"]) for e in tiers] == [
        (thursday, "tier_1"),
        (datetime(2027, 3, 30, 6, 30, tzinfo=UTC), "tier_2"),
    ]


def test_every_worker_registers_the_incident_jobs():
    load_jobs()
    assert registered()["incident_cadence"] is jobs.watch_cadence
    assert registered()["incident_escalations"] is jobs.escalate_due
