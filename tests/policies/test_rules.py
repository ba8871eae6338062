"""Notice units, ``announce_by``, how rules read, and a region's peak hours."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from forewarn.calendars.engine import preset as calendar_preset
from forewarn.policies.rules import (
    NaiveDatetimeError,
    NoticeKind,
    NoticeRule,
    NoticeSpec,
    PolicyError,
    Region,
    announce_by,
    format_duration,
    format_instant,
)

AMS = ZoneInfo("Europe/Amsterdam")
NL = calendar_preset("nl-business")


def ams(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=AMS)


# --- notice units ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "amount", "start", "expected"),
    [
        # Calendar days keep the wall-clock time: 10:00 CET on 5 Nov is due 10:00 CEST on
        # 21 Oct, 15 days and 1 hour of elapsed time earlier.
        ("calendar_days", 15, ams(2026, 11, 5, 10), ams(2026, 10, 21, 10)),
        # ... and in spring 10:00 CEST on 8 Apr is due 10:00 CET on 24 Mar, 23 h short of 15×24 h.
        ("calendar_days", 15, ams(2026, 4, 8, 10), ams(2026, 3, 24, 10)),
        ("weeks", 2, ams(2026, 4, 6, 9), ams(2026, 3, 23, 9)),
        # Hours are elapsed time: 24 h before 12:00 CET on the day clocks go back is 13:00 CEST.
        ("hours", 24, ams(2026, 10, 25, 12), ams(2026, 10, 24, 13)),
        # Business days skip the weekend: Mon 12, Fri 9, Thu 8 Oct.
        ("business_days", 3, ams(2026, 10, 13, 10), ams(2026, 10, 8, 10)),
        ("working_days", 3, ams(2026, 10, 13, 10), ams(2026, 10, 8, 10)),
        # A start on a Sunday night needs Friday whole: due at its opening, not Fri 23:30.
        ("business_days", 1, ams(2026, 10, 11, 23, 30), ams(2026, 10, 9, 8, 30)),
        # Issue 10: five whole business days before a Saturday-night window, Mon-Fri.
        ("business_days", 5, ams(2027, 1, 16, 22), ams(2027, 1, 11, 8, 30)),
        # A start at opening: the business days before it whole.
        ("business_days", 1, ams(2026, 10, 12, 8, 30), ams(2026, 10, 9, 8, 30)),
        # 17:00 sharp is after the day's opening hours: that day is the one business day.
        ("business_days", 1, ams(2026, 10, 13, 17), ams(2026, 10, 13, 8, 30)),
        # On a holiday (Christmas Day, a Friday): Tue, Wed and Thu whole.
        ("business_days", 3, ams(2026, 12, 25, 10), ams(2026, 12, 22, 8, 30)),
        # King's Day (Mon 27 Apr 2026) is skipped: Tue 28, Fri 24, Thu 23.
        ("business_days", 3, ams(2026, 4, 29, 10), ams(2026, 4, 23, 10)),
        # 5 May is skipped every year: Mon 4, Fri 1, Thu 30 Apr.
        ("business_days", 3, ams(2026, 5, 6, 14), ams(2026, 4, 30, 14)),
        # 1.5 h of Monday morning, then 2.5 h before Friday's 17:00 closing.
        ("business_hours", 4, ams(2026, 10, 12, 10), ams(2026, 10, 9, 14, 30)),
        # A start at opening: the 8 h lie wholly in the day before.
        ("business_hours", 8, ams(2026, 10, 13, 8, 30), ams(2026, 10, 12, 9)),
    ],
)
def test_announce_by_per_unit(unit, amount, start, expected):
    due = announce_by(start, NoticeRule(unit, amount), NL)
    assert due == expected
    assert due.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("unit", ["asap", "after_completion", "on_release"])
def test_units_without_minimum_have_no_deadline(unit):
    assert announce_by(ams(2026, 10, 13, 10), NoticeRule(unit), NL) is None


def test_business_units_need_a_calendar():
    with pytest.raises(PolicyError) as error:
        announce_by(ams(2026, 10, 13, 10), NoticeRule("business_days", 3))
    assert error.value.field == "calendar"


def test_calendar_days_without_calendar_count_in_the_start_zone():
    assert announce_by(ams(2026, 11, 5, 10), NoticeRule("calendar_days", 15)) == ams(
        2026, 10, 21, 10
    )


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        (NoticeRule("business_days", 3), "3 business days"),
        (NoticeRule("business_days", 1), "1 business day"),
        (NoticeRule("working_days", 15), "15 business days"),
        (NoticeRule("weeks", 2), "2 weeks"),
        (NoticeRule("hours", 0), "before the start"),
        (NoticeRule("asap"), "as soon as possible"),
        (NoticeRule("after_completion"), "after completion"),
    ],
)
def test_notice_rule_reads_as_a_person_says_it(rule, text):
    assert str(rule) == text


def test_notice_rule_rejects_bad_units_and_amounts():
    with pytest.raises(PolicyError, match="unit must be one of"):
        NoticeRule("fortnights", 1)
    with pytest.raises(PolicyError, match="whole number"):
        NoticeRule("hours", -1)
    with pytest.raises(PolicyError, match="takes no amount"):
        NoticeRule("asap", 3)


def test_announce_by_rejects_naive_start():
    with pytest.raises(NaiveDatetimeError) as error:
        announce_by(dt.datetime(2026, 10, 13, 10), NoticeRule("hours", 1), NL)
    assert error.value.field == "start"


# --- formatting ---------------------------------------------------------------------------


def test_instants_read_with_weekday_and_zone_abbreviation():
    assert format_instant(ams(2026, 12, 21, 10), AMS) == "Mon 21 Dec 2026 10:00 CET"
    assert (
        format_instant(dt.datetime(2026, 7, 1, 7, 5, tzinfo=dt.UTC), AMS)
        == "Wed 1 Jul 2026 09:05 CEST"
    )


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "less than a minute"),
        (1, "1 minute"),
        (23 * 60, "23 hours"),
        (26 * 60 + 5, "1 day 2 hours 5 minutes"),
    ],
)
def test_durations_read_in_words(minutes, text):
    assert format_duration(dt.timedelta(minutes=minutes)) == text


# --- regions ----------------------------------------------------------------------------------


def test_peak_hours_may_run_past_midnight():
    region = Region("night", "Europe/Amsterdam", [(4, dt.time(22), dt.time(2))])
    assert region.peak_intervals(ams(2026, 10, 16), ams(2026, 10, 18)) == [
        (ams(2026, 10, 16, 22).astimezone(dt.UTC), ams(2026, 10, 17, 2).astimezone(dt.UTC))
    ]


def test_peak_hours_follow_the_region_zone():
    region = Region("ny", "America/New_York", [(0, dt.time(9), dt.time(17))])
    [(lo, hi)] = region.peak_intervals(ams(2026, 10, 12), ams(2026, 10, 13))
    assert (lo, hi) == (ams(2026, 10, 12, 15), ams(2026, 10, 12, 23))


def test_bad_peak_hours_and_reminders_without_offsets_are_refused():
    with pytest.raises(PolicyError) as error:
        Region("nl", "Europe/Amsterdam", [(7, dt.time(8), dt.time(20))])
    assert error.value.field == "peak_hours"
    with pytest.raises(PolicyError) as error:
        NoticeSpec(NoticeKind.SHUTDOWN_REMINDERS)
    assert error.value.field == "offsets"
