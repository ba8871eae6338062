"""When incidents escalate (seed 001 §6) and to which of seed 004's tiers."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from forewarn.incidents.escalation import (
    EscalationRules,
    Tier,
    escalation_at,
    pending_tiers,
    recipients,
    warranted_tiers,
    why,
)
from forewarn.incidents.priorities import EscalationTiming
from forewarn.policies.presets import calendar_for

AMS = ZoneInfo("Europe/Amsterdam")
NL = calendar_for("nl-business")
RULES = EscalationRules()


def ams(*args) -> datetime:
    return datetime(*args, tzinfo=AMS)


def test_p1_and_p2_escalate_immediately_even_at_night():
    night = ams(2026, 11, 28, 3, 10)
    assert escalation_at(EscalationTiming.IMMEDIATELY, night, NL) == night
    assert escalation_at(EscalationTiming.IMMEDIATELY, night).tzinfo == UTC


def test_p3_opened_at_1730_friday_escalates_monday_0830():
    assert escalation_at(EscalationTiming.BUSINESS_HOURS, ams(2026, 11, 27, 17, 30), NL) == ams(
        2026, 11, 30, 8, 30
    )


def test_p3_opened_inside_business_hours_escalates_at_once():
    assert escalation_at(EscalationTiming.BUSINESS_HOURS, ams(2026, 11, 27, 11, 5), NL) == ams(
        2026, 11, 27, 11, 5
    )


def test_p3_opened_before_easter_escalates_after_easter_monday():
    # Thu 2 Apr 2026 17:30: Good Friday, the weekend and Easter Monday are closed.
    assert escalation_at(EscalationTiming.BUSINESS_HOURS, ams(2026, 4, 2, 17, 30), NL) == ams(
        2026, 4, 7, 8, 30
    )


def test_p3_opened_on_ascension_day_escalates_the_next_morning():
    assert escalation_at(EscalationTiming.BUSINESS_HOURS, ams(2026, 5, 14, 10, 0), NL) == ams(
        2026, 5, 15, 8, 30
    )


def test_planned_priorities_never_escalate_automatically():
    assert escalation_at(EscalationTiming.PLANNED, ams(2026, 11, 27, 11, 0), NL) is None


def test_business_hours_timing_needs_a_calendar():
    with pytest.raises(ValueError, match="needs a business calendar"):
        escalation_at(EscalationTiming.BUSINESS_HOURS, ams(2026, 11, 27, 11, 0))


def test_an_escalation_on_the_timing_tells_tier_1_once():
    first = pending_tiers(
        "immediately", notified=(), overdue_count=0, affected_components=1, rules=RULES
    )
    assert first == (Tier.TIER_1,)
    again = pending_tiers(
        "immediately", notified=first, overdue_count=0, affected_components=1, rules=RULES
    )
    assert again == ()


def test_an_overdue_update_escalates_to_tier_2_once():
    assert pending_tiers(
        "immediately", notified=("tier_1",), overdue_count=1, affected_components=1, rules=RULES
    ) == (Tier.TIER_2,)
    assert (
        pending_tiers(
            "immediately",
            notified=("tier_1", "tier_2"),
            overdue_count=1,
            affected_components=1,
            rules=RULES,
        )
        == ()
    )


def test_overdue_twice_is_persistent_and_reaches_the_executives_once():
    told = ("tier_1", "tier_2")
    assert pending_tiers(
        "business_hours", notified=told, overdue_count=2, affected_components=1, rules=RULES
    ) == (Tier.EXECUTIVE,)
    assert (
        pending_tiers(
            "business_hours",
            notified=(*told, "executive"),
            overdue_count=3,
            affected_components=1,
            rules=RULES,
        )
        == ()
    )


def test_a_platform_wide_incident_climbs_the_whole_ladder_at_once():
    rules = EscalationRules(executive_above_components=2)
    assert warranted_tiers(overdue_count=0, affected_components=2, rules=rules) == (Tier.TIER_1,)
    assert warranted_tiers(overdue_count=0, affected_components=3, rules=rules) == (
        Tier.TIER_1,
        Tier.TIER_2,
        Tier.EXECUTIVE,
    )


def test_planned_priorities_have_no_automatic_tiers_whatever_their_state():
    assert (
        pending_tiers("planned", notified=(), overdue_count=5, affected_components=9, rules=RULES)
        == ()
    )


def test_each_tier_says_why_it_was_told():
    assert why(Tier.TIER_1, overdue_count=0, affected_components=1, rules=RULES) == (
        "the priority's escalation timing (seed 001 §6)"
    )
    assert why(Tier.TIER_2, overdue_count=1, affected_components=1, rules=RULES) == (
        "an update is overdue (1 missed)"
    )
    assert why(Tier.EXECUTIVE, overdue_count=2, affected_components=4, rules=RULES) == (
        "persistent: updates overdue 2 times; platform-wide: 4 components affected (more than 3)"
    )


def test_tier_1_tells_the_success_managers_first_and_everyone_once():
    configured = {Tier.TIER_1: ["Desk@Example.com", "cs@example.com"], Tier.EXECUTIVE: ["ceo@x.io"]}
    assert recipients("tier_1", configured, ["cs@example.com", "ann@example.com"]) == [
        "cs@example.com",
        "ann@example.com",
        "desk@example.com",
    ]
    assert recipients("tier_2", configured, ["ann@example.com"]) == []
    assert recipients("executive", configured) == ["ceo@x.io"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"tier_2_after_overdue": 0}, "tier_2_after_overdue: count at least one"),
        ({"executive_after_overdue": 0}, "executive_after_overdue: count at least one"),
        ({"executive_above_components": 0}, "executive_above_components: give at least one"),
    ],
)
def test_rules_that_cannot_work_are_refused(fields, message):
    with pytest.raises(ValueError, match=message):
        EscalationRules(**fields)
