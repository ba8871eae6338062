"""A third-party contract honours only the exclusion reasons it names (seed 004): worked examples.

April 2026 in America/New_York (seed 004's US data centres) has no DST change: 30 days =
43,200 minutes.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from forewarn.availability import periods
from forewarn.availability.engine import (
    ComponentSpec,
    Exclusion,
    Outage,
    StatusInterval,
    component_reports,
    restore_checks,
)
from forewarn.availability.reasons import honoured_reasons

NY = ZoneInfo("America/New_York")
APRIL = periods.month(2026, 4).bounds(NY)
SCHEDULED = frozenset({"scheduled_maintenance"})
DATABASE_TERMS = frozenset({"scheduled_maintenance", "instance_resize_migration"})


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=NY)


def down(component_id, start, end, status="major_outage") -> StatusInterval:
    return StatusInterval(component_id, start, end, status)


# A month with one of each: 120 min of scheduled maintenance with 60 min down inside it, a
# 45-min instance resize migration with 40 min down inside it, and a 90-min force majeure
# during which the instance was down throughout.
MONTH = (
    [
        down("db", at(2026, 4, 7, 1, 30), at(2026, 4, 7, 2, 30)),
        down("db", at(2026, 4, 14, 22), at(2026, 4, 14, 22, 40)),
        down("db", at(2026, 4, 21, 10), at(2026, 4, 21, 11, 30)),
    ],
    [
        Exclusion(at(2026, 4, 7, 1), at(2026, 4, 7, 3), "scheduled_maintenance", ("db",), "M-1"),
        Exclusion(
            at(2026, 4, 14, 22),
            at(2026, 4, 14, 22, 45),
            "instance_resize_migration",
            ("db",),
            "R-1",
        ),
        Exclusion(at(2026, 4, 21, 10), at(2026, 4, 21, 11, 30), "force_majeure", None, "FM-1"),
    ],
)


def database(honoured) -> ComponentSpec:
    return ComponentSpec(
        "db", "Cloud Database", is_third_party=True, target_pct="99.9", honoured_reasons=honoured
    )


def test_seed_004_database_contract_excludes_scheduled_maintenance_and_resize_migration_only():
    # Seed 004: "available 99.9% of the time in any given monthly billing period ... excludes
    # downtime due to either Scheduled Maintenance or Instance Resize Migration".
    # Excluded 120 + 45 = 165 min; the force majeure is not excluded, so its 90 min count:
    # (43,200 − 165 − 90) / (43,200 − 165) × 100 = 42,945 / 43,035 × 100 = 99.79086…
    # Budget 0.1 % × 43,035 = 43.035 min, 90 used: breached by 46.965 min.
    [r] = component_reports([database(DATABASE_TERMS)], *MONTH, APRIL).values()
    assert (r.total_minutes, r.excluded_minutes, r.unavailable_minutes) == (43_200, 165, 90)
    assert {k: v for k, v in r.excluded_minutes_by_reason.items() if v} == {
        "scheduled_maintenance": 120,
        "instance_resize_migration": 45,
    }
    assert r.availability_pct == pytest.approx(42_945 / 43_035 * 100, abs=1e-12)
    assert r.error_budget_minutes == pytest.approx(43.035, abs=1e-12)
    assert r.error_budget_left_minutes == pytest.approx(-46.965, abs=1e-9)
    assert r.is_met is False
    assert [(x.ref, x.reason, x.minutes) for x in r.exclusions] == [
        ("M-1", "scheduled_maintenance", 120),
        ("R-1", "instance_resize_migration", 45),
    ]
    assert [(u.start, u.minutes) for u in r.unavailable_intervals] == [(at(2026, 4, 21, 10), 90)]


def test_seed_004_network_contract_excludes_scheduled_maintenance_only():
    # The network: "100% of the time ... excluding scheduled maintenance". Excluded 120 min;
    # the resize migration's 40 min down and the force majeure's 90 count: 130 min.
    # (43,200 − 120 − 130) / (43,200 − 120) × 100 = 42,950 / 43,080 × 100 = 99.69823…
    network = ComponentSpec(
        "db", "Network", is_third_party=True, target_pct=100, honoured_reasons=SCHEDULED
    )
    [r] = component_reports([network], *MONTH, APRIL).values()
    assert (r.excluded_minutes, r.unavailable_minutes) == (120, 130)
    assert r.availability_pct == pytest.approx(42_950 / 43_080 * 100, abs=1e-12)
    assert r.is_met is False


def test_the_providers_own_figures_exclude_every_reason():
    # No contract (honoured_reasons None): 120 + 45 + 90 = 255 excluded, nothing unavailable.
    [r] = component_reports([database(None)], *MONTH, APRIL).values()
    assert (r.excluded_minutes, r.unavailable_minutes, r.availability_pct) == (255, 0, 100.0)


def test_a_contract_that_honours_nothing_counts_every_minute_down():
    [r] = component_reports([database(frozenset())], *MONTH, APRIL).values()
    assert (r.excluded_minutes, r.unavailable_minutes) == (0, 60 + 40 + 90)


def test_time_under_maintenance_is_honoured_by_the_reason_it_takes():
    # Under maintenance by hand (emergency maintenance) 3 Apr 02:00–03:00 and by planned work
    # (scheduled maintenance) 4 Apr 02:00–03:00: the network contract excludes only the second.
    intervals = [
        down("db", at(2026, 4, 3, 2), at(2026, 4, 3, 3), "under_maintenance"),
        StatusInterval(
            "db", at(2026, 4, 4, 2), at(2026, 4, 4, 3), "under_maintenance", None, "planned:3"
        ),
    ]
    [r] = component_reports([database(SCHEDULED)], intervals, [], APRIL).values()
    assert {k: v for k, v in r.excluded_minutes_by_reason.items() if v} == {
        "scheduled_maintenance": 60
    }
    assert [(x.ref, x.reason) for x in r.exclusions] == [("planned:3", "scheduled_maintenance")]
    # Not honoured, the hand-set maintenance is measured as what it is: not an outage.
    assert (r.total_minutes - r.excluded_minutes, r.unavailable_minutes) == (43_140, 0)


def test_restore_clock_stops_during_honoured_exclusions():
    # Seed 004: hosts restored within one hour of identification.
    # down 02:10–03:50, scheduled maintenance 02:00–03:00 → 50 min counted: met.
    # down 02:15–02:45 inside that maintenance → not checked.
    # down 10:00–11:30 during a force majeure the contract does not honour → 90: missed.
    host = ComponentSpec(
        "host",
        "Cloud server hosts",
        is_third_party=True,
        restore_objective=timedelta(hours=1),
        honoured_reasons=SCHEDULED,
    )
    exclusions = [
        Exclusion(at(2026, 4, 7, 2), at(2026, 4, 7, 3), "scheduled_maintenance", ("host",)),
        Exclusion(at(2026, 4, 8, 2), at(2026, 4, 8, 3), "scheduled_maintenance", ("host",)),
        Exclusion(at(2026, 4, 21, 10), at(2026, 4, 21, 11, 30), "force_majeure", None),
    ]
    outages = [
        Outage("host", at(2026, 4, 7, 2, 10), at(2026, 4, 7, 3, 50), None, "R-1"),
        Outage("host", at(2026, 4, 8, 2, 15), at(2026, 4, 8, 2, 45), None, "R-2"),
        Outage("host", at(2026, 4, 21, 10), at(2026, 4, 21, 11, 30), None, "R-3"),
    ]
    checks = restore_checks([host], outages, exclusions=exclusions)
    assert [(c.outage.ref, c.minutes_to_restore, c.is_within_objective) for c in checks] == [
        ("R-1", 50, True),
        ("R-3", 90, False),
    ]


def test_an_ongoing_outage_counts_up_to_now_less_honoured_exclusions():
    # Down since 09:00, maintenance 09:30–10:00, now 10:20: 50 min so far → undecided.
    host = ComponentSpec(
        "host",
        is_third_party=True,
        restore_objective=timedelta(hours=1),
        honoured_reasons=SCHEDULED,
    )
    [check] = restore_checks(
        [host],
        [Outage("host", at(2026, 4, 9, 9), None)],
        now=at(2026, 4, 9, 10, 20),
        exclusions=[Exclusion(at(2026, 4, 9, 9, 30), at(2026, 4, 9, 10), "scheduled_maintenance")],
    )
    assert (check.minutes_to_restore, check.is_within_objective) == (50, None)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ([], ()),
        (["scheduled_maintenance"], ("scheduled_maintenance",)),
        # Kept in precedence order, whatever order they were given in.
        (
            ["instance_resize_migration", "scheduled_maintenance"],
            ("scheduled_maintenance", "instance_resize_migration"),
        ),
    ],
)
def test_honoured_reasons_are_recorded_reasons_in_precedence_order(given, expected):
    assert honoured_reasons(given) == expected


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            ["holiday"],
            "'holiday' is not an exclusion reason; use any of: scheduled_maintenance, "
            "emergency_maintenance, instance_resize_migration, force_majeure, third_party, "
            "client_caused.",
        ),
        (["beta", "x"], "'beta', 'x' are not exclusion reasons; use any of:"),
        ("scheduled_maintenance", "Give a list of exclusion reasons, not 'scheduled_maintenance'."),
        (None, "Give a list of exclusion reasons, not None."),
    ],
)
def test_honoured_reasons_outside_the_vocabulary_are_refused(given, message):
    with pytest.raises(ValueError) as refused:
        honoured_reasons(given)
    assert str(refused.value).startswith(message)


def test_a_spec_with_an_unknown_honoured_reason_is_refused():
    with pytest.raises(ValueError, match=r"db: unknown exclusion reasons \['holiday'\]"):
        database(frozenset({"holiday", "scheduled_maintenance"}))
