"""An incident's due-time columns, recomputed from the pure core whenever its state changes.

Services and the runner call these inside their transactions; they set fields on the
incident and the caller saves them: ``next_update_due_at`` and ``next_reminder_at``
from ``cadence``, ``next_escalation_at`` from ``escalation``, with the editable
policies (``CadencePolicy``, ``EscalationSettings``) handed over by ``policy_for``.
"""

from dataclasses import dataclass
from datetime import datetime

from forewarn.calendars.engine import BusinessCalendar
from forewarn.catalog.models import ComponentStatus

from .cadence import CadenceRule, deadline_after_misses, next_update_due, reminder_at
from .escalation import EscalationRules, Tier, escalation_at, pending_tiers
from .models import CadencePolicy, EscalationSettings, Incident
from .notices import tier_contacts
from .priorities import EscalationTiming


@dataclass(frozen=True, slots=True)
class PriorityPolicy:
    """What a priority means here now: its cadence, escalation timing, calendar and visibility."""

    rule: CadenceRule
    timing: EscalationTiming
    calendar: BusinessCalendar
    is_public_by_default: bool


def policy_for(priority: str) -> PriorityPolicy:
    """The priority's policy as an admin keeps it (seed 001's when there is no row)."""
    row = CadencePolicy.for_priority(priority)
    rule, timing, calendar = row.to_core()
    return PriorityPolicy(rule, timing, calendar, row.is_public_by_default)


def escalation_rules() -> EscalationRules:
    return EscalationSettings.current().to_core()


class Policies:
    """The editable policies as one round of the jobs reads them: each looked up once.

    A round is short and commits row by row; an admin's change applies from the next round.
    """

    def __init__(self) -> None:
        self._priorities: dict[str, PriorityPolicy] = {}
        self._settings: EscalationSettings | None = None
        self._contacts: dict[Tier, tuple[list[str], list[str]]] = {}

    def priority(self, priority: str) -> PriorityPolicy:
        if priority not in self._priorities:
            self._priorities[priority] = policy_for(priority)
        return self._priorities[priority]

    @property
    def settings(self) -> EscalationSettings:
        if self._settings is None:
            self._settings = EscalationSettings.current()
        return self._settings

    def tier_contacts(self, tier: Tier) -> tuple[list[str], list[str]]:
        """The tier's configured addresses and chat webhooks (``notices.tier_contacts``)."""
        if tier not in self._contacts:
            self._contacts[tier] = tier_contacts(tier)
        return self._contacts[tier]


def restart_cadence(incident: Incident, started_at: datetime, policy: PriorityPolicy) -> None:
    """Start the cadence clock at ``started_at`` (an update, a reclassification, a reopening)."""
    due = None
    if incident.is_open:
        due = next_update_due(policy.rule, started_at, policy.calendar)
    incident.next_update_due_at = due
    incident.missed_since_update = 0
    incident.next_reminder_at = reminder_at(due, policy.rule.reminder_lead) if due else None


def watched_deadline(incident: Incident, policy: PriorityPolicy) -> datetime | None:
    """The deadline the watcher waits for: the update due, one interval on for each one missed."""
    if incident.next_update_due_at is None:
        return None
    return deadline_after_misses(
        policy.rule, incident.next_update_due_at, incident.missed_since_update, policy.calendar
    )


def affected_count(incident: Incident) -> int:
    """Components the incident holds out of operation now (for *platform-wide*)."""
    return incident.affected.exclude(status_during=ComponentStatus.OPERATIONAL).count()


def told_tiers(incident: Incident) -> list[str]:
    return list(incident.escalations.values_list("tier", flat=True))


def pending(
    incident: Incident,
    policy: PriorityPolicy,
    rules: EscalationRules,
    *,
    told: list[str] | None = None,
    affected: int | None = None,
) -> tuple[Tier, ...]:
    """The tiers the incident's state calls for automatically and that have not been told.

    ``told`` and ``affected`` save reading them again when the caller has them.
    """
    if not incident.is_open:
        return ()
    return pending_tiers(
        policy.timing,
        notified=told_tiers(incident) if told is None else told,
        overdue_count=incident.overdue_count,
        affected_components=affected_count(incident) if affected is None else affected,
        rules=rules,
    )


def schedule_escalation(
    incident: Incident,
    policy: PriorityPolicy,
    rules: EscalationRules,
    triggered_at: datetime,
    *,
    told: list[str] | None = None,
    affected: int | None = None,
) -> None:
    """Set ``next_escalation_at`` for what the state now calls for (kept if already sooner)."""
    if not pending(incident, policy, rules, told=told, affected=affected):
        incident.next_escalation_at = None
        return
    at = escalation_at(policy.timing, triggered_at, policy.calendar)
    current = incident.next_escalation_at
    incident.next_escalation_at = at if current is None or at is None else min(current, at)
