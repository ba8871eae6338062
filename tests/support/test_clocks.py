"""The support clocks, pure: seed 001 §5's targets in Business Hours across a Friday afternoon,
a weekend, 5 May, Good Friday and the DST change; pauses; reclassification; after hours."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forewarn.calendars.engine import preset
from forewarn.support.clocks import (
    SEED_001,
    Clock,
    ClockState,
    Targets,
    around_the_clock,
    clock_starts_at,
    route,
    running_time,
    state,
)
from forewarn.support.lifecycle import Priority

AMS = ZoneInfo("Europe/Amsterdam")
NYC = ZoneInfo("America/New_York")
NL = preset("nl-business")  # Mon–Fri 08:30–17:00 Amsterdam, general Dutch holidays
US = preset("us-support")  # Mon–Fri 08:00 New York – 18:00 Los Angeles, US federal holidays


def ams(*args) -> datetime:
    return datetime(*args, tzinfo=AMS)


def first_response(priority: str, at: datetime, calendar=NL) -> Clock:
    return Clock(at, SEED_001.first_response_for(priority, calendar), calendar)


@pytest.mark.parametrize(
    ("case", "priority", "opened", "due"),
    [
        # Friday afternoon: High at 16:30 has 30 minutes on Friday, 30 on Monday.
        ("friday afternoon", Priority.HIGH, ams(2026, 12, 4, 16, 30), ams(2026, 12, 7, 9, 0)),
        # A weekend: nothing counts until Monday 08:30; Normal is 8 of Monday's 8.5 hours.
        ("saturday", Priority.NORMAL, ams(2026, 12, 5, 11, 0), ams(2026, 12, 7, 16, 30)),
        # Unclassified: one business day, seed 001's "eight consecutive Business Hours".
        ("unclassified", Priority.UNCLASSIFIED, ams(2026, 12, 7, 10, 0), ams(2026, 12, 8, 9, 30)),
        # 5 May 2027 (Liberation Day, every year) and 6 May (Ascension Day) are closed:
        # 1 hour on Tuesday, the other 7 on Friday.
        ("5 May", Priority.NORMAL, ams(2027, 5, 4, 16, 0), ams(2027, 5, 7, 15, 30)),
        # Good Friday (26 March 2027) and Easter Monday are closed; DST begins on the Sunday.
        ("good friday", Priority.HIGH, ams(2027, 3, 25, 16, 30), ams(2027, 3, 30, 9, 0)),
        # The autumn DST change (25 October 2026): Friday 16:00 CEST, 1 hour then, 7 on
        # Monday in CET: 15:30 CET, which is 14:30 UTC (on Friday 16:00 was 14:00 UTC).
        ("dst", Priority.NORMAL, ams(2026, 10, 23, 16, 0), ams(2026, 10, 26, 15, 30)),
    ],
)
def test_first_response_due_in_business_hours(case, priority, opened, due):
    clock = first_response(priority, opened)
    assert clock.due_at() == due.astimezone(UTC)
    assert clock.elapsed(due) == clock.target


def test_the_dst_case_in_utc():
    clock = first_response(Priority.NORMAL, ams(2026, 10, 23, 16, 0))
    assert clock.started_at.astimezone(UTC) == datetime(2026, 10, 23, 14, 0, tzinfo=UTC)
    assert clock.due_at() == datetime(2026, 10, 26, 14, 30, tzinfo=UTC)


def test_seed_004_after_hours_starts_at_the_next_opening_in_new_york():
    # Friday 19:00 in Los Angeles is after 18:00 there: the clock starts Monday 08:00 New York.
    friday_evening = datetime(2026, 12, 4, 19, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert clock_starts_at(US, friday_evening) == datetime(2026, 12, 7, 8, 0, tzinfo=NYC)
    clock = first_response(Priority.HIGH, friday_evening, US)
    assert clock.due_at() == datetime(2026, 12, 7, 9, 0, tzinfo=NYC)


def test_the_warning_comes_at_75_percent():
    clock = first_response(Priority.NORMAL, ams(2026, 12, 7, 8, 30))
    assert clock.warn_at() == ams(2026, 12, 7, 14, 30).astimezone(UTC)


def test_a_pause_while_waiting_on_the_customer_moves_the_due_instant_on():
    opened = ams(2026, 12, 7, 9, 0)  # Monday; Normal (8 h) due at 17:00
    plain = first_response(Priority.NORMAL, opened)
    assert plain.due_at() == ams(2026, 12, 7, 17, 0).astimezone(UTC)
    paused = Clock(opened, plain.target, NL, ((ams(2026, 12, 7, 10, 0), None),))
    assert paused.due_at() is None  # waiting: no due instant
    assert paused.left(ams(2026, 12, 7, 15, 0)) == timedelta(hours=7)  # 1 h ran before the pause
    assert state(paused, stopped_at=None, now=ams(2026, 12, 7, 15, 0)) is ClockState.PAUSED
    resumed = Clock(opened, plain.target, NL, ((ams(2026, 12, 7, 10, 0), ams(2026, 12, 7, 14, 0)),))
    # 1 h before, 3 h after on Monday (14:00–17:00), 4 h on Tuesday from 08:30.
    assert resumed.due_at() == ams(2026, 12, 8, 12, 30).astimezone(UTC)
    assert resumed.elapsed(ams(2026, 12, 8, 12, 30)) == timedelta(hours=8)


def test_a_pause_after_the_due_instant_does_not_move_it():
    opened = ams(2026, 12, 7, 9, 0)
    clock = Clock(opened, timedelta(hours=1), NL, ((ams(2026, 12, 7, 11, 0), None),))
    assert clock.due_at() == ams(2026, 12, 7, 10, 0).astimezone(UTC)
    assert state(clock, stopped_at=None, now=ams(2026, 12, 7, 12, 0)) is ClockState.BREACHED


def test_reclassification_recomputes_from_creation_and_back():
    opened = ams(2026, 12, 4, 15, 0)  # Friday 15:00
    high = first_response(Priority.HIGH, opened)
    normal = first_response(Priority.NORMAL, opened)
    assert high.due_at() == ams(2026, 12, 4, 16, 0).astimezone(UTC)
    assert normal.due_at() == ams(2026, 12, 7, 14, 30).astimezone(UTC)  # 2 h Fri + 6 h Mon
    assert first_response(Priority.HIGH, opened).due_at() == high.due_at()


def test_answers_count_as_met_or_breached():
    clock = first_response(Priority.HIGH, ams(2026, 12, 7, 9, 0))
    assert (
        state(clock, stopped_at=ams(2026, 12, 7, 9, 59), now=ams(2026, 12, 8, 9)) is ClockState.MET
    )
    assert (
        state(clock, stopped_at=ams(2026, 12, 7, 10, 1), now=ams(2026, 12, 8, 9))
        is ClockState.BREACHED
    )
    assert state(None, stopped_at=None, now=ams(2026, 12, 8, 9)) is ClockState.NONE


def test_an_emergency_after_hours_goes_on_call_and_a_normal_request_waits():
    saturday = ams(2026, 12, 5, 3, 0)
    emergency = route(
        priority=Priority.HIGH,
        emergency=True,
        at=saturday,
        calendar=NL,
        targets=SEED_001,
        on_call_target=timedelta(minutes=30),
    )
    assert emergency.on_call
    assert Clock(saturday, emergency.target, emergency.calendar).due_at() == ams(
        2026, 12, 5, 3, 30
    ).astimezone(UTC)
    normal = route(
        priority=Priority.HIGH, emergency=False, at=saturday, calendar=NL, targets=SEED_001
    )
    assert (normal.on_call, normal.target) == (False, timedelta(hours=1))
    in_hours = route(
        priority=Priority.HIGH,
        emergency=True,
        at=ams(2026, 12, 7, 10, 0),
        calendar=NL,
        targets=SEED_001,
        on_call_target=timedelta(minutes=30),
    )
    assert (in_hours.on_call, in_hours.target) == (False, timedelta(hours=1))


def test_configured_targets():
    targets = Targets(
        first_response={Priority.HIGH: timedelta(minutes=30), Priority.NORMAL: timedelta(hours=4)},
        resolution={Priority.HIGH: timedelta(hours=8)},
    )
    assert targets.first_response_for(Priority.UNCLASSIFIED, US) == timedelta(hours=8)
    assert targets.resolution_for(Priority.HIGH) == timedelta(hours=8)
    assert targets.resolution_for(Priority.NORMAL) is None
    with pytest.raises(ValueError, match="first_response: the high target must be positive"):
        Targets(first_response={Priority.HIGH: timedelta(0)})


def test_around_the_clock_is_always_open():
    always = around_the_clock()
    assert always.add_business_time(ams(2026, 12, 25, 23, 0), timedelta(hours=2)) == ams(
        2026, 12, 26, 1, 0
    ).astimezone(UTC)


instants = st.datetimes(datetime(2025, 1, 1), datetime(2027, 12, 31), timezones=st.just(AMS))


@settings(max_examples=200, deadline=None)
@given(
    start=instants,
    target_minutes=st.integers(1, 3000),
    pause_at=st.integers(0, 5000),
    pause_for=st.integers(1, 5000),
    calendar=st.sampled_from([NL, US]),
)
def test_the_due_instant_is_where_the_running_time_reaches_the_target(
    start, target_minutes, pause_at, pause_for, calendar
):
    paused = start + timedelta(minutes=pause_at)
    pauses = ((paused, paused + timedelta(minutes=pause_for)),)
    clock = Clock(start, timedelta(minutes=target_minutes), calendar, pauses)
    due = clock.due_at()
    assert running_time(calendar, start, due, pauses) == clock.target
    assert due >= Clock(start, clock.target, calendar).due_at()
