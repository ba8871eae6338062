"""Every event keeps when it was appended (the clock) beside the instant it claims."""

from datetime import UTC, datetime, timedelta

import time_machine

from forewarn.record.kinds import Kind
from forewarn.record.models import Event
from forewarn.record.services import append

NOW = datetime(2026, 12, 18, 15, 0, tzinfo=UTC)


def test_an_event_of_now_is_entered_at_the_same_instant(db):
    with time_machine.travel(NOW, tick=False):
        event = append(Kind.NOTICE_CANCELLED, description="now")
    assert (event.at, Event.objects.get().entered_at) == (NOW, NOW)


def test_an_event_dated_earlier_keeps_when_it_was_entered(db):
    with time_machine.travel(NOW, tick=False):
        append(Kind.NOTICE_CANCELLED, description="late", at=NOW - timedelta(hours=3))
    event = Event.objects.get()
    assert (event.at, event.entered_at) == (NOW - timedelta(hours=3), NOW)


def test_bulk_appended_events_are_entered_by_the_clock(db):
    with time_machine.travel(NOW, tick=False):
        Event.objects.bulk_create(
            [Event(kind=Kind.NOTICE_CANCELLED, at=NOW - timedelta(days=1)) for _ in range(2)]
        )
    assert list(Event.objects.values_list("entered_at", flat=True)) == [NOW, NOW]
