from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from forewarn.calendars.engine import BusinessCalendar, OpeningRange, preset
from forewarn.calendars.holiday_sets import HolidaySet

AMS = ZoneInfo("Europe/Amsterdam")
TICK = timedelta(microseconds=1)

# Split days, an overnight range, a whole Saturday, a Sunday range over the DST hour,
# a range closing in another zone, country holidays and one-off closures.
ODD_HOURS = BusinessCalendar(
    "Europe/Amsterdam",
    (
        OpeningRange(0, time(7), time(12)),
        OpeningRange(0, time(13), time(18)),
        OpeningRange(2, time(22), time(6)),
        OpeningRange(4, time(9), time(17), "America/New_York"),
        OpeningRange(5, time(0), time(0)),
        OpeningRange(6, time(1, 30), time(3, 30)),
    ),
    HolidaySet("NL", added=frozenset({date(2026, 6, 1)})),
    closures=(
        (datetime(2025, 6, 2, 9, tzinfo=AMS), datetime(2025, 6, 2, 15, tzinfo=AMS)),
        (datetime(2025, 6, 6, 0, tzinfo=AMS), datetime(2025, 6, 8, 2, tzinfo=AMS)),
    ),
)
CALENDARS = [preset("nl-business"), preset("us-support"), ODD_HOURS]

calendars = st.sampled_from(CALENDARS)
zones = st.sampled_from([UTC, AMS, ZoneInfo("America/New_York"), ZoneInfo("Asia/Tokyo")])
anywhere = st.datetimes(datetime(2024, 1, 1), datetime(2027, 12, 31), timezones=zones)
edges = st.builds(
    lambda day, clock: datetime.combine(day, clock, tzinfo=AMS),
    st.dates(date(2024, 1, 1), date(2027, 12, 31)),
    st.sampled_from([time(0), time(7), time(8, 30), time(12), time(17), time(18), time(2, 30)]),
)
instants = st.one_of(anywhere, edges)
durations = st.one_of(
    st.timedeltas(timedelta(0), timedelta(hours=400)),
    st.integers(0, 400 * 4).map(lambda quarters: timedelta(minutes=15 * quarters)),
)

fast = settings(max_examples=300, deadline=None)


@fast
@given(calendars, instants, durations)
def test_time_between_start_and_sum_is_the_duration(calendar, t, d):
    assert calendar.business_time_between(t, calendar.add_business_time(t, d)) == d
    assert calendar.business_time_between(t, calendar.add_business_time(t, -d)) == -d


@fast
@given(calendars, instants, durations.filter(bool))
def test_sum_is_open_or_exactly_a_closing_edge(calendar, t, d):
    later = calendar.add_business_time(t, d)
    assert calendar.is_open(later) or (calendar.is_open(later - TICK) and later > t)
    assert calendar.is_open(calendar.add_business_time(t, -d))


@fast
@given(calendars, instants, durations, durations)
def test_adding_more_never_lands_earlier(calendar, t, d1, d2):
    d1, d2 = sorted((d1, d2))
    assert calendar.add_business_time(t, d1) <= calendar.add_business_time(t, d2)
    assert calendar.add_business_time(t, -d1) >= calendar.add_business_time(t, -d2)


@fast
@given(calendars, instants, durations.filter(bool))
def test_subtracting_undoes_adding_up_to_the_next_opening(calendar, t, d):
    there = calendar.add_business_time(t, d)
    assert calendar.add_business_time(there, -d) == calendar.next_open(t)
    back = calendar.add_business_time(calendar.add_business_time(t, -d), d)
    assert back <= t
    assert calendar.business_time_between(back, t) == timedelta(0)


@fast
@given(calendars, instants, durations, durations)
def test_adding_in_two_steps_is_adding_once(calendar, t, d1, d2):
    in_steps = calendar.add_business_time(calendar.add_business_time(t, d1), d2)
    assert d1 == timedelta(0) or in_steps == calendar.add_business_time(t, d1 + d2)


@fast
@given(calendars, instants, instants, instants)
def test_time_between_adds_up_and_matches_open_intervals(calendar, a, b, c):
    between = calendar.business_time_between
    assert between(a, b) + between(b, c) == between(a, c)
    assert between(b, a) == -between(a, b)
    a, b = sorted((a, b))
    intervals = calendar.open_intervals(a, b)
    assert sum((closes - opens for opens, closes in intervals), timedelta(0)) == between(a, b)
    for opens, closes in intervals:
        assert calendar.is_open(opens)
        # A wall-clock time in a DST gap never compares equal across zones (PEP 495).
        assert closes == b.astimezone(UTC) or not calendar.is_open(closes)


@fast
@given(calendars, instants, st.integers(-15, 15))
def test_business_days_land_on_the_nth_business_date(calendar, t, n):
    zone = ZoneInfo(calendar.zone)
    landed = calendar.add_business_days(t, n).astimezone(zone)
    start_on = t.astimezone(zone).date()
    if n >= 0:  # the dates after the start's, up to the landing date
        dates = [
            start_on + timedelta(days=k) for k in range(1, (landed.date() - start_on).days + 1)
        ]
    else:  # the landing date up to the day before the start's
        dates = [landed.date() + timedelta(days=k) for k in range((start_on - landed.date()).days)]
    assert sum(calendar.is_business_date(day) for day in dates) == abs(n)
    assert n == 0 or calendar.is_business_date(landed.date())
    wall = t.astimezone(zone).time().replace(fold=0)
    assert landed.time() == wall or not _exists(landed.date(), wall, zone)


def _exists(day, wall, zone):
    """Whether wall-clock time `wall` occurs on `day` (not in a DST gap)."""
    at = datetime.combine(day, wall, tzinfo=zone)
    return at.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == at.replace(tzinfo=None)
