"""The validator: violations, overrides and the earliest compliant start of one window."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forewarn.calendars.engine import preset as calendar_preset
from forewarn.policies.presets import SEED_000, SEED_001, SEED_003, calendar_for
from forewarn.policies.rules import (
    Content,
    InvalidWindowError,
    NaiveDatetimeError,
    NoticeChannel,
    NoticeKind,
    NoticeRule,
    NoticeSpec,
    Placement,
    PlacementRule,
    Policy,
    PolicyError,
    Region,
    Severity,
    UnknownWorkTypeError,
    WorkType,
)
from forewarn.policies.validator import check

AMS = ZoneInfo("Europe/Amsterdam")
NL = calendar_preset("nl-business")
US = calendar_for("us-support")
# Busy from 08:00 to 20:00 on weekdays, local time.
NL_REGION = Region("nl", "Europe/Amsterdam", [(d, dt.time(8), dt.time(20)) for d in range(5)])
# A change announced 8 business hours ahead, preferably outside peak hours, with reminders.
CUSTOM = Policy(
    slug="custom",
    name="An operator's own policy",
    calendar_slug="nl-business",
    time_zone="Europe/Amsterdam",
    work_types=(
        WorkType(
            slug="change",
            name="change",
            notice=NoticeRule("business_hours", 8),
            placement=(PlacementRule(Placement.OUTSIDE_PEAK_HOURS, where_possible=True),),
            notices=(
                NoticeSpec(NoticeKind.ANNOUNCEMENT),
                NoticeSpec(
                    NoticeKind.REMINDER,
                    offsets=(dt.timedelta(days=7), dt.timedelta(days=1), dt.timedelta(hours=1)),
                ),
                NoticeSpec(NoticeKind.START, channels=(NoticeChannel.STATUS_PAGE,)),
            ),
        ),
    ),
)


def ams(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=AMS)


def codes(result) -> list[str]:
    return [v.code for v in result.violations]


# --- the validator ------------------------------------------------------------------------


def test_too_little_notice_names_the_deadline_and_how_late():
    result = check(
        SEED_000,
        "service-update",
        ams(2026, 12, 24, 10),
        ams(2026, 12, 24, 12),
        calendar=NL,
        now=ams(2026, 12, 22, 9),
    )
    assert result.announce_by == ams(2026, 12, 21, 10)
    [violation] = result.violations
    assert violation.code == "too_little_notice"
    assert violation.message == (
        "Announce by Mon 21 Dec 2026 10:00 CET (3 business days before the start on "
        "Thu 24 Dec 2026 10:00 CET); it is now Tue 22 Dec 2026 09:00 CET, 23 hours too late."
    )
    assert violation.severity is Severity.ERROR
    assert violation.override_allowed is False
    assert result.is_blocked and not result.ok
    # Announced Tue 22 Dec 09:00, three business days run to Mon 28 Dec 09:00 (25 and 26 Dec
    # are holidays). A start on Christmas Day would leave only Tue 09:00 to Thu 17:00.
    assert result.earliest_compliant_start == ams(2026, 12, 28, 9)


def test_notice_exactly_at_the_deadline_is_enough():
    result = check(
        SEED_000,
        "service-update",
        ams(2026, 10, 13, 10),
        ams(2026, 10, 13, 12),
        calendar=NL,
        now=ams(2026, 10, 8, 10),
    )
    assert result.ok
    assert result.earliest_compliant_start == ams(2026, 10, 13, 10)


def test_earliest_compliant_start_counts_notice_from_now():
    result = check(
        SEED_000,
        "service-update",
        ams(2026, 10, 13, 10),
        ams(2026, 10, 13, 12),
        calendar=NL,
        now=ams(2026, 10, 8, 10, 1),
    )
    assert codes(result) == ["too_little_notice"]
    assert result.violations[0].message.endswith("1 minute too late.")
    assert result.earliest_compliant_start == ams(2026, 10, 13, 10, 1)
    again = check(
        SEED_000,
        "service-update",
        result.earliest_compliant_start,
        ams(2026, 10, 13, 12, 1),
        calendar=NL,
        now=ams(2026, 10, 8, 10, 1),
    )
    assert again.ok


def test_maintenance_window_in_peak_hours_moves_to_the_end_of_the_peak():
    result = check(
        SEED_000,
        "maintenance-window",
        ams(2026, 10, 14, 19),
        ams(2026, 10, 14, 21),
        calendar=NL,
        regions=[NL_REGION],
        now=ams(2026, 10, 7, 9),
    )
    [violation] = result.violations
    assert violation.code == "in_peak_hours"
    assert violation.message == (
        "The window Wed 14 Oct 2026 19:00 CEST to Wed 14 Oct 2026 21:00 CEST falls in the peak "
        "hours of region nl from Wed 14 Oct 2026 19:00 CEST to Wed 14 Oct 2026 20:00 CEST."
    )
    assert violation.override_allowed is False
    # Five business days from Wed 7 Oct 09:00 allow Wed 14 Oct from 09:00; the peak ends at 20:00.
    assert result.earliest_compliant_start == ams(2026, 10, 14, 20)


@pytest.mark.parametrize(
    ("now", "earliest"),
    [
        # Announced before Monday opens, Mon 5 to Fri 9 Oct lie whole before Friday's
        # closing; the peak ends at 20:00.
        (ams(2026, 10, 5, 8), ams(2026, 10, 9, 20)),
        # Announced at Mon 09:00, the weekend leaves only 4 days 8 hours: the window waits
        # for Mon 12 Oct 09:00, five business days on, and the end of that day's peak.
        (ams(2026, 10, 5, 9), ams(2026, 10, 12, 20)),
    ],
)
def test_maintenance_window_moves_out_of_the_peak_once_five_business_days_remain(now, earliest):
    result = check(
        SEED_000,
        "maintenance-window",
        ams(2026, 10, 12, 10),
        ams(2026, 10, 12, 12),
        calendar=NL,
        regions=[NL_REGION],
        now=now,
    )
    assert codes(result) == ["in_peak_hours"]
    assert result.earliest_compliant_start == earliest


def test_high_risk_in_business_hours_is_a_warning_when_only_reasonable_efforts_are_promised():
    result = check(
        SEED_001,
        "scheduled-maintenance",
        ams(2026, 10, 20, 10),
        ams(2026, 10, 20, 12),
        calendar=NL,
        risk="high",
        now=ams(2026, 10, 1, 9),
    )
    [violation] = result.violations
    assert violation.code == "high_risk_in_business_hours"
    assert violation.message == (
        "High-risk work belongs outside business hours, but the window Tue 20 Oct 2026 10:00 CEST "
        "to Tue 20 Oct 2026 12:00 CEST is in business hours from Tue 20 Oct 2026 10:00 CEST to "
        "Tue 20 Oct 2026 12:00 CEST."
    )
    assert (violation.severity, violation.override_allowed) == (Severity.WARNING, True)
    assert result.needs_override and not result.is_blocked
    # Two weeks from Thu 1 Oct 09:00 is Thu 15 Oct 09:00, in business hours; it closes at 17:00.
    assert result.earliest_compliant_start == ams(2026, 10, 15, 17)


def test_low_risk_may_fall_in_business_hours():
    result = check(
        SEED_001,
        "scheduled-maintenance",
        ams(2026, 10, 20, 10),
        ams(2026, 10, 20, 12),
        calendar=NL,
        now=ams(2026, 10, 1, 9),
    )
    assert result.ok


def test_on_site_visit_outside_working_hours():
    result = check(
        SEED_000,
        "platform-upgrade",
        ams(2026, 10, 13, 16),
        ams(2026, 10, 13, 18),
        calendar=NL,
        on_site=True,
        now=ams(2026, 10, 13, 9),
    )
    [violation] = result.violations
    assert violation.code == "on_site_outside_working_hours"
    assert (
        "outside them from Tue 13 Oct 2026 17:00 CEST to Tue 13 Oct 2026 18:00 CEST"
        in violation.message
    )
    assert result.earliest_compliant_start == ams(2026, 10, 13, 9)


def test_on_site_visit_that_fits_no_working_day_has_no_compliant_start():
    result = check(
        SEED_000,
        "platform-upgrade",
        ams(2026, 10, 13, 8),
        ams(2026, 10, 13, 18),
        calendar=NL,
        on_site=True,
        now=ams(2026, 10, 13, 7),
    )
    assert codes(result) == ["on_site_outside_working_hours"]
    assert result.earliest_compliant_start is None


def test_routine_update_with_impact_is_blocked():
    result = check(
        SEED_000,
        "routine-update",
        ams(2026, 10, 13, 10),
        ams(2026, 10, 13, 11),
        calendar=NL,
        impact="partial_outage",
        now=ams(2026, 10, 13, 9),
    )
    [violation] = result.violations
    assert violation.code == "impact_not_allowed"
    assert violation.message == (
        "A routine update gives no notice, so it may not affect customers, but partial outage is "
        "expected; choose a work type that announces the work."
    )
    assert violation.override_allowed is False
    assert result.plan == []


def test_missing_content_of_the_announcement():
    result = check(
        SEED_000,
        "service-update",
        ams(2026, 10, 13, 10),
        ams(2026, 10, 13, 12),
        calendar=NL,
        now=ams(2026, 10, 1, 9),
        contents=[Content.SCHEDULED_TIME],
    )
    [violation] = result.violations
    assert (violation.code, violation.message) == (
        "missing_content",
        "The announcement must state the expected impact.",
    )


def test_where_possible_notice_is_a_warning_and_announced_at_once():
    now = ams(2026, 10, 13, 9)
    result = check(
        SEED_003, "maintenance", ams(2026, 10, 13, 20), ams(2026, 10, 13, 22), calendar=NL, now=now
    )
    [violation] = result.violations
    assert (violation.code, violation.severity, violation.override_allowed) == (
        "too_little_notice",
        Severity.WARNING,
        True,
    )
    assert result.plan[0].kind is NoticeKind.ANNOUNCEMENT
    assert result.plan[0].due_at == now
    assert result.earliest_compliant_start == ams(2026, 10, 14, 9)


# --- bad input --------------------------------------------------------------------------------


def test_naive_datetimes_are_refused_naming_the_field():
    for field_name, kwargs in [
        ("start", {"start": dt.datetime(2026, 10, 13, 10), "now": ams(2026, 10, 1)}),
        ("now", {"start": ams(2026, 10, 13, 10), "now": dt.datetime(2026, 10, 1)}),
    ]:
        with pytest.raises(NaiveDatetimeError) as error:
            check(SEED_000, "service-update", end=ams(2026, 10, 13, 12), calendar=NL, **kwargs)
        assert error.value.field == field_name
        assert field_name in str(error.value)


def test_naive_end_is_refused_naming_the_field():
    with pytest.raises(NaiveDatetimeError) as error:
        check(
            SEED_000,
            "service-update",
            ams(2026, 10, 13, 10),
            dt.datetime(2026, 10, 13, 12),
            calendar=NL,
            now=ams(2026, 10, 1),
        )
    assert error.value.field == "end"


def test_end_not_after_start_is_refused():
    with pytest.raises(InvalidWindowError) as error:
        check(
            SEED_000,
            "service-update",
            ams(2026, 10, 13, 10),
            ams(2026, 10, 13, 10),
            calendar=NL,
            now=ams(2026, 10, 1),
        )
    assert (error.value.field, error.value.code) == ("end", "end_before_start")
    assert (
        str(error.value)
        == "The end Tue 13 Oct 2026 10:00 CEST must come after the start Tue 13 Oct 2026 10:00 CEST."
    )


def test_missing_end_without_default_duration_is_refused():
    with pytest.raises(PolicyError) as error:
        check(SEED_000, "service-update", ams(2026, 10, 13, 10), calendar=NL, now=ams(2026, 10, 1))
    assert error.value.field == "end"


def test_unknown_work_type_lists_the_known_ones():
    with pytest.raises(UnknownWorkTypeError) as error:
        check(
            SEED_001,
            "hotfix",
            ams(2026, 10, 13, 10),
            ams(2026, 10, 13, 11),
            calendar=NL,
            now=ams(2026, 10, 1),
        )
    assert isinstance(error.value, ValueError)
    assert str(error.value) == (
        "Policy seed-001 has no work type 'hotfix'; it has scheduled-maintenance, emergency-maintenance."
    )


@pytest.mark.parametrize(("field_name", "value"), [("risk", "extreme"), ("impact", "apocalypse")])
def test_unknown_risk_or_impact_is_refused(field_name, value):
    with pytest.raises(PolicyError) as error:
        check(
            SEED_001,
            "scheduled-maintenance",
            ams(2026, 10, 20, 10),
            ams(2026, 10, 20, 11),
            calendar=NL,
            now=ams(2026, 10, 1),
            **{field_name: value},
        )
    assert error.value.field == field_name


# --- regions ----------------------------------------------------------------------------------


def test_soft_peak_hour_rule_warns_and_business_hours_notice_finds_earliest_start():
    region = Region("nl", "Europe/Amsterdam", [(d, dt.time(18), dt.time(22)) for d in range(7)])
    result = check(
        CUSTOM,
        "change",
        ams(2026, 10, 12, 21),
        ams(2026, 10, 12, 23),
        calendar=NL,
        regions=[region],
        now=ams(2026, 10, 12, 9, 30),
    )
    assert codes(result) == ["too_little_notice", "in_peak_hours"]
    assert [v.severity for v in result.violations] == [Severity.ERROR, Severity.WARNING]
    # 7.5 business hours remain on Monday after 09:30, so 8 end Tue 09:00, outside the peak.
    assert result.earliest_compliant_start == ams(2026, 10, 13, 9)


def test_on_site_visit_must_also_fit_the_regions_working_hours():
    # A Dutch morning visit is fine by nl-business, but a US region's desk opens at 14:00 CEST.
    us_region = Region("us", "America/New_York", calendar=US)
    result = check(
        SEED_000,
        "platform-upgrade",
        ams(2026, 10, 13, 10),
        ams(2026, 10, 13, 12),
        calendar=NL,
        on_site=True,
        regions=[us_region],
        now=ams(2026, 10, 5, 9),
    )
    [violation] = result.violations
    assert violation.message == (
        "On-site visits must be within working hours, but the window Tue 13 Oct 2026 10:00 CEST "
        "to Tue 13 Oct 2026 12:00 CEST is outside the working hours of region us from Tue 13 Oct "
        "2026 10:00 CEST to Tue 13 Oct 2026 12:00 CEST."
    )
    # Both desks are open from 14:00 to 17:00 CEST.
    assert result.earliest_compliant_start == ams(2026, 10, 5, 14)


def test_a_region_on_the_policys_calendar_adds_nothing():
    nl_region = Region("eu", "Europe/Amsterdam", calendar=NL)
    result = check(
        SEED_001,
        "scheduled-maintenance",
        ams(2026, 10, 20, 10),
        ams(2026, 10, 20, 12),
        calendar=NL,
        risk="high",
        regions=[nl_region],
        now=ams(2026, 10, 1, 9),
    )
    assert [v.code for v in result.violations] == ["high_risk_in_business_hours"]


# --- properties ----------------------------------------------------------------------------

CASES = [
    (SEED_000, "maintenance-window", {"regions": [NL_REGION]}),
    (SEED_000, "service-update", {}),
    (SEED_001, "scheduled-maintenance", {"risk": "high"}),
    (SEED_003, "maintenance", {}),
    (CUSTOM, "change", {"regions": [NL_REGION]}),
]
TIMING = {
    "too_little_notice",
    "in_peak_hours",
    "high_risk_in_business_hours",
    "on_site_outside_working_hours",
}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    case=st.sampled_from(CASES),
    now_minutes=st.integers(0, 60 * 24 * 365),
    lead_minutes=st.integers(0, 60 * 24 * 40),
    length_minutes=st.integers(5, 60 * 10),
)
def test_earliest_compliant_start_is_compliant_and_never_later_than_a_compliant_start(
    case, now_minutes, lead_minutes, length_minutes
):
    policy, slug, options = case
    now = ams(2026, 1, 1).astimezone(dt.UTC) + dt.timedelta(minutes=now_minutes)
    start = now + dt.timedelta(minutes=lead_minutes)
    length = dt.timedelta(minutes=length_minutes)
    result = check(policy, slug, start, start + length, calendar=NL, now=now, **options)
    earliest = result.earliest_compliant_start
    assert earliest is not None and earliest >= now
    moved = earliest.astimezone(dt.UTC)
    again = check(policy, slug, moved, moved + length, calendar=NL, now=now, **options)
    assert not TIMING & set(codes(again))
    if not TIMING & set(codes(result)):
        assert earliest <= start
    if result.announce_by is not None:
        assert result.announce_by <= start
    due = [n.due_at for n in result.plan]
    assert due == sorted(due)
