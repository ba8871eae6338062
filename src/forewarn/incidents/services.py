"""The operations staff perform on incidents; the console and the API call these, nothing else.

Each is one transaction that checks the caller's role (``access``), validates (bad
input raises ``ValidationError`` naming the field and changes nothing), changes the
state, records each fact (``record.kinds.Kind.INCIDENT_*``), queues customer notices
for public incidents (``notices``), moves the affected components' status with
``cause_ref`` ``incident:<id>`` so their history follows the incident, recomputes
the due-time columns (``timing``) and, when the public page shows a change, calls
``page_changed()``. A refused role raises ``PermissionDenied`` with the reason.

Here: the incident's life (open, acknowledge, post updates, resolve, reopen) and its
people (responders, escalation by hand). ``classification`` changes priority,
visibility and cause; ``postmortems`` writes and publishes postmortems; ``runner``
does what the jobs trigger.

``actor`` is the name recorded (a username, ``hook:alertmanager``); ``role`` the
caller's staff role (``catalog.models.role_of(user)``).
"""

from collections.abc import Iterable, Mapping
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from forewarn.catalog.lookups import component_statuses
from forewarn.catalog.models import Component
from forewarn.markup import render_markdown
from forewarn.record.kinds import Kind
from forewarn.statuspage.version import page_changed

from . import effects, guards, notices, runner
from .access import Action
from .escalation import Tier
from .lifecycle import (
    IncidentStatus,
    TransitionError,
    check_reopen,
    check_transition,
    is_identifying,
)
from .models import Incident, IncidentTemplate, IncidentUpdate, Postmortem
from .timing import escalation_rules, policy_for, restart_cadence, schedule_escalation

# Opening -------------------------------------------------------------------------------


@transaction.atomic
def open_incident(
    *,
    actor: str,
    role: str | None,
    title: str = "",
    priority: str = "",
    message: str = "",
    components: Mapping[Component, str] | None = None,
    template: IncidentTemplate | None = None,
    is_public: bool | None = None,
    notify: bool = True,
    detected_at: datetime | None = None,
    description: str = "",
    reporter: str = "",
    responders: Iterable = (),
    acknowledged: bool = True,
) -> Incident:
    """Open an incident (from scratch or a template) with its first update, status investigating.

    Visibility is the priority's default (P1–P3 public) unless ``is_public`` says
    otherwise, which needs the communicator role. ``acknowledged`` says a person opened
    it (a hook passes False; the incident then waits for ``acknowledge``).
    """
    guards.allow(role, Action.OPEN)
    if template is not None:
        title = title or template.title
        priority = priority or template.priority
        message = message or template.body
        if components is None:
            components = {c: template.component_status for c in template.components.all()}
    title = guards.required("title", title, "a title")
    if len(title) > guards.TITLE_MAX:
        raise ValidationError({"title": f"A title has at most {guards.TITLE_MAX} characters."})
    priority = guards.priority_of(priority)
    message = guards.required("message", message, "the first update's message")
    statuses = component_statuses(components)
    policy = policy_for(priority)
    if is_public is not None and is_public != policy.is_public_by_default:
        guards.allow(role, Action.SET_VISIBILITY)
    team = guards.checked_responders(responders)
    now = timezone.now()
    detected_at = guards.aware("detected_at", detected_at, now)
    incident = Incident.objects.create(
        title=title,
        description=description,
        priority=priority,
        status=IncidentStatus.INVESTIGATING,
        is_public=policy.is_public_by_default if is_public is None else is_public,
        visibility_overridden=is_public is not None and is_public != policy.is_public_by_default,
        reporter=reporter.strip(),
        detected_at=detected_at,
        created_at=now,
        created_by=actor,
        priority_set_at=now,
    )
    incident.responders.set(team)
    incident.record(
        Kind.INCIDENT_CREATED,
        actor=actor,
        description=f"opened: {priority} “{title}”, {'public' if incident.is_public else 'internal'}.",
        details={
            "priority": priority.value,
            "is_public": incident.is_public,
            "visibility_overridden": incident.visibility_overridden,
            "detected_at": detected_at.isoformat(),
            "template": template.name if template else None,
            "responders": sorted(u.get_username() for u in team),
        },
    )
    if acknowledged:
        _acknowledge(incident, actor=actor, now=now)
    _post(
        incident,
        message=message,
        status=IncidentStatus.INVESTIGATING,
        statuses=statuses,
        notify=notify,
        actor=actor,
        now=now,
    )
    return incident


