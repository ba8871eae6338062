"""Planned work as it runs: overruns and extensions, completion held back, cancellation and
rescheduling with the calendar invitation, recurring windows across a DST change, and a
worker that was down when a reminder was due."""

from datetime import UTC, datetime

import icalendar
from django.core import mail

from forewarn.catalog.models import Component
from forewarn.catalog.services import set_status
from forewarn.delivery.models import Notice
from forewarn.planned import progress, services
from forewarn.planned.models import Window
from forewarn.record.models import Event

from .conftest import T0, draft, refused, sent, tick


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def invitation(notice: Notice) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(notice.ics)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_an_overrun_is_alerted_and_extended_twice_until_it_closes(world, clock):
    work = draft(
        world, "seed-003", "maintenance", start=utc(2027, 1, 20, 9), end=utc(2027, 1, 20, 11)
    )
    work = services.publish(work, actor="cody", role="communicator")
    tick(clock, utc(2027, 1, 19, 9))  # announced
    tick(clock, utc(2027, 1, 20, 9))  # started
    set_status(world.voice, "degraded_performance", actor="rita")  # someone's change meanwhile
    tick(clock, utc(2027, 1, 20, 11))  # the window ends with Voice degraded: overrunning
    window = Window.objects.get(work=work)
    assert (window.state, window.overrunning_since) == ("verifying", utc(2027, 1, 20, 11))
    assert Component.objects.get(slug="voice").status == "degraded_performance"  # theirs stands
    alert = Notice.objects.get(kind="planned.overrun")
    assert (alert.direct_addresses, alert.thread_key) == (
        ["rita@forewarn.example"],
        f"planned:{work.pk}:staff",
    )
    clock.move_to(utc(2027, 1, 20, 11, 30))
    progress.extend(
        work,
        actor="rita",
        role="responder",
        reason="The index rebuild is slower.",
        end=utc(2027, 1, 20, 13),
    )
    clock.move_to(utc(2027, 1, 20, 12, 45))
    progress.extend(
        work,
        actor="rita",
        role="responder",
        reason="Verifying the replicas.",
        end=utc(2027, 1, 20, 14),
    )
    for at in [utc(2027, 1, 20, 12, 45), utc(2027, 1, 20, 14)]:
        tick(clock, at)
    window.refresh_from_db()
    assert (window.state, window.end_at, window.extensions, window.sequence) == (
        "completed",
        utc(2027, 1, 20, 14),
        3,
        2,
    )
    assert Component.objects.get(slug="voice").status == "operational"
    extensions = Notice.objects.filter(kind="planned.extension").order_by("created_at", "pk")
    assert [(n.due_at, n.event_times) for n in extensions] == [
        (
            utc(2027, 1, 20, 11),
            {
                "start": "2027-01-20T09:00:00+00:00",
                "end": "2027-01-20T11:00:00+00:00",
                "next_update": "2027-01-20T12:00:00+00:00",
            },
        ),
        (
            utc(2027, 1, 20, 11, 30),
            {
                "start": "2027-01-20T09:00:00+00:00",
                "end": "2027-01-20T13:00:00+00:00",
                "new_end": "2027-01-20T13:00:00+00:00",
            },
        ),
        (
            utc(2027, 1, 20, 12, 45),
            {
                "start": "2027-01-20T09:00:00+00:00",
                "end": "2027-01-20T14:00:00+00:00",
                "new_end": "2027-01-20T14:00:00+00:00",
            },
        ),
    ]
    assert "**Why:** The index rebuild is slower." in extensions[1].body
    assert [invitation(n)[1]["SEQUENCE"] for n in extensions] == [0, 1, 2]
    public = ["all@example.com", "ann@acme.example", "bob@beta.example", "voice-fan@example.com"]
    assert [k for k, _, a in sent(work) if a == "ann@acme.example"] == [
        "announcement",
        "start",
        "extension",
        "extension",
        "extension",
        "completion",
    ]
    assert len(sent(work)) == 6 * len(public)


def test_completion_waits_until_every_component_is_operational(world, clock):
    work = draft(
        world,
        start=utc(2027, 1, 12, 9),
        end=utc(2027, 1, 12, 11),
        components={world.voice: "under_maintenance", world.sms: "degraded_performance"},
    )
    work = services.publish(work, actor="cody", role="communicator")
    tick(clock, utc(2027, 1, 12, 9))
    set_status(world.sms, "partial_outage", actor="rita")
    tick(clock, utc(2027, 1, 12, 11))
    window = Window.objects.get(work=work)
    assert window.state == "verifying"
    with refused("components", "sms is partial outage"):
        progress.complete(work, actor="rita", role="responder")
    clock.move_to(utc(2027, 1, 12, 11, 40))
    set_status(world.sms, "operational", actor="rita")
    tick(clock, utc(2027, 1, 12, 11, 41))
    window.refresh_from_db()
    assert (window.state, window.completed_at) == ("completed", utc(2027, 1, 12, 11, 41))
    holds = {h.component.slug: (h.started_at, h.returned_at) for h in window.holds.all()}
    assert holds == {
        "voice": (utc(2027, 1, 12, 9), utc(2027, 1, 12, 11)),
        "sms": (utc(2027, 1, 12, 9), utc(2027, 1, 12, 11, 40)),
    }


