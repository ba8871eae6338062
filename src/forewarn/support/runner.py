"""What the clock watcher makes happen to a request: warnings at 75 % of a target, the breach,
and the escalation a breach brings (the incidents' tiers, seed 004).

Each function takes a request its caller has locked, inside the caller's transaction.
Idempotent by construction: a warning or breach is recorded against the due instant it is
for (``warned_for``, ``breached_for``), and each tier is one ``RequestEscalation`` row.
A breach of the first response escalates to Tier 1 (the organization's success manager and
the tier's configured people); a breach of the resolution target to Tier 2 (technical).
"""

from datetime import datetime

from django.db import IntegrityError, transaction

from forewarn.incidents.escalation import Tier, recipients
from forewarn.incidents.notices import tier_contacts, usable
from forewarn.record.kinds import Kind

from . import notices, timing
from .models import RequestEscalation, SupportRequest

SYSTEM = "system"
# (clock, due column, warned column, breached column, tier a breach escalates to)
CLOCKS = (
    ("first_response", "first_response_due_at", "warned_for", "breached_for", Tier.TIER_1),
    (
        "resolution",
        "resolution_due_at",
        "resolution_warned_for",
        "resolution_breached_for",
        Tier.TIER_2,
    ),
)
WORDS = {"first_response": "first response", "resolution": "resolution"}


def watch(request: SupportRequest, now: datetime) -> None:
    """Warn or record a breach for each clock whose moment has come, then look ahead again."""
    for name, due_field, warned_field, breached_field, tier in CLOCKS:
        due = getattr(request, due_field)
        if due is None:
            continue
        if now >= due and getattr(request, breached_field) != due:
            setattr(request, breached_field, due)
            setattr(request, warned_field, due)
            _breach(request, name, due, tier, now)
        elif getattr(request, warned_field) != due:
            clock = (
                timing.first_response_clock if name == "first_response" else timing.resolution_clock
            )(request)
            warn = clock.warn_at() if clock else None
            if warn is not None and now >= warn:
                setattr(request, warned_field, due)
                _warn(request, name, due, clock.left(now))
    timing.recompute(request)
    request.save()


def _watchers(request: SupportRequest) -> list[str]:
    """Who is warned: the assignee; without one, the organization's success manager."""
    for user in (request.assignee, request.organization.success_manager):
        if user is not None and user.is_active and user.email:
            return usable([user.email])
    return []


def _warn(request: SupportRequest, name: str, due: datetime, left) -> None:
    addresses = _watchers(request)
    minutes = max(0, int(left.total_seconds() // 60))
    notice = notices.to_staff(
        request,
        suffix=f"warn:{name}:{due.isoformat()}",
        subject=f"{WORDS[name].capitalize()} due soon",
        body=(
            f"75 % of the {WORDS[name]} target of **{request.subject}** ({request.priority}) has run: "
            f"{minutes} business minutes are left, due {notices.when(due)}."
        ),
        addresses=addresses,
    )
    request.record(
        Kind.SUPPORT_REQUEST_WARNING_SENT,
        actor=SYSTEM,
        description=f"{WORDS[name]} due {due.isoformat()}: 75 % of the target has run"
        + ("." if notice else "; nobody to warn (no assignee, no success manager)."),
        details={
            "clock": name,
            "due_at": due.isoformat(),
            "to": addresses,
            "key": notice.key if notice else None,
        },
    )


def _breach(request: SupportRequest, name: str, due: datetime, tier: Tier, now: datetime) -> None:
    addresses = _watchers(request)
    notice = notices.to_staff(
        request,
        suffix=f"breach:{name}:{due.isoformat()}",
        subject=f"{WORDS[name].capitalize()} overdue",
        body=f"The {WORDS[name]} of **{request.subject}** ({request.priority}) was due {notices.when(due)}.",
        addresses=addresses,
    )
    request.record(
        Kind.SUPPORT_REQUEST_BREACHED,
        actor=SYSTEM,
        description=f"{WORDS[name]} target passed at {due.isoformat()} without an answer.",
        details={
            "clock": name,
            "due_at": due.isoformat(),
            "to": addresses,
            "key": notice.key if notice else None,
        },
    )
    escalate_to(request, tier, actor=SYSTEM, reason=f"the {WORDS[name]} target passed", now=now)


def escalate_to(
    request: SupportRequest, tier: Tier, *, actor: str, reason: str, now: datetime
) -> bool:
    """Tell ``tier`` about the request, once: False when it was told already."""
    configured, hooks = tier_contacts(tier)
    manager = request.organization.success_manager
    managers = (
        [manager.email]
        if tier is Tier.TIER_1 and manager and manager.is_active and manager.email
        else []
    )
    addresses = usable(recipients(tier, {tier: configured}, managers))
    try:
        with transaction.atomic():  # the unique (request, tier) is the "once"
            RequestEscalation.objects.create(
                request=request,
                tier=tier,
                at=now,
                actor=actor,
                reason=reason,
                recipients=addresses + hooks,
            )
    except IntegrityError:
        return False
    notice = notices.to_staff(
        request,
        suffix=f"escalation:{tier.value}",
        subject=f"Escalated to {tier.label}",
        body=f"**{request.subject}** ({request.organization.name}, {request.priority}) was escalated to {tier.label}: {reason}.",
        addresses=addresses,
        chat_webhooks=hooks,
        actor=actor,
    )
    nobody = "" if notice else " Nobody is configured for this tier: no one was told."
    request.record(
        Kind.SUPPORT_REQUEST_ESCALATED,
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
