"""What the scheduler's jobs make happen to an incident: reminders, missed deadlines, escalations.

Each function takes an incident its caller has locked, inside the caller's
transaction, and ``now``. They write the due-time columns with a queryset update
(bookkeeping, not a change the public page shows) and record what they did.
Idempotent by construction: a reminder is keyed by its deadline, a missed deadline
counts once because the watcher moves on to the next one, and each tier is one
``Escalation`` row (unique per incident and tier).
"""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from forewarn.record.kinds import Kind

from . import notices
from .cadence import reminder_at
from .escalation import Tier, recipients, why
from .models import Escalation, Incident
from .timing import (
    Policies,
    affected_count,
    pending,
    schedule_escalation,
    told_tiers,
    watched_deadline,
)

SYSTEM = "system"


def watch_cadence(incident: Incident, now: datetime, policies: Policies | None = None) -> None:
    """Remind the responders before the watched deadline; once it passes, count it missed.

    After a miss the watcher waits for the next deadline (one interval on) and reminds
    before it again, so an incident nobody updates is reminded of and escalated on
    every interval, each deadline once. ``policies`` is the round's (read once per round).
    """
    policies = policies or Policies()
    policy = policies.priority(incident.priority)
    deadline = watched_deadline(incident, policy) if incident.is_open else None
    if deadline is None:
        _save_schedule(incident, next_reminder_at=None)
        return
    if now < deadline:
        if incident.reminded_for != deadline:
            _remind(incident, deadline, policies.settings.responder_chat_webhook)
        _save_schedule(incident, next_reminder_at=deadline, reminded_for=deadline)
        return
    incident.overdue_count += 1
    incident.missed_since_update += 1
    incident.record(
        Kind.INCIDENT_UPDATE_OVERDUE,
        actor=SYSTEM,
        description=(
            f"missed its update deadline {deadline.isoformat()} "
            f"({incident.overdue_count} missed in all)."
        ),
        details={
            "deadline": deadline.isoformat(),
            "due_at": incident.next_update_due_at.isoformat(),
            "missed_since_update": incident.missed_since_update,
            "overdue_count": incident.overdue_count,
        },
    )
    state = _State(incident, policy, policies)
    schedule_escalation(incident, policy, state.rules, now, **state.known())
    if incident.next_escalation_at is not None and incident.next_escalation_at <= now:
        _escalate(state, now)
    following = watched_deadline(incident, policy)
    _save_schedule(
        incident,
        overdue_count=incident.overdue_count,
        missed_since_update=incident.missed_since_update,
        next_escalation_at=incident.next_escalation_at,
        escalation_tier=incident.escalation_tier,
        next_reminder_at=max(now, reminder_at(following, policy.rule.reminder_lead)),
    )


def _remind(incident: Incident, deadline: datetime, chat: str) -> None:
    addresses = notices.usable(_responder_addresses(incident))
    hooks = [chat] if chat else []
    notice = notices.remind(incident, deadline, addresses=addresses, chat_webhooks=hooks)
    if notice is None:
        description = (
            f"could not be reminded of the update due {deadline.isoformat()}: no responder has "
            "an email address and no chat webhook is set."
        )
    else:
        description = (
            f"responders reminded of the update due {deadline.isoformat()} "
            f"({len(addresses)} address(es){', chat' if hooks else ''})."
        )
    incident.record(
        Kind.INCIDENT_REMINDER_SENT,
        actor=SYSTEM,
        description=description,
        details={
            "deadline": deadline.isoformat(),
            "to": addresses,
            "chat": bool(hooks),
            "key": notice.key if notice else None,
        },
    )


def _responder_addresses(incident: Incident) -> list[str]:
    """The responders' addresses; when none is assigned, the person who opened the incident."""
    found = [
        u.email for u in incident.responders.filter(is_active=True).order_by("username") if u.email
    ]
    if not found and incident.created_by:
        opener = get_user_model().objects.filter(username=incident.created_by, is_active=True)
        found = [u.email for u in opener if u.email]
    return found


