"""Properties of the `business_days` notice deadline: it never leaves fewer than N whole
business days before the start, and it is the latest instant that leaves them."""

from datetime import time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from forewarn.calendars.engine import BusinessCalendar, preset, weekly_hours
from tests.calendars.test_properties import ODD_HOURS, instants

TICK = timedelta.resolution
NL, US = preset("nl-business"), preset("us-support")
NIGHTS = BusinessCalendar("Europe/Amsterdam", weekly_hours(time(22), time(6), range(7)))
# Both presets open the same hours on every business date, and no clock change falls inside
# them: a business day is 8.5 h of opening on nl-business and 13 h on us-support.
UNIFORM = [(NL, timedelta(hours=8.5)), (US, timedelta(hours=13))]

days = st.integers(0, 25)
fast = settings(max_examples=300, deadline=None)


@fast
@given(st.sampled_from(UNIFORM), instants, days)
def test_exactly_n_business_days_of_opening_remain_and_not_a_moment_more(uniform, start, n):
    calendar, day = uniform
    due = calendar.business_days_before(start, n)
    # N days' worth of opening before the start, and the latest instant with that much.
    assert due == calendar.add_business_time(start, -n * day)
    assert calendar.business_time_between(due, start) == n * day
    if n:
        assert calendar.is_open(due)
        assert calendar.business_time_between(due + TICK, start) < n * day


@fast
@given(st.sampled_from(UNIFORM), instants, days.filter(bool))
def test_n_business_dates_lie_whole_between_or_n_minus_one_and_two_parts(uniform, start, n):
    calendar, day = uniform
    due = calendar.business_days_before(start, n)
    whole = [
        (opens, closes)
        for opens, closes in calendar.open_intervals(due, start)
        if closes - opens == day
    ]
    if calendar.is_open(start):
        # Inside opening hours: today's answer, the same wall-clock time N business dates back.
        assert due == calendar.add_business_days(start, -n)
    if calendar.is_open(start) and calendar.is_open(start - TICK):
        # The morning of the start's day and the afternoon of the N-th before make one.
        assert len(whole) == n - 1
    else:
        # Outside opening hours, or at an opening: N business dates whole, from the first.
        assert len(whole) == n
        assert whole[0][0] == due


@fast
@given(st.sampled_from([NL, US, ODD_HOURS, NIGHTS]), instants, instants, days)
def test_the_deadline_is_the_latest_instant_and_after_is_its_inverse(calendar, a, b, n):
    due = calendar.business_days_before(a, n)
    assert due <= a
    earliest = calendar.business_days_after(b, n)
    assert earliest >= b
    # Announced at b, a start may be placed at `earliest` and no earlier...
    assert calendar.business_days_before(earliest, n) >= b
    # ... and a start at a may be announced up to `due` and no later.
    assert calendar.business_days_after(due, n) <= a
    if n:
        assert calendar.business_days_before(earliest - TICK, n) < b
        assert calendar.business_days_after(due + TICK, n) > a


@fast
@given(st.sampled_from([NL, US, ODD_HOURS, NIGHTS]), instants, instants, days)
def test_a_later_start_never_has_an_earlier_deadline(calendar, a, b, n):
    a, b = sorted((a, b))
    assert calendar.business_days_before(a, n) <= calendar.business_days_before(b, n)
    assert calendar.business_days_after(a, n) <= calendar.business_days_after(b, n)


@fast
@given(st.sampled_from(UNIFORM), instants, days, days)
def test_counting_back_in_two_steps_is_counting_back_once(uniform, start, n, m):
    calendar, _ = uniform
    once = calendar.business_days_before(start, n + m)
    assert calendar.business_days_before(calendar.business_days_before(start, n), m) == once
