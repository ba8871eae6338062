import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from forewarn.calendars.engine import BusinessCalendar, OpeningRange, preset, weekly_hours
from forewarn.calendars.holiday_sets import HolidaySet

AMS = ZoneInfo("Europe/Amsterdam")
NY = ZoneInfo("America/New_York")
NL = preset("nl-business")
US = preset("us-support")
H = timedelta(hours=1)


def ams(*args):
    return datetime(*args, tzinfo=AMS)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        # Inside one day, and exactly up to closing: the closing instant, not Monday 08:30.
        (ams(2025, 6, 2, 9, 0), 2 * H, utc(2025, 6, 2, 9, 0)),
        (ams(2025, 3, 24, 8, 30), timedelta(hours=42, minutes=30), utc(2025, 3, 28, 16, 0)),
        # Clocks go forward on Sunday 30 March 2025: Friday CET, Monday CEST.
        (ams(2025, 3, 28, 16, 0), 2 * H, utc(2025, 3, 31, 7, 30)),
        # Clocks go back on Sunday 26 October 2025: Friday CEST, Monday CET.
        (ams(2025, 10, 24, 16, 0), 2 * H, utc(2025, 10, 27, 8, 30)),
        # Started at night or on a weekend: counted from the next opening.
        (ams(2025, 3, 29, 2, 30), H, utc(2025, 3, 31, 7, 30)),
        (ams(2025, 10, 26, 2, 30, 0), H, utc(2025, 10, 27, 8, 30)),
        # Good Friday and Easter Monday 2025 closed.
        (ams(2025, 4, 17, 16, 0), 2 * H, utc(2025, 4, 22, 7, 30)),
        # 5 May closed in 2026, not a lustrum year.
        (ams(2026, 5, 4, 16, 0), 2 * H, utc(2026, 5, 6, 7, 30)),
        # King's Day on Monday 27 April 2026.
        (ams(2026, 4, 24, 16, 0), 2 * H, utc(2026, 4, 28, 7, 30)),
        # Christmas Day and the Second Day of Christmas 2025 (Thursday, Friday).
        (ams(2025, 12, 24, 16, 0), 2 * H, utc(2025, 12, 29, 8, 30)),
        # Seed 001's business day (8 business hours) from Friday afternoon.
        (ams(2025, 11, 14, 15, 0), NL.business_day, utc(2025, 11, 17, 13, 30)),
        # Subtracting: back over the weekend, and onto an opening edge not Friday 17:00.
        (ams(2025, 3, 31, 9, 30), -2 * H, utc(2025, 3, 28, 15, 0)),
        (ams(2025, 3, 31, 9, 30), -H, utc(2025, 3, 31, 6, 30)),
        (ams(2025, 4, 22, 9, 0), -H, utc(2025, 4, 17, 14, 30)),
        # Zero is the start itself, open or not.
        (ams(2025, 3, 29, 12, 0), timedelta(0), utc(2025, 3, 29, 11, 0)),
        # Over New Year into a year not computed before.
        (ams(2031, 12, 31, 16, 0), 2 * H, utc(2032, 1, 2, 8, 30)),
    ],
)
def test_nl_business_add_business_time(start, duration, expected):
    assert NL.add_business_time(start, duration) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (ams(2025, 3, 28, 16, 0), ams(2025, 3, 31, 9, 30), 2 * H),
        (ams(2025, 10, 24, 0, 0), ams(2025, 10, 28, 0, 0), 17 * H),
        (ams(2025, 4, 17, 0, 0), ams(2025, 4, 23, 0, 0), 17 * H),  # Thu + Tue only
        (ams(2025, 12, 22, 0, 0), ams(2026, 1, 3, 0, 0), timedelta(hours=8.5 * 7)),  # not 25, 26, 1
        (ams(2025, 3, 31, 9, 30), ams(2025, 3, 28, 16, 0), -2 * H),
        (ams(2025, 3, 29, 10, 0), ams(2025, 3, 30, 10, 0), timedelta(0)),
    ],
)
def test_nl_business_time_between(a, b, expected):
    assert NL.business_time_between(a, b) == expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Weekend and holidays skipped; the start's own date not counted.
        (ams(2025, 4, 17, 10, 0), 1, utc(2025, 4, 22, 8, 0)),
        (ams(2025, 4, 18, 10, 0), 1, utc(2025, 4, 22, 8, 0)),
        (ams(2026, 5, 6, 10, 0), -2, utc(2026, 5, 1, 8, 0)),
        # Same wall-clock time across the DST change, outside opening hours too.
        (ams(2025, 3, 28, 10, 0), 1, utc(2025, 3, 31, 8, 0)),
        (ams(2025, 10, 27, 23, 0), -1, utc(2025, 10, 24, 21, 0)),
        (ams(2025, 6, 2, 10, 0), 0, utc(2025, 6, 2, 8, 0)),
        # Seed 000's "at least 3 business days" before Tuesday 23 December 2025 10:00.
        (ams(2025, 12, 23, 10, 0), -3, utc(2025, 12, 18, 9, 0)),
    ],
)
def test_nl_business_add_business_days(start, n, expected):
    assert NL.add_business_days(start, n) == expected