class _State:
    """What escalating one (locked) incident reads, read once: its policy, the rules, the tiers
    told, how many components it holds out of operation, and the round's policies."""

    def __init__(self, incident: Incident, policy, policies: Policies):
        self.incident, self.policy, self.policies = incident, policy, policies
        self.rules = policies.settings.to_core()
        self.told = told_tiers(incident)
        self.affected = affected_count(incident)

    def known(self) -> dict:
        return {"told": self.told, "affected": self.affected}


def escalate_due(incident: Incident, now: datetime, policies: Policies | None = None) -> list[Tier]:
    """Tell every tier the incident's state calls for and that has not been told."""
    policies = policies or Policies()
    state = _State(incident, policies.priority(incident.priority), policies)
    told = _escalate(state, now)
    _save_schedule(
        incident,
        next_escalation_at=incident.next_escalation_at,
        escalation_tier=incident.escalation_tier,
    )
    return told


def _escalate(state: _State, now: datetime) -> list[Tier]:
    """Tell the pending tiers and work out the next escalation time; the caller saves both."""
    incident, told = state.incident, []
    for tier in pending(incident, state.policy, state.rules, **state.known()):
        reason = why(
            tier,
            overdue_count=incident.overdue_count,
            affected_components=state.affected,
            rules=state.rules,
        )
        if escalate_to(
            incident,
            tier,
            actor=SYSTEM,
            reason=reason,
            now=now,
            told=state.told,
            contacts=state.policies.tier_contacts(tier),
        ):
            state.told = [*state.told, tier.value]
            told.append(tier)
    incident.next_escalation_at = None
    schedule_escalation(incident, state.policy, state.rules, now, **state.known())
    return told


def escalate_to(
    incident: Incident,
    tier: Tier,
    *,
    actor: str,
    reason: str,
    now: datetime,
    told: list[str] | None = None,
    contacts: tuple[list[str], list[str]] | None = None,
) -> bool:
    """Tell ``tier`` about the incident, once: False when it was told already.

    Sets ``incident.escalation_tier`` to the highest tier told; the caller saves it. ``told``
    is the tiers told before, read by a caller that holds the incident's row lock (so no one
    else can tell a tier meanwhile); without it, the unique (incident, tier) is the guard.
    ``contacts`` are the tier's configured ones, when the caller has them.
    """
    if told is not None and tier.value in told:
        return False
    configured, hooks = contacts or notices.tier_contacts(tier)
    managers = notices.success_managers(incident) if tier is Tier.TIER_1 else []
    addresses = notices.usable(recipients(tier, {tier: configured}, managers))
    escalation = Escalation(
        incident=incident,
        tier=tier,
        at=now,
        actor=actor,
        reason=reason,
        recipients=addresses + hooks,
    )
    if told is not None:
        escalation.save()
    else:
        try:
            with transaction.atomic():  # the unique (incident, tier) is the "once"
                escalation.save()
        except IntegrityError:
            return False
    notice = notices.tell_tier(
        incident, tier, reason=reason, addresses=addresses, chat_webhooks=hooks, actor=actor
    )
    before = told_tiers(incident) if told is None else told
    incident.escalation_tier = max(
        (Tier(t) for t in [*before, tier.value]), key=lambda t: t.rank
    ).value
    nobody = "" if notice else " Nobody is configured for this tier: no one was told."
    incident.record(
        Kind.INCIDENT_ESCALATED,
        actor=actor,
        description=f"escalated to {tier.label}: {reason}.{nobody}",
        details={
            "tier": tier.value,
            "reason": reason,
            "to": addresses,
            "chat_webhooks": len(hooks),
            "key": notice.key if notice else None,
        },
    )
    return True


def _save_schedule(incident: Incident, **fields) -> None:
    for name, value in fields.items():
        setattr(incident, name, value)
    Incident.objects.filter(pk=incident.pk).update(**fields)


def escalate_if_due(incident: Incident, now: datetime) -> None:
    """P1 and P2 escalate immediately: in the transaction that made them due, not a round later."""
    if incident.next_escalation_at is not None and incident.next_escalation_at <= now:
        escalate_due(incident, now)
