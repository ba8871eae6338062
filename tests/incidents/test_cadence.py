"""The update cadence: elapsed and business-time deadlines, reminders, and the gap report."""

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forewarn.incidents.cadence import (
    CadenceRule,
    RuleChange,
    deadline_after_misses,
    gaps,
    next_update_due,
    reminder_at,
    summarize,
    time_left,
    time_left_text,
)
from forewarn.incidents.priorities import Clock
from forewarn.policies.presets import calendar_for

AMS = ZoneInfo("Europe/Amsterdam")
NL = calendar_for("nl-business")  # seed 001: Mon–Fri 08:30–17:00, Dutch general holidays
P1 = CadenceRule(timedelta(minutes=15))
P2 = CadenceRule(timedelta(minutes=30))
P3 = CadenceRule(timedelta(minutes=120))
P3_BUSINESS = CadenceRule(timedelta(minutes=120), Clock.BUSINESS)
P4 = CadenceRule(None)


def ams(*args) -> datetime:
    return datetime(*args, tzinfo=AMS)


def test_p1_update_due_fifteen_elapsed_minutes_after_the_last():
    assert next_update_due(P1, ams(2026, 11, 24, 10, 0)) == ams(2026, 11, 24, 10, 15)


def test_p3_elapsed_cadence_runs_past_the_end_of_the_business_day():
    assert next_update_due(P3, ams(2026, 11, 27, 16, 0)) == ams(2026, 11, 27, 18, 0)


def test_p3_update_due_next_business_morning_in_business_time():
    # Friday 16:00: one business hour left that day, the second on Monday from 08:30.
    due = next_update_due(P3_BUSINESS, ams(2026, 11, 27, 16, 0), NL)
    assert due == ams(2026, 11, 30, 9, 30)
    assert due.tzinfo == UTC


def test_update_due_at_1645_friday_with_30_business_minutes_falls_on_monday_morning():
    rule = CadenceRule(timedelta(minutes=30), Clock.BUSINESS)
    assert next_update_due(rule, ams(2026, 11, 27, 16, 45), NL) == ams(2026, 11, 30, 8, 45)


def test_p3_business_cadence_skips_good_friday_the_weekend_and_easter_monday():
    # Thu 2 Apr 2026 16:00; Fri 3 Apr (Good Friday) and Mon 6 Apr (Easter Monday) are closed.
    assert next_update_due(P3_BUSINESS, ams(2026, 4, 2, 16, 0), NL) == ams(2026, 4, 7, 9, 30)


def test_p3_business_cadence_skips_kings_day():
    # Fri 24 Apr 2026 16:30; Mon 27 Apr is King's Day.
    assert next_update_due(P3_BUSINESS, ams(2026, 4, 24, 16, 30), NL) == ams(2026, 4, 28, 10, 0)


def test_business_cadence_started_at_the_weekend_counts_from_monday_opening():
    assert next_update_due(P3_BUSINESS, ams(2026, 11, 28, 10, 0), NL) == ams(2026, 11, 30, 10, 30)


def test_elapsed_cadence_is_exact_across_the_dst_night():
    # 29 Mar 2026: 02:00 CET becomes 03:00 CEST; 15 elapsed minutes from 01:50 CET.
    assert next_update_due(P1, ams(2026, 3, 29, 1, 50)) == datetime(2026, 3, 29, 1, 5, tzinfo=UTC)


def test_no_cadence_for_p4_and_p5():
    assert next_update_due(P4, ams(2026, 11, 24, 10, 0)) is None


def test_business_cadence_needs_a_calendar():
    with pytest.raises(ValueError, match="needs a business calendar"):
        next_update_due(P3_BUSINESS, ams(2026, 11, 24, 10, 0))


def test_naive_start_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        next_update_due(P1, datetime(2026, 11, 24, 10, 0))


def test_reminder_comes_five_minutes_before_the_deadline_by_default():
    assert reminder_at(ams(2026, 11, 24, 10, 15)) == ams(2026, 11, 24, 10, 10)
    assert reminder_at(ams(2026, 11, 24, 10, 15), timedelta(minutes=2)) == ams(2026, 11, 24, 10, 13)


def test_each_missed_deadline_starts_one_more_interval():
    due = ams(2026, 11, 24, 10, 15)
    assert deadline_after_misses(P1, due, 0) == due
    assert deadline_after_misses(P1, due, 2) == ams(2026, 11, 24, 10, 45)
    assert deadline_after_misses(P3_BUSINESS, ams(2026, 11, 27, 16, 0), 1, NL) == ams(
        2026, 11, 30, 9, 30
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"interval": timedelta(0)}, "interval: an update interval must be longer than zero."),
        (
            {"interval": timedelta(minutes=15), "reminder_lead": timedelta(minutes=15)},
            r"reminder_lead: the reminder \(15 min\) must come before the update is due, "
            r"within the interval \(15 min\).",
        ),
        (
            {"interval": None, "reminder_lead": timedelta(minutes=-1)},
            "reminder_lead: a reminder lead cannot be negative.",
        ),
    ],
)
def test_a_rule_that_cannot_work_is_refused_naming_the_field(fields, message):
    with pytest.raises(ValueError, match=message):
        CadenceRule(**fields)


# The cadence report ----------------------------------------------------------------

T0 = ams(2026, 11, 24, 10, 0)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_p1_every_fifteen_minutes_keeps_every_gap():
    found = gaps([at(0), at(15), at(29), at(44)], [RuleChange(T0, P1)], end=at(44))
    assert [(g.start, g.end, g.due_at, g.is_met) for g in found] == [
        (at(0), at(15), at(15), True),
        (at(15), at(29), at(30), True),
        (at(29), at(44), at(44), True),
    ]
    assert summarize(found).missed == 0


