"""Time under maintenance is excluded, not counted as available (S8): worked examples.

Q1 2026 in Europe/Amsterdam is 129,540 minutes (90 days less the spring-forward hour).
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from forewarn.availability import periods
from forewarn.availability.engine import (
    ComponentSpec,
    Exclusion,
    StatusInterval,
    component_reports,
    daily_availability,
)
from forewarn.availability.reasons import Reason, maintenance_reason, planned_reasons

AMS = ZoneInfo("Europe/Amsterdam")
Q1 = periods.quarter(2026, 1).bounds(AMS)
API = ComponentSpec("api", "API")


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=AMS)


def status(component_id, start, end, value, cause=None, cause_ref=None) -> StatusInterval:
    return StatusInterval(component_id, start, end, value, cause, cause_ref)


def report(intervals, exclusions=(), components=(API,)):
    reports = component_reports(components, intervals, exclusions, Q1)
    return reports if len(components) > 1 else reports[components[0].id]


@pytest.mark.parametrize(
    ("cause_ref", "planned", "reason"),
    [
        ("planned:4", None, Reason.SCHEDULED_MAINTENANCE),
        # Planned emergency work: its own exclusion says so, and the status agrees.
        ("planned:4", {"planned:4": "emergency_maintenance"}, Reason.EMERGENCY_MAINTENANCE),
        ("planned:4", {"planned:5": "emergency_maintenance"}, Reason.SCHEDULED_MAINTENANCE),
        # S8: "also when an operator set that status by hand without planned work".
        (None, None, Reason.EMERGENCY_MAINTENANCE),
        ("", None, Reason.EMERGENCY_MAINTENANCE),
        ("incident:9", None, Reason.EMERGENCY_MAINTENANCE),
        ("CHG-12", None, Reason.EMERGENCY_MAINTENANCE),
    ],
)
def test_the_reason_time_under_maintenance_is_excluded_under(cause_ref, planned, reason):
    assert maintenance_reason(cause_ref, planned) is reason


def test_a_planned_works_reason_is_the_first_its_exclusions_give():
    assert planned_reasons(
        [
            ("planned:4", "emergency_maintenance"),
            ("planned:4", "scheduled_maintenance"),
            ("planned:5", "emergency_maintenance"),
            ("exclusion:7", "force_majeure"),
            (None, "third_party"),
        ]
    ) == {"planned:4": "scheduled_maintenance", "planned:5": "emergency_maintenance"}


def test_time_set_under_maintenance_by_hand_is_excluded_as_emergency_maintenance():
    # Under maintenance 5 Jan 00:00–06:00 (360 min), set by hand; a 10-min outage at 14:00.
    # Excluded 360, unavailable 10: (129,540 − 360 − 10) / (129,540 − 360) × 100
    # = 129,170 / 129,180 × 100 = 99.99225…; before, the 360 min counted as available:
    # 129,530 / 129,540.
    r = report(
        [
            status("api", at(2026, 1, 5), at(2026, 1, 5, 6), "under_maintenance", "By hand"),
            status("api", at(2026, 1, 5, 14), at(2026, 1, 5, 14, 10), "major_outage"),
        ]
    )
    assert (r.total_minutes, r.excluded_minutes, r.unavailable_minutes) == (129_540, 360, 10)
    assert r.excluded_minutes_by_reason["emergency_maintenance"] == 360
    assert r.availability_pct == pytest.approx(129_170 / 129_180 * 100, abs=1e-12)
    assert r.worst_status == "major_outage"
    [x] = r.exclusions
    assert (x.ref, x.reason, x.start, x.end, x.minutes, x.status, x.causes) == (
        None,
        "emergency_maintenance",
        at(2026, 1, 5),
        at(2026, 1, 5, 6),
        360,
        "under_maintenance",
        ("By hand",),
    )


def test_time_planned_work_held_under_maintenance_is_scheduled_maintenance():
    # Planned work 4 held the API under maintenance 10 Feb 01:00–03:30 = 150 min.
    r = report(
        [
            status(
                "api",
                at(2026, 2, 10, 1),
                at(2026, 2, 10, 3, 30),
                "under_maintenance",
                "DB upgrade (planned:4)",
                "planned:4",
            )
        ]
    )
    assert r.excluded_minutes_by_reason["scheduled_maintenance"] == 150
    assert (r.excluded_minutes, r.unavailable_minutes, r.availability_pct) == (150, 0, 100.0)
    [x] = r.exclusions
    assert (x.ref, x.reason, x.minutes, x.causes) == (
        "planned:4",
        "scheduled_maintenance",
        150,
        ("DB upgrade (planned:4)",),
    )


def test_an_exclusion_and_time_under_maintenance_over_the_same_minutes_count_once():
    # Planned work 4 holds the API under maintenance 02:00–04:00 and its exclusion provider
    # excludes 02:00–03:30 for it (ref planned:4); a force majeure covers 03:00–05:00.
    # Excluded 02:00–05:00 = 180 min, not 120 + 90 + 120 = 330: the maintenance's 120 min go to
    # scheduled maintenance (first in precedence), 04:00–05:00 to force majeure.
    r = report(
        [
            status(
                "api", at(2026, 1, 7, 2), at(2026, 1, 7, 4), "under_maintenance", None, "planned:4"
            )
        ],
        [
            Exclusion(
                at(2026, 1, 7, 2),
                at(2026, 1, 7, 3, 30),
                "scheduled_maintenance",
                ("api",),
                "planned:4",
            ),
            Exclusion(at(2026, 1, 7, 3), at(2026, 1, 7, 5), "force_majeure", None, "FM-1"),
        ],
    )
    assert r.excluded_minutes == 180
    assert {k: v for k, v in r.excluded_minutes_by_reason.items() if v} == {
        "scheduled_maintenance": 120,
        "force_majeure": 60,
    }
    assert r.availability_pct == 100.0
    # Each source is listed with its own minutes, for the auditor.
    assert [(x.ref, x.reason, x.minutes, x.status) for x in r.exclusions] == [
        ("planned:4", "scheduled_maintenance", 90, None),
        ("planned:4", "scheduled_maintenance", 120, "under_maintenance"),
        ("FM-1", "force_majeure", 120, None),
    ]


def test_emergency_planned_work_is_emergency_maintenance_in_its_status_and_its_exclusion():
    # Emergency work 5 (its provider's exclusion says emergency maintenance) held the API
    # 09:00–10:00: 60 min of emergency maintenance, none of it filed as scheduled.
    r = report(
        [
            status(
                "api", at(2026, 3, 2, 9), at(2026, 3, 2, 10), "under_maintenance", None, "planned:5"
            )
        ],
        [
            Exclusion(
                at(2026, 3, 2, 9),
                at(2026, 3, 2, 10),
                "emergency_maintenance",
                ("api",),
                "planned:5",
            )
        ],
    )
    assert {k: v for k, v in r.excluded_minutes_by_reason.items() if v} == {
        "emergency_maintenance": 60
    }


def test_an_outage_during_maintenance_is_not_counted():
    # Overlapping statuses (as when two sources report): under maintenance 10:00–12:00 and a
    # major outage 11:00–13:00. 10:00–12:00 is excluded; 12:00–13:00 is unavailable (60 min).
    r = report(
        [
            status("api", at(2026, 1, 5, 10), at(2026, 1, 5, 12), "under_maintenance"),
            status("api", at(2026, 1, 5, 11), at(2026, 1, 5, 13), "major_outage"),
        ]
    )
    assert (r.excluded_minutes, r.unavailable_minutes) == (120, 60)
    assert [(u.start, u.end) for u in r.unavailable_intervals] == [
        (at(2026, 1, 5, 12), at(2026, 1, 5, 13))
    ]


def test_ongoing_maintenance_is_excluded_up_to_the_end_of_what_is_measured():
    # Under maintenance since 31 March 22:00 and not over: Q1 excludes 22:00–24:00.
    r = report([status("api", at(2026, 3, 31, 22), None, "under_maintenance")])
    assert r.excluded_minutes_by_reason["emergency_maintenance"] == 120


TRUNKS = [
    ComponentSpec("trunk-a", "Trunk A"),
    ComponentSpec("trunk-b", "Trunk B"),
    ComponentSpec("sip", "Voice/SIP", members=("trunk-a", "trunk-b")),
]


def test_a_members_maintenance_is_its_own_and_a_groups_own_maintenance_is_the_groups():
    # Trunk A under maintenance 5 Jan 10:00–11:00 (its 60 min excluded) while trunk B is down
    # 10:30–11:00: Voice/SIP stays available (A counts as not out) and excludes nothing for A's
    # maintenance. Voice/SIP set under maintenance itself 6 Jan 10:00–10:45: 45 min excluded.
    r = report(
        [
            status("trunk-a", at(2026, 1, 5, 10), at(2026, 1, 5, 11), "under_maintenance"),
            status("trunk-b", at(2026, 1, 5, 10, 30), at(2026, 1, 5, 11), "major_outage"),
            status("sip", at(2026, 1, 6, 10), at(2026, 1, 6, 10, 45), "under_maintenance"),
        ],
        components=TRUNKS,
    )
    assert (r["trunk-a"].excluded_minutes, r["trunk-a"].unavailable_minutes) == (60, 0)
    assert (r["trunk-b"].excluded_minutes, r["trunk-b"].unavailable_minutes) == (0, 30)
    assert (r["sip"].excluded_minutes, r["sip"].unavailable_minutes) == (45, 0)


def test_uptime_bars_exclude_maintenance_as_the_report_does():
    # 3 Feb: under maintenance 00:00–12:00 (by hand) and down 13:00–13:36: 720 excluded,
    # (720 − 36) / 720 = 95 %. 4 Feb: under maintenance all day: nothing measured.
    intervals = [
        status("api", at(2026, 2, 3), at(2026, 2, 3, 12), "under_maintenance"),
        status("api", at(2026, 2, 3, 13), at(2026, 2, 3, 13, 36), "major_outage"),
        status("api", at(2026, 2, 4), at(2026, 2, 5), "under_maintenance", None, "planned:2"),
    ]
    bars = daily_availability(API, intervals, [], tz=AMS, end_date=date(2026, 2, 4), days=2)
    assert [(b.day, b.availability_pct, b.worst_status, b.unavailable_minutes) for b in bars] == [
        (date(2026, 2, 3), pytest.approx(95.0, abs=1e-12), "major_outage", 36),
        (date(2026, 2, 4), None, "under_maintenance", 0),
    ]
    q1 = report(intervals)
    assert q1.excluded_minutes_by_reason["emergency_maintenance"] == 720
    assert q1.excluded_minutes_by_reason["scheduled_maintenance"] == 1440