def test_a_cancellation_cancels_the_calendar_event(world, clock):
    work = draft(
        world,
        "seed-001",
        "scheduled-maintenance",
        start=utc(2027, 1, 26, 21),
        end=utc(2027, 1, 26, 23),
    )
    work = services.publish(work, actor="cody", role="communicator")
    tick(clock, utc(2027, 1, 12, 21))
    clock.move_to(utc(2027, 1, 14, 8))
    services.cancel(work, actor="cody", role="communicator", reason="The vendor postponed the fix.")
    tick(clock, utc(2027, 1, 14, 8))
    announced = Notice.objects.get(kind="planned.announcement")
    cancelled = Notice.objects.get(kind="planned.cancellation")
    (calendar, before), (cancel, after) = invitation(announced), invitation(cancelled)
    assert (calendar["METHOD"], before["SEQUENCE"], before["STATUS"]) == ("REQUEST", 0, "CONFIRMED")
    assert (cancel["METHOD"], after["SEQUENCE"], after["STATUS"]) == ("CANCEL", 1, "CANCELLED")
    assert str(after["UID"]) == str(before["UID"]) == f"planned-{work.pk}-0@forewarn.example"
    assert after.decoded("DTSTART") == utc(2027, 1, 26, 21)
    message = next(
        m for m in mail.outbox if m.subject.startswith("Cancelled") and m.to == ["bob@beta.example"]
    )
    first = next(
        m for m in mail.outbox if m.subject.startswith("Planned") and m.to == ["bob@beta.example"]
    )
    assert message.extra_headers["In-Reply-To"] == first.extra_headers["Message-ID"]  # one thread
    assert Window.objects.get(work=work).state == "cancelled"


def test_work_cancelled_before_anyone_was_told_sends_nothing(world, clock):
    work = draft(
        world,
        "seed-001",
        "scheduled-maintenance",
        start=utc(2027, 1, 26, 21),
        end=utc(2027, 1, 26, 23),
    )
    work = services.publish(work, actor="cody", role="communicator")
    services.cancel(work, actor="cody", role="communicator", reason="Not needed after all.")
    tick(clock, utc(2027, 1, 27))
    assert sent(work) == []
    assert Notice.objects.get(kind="planned.announcement").cancelled_at == T0


def test_a_reschedule_that_breaks_the_policy_needs_a_justification(world, clock):
    work = draft(
        world,
        "seed-001",
        "scheduled-maintenance",
        start=utc(2027, 1, 26, 21),
        end=utc(2027, 1, 26, 23),
    )
    work = services.publish(work, actor="cody", role="communicator")
    tick(clock, utc(2027, 1, 12, 21))
    clock.move_to(utc(2027, 1, 13, 9))
    with refused("justification", "too late"):
        services.reschedule(
            work,
            actor="cody",
            role="communicator",
            start=utc(2027, 1, 16, 21),
            reason="Earlier slot.",
        )
    assert Window.objects.get(work=work).start_at == utc(2027, 1, 26, 21)  # nothing half-saved
    services.reschedule(
        work,
        actor="cody",
        role="communicator",
        start=utc(2027, 1, 16, 21),
        reason="Earlier slot.",
        justification="The client asked for it.",
    )
    tick(clock, utc(2027, 1, 13, 9))
    window = Window.objects.get(work=work)
    assert (window.start_at, window.end_at, window.sequence, window.kept_policy) == (
        utc(2027, 1, 16, 21),
        utc(2027, 1, 16, 23),
        1,
        False,
    )
    notice = Notice.objects.get(kind="planned.reschedule")
    _, event = invitation(notice)
    assert (event["SEQUENCE"], event.decoded("DTSTART")) == (1, utc(2027, 1, 16, 21))
    assert {a for k, _, a in sent(work) if k == "reschedule"} == {
        "all@example.com",
        "ann@acme.example",
        "bob@beta.example",
        "voice-fan@example.com",
    }
    event = Event.objects.get(kind="planned.rescheduled")
    assert [v["code"] for v in event.details["violations"]] == ["too_little_notice"]