def test_subtract_business_days_is_adding_minus_n():
    start = ams(2026, 5, 6, 10, 0)
    assert NL.subtract_business_days(start, 2) == utc(2026, 5, 1, 8, 0)


def test_wall_clock_gap_moves_forward_and_repeat_takes_the_first():
    every_day = BusinessCalendar("Europe/Amsterdam", weekly_hours(time(9), time(17), range(7)))
    assert every_day.add_business_days(ams(2025, 3, 29, 2, 30), 1) == utc(2025, 3, 30, 1, 30)
    assert every_day.add_calendar_days(ams(2025, 3, 29, 2, 30), 1) == utc(2025, 3, 30, 1, 30)
    assert every_day.add_calendar_days(ams(2025, 10, 25, 2, 30), 1) == utc(2025, 10, 26, 0, 30)
    second_half_hour = datetime(2025, 10, 26, 2, 30, fold=1, tzinfo=AMS)
    assert every_day.add_calendar_days(second_half_hour, -1) == utc(2025, 10, 25, 0, 30)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 4, 25), True),
        (date(2025, 4, 26), False),  # King's Day, a Saturday anyway
        (date(2026, 4, 27), False),  # King's Day on a Monday
        (date(2026, 5, 5), False),
        (date(2027, 5, 5), False),
        (date(2099, 5, 5), False),  # any year the arithmetic reaches
        (date(2025, 4, 18), False),
        (date(2025, 12, 26), False),
        (date(2025, 3, 30), False),
        (date(2025, 3, 31), True),
    ],
)
def test_nl_business_is_business_date(day, expected):
    assert NL.is_business_date(day) is expected


def test_nl_business_is_open_and_edges():
    assert NL.is_open(ams(2025, 6, 2, 8, 30))
    assert NL.is_open(ams(2025, 6, 2, 16, 59, 59, 999999))
    assert not NL.is_open(ams(2025, 6, 2, 17, 0))
    assert not NL.is_open(ams(2025, 6, 2, 8, 29))
    assert NL.next_open(ams(2025, 3, 28, 17, 0)) == utc(2025, 3, 31, 6, 30)
    assert NL.next_open(ams(2025, 6, 2, 12, 0)) == utc(2025, 6, 2, 10, 0)
    assert NL.next_close(ams(2025, 6, 2, 12, 0)) == utc(2025, 6, 2, 15, 0)
    assert NL.next_close(ams(2025, 10, 24, 17, 0)) == utc(2025, 10, 27, 16, 0)


def test_nl_business_open_intervals_across_dst():
    assert NL.open_intervals(ams(2025, 3, 28, 12, 0), ams(2025, 4, 1, 0, 0)) == [
        (utc(2025, 3, 28, 11, 0), utc(2025, 3, 28, 16, 0)),
        (utc(2025, 3, 31, 6, 30), utc(2025, 3, 31, 15, 0)),
    ]
    assert NL.open_intervals(ams(2025, 4, 1), ams(2025, 3, 28)) == []


@pytest.mark.parametrize(
    ("day", "opens", "closes"),
    [
        # 08:00 EST is 13:00 UTC, 18:00 PST is 02:00 UTC the next day.
        (date(2025, 1, 6), utc(2025, 1, 6, 13), utc(2025, 1, 7, 2)),
        # Summer: 08:00 EDT is 12:00 UTC, 18:00 PDT is 01:00 UTC the next day.
        (date(2025, 7, 7), utc(2025, 7, 7, 12), utc(2025, 7, 8, 1)),
        # Monday after the US change of 9 March 2025.
        (date(2025, 3, 10), utc(2025, 3, 10, 12), utc(2025, 3, 11, 1)),
    ],
)
def test_us_support_opens_in_new_york_and_closes_in_los_angeles(day, opens, closes):
    start = datetime.combine(day, time(0), tzinfo=NY)
    assert US.open_intervals(start, start + timedelta(days=1)) == [(opens, closes)]
    assert US.business_time_between(opens, closes) == 13 * H


def test_us_support_federal_holidays_and_evening_close():
    assert US.is_open(utc(2025, 1, 7, 1, 30))  # Monday 17:30 in Los Angeles
    assert not US.is_open(utc(2025, 1, 7, 2, 0))
    assert not US.is_business_date(date(2025, 7, 4))
    assert not US.is_business_date(date(2026, 7, 3))  # Independence Day observed
    # Thursday 3 July 2025 20:00 EDT + 2 h: one hour to the close, then Monday.
    assert US.add_business_time(utc(2025, 7, 4, 0), 2 * H) == utc(2025, 7, 7, 13)


