"""Worked examples for the availability engine, each computed by hand in its comment.

Times are in Europe/Amsterdam (the seed 001 contract's zone) unless a test says otherwise.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from forewarn.availability import periods
from forewarn.availability.engine import (
    CategorySpec,
    ComponentSpec,
    Exclusion,
    ExclusionColumns,
    Outage,
    StatusColumns,
    StatusInterval,
    availability_table,
    category_report,
    component_reports,
    daily_availability,
    organization_report,
    restore_checks,
    status_weights,
    to_seconds,
)

AMS = ZoneInfo("Europe/Amsterdam")
Q1 = periods.quarter(2026, 1).bounds(AMS)
VOICE = CategorySpec("voice", "Voice", "99.99")


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=AMS)


def down(component_id, start, end, status="major_outage", cause=None) -> StatusInterval:
    return StatusInterval(component_id, start, end, status, cause)


def report(components, intervals, exclusions=(), period=Q1, categories=(VOICE,), now=None):
    reports = component_reports(
        components, intervals, exclusions, period, categories=categories, now=now
    )
    return reports if len(components) > 1 else reports[components[0].id]


# Periods ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "minutes"),
    [
        # Jan 31 + Feb 28 + Mar 31 = 90 days = 129,600 min; clocks skip 02:00→03:00 on 29 March.
        (periods.quarter(2026, 1).bounds(AMS), 90 * 1440 - 60),
        # Apr 30 + May 31 + Jun 30 = 91 days, no change.
        (periods.quarter(2026, 2).bounds(AMS), 91 * 1440),
        # Oct 31 + Nov 30 + Dec 31 = 92 days; clocks repeat 02:00→03:00 on 25 October.
        (periods.quarter(2026, 4).bounds(AMS), 92 * 1440 + 60),
        (periods.month(2026, 3).bounds(AMS), 31 * 1440 - 60),
        (periods.month(2026, 10).bounds(AMS), 31 * 1440 + 60),
        (periods.month(2026, 12).bounds(AMS), 31 * 1440),
        # UTC has no DST: Q1 2026 is exactly 90 days.
        (periods.quarter(2026, 1).bounds("UTC"), 90 * 1440),
    ],
)
def test_period_total_minutes_are_real_elapsed_minutes(period, minutes):
    assert period.total_minutes == minutes


def test_q1_2026_amsterdam_is_129540_minutes_for_a_component():
    r = report([ComponentSpec("api", "API", "voice")], [])
    assert r.total_minutes == 129_540
    assert r.availability_pct == 100.0


# The seed 001 §3 formula ------------------------------------------------------------------


def test_seed_001_formula_for_a_quarter_with_maintenance_and_an_outage():
    # total 129,540; excluded 90 (maintenance 02:00–03:30); unavailable 10 (14:00–14:10).
    # (129,540 − 90 − 10) / (129,540 − 90) × 100 = 129,440 / 129,450 × 100 = 99.99227500965…
    # budget = (1 − 0.9999) × 129,450 = 12.945 min; left 12.945 − 10 = 2.945 min = 22.75…%.
    r = report(
        [ComponentSpec("api", "API", "voice")],
        [down("api", at(2026, 2, 10, 14), at(2026, 2, 10, 14, 10), cause="INC-7")],
        [
            Exclusion(
                at(2026, 2, 11, 2), at(2026, 2, 11, 3, 30), "scheduled_maintenance", None, "M-1"
            )
        ],
    )
    assert (r.total_minutes, r.excluded_minutes, r.unavailable_minutes) == (129_540, 90, 10)
    assert r.availability_pct == pytest.approx(129_440 / 129_450 * 100, abs=1e-12)
    assert r.target_pct == Decimal("99.99")
    assert r.is_met is True
    assert r.error_budget_minutes == pytest.approx(12.945, abs=1e-12)
    assert r.error_budget_left_minutes == pytest.approx(2.945, abs=1e-12)
    assert r.error_budget_left_pct == pytest.approx(2.945 / 12.945 * 100, abs=1e-9)
    [u] = r.unavailable_intervals
    assert (u.component_id, u.start, u.end, u.minutes, u.status, u.causes) == (
        "api",
        at(2026, 2, 10, 14),
        at(2026, 2, 10, 14, 10),
        10,
        "major_outage",
        ("INC-7",),
    )
    [x] = r.exclusions
    assert (x.ref, x.reason, x.minutes) == ("M-1", "scheduled_maintenance", 90)


def test_an_outage_over_the_autumn_dst_night_counts_real_minutes():
    # 25 Oct 2026 00:00 CEST → 06:00 CET is 7 hours elapsed (02:00–03:00 happens twice).
    r = report(
        [ComponentSpec("api", "API", "voice")],
        [down("api", at(2026, 10, 25, 0), at(2026, 10, 25, 6))],
        period=periods.quarter(2026, 4).bounds(AMS),
    )
    assert r.total_minutes == 132_540
    assert r.unavailable_minutes == 420
    assert r.availability_pct == pytest.approx((132_540 - 420) / 132_540 * 100, abs=1e-12)


def test_an_outage_over_the_spring_dst_night_counts_real_minutes():
    # 29 Mar 2026 01:00 CET → 04:00 CEST is 2 hours elapsed (02:00–03:00 never happens).
    r = report([ComponentSpec("api")], [down("api", at(2026, 3, 29, 1), at(2026, 3, 29, 4))])
    assert r.unavailable_minutes == 120


# Exclusions ---------------------------------------------------------------------------------


def test_outage_overlapping_maintenance_counts_only_outside_the_maintenance():
    # Outage 10:00–11:00, maintenance 10:30–12:00: unavailable 10:00–10:30 = 30 min,
    # excluded 90 min. (129,540 − 90 − 30) / (129,540 − 90) × 100.
    r = report(
        [ComponentSpec("api", "API", "voice")],
        [down("api", at(2026, 1, 5, 10), at(2026, 1, 5, 11))],
        [Exclusion(at(2026, 1, 5, 10, 30), at(2026, 1, 5, 12), "scheduled_maintenance")],
    )
    assert (r.excluded_minutes, r.unavailable_minutes) == (90, 30)
    assert r.availability_pct == pytest.approx(129_420 / 129_450 * 100, abs=1e-12)
    assert [(u.start, u.end) for u in r.unavailable_intervals] == [
        (at(2026, 1, 5, 10), at(2026, 1, 5, 10, 30))
    ]


def test_overlapping_exclusions_count_once_and_go_to_the_first_reason():
    # Maintenance 10:00–12:00 and a third-party incident 11:00–13:00 overlap for an hour:
    # excluded 10:00–13:00 = 180 min, not 240. Scheduled maintenance precedes third party in
    # REASONS, so the overlap is maintenance's: 120 + 60 = 180.
    r = report(
        [ComponentSpec("api")],
        [],
        [
            Exclusion(at(2026, 1, 5, 11), at(2026, 1, 5, 13), "third_party", ("api",), "T-1"),
            Exclusion(at(2026, 1, 5, 10), at(2026, 1, 5, 12), "scheduled_maintenance", None),
        ],
    )
    assert r.excluded_minutes == 180
    assert r.excluded_minutes_by_reason == {
        "beta": 0,
        "scheduled_maintenance": 120,
        "emergency_maintenance": 0,
        "instance_resize_migration": 0,
        "force_majeure": 0,
        "third_party": 60,
        "client_caused": 0,
    }
    assert sum(r.excluded_minutes_by_reason.values()) == r.excluded_minutes


def test_exclusion_for_another_component_does_not_apply():
    r = report(
        [ComponentSpec("api"), ComponentSpec("web")],
        [down("api", at(2026, 1, 5, 10), at(2026, 1, 5, 11))],
        [Exclusion(at(2026, 1, 5, 10), at(2026, 1, 5, 11), "client_caused", ("web",))],
    )
    assert (r["api"].excluded_minutes, r["api"].unavailable_minutes) == (0, 60)
    assert (r["web"].excluded_minutes, r["web"].unavailable_minutes) == (60, 0)


def test_beta_component_is_excluded_entirely():
    # Seed 001 §2 (e): beta or early access is excluded; nothing is measured.
    r = report(
        [ComponentSpec("bot", "Bot", "voice", is_beta=True)],
        [down("bot", at(2026, 1, 5, 10), at(2026, 1, 5, 11))],
        [Exclusion(at(2026, 1, 6), at(2026, 1, 7), "scheduled_maintenance")],
    )
    assert r.excluded_minutes == r.total_minutes == 129_540
    assert r.excluded_minutes_by_reason["beta"] == 129_540
    assert r.excluded_minutes_by_reason["scheduled_maintenance"] == 0
    assert (r.unavailable_minutes, r.availability_pct, r.is_met) == (0, None, None)
    assert r.exclusions[0].reason == "beta"


# Statuses and weights -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "category", "unavailable"),
    [
        # Default: only major outage counts; a 60-min partial outage counts 0.
        (ComponentSpec("api", category_id="c"), CategorySpec("c", "C", 99.9), 0),
        # Partial outage as a fraction: 60 × 0.5 = 30 min.
        (
            ComponentSpec("api", category_id="c", partial_weight=0.5),
            CategorySpec("c", "C", 99.9),
            30,
        ),
        # Inherited from the category: 60 × 0.25 = 15 min.
        (
            ComponentSpec("api", category_id="c"),
            CategorySpec("c", "C", 99.9, partial_weight=0.25),
            15,
        ),
        # Partial outage listed as unavailable: the full 60 min.
        (
            ComponentSpec(
                "api", category_id="c", unavailable_statuses={"major_outage", "partial_outage"}
            ),
            CategorySpec("c", "C", 99.9, partial_weight=0.25),
            60,
        ),
    ],
)
def test_partial_outage_counts_as_configured(spec, category, unavailable):
    r = report(
        [spec],
        [down("api", at(2026, 1, 5, 10), at(2026, 1, 5, 11), "partial_outage")],
        categories=[category],
    )
    assert r.unavailable_minutes == unavailable


def test_degraded_performance_is_not_unavailable_unless_configured():
    intervals = [down("api", at(2026, 1, 5, 10), at(2026, 1, 5, 11), "degraded_performance")]
    assert report([ComponentSpec("api")], intervals).unavailable_minutes == 0
    strict = ComponentSpec("api", unavailable_statuses={"major_outage", "degraded_performance"})
    assert report([strict], intervals).unavailable_minutes == 60


def test_overlapping_statuses_count_once_at_the_heaviest_weight():
    # Major 10:00–11:00 (weight 1) and partial 10:30–12:00 (weight 0.5) overlap 10:30–11:00,
    # which counts once, as major: 60 × 1 + 60 × 0.5 = 90 min.
    r = report(
        [ComponentSpec("api", partial_weight=0.5)],
        [
            down("api", at(2026, 1, 5, 10, 30), at(2026, 1, 5, 12), "partial_outage", "INC-2"),
            down("api", at(2026, 1, 5, 10), at(2026, 1, 5, 11), "major_outage", "INC-1"),
        ],
    )
    assert r.unavailable_minutes == 90
    assert [
        (u.start, u.end, u.status, u.weight, u.unavailable_minutes, u.causes)
        for u in r.unavailable_intervals
    ] == [
        (at(2026, 1, 5, 10), at(2026, 1, 5, 11), "major_outage", 1.0, 60, ("INC-1", "INC-2")),
        (at(2026, 1, 5, 11), at(2026, 1, 5, 12), "partial_outage", 0.5, 30, ("INC-2",)),
    ]


def test_touching_intervals_of_one_status_are_listed_as_one():
    r = report(
        [ComponentSpec("api")],
        [
            down("api", at(2026, 1, 5, 10), at(2026, 1, 5, 11)),
            down("api", at(2026, 1, 5, 11), at(2026, 1, 5, 12)),
        ],
    )
    assert [(u.start, u.end, u.minutes) for u in r.unavailable_intervals] == [
        (at(2026, 1, 5, 10), at(2026, 1, 5, 12), 120)
    ]


def test_ongoing_outage_is_clipped_at_the_period_end():
    # Major outage since 31 March 23:00, not over: Q1 counts 23:00–24:00 = 60 min, Q2 counts
    # all of Q2 (91 days) since it never ended.
    intervals = [down("api", at(2026, 3, 31, 23), None)]
    assert report([ComponentSpec("api")], intervals).unavailable_minutes == 60
    q2 = report([ComponentSpec("api")], intervals, period=periods.quarter(2026, 2).bounds(AMS))
    assert (q2.unavailable_minutes, q2.availability_pct) == (91 * 1440, 0.0)


def test_ongoing_outage_is_clipped_at_now_and_the_quarter_measured_so_far():
    # Now is 5 Jan 12:00: measured 1 Jan 00:00 → 5 Jan 12:00 = 4.5 days = 6,480 min; the
    # outage since 11:00 counts 60 min: (6,480 − 60) / 6,480 × 100.
    r = report(
        [ComponentSpec("api")], [down("api", at(2026, 1, 5, 11), None)], now=at(2026, 1, 5, 12)
    )
    assert (r.total_minutes, r.unavailable_minutes) == (6_480, 60)
    assert r.measured_until == at(2026, 1, 5, 12)
    assert r.availability_pct == pytest.approx(6_420 / 6_480 * 100, abs=1e-12)


def test_component_added_mid_quarter_is_measured_from_then():
    # Measured from 1 March 00:00 CET to 1 April 00:00 CEST: 31 days − 1 hour = 44,580 min.
    r = report(
        [ComponentSpec("api", measured_from=at(2026, 3, 1))],
        [down("api", at(2026, 2, 1), at(2026, 3, 1, 1))],
    )
    assert (r.total_minutes, r.unavailable_minutes) == (44_580, 60)


# Redundancy -------------------------------------------------------------------------------------

TRUNKS = [
    ComponentSpec("trunk-a", "Trunk A"),
    ComponentSpec("trunk-b", "Trunk B"),
    ComponentSpec("sip", "Voice/SIP", "voice", members=("trunk-a", "trunk-b")),
]


def test_voice_available_while_one_trunk_is_when_trunks_fail_at_different_times():
    # Seed 001 §3: available while at least one trunk is. A down 10–11, B down 12–13: never both.
    r = report(
        TRUNKS,
        [
            down("trunk-a", at(2026, 1, 5, 10), at(2026, 1, 5, 11)),
            down("trunk-b", at(2026, 1, 5, 12), at(2026, 1, 5, 13)),
        ],
    )
    assert r["sip"].unavailable_minutes == 0
    assert r["sip"].availability_pct == 100.0
    assert (r["trunk-a"].unavailable_minutes, r["trunk-b"].unavailable_minutes) == (60, 60)


def test_voice_unavailable_only_while_both_trunks_are_down():
    # A down 10:00–11:00, B down 10:40–12:00: both down 10:40–11:00 = 20 min.
    # (129,540 − 20) / 129,540 × 100 = 99.98456…; budget 12.954 min → breached.
    r = report(
        TRUNKS,
        [
            down("trunk-a", at(2026, 1, 5, 10), at(2026, 1, 5, 11), cause="INC-A"),
            down("trunk-b", at(2026, 1, 5, 10, 40), at(2026, 1, 5, 12), cause="INC-B"),
        ],
    )["sip"]
    assert r.unavailable_minutes == 20
    assert r.availability_pct == pytest.approx(129_520 / 129_540 * 100, abs=1e-12)
    assert r.is_met is False
    assert r.error_budget_left_minutes == pytest.approx(12.954 - 20, abs=1e-9)
    [u] = r.unavailable_intervals
    assert (u.component_id, u.start, u.end, u.causes) == (
        "sip",
        at(2026, 1, 5, 10, 40),
        at(2026, 1, 5, 11),
        ("INC-A", "INC-B"),
    )


def test_two_of_three_members_needed():
    # K = 2 of N = 3: unavailable while two or more members are down.
    # a 10–12, b 11–13, c 11:30–11:45 → two or more down 11:00–12:00 = 60 min.
    specs = [ComponentSpec(m) for m in "abc"] + [
        ComponentSpec("g", members=tuple("abc"), min_available=2)
    ]
    r = report(
        specs,
        [
            down("a", at(2026, 1, 5, 10), at(2026, 1, 5, 12)),
            down("b", at(2026, 1, 5, 11), at(2026, 1, 5, 13)),
            down("c", at(2026, 1, 5, 11, 30), at(2026, 1, 5, 11, 45)),
        ],
    )
    assert r["g"].unavailable_minutes == 60


def test_group_partially_out_while_its_best_member_is_partially_out():
    # Weight 0.5 for partial: A major 10–12, B partial 11–12 → both out at ≥ 0.5 for an hour,
    # so the group counts 60 × 0.5 = 30 min as partial outage.
    specs = [*TRUNKS[:2], ComponentSpec("sip", members=("trunk-a", "trunk-b"), partial_weight=0.5)]
    r = report(
        specs,
        [
            down("trunk-a", at(2026, 1, 5, 10), at(2026, 1, 5, 12)),
            down("trunk-b", at(2026, 1, 5, 11), at(2026, 1, 5, 12), "partial_outage"),
        ],
    )["sip"]
    assert r.unavailable_minutes == 30
    assert [(u.status, u.weight) for u in r.unavailable_intervals] == [("partial_outage", 0.5)]


def test_group_is_measured_through_members_only_and_member_maintenance_does_not_excuse_it():
    # A status set on the group itself colours its worst status but is not measured; an
    # exclusion naming trunk A does not apply to the group.
    r = report(
        TRUNKS,
        [
            down("sip", at(2026, 1, 6, 10), at(2026, 1, 6, 11)),
            down("trunk-a", at(2026, 1, 5, 10), at(2026, 1, 5, 11), "under_maintenance"),
            down("trunk-b", at(2026, 1, 5, 10), at(2026, 1, 5, 11)),
        ],
        [Exclusion(at(2026, 1, 5, 10), at(2026, 1, 5, 11), "scheduled_maintenance", ("trunk-a",))],
    )["sip"]
    assert (r.unavailable_minutes, r.excluded_minutes, r.worst_status) == (0, 0, "major_outage")


# Targets, budgets, aggregates -----------------------------------------------------------------


def test_target_met_exactly_at_the_budget_and_breached_one_second_over():
    # April 2026 UTC = 30 days = 43,200 min; 99.9 % leaves 43.2 min = 2,592 s.
    april = periods.month(2026, 4).bounds("UTC")
    db = ComponentSpec("db", "Cloud Database", is_third_party=True, target_pct="99.9")
    start = datetime(2026, 4, 10, tzinfo=ZoneInfo("UTC"))
    exact = report(
        [db], [down("db", start, start + timedelta(seconds=2_592))], period=april, categories=()
    )
    assert exact.is_met is True
    assert exact.error_budget_minutes == pytest.approx(43.2, abs=1e-12)
    assert exact.error_budget_left_minutes == pytest.approx(0, abs=1e-9)
    over = report(
        [db], [down("db", start, start + timedelta(seconds=2_593))], period=april, categories=()
    )
    assert over.is_met is False
    assert over.error_budget_left_pct == pytest.approx(-1 / 2_592 * 100, abs=1e-9)


def test_third_party_network_at_100_percent_has_no_budget():
    # Seed 004: network available 100 % of the month, excluding scheduled maintenance.
    net = ComponentSpec("net", "Rackspace network", is_third_party=True, target_pct=100)
    april = periods.month(2026, 4).bounds(AMS)
    clean = report(
        [net],
        [down("net", at(2026, 4, 2, 1), at(2026, 4, 2, 2))],
        [Exclusion(at(2026, 4, 2, 0), at(2026, 4, 2, 3), "scheduled_maintenance")],
        period=april,
        categories=(),
    )
    assert (clean.is_met, clean.error_budget_minutes, clean.error_budget_left_pct) == (
        True,
        0,
        None,
    )
    one_minute = report(
        [net], [down("net", at(2026, 4, 2, 1), at(2026, 4, 2, 1, 1))], period=april, categories=()
    )
    assert (one_minute.is_met, one_minute.error_budget_left_minutes) == (False, -1)


def test_third_party_target_overrides_the_category_target():
    r = report(
        [ComponentSpec("db", category_id="voice", is_third_party=True, target_pct="99.9")], []
    )
    assert r.target_pct == Decimal("99.9")


def test_category_adds_minutes_and_measures_the_group_not_its_trunks():
    # API: 60 min down; Voice/SIP: 20 min (both trunks 10:40–11:00); trunks are in the category
    # too but are measured through the group, so they are skipped.
    # (2 × 129,540 − 80) / (2 × 129,540) × 100.
    specs = [
        ComponentSpec("api", "API", "voice"),
        ComponentSpec("trunk-a", "Trunk A", "voice"),
        ComponentSpec("trunk-b", "Trunk B", "voice"),
        ComponentSpec("sip", "Voice/SIP", "voice", members=("trunk-a", "trunk-b")),
        ComponentSpec("web", "Web", "other"),
    ]
    reports = report(
        specs,
        [
            down("api", at(2026, 2, 1, 10), at(2026, 2, 1, 11)),
            down("trunk-a", at(2026, 1, 5, 10), at(2026, 1, 5, 11)),
            down("trunk-b", at(2026, 1, 5, 10, 40), at(2026, 1, 5, 12)),
            down("web", at(2026, 1, 5, 10), at(2026, 1, 5, 11)),
        ],
    )
    voice = category_report(VOICE, reports)
    assert voice.component_ids == ("api", "sip")
    assert (voice.total_minutes, voice.unavailable_minutes) == (2 * 129_540, 80)
    assert voice.availability_pct == pytest.approx((259_080 - 80) / 259_080 * 100, abs=1e-12)
    assert voice.error_budget_minutes == pytest.approx(25.908, abs=1e-12)
    assert voice.is_met is False
    assert [u.component_id for u in voice.unavailable_intervals] == ["sip", "api"]

    org = organization_report("Acme", ["api", "web"], reports, target_pct="99.9")
    assert (org.total_minutes, org.unavailable_minutes, org.is_met) == (259_080, 120, True)


# Third-party restore objective (seed 004) -------------------------------------------------------


def test_restore_within_one_hour_of_identification():
    # Seed 004: restoration or repair complete within one hour of problem identification.
    host = ComponentSpec(
        "host", "Cloud server hosts", is_third_party=True, restore_objective=timedelta(hours=1)
    )
    outages = [
        # Failed 09:50, identified 10:05, restored 11:00: 55 min → met.
        Outage("host", at(2026, 4, 2, 9, 50), at(2026, 4, 2, 11), at(2026, 4, 2, 10, 5), "R-1"),
        # Identified at its start 10:00, restored 11:30: 90 min → missed by 30.
        Outage("host", at(2026, 4, 3, 10), at(2026, 4, 3, 11, 30), None, "R-2"),
        # Ongoing since 10:00, now 10:45: 45 min so far → not decided yet.
        Outage("host", at(2026, 4, 4, 10), None, None, "R-3"),
        # Ongoing since 08:00, now 10:45: 165 min → already missed.
        Outage("host", at(2026, 4, 4, 8), None, None, "R-4"),
        # A component without an objective is not checked.
        Outage("net", at(2026, 4, 4, 8), at(2026, 4, 4, 9)),
    ]
    checks = restore_checks([host, ComponentSpec("net")], outages, now=at(2026, 4, 4, 10, 45))
    assert [
        (c.outage.ref, c.minutes_to_restore, c.is_within_objective, c.minutes_over) for c in checks
    ] == [
        ("R-1", 55, True, 0),
        ("R-2", 90, False, 30),
        ("R-3", 45, None, 0),
        ("R-4", 165, False, 105),
    ]


# Uptime bars ------------------------------------------------------------------------------------


def test_daily_bars_across_the_spring_dst_day():
    # 29 March 2026 has 23 hours = 1,380 min; 69 min down → (1,380 − 69) / 1,380 = 95 %.
    # 30 March has 1,440 min, half of it excluded, nothing down → 100 %.
    # 31 March is wholly under maintenance → nothing measured.
    api = ComponentSpec("api")
    bars = daily_availability(
        api,
        [
            down("api", at(2026, 3, 29, 10), at(2026, 3, 29, 11, 9)),
            down("api", at(2026, 3, 31), at(2026, 4, 1), "under_maintenance"),
        ],
        [
            Exclusion(at(2026, 3, 30, 12), at(2026, 3, 31), "scheduled_maintenance"),
            Exclusion(at(2026, 3, 31), at(2026, 4, 1), "scheduled_maintenance"),
        ],
        tz=AMS,
        end_date=date(2026, 3, 31),
        days=4,
    )
    assert [(b.day, b.availability_pct, b.worst_status, b.unavailable_minutes) for b in bars] == [
        (date(2026, 3, 28), 100.0, "operational", 0),
        (date(2026, 3, 29), pytest.approx(95.0, abs=1e-12), "major_outage", 69),
        (date(2026, 3, 30), 100.0, "operational", 0),
        (date(2026, 3, 31), None, "under_maintenance", 0),
    ]


def test_daily_bars_across_the_autumn_dst_day_and_after_now():
    # 25 October 2026 has 25 hours = 1,500 min; 75 min down → 95 %. Today (26 Oct) is measured
    # up to now (06:00 = 360 min, 36 down → 90 %); 27 Oct is after now: no data.
    bars = daily_availability(
        ComponentSpec("api"),
        [
            down("api", at(2026, 10, 25, 1), at(2026, 10, 25, 2, 15)),
            down("api", at(2026, 10, 26, 5, 24), None),
        ],
        [],
        tz="Europe/Amsterdam",
        end_date=date(2026, 10, 27),
        days=3,
        now=at(2026, 10, 26, 6),
    )
    assert [(b.availability_pct, b.worst_status) for b in bars] == [
        (pytest.approx(95.0, abs=1e-12), "major_outage"),
        (pytest.approx(90.0, abs=1e-12), "major_outage"),
        (None, None),
    ]


def test_daily_bars_of_a_group_use_its_members_and_agree_with_the_report():
    # Both trunks down 10:40–11:00 on 5 Jan → that day (1,440 min) loses 20 min, as in the report.
    intervals = [
        down("trunk-a", at(2026, 1, 5, 10), at(2026, 1, 5, 11)),
        down("trunk-b", at(2026, 1, 5, 10, 40), at(2026, 1, 5, 12)),
    ]
    bars = daily_availability(
        TRUNKS[2], intervals, [], tz=AMS, end_date=date(2026, 1, 6), days=90, category=VOICE
    )
    assert len(bars) == 90
    assert bars[-2].day == date(2026, 1, 5)
    assert bars[-2].unavailable_minutes == 20
    assert bars[-2].availability_pct == pytest.approx(1_420 / 1_440 * 100, abs=1e-12)
    q1 = report(TRUNKS, intervals)["sip"]
    assert sum(b.unavailable_minutes for b in bars) == q1.unavailable_minutes


# Inputs -----------------------------------------------------------------------------------------


def test_columns_from_arrays_give_the_same_table_as_dataclasses():
    rows = [
        down(7, at(2026, 1, 5, 10), at(2026, 1, 5, 11)),
        down(9, at(2026, 1, 6, 10), None, "partial_outage"),
    ]
    columns = StatusColumns.from_arrays(
        [7, 9],
        [to_seconds(at(2026, 1, 5, 10)), to_seconds(at(2026, 1, 6, 10))],
        [to_seconds(at(2026, 1, 5, 11)), 2**62],
        [4, 3],
    )
    exclusions = ExclusionColumns.from_arrays(
        [0], [to_seconds(at(2026, 1, 5, 10))], [to_seconds(at(2026, 1, 5, 10, 30))], [2], [True]
    )
    specs = [ComponentSpec(7), ComponentSpec(9, partial_weight=1)]
    from_rows = availability_table(
        specs,
        rows,
        [Exclusion(at(2026, 1, 5, 10), at(2026, 1, 5, 10, 30), "emergency_maintenance")],
        Q1,
    )
    from_columns = availability_table(specs, columns, exclusions, Q1)
    np.testing.assert_array_equal(from_rows.availability_pct(), from_columns.availability_pct())
    assert from_columns.report(7).unavailable_minutes == 30
    assert from_columns.report(7).excluded_minutes_by_reason["emergency_maintenance"] == 30


@pytest.mark.parametrize(
    "build",
    [
        lambda: StatusInterval("api", datetime(2026, 1, 1), None, "major_outage"),
        lambda: StatusInterval("api", at(2026, 1, 1), None, "down"),
        lambda: StatusInterval("api", at(2026, 1, 2), at(2026, 1, 1), "major_outage"),
        lambda: Exclusion(at(2026, 1, 1), at(2026, 1, 2), "holiday"),
        lambda: CategorySpec("c", "C", "100.1"),
        lambda: ComponentSpec("g", members=("a", "b"), min_available=3),
        lambda: status_weights(ComponentSpec("api", unavailable_statuses={"under_maintenance"})),
        lambda: status_weights(ComponentSpec("api", partial_weight=1.5)),
    ],
)
def test_bad_input_is_refused(build):
    with pytest.raises(ValueError):
        build()