def test_a_late_update_is_a_missed_gap_with_its_lateness():
    found = gaps([at(0), at(22), at(30)], [RuleChange(T0, P1)], end=at(30))
    late = found[0]
    assert (late.due_at, late.is_met, late.late_by, late.length) == (
        at(15),
        False,
        timedelta(minutes=7),
        timedelta(minutes=22),
    )
    total = summarize(found)
    assert (total.gaps, total.measured, total.missed, total.longest, total.late_total) == (
        2,
        2,
        1,
        timedelta(minutes=22),
        timedelta(minutes=7),
    )


def test_reclassification_inside_a_gap_restarts_the_clock_under_the_new_cadence():
    # P3 at 10:00; reclassified P1 at 10:40: the next update is due 10:55, not 12:00.
    found = gaps([at(0), at(50)], [RuleChange(T0, P3), RuleChange(at(40), P1)], end=at(50))
    assert [(g.due_at, g.interval, g.is_met) for g in found] == [
        (at(55), timedelta(minutes=15), True)
    ]


def test_a_deadline_missed_before_a_reclassification_stays_missed():
    # P1 due 10:15; reclassified P3 at 10:20, update at 10:30: the P1 deadline was missed.
    found = gaps([at(0), at(30)], [RuleChange(T0, P1), RuleChange(at(20), P3)], end=at(30))
    assert [(g.due_at, g.is_met, g.late_by) for g in found] == [
        (at(15), False, timedelta(minutes=15))
    ]


def test_an_internal_p4_has_no_target_until_reclassified():
    found = gaps([at(0), at(300)], [RuleChange(T0, P4)], end=at(400))
    assert [(g.due_at, g.is_met, g.is_ongoing) for g in found] == [
        (None, None, False),
        (None, None, True),
    ]
    assert summarize(found).measured == 0


def test_the_open_gap_runs_to_now_and_is_undecided_until_due():
    found = gaps([at(0)], [RuleChange(T0, P2)], end=at(20))
    assert [(g.end, g.is_ongoing, g.is_met, g.late_by) for g in found] == [
        (at(20), True, None, timedelta(0))
    ]
    found = gaps([at(0)], [RuleChange(T0, P2)], end=at(40))
    assert [(g.is_met, g.late_by) for g in found] == [(False, timedelta(minutes=10))]


def test_business_time_gap_over_a_weekend_is_kept():
    friday = ams(2026, 11, 27, 16, 0)
    monday = ams(2026, 11, 30, 9, 15)
    found = gaps([friday, monday], [RuleChange(friday, P3_BUSINESS)], end=monday, calendar=NL)
    assert [(g.due_at, g.is_met, g.clock) for g in found] == [
        (ams(2026, 11, 30, 9, 30), True, Clock.BUSINESS)
    ]


def test_summary_for_a_period_counts_the_gaps_that_start_in_it():
    found = gaps([at(0), at(20), at(35), at(60)], [RuleChange(T0, P1)], end=at(60))
    first_half = summarize(found, (at(0), at(30)))
    assert (first_half.gaps, first_half.missed, first_half.late_total) == (
        2,
        1,
        timedelta(minutes=5),
    )
    later = summarize(found, (at(30), at(90)))
    assert (later.gaps, later.missed, later.late_total, later.kept) == (
        1,
        1,
        timedelta(minutes=10),
        0,
    )


def test_gap_report_needs_the_opening_cadence():
    with pytest.raises(ValueError, match=r"changes: give the cadence in force at the opening\."):
        gaps([at(0)], [], end=at(10))
    with pytest.raises(ValueError, match="changes: the first cadence must be in force"):
        gaps([at(0)], [RuleChange(at(5), P1)], end=at(10))
    with pytest.raises(ValueError, match=r"end: the report cannot end before the last update\."):
        gaps([at(0), at(20)], [RuleChange(T0, P1)], end=at(10))


instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)
minutes = st.integers(min_value=1, max_value=24 * 60)


@given(start=instants, interval=minutes)
def test_business_deadline_leaves_exactly_the_interval_of_opening_time(start, interval):
    rule = CadenceRule(timedelta(minutes=interval), Clock.BUSINESS, timedelta(0))
    due = next_update_due(rule, start, NL)
    assert NL.business_time_between(start, due) == timedelta(minutes=interval)
    assert due >= start


@given(
    start=instants,
    offsets=st.lists(st.integers(min_value=1, max_value=90), min_size=1, max_size=12),
)
def test_gaps_cover_the_incident_once_and_lateness_never_exceeds_the_gap(start, offsets):
    times = [start]
    for offset in offsets:
        times.append(times[-1] + timedelta(minutes=offset))
    found = gaps(times, [RuleChange(start, P1)], end=times[-1])
    assert [(g.start, g.end) for g in found] == list(pairwise(times))
    for g in found:
        assert g.late_by <= g.length
        assert g.is_met is (g.length <= timedelta(minutes=15))


@pytest.mark.parametrize(
    ("due_in", "text"),
    [
        (timedelta(minutes=12, seconds=30), "12 min left"),
        (timedelta(minutes=65), "1 h 05 min left"),
        (timedelta(0), "0 min left"),
        (timedelta(minutes=-3), "overdue by 3 min"),
        (timedelta(hours=-2, minutes=-1), "overdue by 2 h 01 min"),
    ],
)
def test_time_left_counts_down_and_then_says_overdue(due_in, text):
    now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    left = time_left(now + due_in, now)
    assert (left, time_left_text(left)) == (due_in, text)


def test_no_time_left_without_an_update_due():
    now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert (time_left(None, now), time_left_text(None)) == (None, "no update due")
