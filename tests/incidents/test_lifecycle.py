"""The incident life cycle: statuses, the moves allowed, reopening, and Statuspage's impact words."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forewarn.incidents.lifecycle import (
    REOPEN_WITHIN,
    Impact,
    IncidentStatus,
    TransitionError,
    check_reopen,
    check_transition,
    impact,
    is_identifying,
    statuspage_status,
)

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def test_statuses_are_statuspages_in_order():
    assert [s.value for s in IncidentStatus] == [
        "investigating",
        "identified",
        "monitoring",
        "resolved",
    ]


@pytest.mark.parametrize("current", ["investigating", "identified", "monitoring"])
@pytest.mark.parametrize("new", ["investigating", "identified", "monitoring", "resolved"])
def test_an_open_incident_may_move_to_any_status(current, new):
    assert check_transition(current, new) == new


@pytest.mark.parametrize("new", ["investigating", "identified", "monitoring", "resolved"])
def test_a_resolved_incident_takes_no_update(new):
    with pytest.raises(TransitionError, match="A resolved incident takes no updates; reopen it"):
        check_transition("resolved", new)


def test_unknown_status_names_the_choices():
    with pytest.raises(TransitionError, match="'fixed' is not an incident status; use one of"):
        check_transition("investigating", "fixed")


def test_reopen_within_seven_days_to_an_open_status():
    resolved_at = NOW - REOPEN_WITHIN
    assert (
        check_reopen(
            "resolved", "identified", resolved_at=resolved_at, now=NOW, postmortem_published=False
        )
        == IncidentStatus.IDENTIFIED
    )


@pytest.mark.parametrize(
    ("current", "new", "resolved_ago", "published", "message"),
    [
        ("monitoring", "investigating", None, False, "only a resolved one is reopened"),
        ("resolved", "resolved", timedelta(hours=1), False, "Reopen to one of"),
        ("resolved", "investigating", timedelta(days=7, seconds=1), False, "more than 7 days"),
        ("resolved", "investigating", timedelta(hours=1), True, "postmortem is published"),
    ],
)
def test_reopening_rules(current, new, resolved_ago, published, message):
    resolved_at = NOW - resolved_ago if resolved_ago else None
    with pytest.raises(TransitionError, match=message):
        check_reopen(current, new, resolved_at=resolved_at, now=NOW, postmortem_published=published)


def test_the_first_move_to_identified_monitoring_or_resolved_identifies():
    assert is_identifying("investigating", "identified")
    assert is_identifying("investigating", "resolved")
    assert not is_identifying("identified", "monitoring")
    assert not is_identifying("investigating", "investigating")


def test_statuspage_shows_postmortem_for_a_resolved_incident_with_one_published():
    assert statuspage_status("resolved", postmortem_published=True) == "postmortem"
    assert statuspage_status("resolved", postmortem_published=False) == "resolved"
    assert statuspage_status("monitoring", postmortem_published=True) == "monitoring"


@pytest.mark.parametrize(
    ("priority", "statuses", "expected"),
    [
        ("P1", [], Impact.CRITICAL),
        ("P2", ["degraded_performance"], Impact.MAJOR),
        ("P3", [], Impact.MINOR),
        ("P3", ["major_outage"], Impact.CRITICAL),
        ("P4", ["partial_outage", "operational"], Impact.MAJOR),
        ("P5", [], Impact.NONE),
        ("P5", ["under_maintenance"], Impact.NONE),
    ],
)
def test_impact_is_the_heavier_of_priority_and_worst_component_status(priority, statuses, expected):
    assert impact(priority, statuses) == expected


# A random walk through the life cycle: updates to any status, and reopen attempts.
steps = st.lists(
    st.tuples(st.sampled_from(["update", "reopen"]), st.sampled_from(list(IncidentStatus))),
    max_size=30,
)


@given(steps)
def test_nothing_leaves_resolved_except_reopen(walk):
    status = IncidentStatus.INVESTIGATING
    for action, target in walk:
        before = status
        try:
            if action == "update":
                status = check_transition(status, target)
            else:
                status = check_reopen(
                    status, target, resolved_at=NOW, now=NOW, postmortem_published=False
                )
        except TransitionError:
            assert status == before
            continue
        if before == IncidentStatus.RESOLVED:
            assert action == "reopen" and status.is_open
        if action == "reopen":
            assert before == IncidentStatus.RESOLVED
