from datetime import date

import holidays
import pytest

from forewarn.calendars.holiday_sets import (
    NAMED_SETS,
    HolidaySet,
    holiday_dates,
    monarchs_day,
    nl_general_dates,
)


def test_nl_general_2025_is_the_algemene_termijnenwet_list():
    assert nl_general_dates(2025) == {
        date(2025, 1, 1),  # New Year's Day
        date(2025, 4, 18),  # Good Friday (art. 3(2))
        date(2025, 4, 20),  # Easter Sunday
        date(2025, 4, 21),  # Easter Monday
        date(2025, 4, 26),  # King's Day: 27 April 2025 is a Sunday
        date(2025, 5, 5),  # Liberation Day
        date(2025, 5, 29),  # Ascension Day
        date(2025, 6, 8),  # Whit Sunday
        date(2025, 6, 9),  # Whit Monday
        date(2025, 12, 25),  # Christmas Day
        date(2025, 12, 26),  # Second Day of Christmas
    }


def test_nl_general_counts_5_may_every_year_unlike_holidays_nl():
    assert date(2026, 5, 5) in holiday_dates("nl-general", [2026])
    assert date(2026, 5, 5) not in holidays.NL(years=2026)


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2014, date(2014, 4, 26)),  # first King's Day, 27 April a Sunday
        (2025, date(2025, 4, 26)),
        (2026, date(2026, 4, 27)),
        (2006, date(2006, 4, 29)),  # Queen's Day, 30 April a Sunday, since 1980 moved back
        (2012, date(2012, 4, 30)),
        (1978, date(1978, 5, 1)),  # before 1980 moved forward
    ],
)
def test_monarchs_day(year, expected):
    assert monarchs_day(year) == expected


def test_country_spec_resolves_through_holidays_library():
    federal = holiday_dates("US", [2025])
    assert date(2025, 7, 4) in federal
    assert date(2025, 11, 27) in federal  # Thanksgiving
    assert date(2025, 3, 31) not in federal
    assert date(2025, 3, 31) in holiday_dates("US-CA", [2025])  # Cesar Chavez Day


def test_spec_spans_several_years():
    found = holiday_dates("nl-general", range(2024, 2027))
    assert {date(2024, 12, 26), date(2025, 1, 1), date(2026, 12, 26)} <= found
    assert len(found) == 33


def test_additions_and_removals():
    found = holiday_dates(
        "nl-general", [2025], added=[date(2025, 5, 2), date(2026, 5, 2)], removed=[date(2025, 5, 5)]
    )
    assert date(2025, 5, 2) in found
    assert date(2026, 5, 2) not in found  # outside the years asked for
    assert date(2025, 5, 5) not in found


def test_holiday_set_answers_one_year_at_a_time():
    bridge_days = HolidaySet("nl-general", added=frozenset({date(2030, 5, 31)}))
    assert date(2030, 5, 31) in bridge_days(2030)
    assert bridge_days(2031) == nl_general_dates(2031)
    assert HolidaySet("", added=frozenset({date(2030, 1, 2)}))(2030) == {date(2030, 1, 2)}


@pytest.mark.parametrize("spec", ["ZZ", "US-XX", "nl-generic"])
def test_unknown_spec_is_a_clear_error(spec):
    with pytest.raises(ValueError, match="unknown holiday spec"):
        holiday_dates(spec, [2025])
    with pytest.raises(ValueError, match="unknown holiday spec"):
        HolidaySet(spec)


def test_named_sets_are_described():
    assert "Algemene termijnenwet" in NAMED_SETS["nl-general"]
