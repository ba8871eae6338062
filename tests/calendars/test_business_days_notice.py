"""`business_days_before` / `business_days_after`: the deadline of `business_days N` notice,
the latest instant that leaves N whole business days before a start (docs/product.md S2)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from forewarn.calendars.engine import BusinessCalendar, OpeningRange, preset, weekly_hours

AMS = ZoneInfo("Europe/Amsterdam")
NY = ZoneInfo("America/New_York")
NL = preset("nl-business")
US = preset("us-support")
# Night shifts every day, 22:00-06:00: each belongs to the date it opens on, and the one
# from Sat 28 to Sun 29 March 2026 is 7 hours long (clocks go forward at 02:00).
NIGHTS = BusinessCalendar("Europe/Amsterdam", weekly_hours(time(22), time(6), range(7)))


def ams(*args, fold=0):
    return datetime(*args, tzinfo=AMS, fold=fold)


def nyc(*args):
    return datetime(*args, tzinfo=NY)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Issue 10's worked cases: a Saturday-night window needs Mon-Fri whole (not Mon 22:00,
        # which leaves Tue-Fri), and a start inside opening hours keeps its wall-clock time.
        (ams(2027, 1, 16, 22), 5, ams(2027, 1, 11, 8, 30)),
        (ams(2026, 10, 13, 10), 3, ams(2026, 10, 8, 10)),
        # Exactly at opening: the previous business days' whole openings.
        (ams(2026, 10, 12, 8, 30), 1, ams(2026, 10, 9, 8, 30)),
        (ams(2026, 10, 12, 8, 30), 3, ams(2026, 10, 7, 8, 30)),
        # Just before opening is the same place as the opening.
        (ams(2026, 10, 12, 8, 29), 1, ams(2026, 10, 9, 8, 30)),
        # Mid-day, across a weekend.
        (ams(2026, 10, 12, 13, 45), 2, ams(2026, 10, 8, 13, 45)),
        # 17:00 sharp is closed: that day's opening is the first whole business day.
        (ams(2026, 10, 13, 17), 1, ams(2026, 10, 13, 8, 30)),
        (ams(2026, 10, 13, 16, 59), 1, ams(2026, 10, 12, 16, 59)),
        # On a holiday (Christmas Day, a Friday): Tue, Wed, Thu whole, not from Tue 10:00.
        (ams(2026, 12, 25, 10), 3, ams(2026, 12, 22, 8, 30)),
        # On King's Day (Mon 27 Apr 2026): the Friday before, whole.
        (ams(2026, 4, 27, 10), 1, ams(2026, 4, 24, 8, 30)),
        # A start on the Tuesday after King's Day keeps its time on the Friday.
        (ams(2026, 4, 28, 10), 1, ams(2026, 4, 24, 10)),
        # Clocks change inside the span: spring (Sun 29 Mar 2026) and autumn (Sun 25 Oct 2026).
        (ams(2026, 3, 31, 10), 5, ams(2026, 3, 24, 10)),
        (ams(2026, 10, 26, 10), 1, ams(2026, 10, 23, 10)),
        (ams(2026, 3, 30, 7), 1, ams(2026, 3, 27, 8, 30)),
        # In the hour that does not exist (02:30 on 29 Mar 2026) and in the one that occurs
        # twice (02:30 on 25 Oct 2026): outside opening hours either way.
        (ams(2026, 3, 29, 2, 30), 5, ams(2026, 3, 23, 8, 30)),
        (ams(2026, 10, 25, 2, 30, fold=1), 5, ams(2026, 10, 19, 8, 30)),
        # Back across New Year (1 Jan 2027 a holiday).
        (ams(2027, 1, 4, 10), 3, ams(2026, 12, 29, 10)),
    ],
)
def test_nl_business_days_before(start, n, expected):
    due = NL.business_days_before(start, n)
    assert due == expected
    assert due.tzinfo is UTC


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Opens 08:00 New York, closes 18:00 Los Angeles (21:00 New York).
        (nyc(2026, 10, 17, 22), 1, nyc(2026, 10, 16, 8)),
        (nyc(2026, 10, 14, 20, 30), 1, nyc(2026, 10, 13, 20, 30)),
        # Columbus Day (Mon 12 Oct 2026) is a federal holiday: Tuesday counts back to Friday.
        (nyc(2026, 10, 13, 20, 30), 1, nyc(2026, 10, 9, 20, 30)),
        (nyc(2026, 10, 13, 21), 1, nyc(2026, 10, 13, 8)),
        (nyc(2026, 10, 14, 2), 1, nyc(2026, 10, 13, 8)),
        # Across the US change of Sun 8 March 2026: 10:00 EDT on Monday, 10:00 EST on Friday.
        (nyc(2026, 3, 9, 10), 1, nyc(2026, 3, 6, 10)),
        # Thanksgiving (Thu 26 Nov 2026) skipped; a start on it counts back from Wednesday.
        (nyc(2026, 11, 27, 12), 2, nyc(2026, 11, 24, 12)),
        (nyc(2026, 11, 26, 12), 2, nyc(2026, 11, 24, 8)),
    ],
)
def test_us_support_days_before_with_hours_ending_in_another_zone(start, n, expected):
    assert US.business_days_before(start, n) == expected


def test_a_night_shift_belongs_to_the_date_it_opens_on():
    # Tue 03:00 is 5 h into Monday's shift; one business day back is 5 h into Sunday's.
    assert NIGHTS.business_days_before(ams(2026, 6, 9, 3), 1) == ams(2026, 6, 8, 3)
    # Sunday's shift is the business day before Monday's whatever the weekday calendar says.
    assert NIGHTS.business_days_before(ams(2026, 6, 9, 12), 1) == ams(2026, 6, 8, 22)
    weekdays = BusinessCalendar("Europe/Amsterdam", weekly_hours(time(22), time(6)))
    # Tue 03:00 in Monday's shift: Friday's shift, at 03:00 on Saturday. Counting local
    # dates instead would give Mon 03:00, with only the 5 h of Monday's shift left.
    assert weekdays.business_days_before(ams(2026, 6, 9, 3), 1) == ams(2026, 6, 6, 3)
    assert weekdays.add_business_days(ams(2026, 6, 9, 3), -1) == ams(2026, 6, 8, 3)


def test_a_clock_change_inside_an_opening_keeps_the_share_of_the_day():
    # 5 h into Sunday 29 March's 8 h shift (Mon 30 Mar 03:00 CEST); Saturday's shift lasts
    # 7 h, so 5/8 of it is 4 h 22 min 30 s: 03:22:30 CEST on Sunday 29 March.
    start = ams(2026, 3, 30, 3)
    assert NIGHTS.business_days_before(start, 1) == ams(2026, 3, 29, 3, 22, 30)
    assert NIGHTS.business_days_after(ams(2026, 3, 29, 3, 22, 30), 1) == start


def test_closures_inside_a_day_keep_its_hours_and_a_whole_day_closure_removes_it():
    closures = (
        (ams(2026, 6, 3, 9), ams(2026, 6, 3, 14)),  # Wednesday 09:00-14:00 closed
        (ams(2026, 6, 5), ams(2026, 6, 6)),  # Friday closed all day: no business date
    )
    closed = BusinessCalendar("Europe/Amsterdam", NL.hours, NL.holidays, closures)
    # Wednesday is still the business day 08:30-17:00, closed in part: 10:00 is its time.
    assert closed.business_days_before(ams(2026, 6, 4, 10), 1) == ams(2026, 6, 3, 10)
    # Monday at opening: the whole of Thursday (Friday is not a business date).
    assert closed.business_days_before(ams(2026, 6, 8, 8, 30), 1) == ams(2026, 6, 4, 8, 30)


def test_several_ranges_a_day_make_one_business_day():
    split = BusinessCalendar(
        "Europe/Amsterdam", weekly_hours(time(9), time(12)) + weekly_hours(time(13), time(17))
    )
    # The day runs 09:00-17:00, lunch included: Monday 12:30 is due on Friday 12:30.
    assert split.business_days_before(ams(2026, 6, 8, 12, 30), 1) == ams(2026, 6, 5, 12, 30)
    assert split.business_days_before(ams(2026, 6, 8, 17), 2) == ams(2026, 6, 5, 9)


@pytest.mark.parametrize(
    ("given", "n", "expected"),
    [
        # Announced on a Saturday night: Mon-Fri whole, so a start from Friday 17:00.
        (ams(2027, 1, 9, 22), 5, ams(2027, 1, 15, 17)),
        (ams(2026, 10, 8, 10), 3, ams(2026, 10, 13, 10)),
        # At opening: the close of the n-th business date, that one included.
        (ams(2026, 10, 12, 8, 30), 1, ams(2026, 10, 12, 17)),
        # Tue 22 Dec 09:00: Christmas is no business date, so 09:00 on Mon 28 Dec.
        (ams(2026, 12, 22, 9), 3, ams(2026, 12, 28, 9)),
    ],
)
def test_business_days_after_is_the_earliest_start_allowed(given, n, expected):
    assert NL.business_days_after(given, n) == expected
    assert NL.business_days_before(expected, n) >= given
    assert NL.business_days_before(expected - timedelta.resolution, n) < given


def test_zero_days_is_the_instant_itself_and_negative_is_refused():
    saturday = ams(2026, 10, 17, 22)
    assert NL.business_days_before(saturday, 0) == saturday
    assert NL.business_days_after(saturday, 0) == saturday
    with pytest.raises(ValueError, match="business days >= 0, not -1"):
        NL.business_days_before(saturday, -1)
    with pytest.raises(ValueError, match="naive datetime"):
        NL.business_days_after(datetime(2026, 10, 17, 22), 1)


def test_answers_do_not_depend_on_which_years_were_computed_first():
    # 15 back from Fri 3 Jan 2031 22:00, over New Year and Christmas: Wed 11 Dec 08:30.
    start = ams(2031, 1, 3, 22)
    warm = NL.business_days_before(start, 15)
    fresh = BusinessCalendar(NL.zone, NL.hours, NL.holidays)
    assert fresh.business_days_before(start, 15) == warm == ams(2030, 12, 11, 8, 30)
    fresh = BusinessCalendar(NL.zone, NL.hours, NL.holidays)
    assert fresh.business_days_after(warm, 15) == ams(2031, 1, 3, 17)


def test_a_calendar_that_never_opens_is_a_clear_error():
    never = BusinessCalendar("UTC", NL.hours, holidays=lambda year: _every_day(year))
    with pytest.raises(ValueError, match="never opens"):
        never.business_days_before(datetime(2025, 1, 1, tzinfo=UTC), 1)


def _every_day(year):
    first = date(year, 1, 1)
    return {first + timedelta(days=k) for k in range((date(year + 1, 1, 1) - first).days)}


def test_seed_presets_and_overnight_ranges_are_plain_opening_ranges():
    # The calendars above are built from OpeningRange only; nothing special-cases them.
    assert all(isinstance(r, OpeningRange) for r in NIGHTS.hours + US.hours)