def test_holidays_close_the_whole_local_day_even_an_overnight_range():
    nights = BusinessCalendar(
        "Europe/Amsterdam",
        (OpeningRange(6, time(22), time(6)),),
        holidays=frozenset({date(2025, 6, 9)}),
    )
    assert nights.open_intervals(ams(2025, 6, 1), ams(2025, 6, 11)) == [
        (utc(2025, 6, 1, 20), utc(2025, 6, 2, 4)),
        (utc(2025, 6, 8, 20), utc(2025, 6, 8, 22)),
    ]


def test_closures_remove_time_and_a_full_day_closure_removes_the_business_date():
    closures = (
        (ams(2025, 6, 2, 12, 0), ams(2025, 6, 2, 14, 0)),
        (ams(2025, 6, 3, 0, 0), ams(2025, 6, 4, 0, 0)),
    )
    closed = BusinessCalendar("Europe/Amsterdam", NL.hours, NL.holidays, closures)
    assert closed.business_time_between(ams(2025, 6, 2), ams(2025, 6, 3)) == 6.5 * H
    assert closed.is_business_date(date(2025, 6, 2))
    assert not closed.is_business_date(date(2025, 6, 3))
    assert closed.add_business_days(ams(2025, 6, 2, 10), 1) == utc(2025, 6, 4, 8)
    assert closed.add_business_time(ams(2025, 6, 2, 11), 2 * H) == utc(2025, 6, 2, 13)


def test_several_ranges_a_day_and_a_plain_holiday_set():
    split = BusinessCalendar(
        "Europe/Amsterdam",
        weekly_hours(time(9), time(12)) + weekly_hours(time(13), time(17)),
        holidays={date(2025, 6, 3)},
    )
    assert split.add_business_time(ams(2025, 6, 2, 11), 2 * H) == utc(2025, 6, 2, 12)
    assert split.add_business_time(ams(2025, 6, 2, 16), 2 * H) == utc(2025, 6, 4, 8)
    assert split.business_time_between(ams(2025, 6, 2), ams(2025, 6, 5)) == 14 * H


def test_answers_do_not_depend_on_which_years_were_computed_first():
    rng = random.Random(7)
    warm = preset("nl-business")
    for _ in range(40):
        start = utc(2019, 1, 1) + timedelta(minutes=rng.randrange(60 * 24 * 365 * 12))
        duration = timedelta(minutes=rng.randrange(-30000, 30000))
        fresh = BusinessCalendar(NL.zone, NL.hours, NL.holidays)
        assert fresh.add_business_time(start, duration) == warm.add_business_time(start, duration)


def test_a_calendar_that_never_opens_is_a_clear_error():
    every_day_off = BusinessCalendar("UTC", NL.hours, holidays=lambda year: _all_days(year))
    with pytest.raises(
        ValueError, match="never opens \\(or never closes\\) within 100 years of 2025-01-01"
    ):
        every_day_off.add_business_time(utc(2025, 1, 1), H)


def _all_days(year):
    return {
        date(year, 1, 1) + timedelta(days=k)
        for k in range(366)
        if (date(year, 1, 1) + timedelta(days=k)).year == year
    }


@pytest.mark.parametrize(
    "call",
    [
        lambda naive: NL.is_open(naive),
        lambda naive: NL.next_open(naive),
        lambda naive: NL.next_close(naive),
        lambda naive: NL.add_business_time(naive, H),
        lambda naive: NL.business_time_between(naive, utc(2025, 1, 1)),
        lambda naive: NL.open_intervals(utc(2025, 1, 1), naive),
        lambda naive: NL.add_business_days(naive, 1),
        lambda naive: NL.add_calendar_days(naive, 1),
    ],
)
def test_naive_datetime_is_rejected(call):
    with pytest.raises(ValueError, match="naive datetime 2025-06-02T10:00:00"):
        call(datetime(2025, 6, 2, 10, 0))


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: OpeningRange(7, time(9), time(17)), "weekday"),
        (lambda: OpeningRange(0, time(9, tzinfo=UTC), time(17)), "wall-clock"),
        (lambda: OpeningRange(0, time(9), time(17), "Mars/Olympus"), "unknown time zone"),
        (lambda: BusinessCalendar("Europe/Amsterdam", ()), "at least one"),
        (lambda: BusinessCalendar("Nowhere", NL.hours), "unknown time zone"),
        (
            lambda: BusinessCalendar(
                "UTC", NL.hours, closures=((utc(2025, 1, 2), utc(2025, 1, 1)),)
            ),
            "end after",
        ),
        (lambda: BusinessCalendar("UTC", NL.hours, business_day=timedelta(0)), "positive"),
        (lambda: preset("mars-business"), "unknown calendar preset"),
    ],
)
def test_bad_configuration_is_a_clear_error(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_calendars_compare_and_hash_by_their_rules():
    same = BusinessCalendar("Europe/Amsterdam", list(NL.hours), HolidaySet("nl-general"))
    assert same == NL
    assert hash(same) == hash(NL)
