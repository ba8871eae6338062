"""Pure Python, no Django. When an incident escalates, and to whom.

When: seed 001 §6's *escalation* column. P1 and P2 "Immediately"; P3 "Business
Hours": at once inside them, else at the next opening of the business calendar (a
P3 opened at 17:30 on a Friday escalates on Monday at 08:30); P4 and P5 "Planned":
never automatically (a person may still escalate by hand).

To whom: seed 004's tiers, a ladder. "Tier 1 level inquiries and triage are handled
through a Customer Success Manager dedicated to an account. Technical issues are
escalated to a Tier 2 Support Team for further investigation and resolution.
Persistent service related issues or platform-wide issues are escalated to execute
level engagement." So an incident escalates to Tier 1 (the success managers of the
affected organizations, and anyone configured for the tier) on its priority's
timing; to Tier 2 (the technical team beyond the responders) once an update is
overdue (``tier_2_after_overdue``); to the executives when it is *persistent*
(updates overdue ``executive_after_overdue`` times) or *platform-wide* (more than
``executive_above_components`` components affected), Tier 2 with them if not told
yet. Automatic escalations keep the priority's timing: an overdue P3 reaches Tier 2
in business hours. Each tier is told once per incident; a person may escalate to
any tier by hand.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum, unique

from forewarn.calendars.engine import BusinessCalendar
from forewarn.incidents.priorities import EscalationTiming


@unique
class Tier(StrEnum):
    TIER_1 = "tier_1"
    TIER_2 = "tier_2"
    EXECUTIVE = "executive"

    @property
    def label(self) -> str:
        return LABELS[self]

    @property
    def rank(self) -> int:
        return list(Tier).index(self)


LABELS = {
    Tier.TIER_1: "Tier 1 (success managers)",
    Tier.TIER_2: "Tier 2 (technical)",
    Tier.EXECUTIVE: "Executive",
}


@dataclass(frozen=True, slots=True)
class EscalationRules:
    """When an incident counts as persistent or platform-wide (editable: ``models.EscalationSettings``)."""

    tier_2_after_overdue: int = 1  # an overdue update escalates
    executive_after_overdue: int = 2  # "overdue twice"
    executive_above_components: int = 3  # "more than N components"

    def __post_init__(self) -> None:
        if self.tier_2_after_overdue < 1:
            raise ValueError("tier_2_after_overdue: count at least one missed update.")
        if self.executive_after_overdue < 1:
            raise ValueError("executive_after_overdue: count at least one missed update.")
        if self.executive_above_components < 1:
            raise ValueError("executive_above_components: give at least one component.")


DEFAULT_RULES = EscalationRules()


def escalation_at(
    timing: str, triggered_at: datetime, calendar: BusinessCalendar | None = None
) -> datetime | None:
    """When an escalation triggered at ``triggered_at`` happens under the priority's timing."""
    timing = EscalationTiming(timing)
    if triggered_at.tzinfo is None:
        raise ValueError("triggered_at must be timezone-aware.")
    if timing is EscalationTiming.PLANNED:
        return None
    if timing is EscalationTiming.IMMEDIATELY:
        return triggered_at.astimezone(UTC)
    if calendar is None:
        raise ValueError("Escalation within business hours needs a business calendar.")
    return calendar.next_open(triggered_at)


def is_persistent(overdue_count: int, rules: EscalationRules) -> bool:
    return overdue_count >= rules.executive_after_overdue


def is_platform_wide(affected_components: int, rules: EscalationRules) -> bool:
    return affected_components > rules.executive_above_components


def warranted_tiers(
    *, overdue_count: int, affected_components: int, rules: EscalationRules
) -> tuple[Tier, ...]:
    """The tiers the incident's state calls for, whatever the timing: a ladder from Tier 1."""
    tiers = [Tier.TIER_1]
    executive = is_persistent(overdue_count, rules) or is_platform_wide(affected_components, rules)
    if executive or overdue_count >= rules.tier_2_after_overdue:
        tiers.append(Tier.TIER_2)
    if executive:
        tiers.append(Tier.EXECUTIVE)
    return tuple(tiers)


def pending_tiers(
    timing: str,
    *,
    notified: Iterable[str],
    overdue_count: int,
    affected_components: int,
    rules: EscalationRules,
) -> tuple[Tier, ...]:
    """The tiers to tell automatically that have not been told; none for a planned priority."""
    if EscalationTiming(timing) is EscalationTiming.PLANNED:
        return ()
    told = {Tier(t) for t in notified}
    wanted = warranted_tiers(
        overdue_count=overdue_count, affected_components=affected_components, rules=rules
    )
    return tuple(t for t in wanted if t not in told)


def why(tier: Tier, *, overdue_count: int, affected_components: int, rules: EscalationRules) -> str:
    """The reason an automatic escalation to ``tier`` gives, in words."""
    if tier is Tier.TIER_1:
        return "the priority's escalation timing (seed 001 §6)"
    reasons = []
    if tier is Tier.TIER_2 and overdue_count >= rules.tier_2_after_overdue:
        reasons.append(f"an update is overdue ({overdue_count} missed)")
    if tier is Tier.EXECUTIVE and is_persistent(overdue_count, rules):
        reasons.append(f"persistent: updates overdue {overdue_count} times")
    if is_platform_wide(affected_components, rules):
        reasons.append(
            f"platform-wide: {affected_components} components affected "
            f"(more than {rules.executive_above_components})"
        )
    return "; ".join(reasons)


def recipients(
    tier: str, configured: Mapping[str, Iterable[str]], success_managers: Iterable[str] = ()
) -> list[str]:
    """Who a tier tells: its configured addresses; Tier 1 also the affected accounts' success managers.

    Addresses are lowercased and each appears once, in the order given.
    """
    tier = Tier(tier)
    found: list[str] = []
    sources = [configured.get(tier, ())]
    if tier is Tier.TIER_1:
        sources.insert(0, success_managers)
    for source in sources:
        for address in source:
            address = address.strip().lower()
            if address and address not in found:
                found.append(address)
    return found