# Updates ---------------------------------------------------------------------------------


@transaction.atomic
def post_update(
    incident: Incident,
    *,
    actor: str,
    role: str | None,
    message: str,
    status: str | None = None,
    components: Mapping[Component, str] | None = None,
    notify: bool = True,
) -> IncidentUpdate:
    """Post an update: a message, optionally a new status and component statuses; notify or not.

    Moving to ``resolved`` resolves the incident (see ``resolve``).
    """
    guards.allow(role, Action.POST_UPDATE)
    incident = guards.locked(incident)
    message = guards.required("message", message, "a message")
    try:
        new = check_transition(incident.status, status or incident.status)
    except TransitionError as error:
        raise ValidationError({"status": str(error)}) from None
    statuses = component_statuses(components)
    now = timezone.now()
    if incident.acknowledged_at is None:
        _acknowledge(incident, actor=actor, now=now)
    return _post(
        incident,
        message=message,
        status=new,
        statuses=statuses,
        notify=notify,
        actor=actor,
        now=now,
    )


def resolve(
    incident: Incident,
    *,
    actor: str,
    role: str | None,
    message: str,
    components: Mapping[Component, str] | None = None,
    notify: bool = True,
) -> IncidentUpdate:
    """Resolve with a last update. Affected components return to the status they had before,
    unless someone changed them since the incident set them (or named them in this update)."""
    return post_update(
        incident,
        actor=actor,
        role=role,
        message=message,
        status=IncidentStatus.RESOLVED,
        components=components,
        notify=notify,
    )


def _post(
    incident: Incident,
    *,
    message: str,
    status: IncidentStatus,
    statuses: dict[Component, str],
    notify: bool,
    actor: str,
    now: datetime,
) -> IncidentUpdate:
    previous = IncidentStatus(incident.status)
    changes = effects.apply_statuses(incident, statuses, actor=actor, now=now)
    if status != previous:
        incident.status = status
        if is_identifying(previous, status) and incident.identified_at is None:
            incident.identified_at = now
    if status == IncidentStatus.RESOLVED and previous.is_open:
        incident.resolved_at = now
        changes += effects.restore_components(incident, named=set(statuses), actor=actor, now=now)
    update = IncidentUpdate.objects.create(
        incident=incident,
        status=status,
        body=message,
        body_html=render_markdown(message),
        component_changes=changes,
        notify=notify,
        author=actor,
        posted_at=now,
    )
    incident.last_update_at = now
    policy = policy_for(incident.priority)
    restart_cadence(incident, now, policy)
    if incident.is_open:
        schedule_escalation(incident, policy, escalation_rules(), now)
    else:
        incident.next_escalation_at = None
    incident.save()
    incident.record(
        Kind.INCIDENT_UPDATE_POSTED,
        actor=actor,
        description=f"update posted ({status}){'' if notify else ', customers not notified'}.",
        details={
            "update_id": update.pk,
            "status": status.value,
            "notify": notify,
            "components": changes,
            "is_public": incident.is_public,
        },
    )
    if status != previous:
        incident.record(
            Kind.INCIDENT_STATUS_CHANGED,
            actor=actor,
            description=f"status {previous} → {status}.",
            details={"from": previous.value, "to": status.value},
        )
    if status == IncidentStatus.RESOLVED and previous.is_open:
        incident.record(
            Kind.INCIDENT_RESOLVED,
            actor=actor,
            description="resolved.",
            details={
                "resolved_at": now.isoformat(),
                "minutes_open": round((now - incident.detected_at).total_seconds() / 60, 1),
            },
        )
    notices.announce_update(incident, update, actor=actor)
    runner.escalate_if_due(incident, now)
    if guards.shows_on_page(incident, bool(changes)):
        page_changed()
    return update


# Acknowledging ----------------------------------------------------------------------------------