def test_a_recurring_window_keeps_its_local_time_across_the_dst_change(world, clock):
    # Saturdays 22:00–02:00 Amsterdam; the clocks go forward on Sun 28 Mar 2027.
    work = draft(
        world,
        "seed-001",
        "scheduled-maintenance",
        start=utc(2027, 3, 20, 21),
        end=utc(2027, 3, 21, 1),
        time_zone="Europe/Amsterdam",
        rrule="FREQ=WEEKLY;BYDAY=SA;COUNT=3",
    )
    windows = list(Window.objects.filter(work=work).values_list("start_at", "end_at"))
    assert windows == [
        (utc(2027, 3, 20, 21), utc(2027, 3, 21, 1)),
        (utc(2027, 3, 27, 21), utc(2027, 3, 28, 1)),  # 02:00 does not exist: 03:00 CEST
        (utc(2027, 4, 3, 20), utc(2027, 4, 4, 0)),  # 22:00 CEST
    ]
    work = services.publish(work, actor="cody", role="communicator")
    services.cancel(work, actor="cody", role="communicator", reason="Easter", window=1)
    for at in [utc(2027, 3, 6, 21), utc(2027, 3, 13, 21), utc(2027, 3, 20, 21)]:
        tick(clock, at)
    announced = sorted(
        (n.due_at, n.key.split(":")[2])
        for n in Notice.objects.filter(kind="planned.announcement", cancelled_at__isnull=True)
    )
    # Two weeks before each, at 22:00 local: the third in CET, two weeks before a CEST start.
    assert announced == [(utc(2027, 3, 6, 21), "0"), (utc(2027, 3, 20, 21), "2")]
    assert [w.state for w in Window.objects.filter(work=work)] == [
        "in_progress",
        "cancelled",
        "scheduled",
    ]


def test_a_reminder_due_while_no_worker_ran_goes_out_late_once(world, clock):
    work = draft(
        world, "seed-002", "scheduled-maintenance", start=utc(2027, 1, 19, 19), shutdown=True
    )
    services.publish(work, actor="cody", role="communicator")
    tick(clock, utc(2027, 1, 12, 19))
    tick(clock, utc(2027, 1, 16, 20, 30))  # the 3-day reminder was due at 19:00
    tick(clock, utc(2027, 1, 16, 20, 31))
    late = [(k, t) for k, t, a in sent(work) if a == "bob@beta.example"]
    assert late == [
        ("announcement", utc(2027, 1, 12, 19)),
        ("shutdown_reminders", utc(2027, 1, 16, 20, 30)),
    ]
    (event,) = Event.objects.filter(kind="notice.late")
    assert (event.details["delay_seconds"], event.details["due_at"]) == (
        5400,
        "2027-01-16T19:00:00+00:00",
    )


def test_windows_due_together_start_together_and_a_bad_one_rolls_back_alone(
    world, clock, monkeypatch
):
    # The scheduler advances the windows due at one tick in one transaction; when one of them
    # fails, nothing of that transaction is kept, each is taken again alone: the good ones
    # start (once), the bad one is pushed RETRY_AFTER on and the error still surfaces.
    import pytest

    from forewarn.planned import jobs, runner

    start, end = utc(2027, 1, 20, 9), utc(2027, 1, 20, 11)
    works = [
        services.publish(
            draft(world, "seed-003", "maintenance", title=f"Work {n}", start=start, end=end),
            actor="cody",
            role="communicator",
        )
        for n in range(3)
    ]
    bad = works[2]
    real = runner.advance

    def broken_for_bad(window, now):
        if window.work_id == bad.pk:
            raise RuntimeError("a window that cannot start")
        return real(window, now)

    monkeypatch.setattr(runner, "advance", broken_for_bad)
    clock.move_to(start)
    with pytest.raises(RuntimeError):
        jobs.planned_transitions()
    states = dict(Window.objects.values_list("work_id", "state"))
    assert [states[w.pk] for w in works] == ["in_progress", "in_progress", "scheduled"]
    started = Event.objects.filter(kind="planned.started")
    assert sorted(started.values_list("subject_id", flat=True)) == sorted(
        str(w.pk) for w in works[:2]
    )
    retry = Window.objects.get(work=bad).next_transition_at
    assert retry == start + jobs.RETRY_AFTER
    monkeypatch.setattr(runner, "advance", real)
    assert jobs.planned_transitions() == 0  # the started ones are not due; the bad one waits
    clock.move_to(retry)
    assert jobs.planned_transitions() == 1
    assert Window.objects.get(work=bad).state == "in_progress"
    assert started.count() == 3  # each started once


def test_windows_due_together_are_advanced_by_one_claim_each(world, clock):
    # Together or alone, a window is claimed by its conditional UPDATE: one already claimed
    # (by another worker) is left alone.
    from forewarn.planned import jobs

    start, end = utc(2027, 1, 20, 9), utc(2027, 1, 20, 11)
    works = [
        services.publish(
            draft(world, "seed-003", "maintenance", title=f"Work {n}", start=start, end=end),
            actor="cody",
            role="communicator",
        )
        for n in range(2)
    ]
    clock.move_to(start)
    due = [
        (w.pk, w.work_id, w.next_transition_at)
        for w in Window.objects.filter(work__in=works).order_by("pk")
    ]
    Window.objects.filter(pk=due[0][0]).update(next_transition_at=None)  # claimed elsewhere
    assert jobs.advance_together(due, start) == 1
    states = dict(Window.objects.values_list("work_id", "state"))
    assert [states[w.pk] for w in works] == ["scheduled", "in_progress"]
