"""Classifying an incident: its priority, its visibility and its cause for the SLA.

One transaction each, as in ``services``. Reclassifying changes the visibility (unless
an operator overrode it) and the cadence from that moment, recorded with its reason;
making an incident public tells customers of its latest update; the cause decides
whether its time is excluded from the availability figures (``exclusions``).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from forewarn.catalog.models import Component
from forewarn.record.kinds import Kind
from forewarn.statuspage.version import page_changed

from . import effects, guards, notices, runner
from .access import Action
from .causes import Cause
from .models import Incident
from .timing import escalation_rules, policy_for, restart_cadence, schedule_escalation


@transaction.atomic
def reclassify(
    incident: Incident,
    priority: str,
    *,
    reason: str,
    actor: str,
    role: str | None,
    notify: bool = True,
) -> Incident:
    """Change the priority, with a reason; visibility and cadence change from this moment.

    The visibility follows the new priority's default unless an operator overrode it;
    an incident that becomes public tells customers of its latest update (``notify``).
    """
    guards.allow(role, Action.RECLASSIFY)
    incident = guards.locked(incident)
    new = guards.priority_of(priority)
    reason = guards.required("reason", reason, "the reason for the reclassification")
    if new == incident.priority:
        raise ValidationError({"priority": f"The incident is {new} already."})
    now = timezone.now()
    old, was_public = incident.priority, incident.is_public
    policy = policy_for(new)
    incident.priority = new
    incident.priority_set_at = now
    if not incident.visibility_overridden:
        incident.is_public = policy.is_public_by_default
    if incident.is_open:
        restart_cadence(incident, now, policy)
        incident.next_escalation_at = None
        schedule_escalation(incident, policy, escalation_rules(), now)
    incident.save()
    interval = policy.rule.interval
    incident.record(
        Kind.INCIDENT_RECLASSIFIED,
        actor=actor,
        description=f"reclassified {old} → {new}: {reason}",
        details={
            "from": old,
            "to": new.value,
            "reason": reason,
            "is_public": incident.is_public,
            "update_interval_minutes": interval.total_seconds() / 60 if interval else None,
            "clock": policy.rule.clock.value,
            "next_update_due_at": guards.iso(incident.next_update_due_at),
        },
    )
    _visibility_changed(incident, was_public, actor=actor, reason=reason, notify=notify)
    runner.escalate_if_due(incident, now)
    if was_public or guards.shows_on_page(incident):
        page_changed()
    return incident


def _visibility_changed(
    incident: Incident, was_public: bool, *, actor: str, reason: str, notify: bool
) -> None:
    if incident.is_public == was_public:
        return
    incident.record(
        Kind.INCIDENT_MADE_PUBLIC if incident.is_public else Kind.INCIDENT_MADE_INTERNAL,
        actor=actor,
        description=f"made {'public' if incident.is_public else 'internal'}: {reason}",
        details={"reason": reason, "overridden": incident.visibility_overridden},
    )
    latest = incident.updates.order_by("-posted_at", "-id").first()
    if incident.is_public and notify and latest is not None and latest.notify:
        notices.announce_update(incident, latest, actor=actor)


@transaction.atomic
def make_public(
    incident: Incident, *, actor: str, role: str | None, reason: str = "", notify: bool = True
) -> Incident:
    """Show the incident on the status page whatever its priority (an override, kept on reclassifying)."""
    return _set_visibility(incident, True, actor=actor, role=role, reason=reason, notify=notify)


@transaction.atomic
def make_internal(
    incident: Incident, *, actor: str, role: str | None, reason: str = ""
) -> Incident:
    """Take the incident off the status page whatever its priority (an override)."""
    return _set_visibility(incident, False, actor=actor, role=role, reason=reason, notify=False)


def _set_visibility(
    incident: Incident, public: bool, *, actor: str, role: str | None, reason: str, notify: bool
) -> Incident:
    guards.allow(role, Action.SET_VISIBILITY)
    incident = guards.locked(incident)
    if incident.is_public == public:
        raise ValidationError(
            {"is_public": f"The incident is {'public' if public else 'internal'} already."}
        )
    incident.is_public = public
    incident.visibility_overridden = True
    incident.save(update_fields=["is_public", "visibility_overridden", "updated_at"])
    _visibility_changed(
        incident, not public, actor=actor, reason=reason.strip() or "by hand", notify=notify
    )
    page_changed()
    return incident


@transaction.atomic
def set_cause(
    incident: Incident,
    cause: str,
    *,
    actor: str,
    role: str | None,
    upstream: Component | None = None,
    note: str = "",
) -> Incident:
    """Classify the cause for the SLA (own, third party, client-caused, force majeure).

    A third-party cause may name the upstream component responsible. While the incident
    is open that component joins the affected ones, in the worst status the incident
    holds, so its own history (and target) shows the downtime.
    """
    guards.allow(role, Action.SET_CAUSE)
    incident = guards.locked(incident)
    try:
        cause = Cause(cause)
    except ValueError:
        raise ValidationError(
            {"cause": f"'{cause}' is not a cause; use one of {', '.join(Cause)}."}
        ) from None
    if upstream is not None and cause is not Cause.THIRD_PARTY:
        raise ValidationError(
            {"cause_component": "Only a third-party cause names an upstream component."}
        )
    if upstream is not None and not upstream.is_third_party:
        raise ValidationError(
            {"cause_component": f"{upstream.slug} is not marked as a third-party component."}
        )
    before = (incident.cause, incident.cause_component_id)
    if before == (cause.value, upstream.pk if upstream else None) and note == incident.cause_note:
        raise ValidationError({"cause": f"The cause is {cause.value} already."})
    now = timezone.now()
    was_excluded = Cause(incident.cause).is_excluded
    incident.cause, incident.cause_component, incident.cause_note = cause, upstream, note.strip()
    incident.save(update_fields=["cause", "cause_component", "cause_note", "updated_at"])
    incident.record(
        Kind.INCIDENT_CAUSE_SET,
        actor=actor,
        description=f"cause: {cause.label}" + (f" ({upstream.name})" if upstream else "") + ".",
        details={
            "from": before[0],
            "to": cause.value,
            "upstream": upstream.slug if upstream else None,
            "note": incident.cause_note,
        },
    )
    changed = False
    if upstream is not None and incident.is_open:
        changed = effects.add_upstream(incident, upstream, actor=actor, now=now)
    if was_excluded or changed or guards.shows_on_page(incident):
        page_changed()  # the exclusions move the uptime bars
    return incident