@transaction.atomic
def acknowledge(incident: Incident, *, actor: str, role: str | None) -> Incident:
    """Say someone is on it; the report's time to acknowledge ends here."""
    guards.allow(role, Action.ACKNOWLEDGE)
    incident = guards.locked(incident)
    if incident.acknowledged_at is not None:
        raise ValidationError(
            {"acknowledged_at": f"Acknowledged already, at {incident.acknowledged_at.isoformat()}."}
        )
    _acknowledge(incident, actor=actor, now=timezone.now())
    return incident


def _acknowledge(incident: Incident, *, actor: str, now: datetime) -> None:
    incident.acknowledged_at = now
    Incident.objects.filter(pk=incident.pk).update(acknowledged_at=now)
    minutes = round((now - incident.detected_at).total_seconds() / 60, 1)
    incident.record(
        Kind.INCIDENT_ACKNOWLEDGED,
        actor=actor,
        description=f"acknowledged by {actor}, {minutes:g} min after detection.",
        details={"acknowledged_at": now.isoformat(), "minutes_after_detection": minutes},
    )


# People --------------------------------------------------------------------------------------


@transaction.atomic
def assign_responders(
    incident: Incident, users: Iterable, *, actor: str, role: str | None
) -> Incident:
    """Set who works on the incident (they get the update reminders)."""
    guards.allow(role, Action.ASSIGN)
    incident = guards.locked(incident)
    team = guards.checked_responders(users)
    before = {u.get_username() for u in incident.responders.all()}
    after = {u.get_username() for u in team}
    if before == after:
        raise ValidationError({"responders": "These are the responders already."})
    incident.responders.set(team)
    incident.record(
        Kind.INCIDENT_RESPONDERS_CHANGED,
        actor=actor,
        description=f"responders: {', '.join(sorted(after)) or 'none'}.",
        details={"added": sorted(after - before), "removed": sorted(before - after)},
    )
    return incident


@transaction.atomic
def escalate(
    incident: Incident, tier: str, *, reason: str, actor: str, role: str | None
) -> Incident:
    """Escalate to a tier by hand (any priority, any time); each tier is told once."""
    guards.allow(role, Action.ESCALATE)
    incident = guards.locked(incident)
    try:
        tier = Tier(tier)
    except ValueError:
        raise ValidationError(
            {"tier": f"'{tier}' is not a tier; use one of {', '.join(Tier)}."}
        ) from None
    reason = guards.required("reason", reason, "the reason for the escalation")
    told = incident.escalations.filter(tier=tier).first()
    if told is not None:
        raise ValidationError({"tier": f"{tier.label} was told already, at {told.at.isoformat()}."})
    runner.escalate_to(incident, tier, actor=actor, reason=reason, now=timezone.now())
    incident.save(update_fields=["escalation_tier", "updated_at"])
    return incident


# Reopening ------------------------------------------------------------------------------------


@transaction.atomic
def reopen(
    incident: Incident,
    *,
    actor: str,
    role: str | None,
    message: str,
    status: str = IncidentStatus.INVESTIGATING,
    components: Mapping[Component, str] | None = None,
    notify: bool = True,
) -> IncidentUpdate:
    """Reopen a resolved incident (within 7 days, before a postmortem is published) with an update."""
    guards.allow(role, Action.REOPEN)
    incident = guards.locked(incident)
    message = guards.required("message", message, "a message saying why it is reopened")
    postmortem = Postmortem.objects.filter(incident=incident).first()
    now = timezone.now()
    try:
        new = check_reopen(
            incident.status,
            status,
            resolved_at=incident.resolved_at,
            now=now,
            postmortem_published=bool(postmortem and postmortem.published_at),
        )
    except TransitionError as error:
        raise ValidationError({"status": str(error)}) from None
    statuses = component_statuses(components)
    resolved_at = incident.resolved_at
    incident.resolved_at = None
    incident.record(
        Kind.INCIDENT_REOPENED,
        actor=actor,
        description=f"reopened ({new}).",
        details={"resolved_at": guards.iso(resolved_at), "status": new.value},
    )
    return _post(
        incident,
        message=message,
        status=new,
        statuses=statuses,
        notify=notify,
        actor=actor,
        now=now,
    )
