"""Backfilling: entering an incident that began before it was recorded here, with its past updates.

Statuspage calls this backfilling an incident. The updates keep the times they were given
(the incident is "opened" at its first update), nobody is notified of them, and the record
says plainly that it was entered afterwards (``incident.backfilled``, at the time of entry).
A backfilled incident that is resolved leaves the components' status alone: their history is
what it is. One still open sets the components' status from now and runs its cadence from
its last update, as if it had been opened here.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from forewarn.catalog.lookups import component_statuses
from forewarn.catalog.models import Component
from forewarn.markup import render_markdown
from forewarn.record.kinds import Kind
from forewarn.statuspage.version import page_changed

from . import effects, guards, runner
from .access import Action
from .causes import Cause
from .lifecycle import IDENTIFIED_STATUSES, IncidentStatus
from .models import AffectedComponent, Incident, IncidentUpdate
from .timing import escalation_rules, policy_for, restart_cadence, schedule_escalation


@dataclass(frozen=True)
class PastUpdate:
    """An update as it was posted then."""

    at: datetime
    status: str
    message: str


@transaction.atomic
def backfill_incident(
    *,
    actor: str,
    role: str | None,
    title: str,
    priority: str,
    updates: Sequence[PastUpdate],
    components: Mapping[Component, str] | None = None,
    detected_at: datetime | None = None,
    cause: str = Cause.OWN,
    is_public: bool | None = None,
    description: str = "",
) -> Incident:
    """Enter an incident with its past updates, oldest first; the last may resolve it."""
    guards.allow(role, Action.OPEN)
    title = guards.required("title", title, "a title")
    priority = guards.priority_of(priority)
    statuses = component_statuses(components)
    cause = _cause(cause, role)
    now = timezone.now()
    past = _checked(updates, now)
    detected_at = guards.aware("detected_at", detected_at or past[0].at, now)
    if detected_at > past[0].at:
        raise ValidationError({"detected_at": "The trouble cannot begin after the first update."})
    policy = policy_for(priority)
    if is_public is not None and is_public != policy.is_public_by_default:
        guards.allow(role, Action.SET_VISIBILITY)
    last = past[-1]
    is_open = IncidentStatus(last.status).is_open
    incident = Incident.objects.create(
        title=title,
        description=description,
        priority=priority,
        status=last.status,
        is_public=policy.is_public_by_default if is_public is None else is_public,
        visibility_overridden=is_public is not None and is_public != policy.is_public_by_default,
        cause=cause,
        detected_at=detected_at,
        created_at=past[0].at,
        created_by=actor,
        acknowledged_at=past[0].at,
        identified_at=next((u.at for u in past if u.status in IDENTIFIED_STATUSES), None),
        resolved_at=None if is_open else last.at,
        priority_set_at=past[0].at,
        last_update_at=last.at,
    )
    IncidentUpdate.objects.bulk_create(
        IncidentUpdate(
            incident=incident,
            status=u.status,
            body=u.message,
            body_html=render_markdown(u.message),
            notify=False,
            author=actor,
            posted_at=u.at,
        )
        for u in past
    )
    if is_open:
        effects.apply_statuses(incident, statuses, actor=actor, now=now)
        restart_cadence(incident, last.at, policy)
        schedule_escalation(incident, policy, escalation_rules(), now)
        incident.save()
    else:
        AffectedComponent.objects.bulk_create(
            AffectedComponent(
                incident=incident,
                component=component,
                status_before=component.status,
                status_during=status,
                added_at=past[0].at,
                restored_at=last.at,
            )
            for component, status in statuses.items()
        )
    incident.record(
        Kind.INCIDENT_BACKFILLED,
        actor=actor,
        description=f"entered afterwards: {priority} “{title}”, {len(past)} past update(s).",
        details={
            "priority": priority.value,
            "cause": cause.value,
            "is_public": incident.is_public,
            "detected_at": detected_at.isoformat(),
            "updates": [{"at": u.at.isoformat(), "status": u.status} for u in past],
            "components": {c.slug: s for c, s in sorted(statuses.items(), key=lambda i: i[0].slug)},
        },
    )
    if is_open:
        runner.escalate_if_due(incident, now)
    if guards.shows_on_page(incident, is_open and bool(statuses)):
        page_changed()
    return incident


def _cause(value: str, role: str | None) -> Cause:
    try:
        cause = Cause(value)
    except ValueError:
        raise ValidationError(
            {"cause": f"'{value}' is not a cause; use one of {', '.join(Cause)}."}
        ) from None
    if cause is not Cause.OWN:
        guards.allow(role, Action.SET_CAUSE)
    return cause


def _checked(updates: Sequence[PastUpdate], now: datetime) -> list[PastUpdate]:
    """The updates, each with a message, an aware past time and a status; in time order."""
    if not updates:
        raise ValidationError({"updates": "Give the updates as they were posted, oldest first."})
    found = []
    for n, update in enumerate(updates, start=1):
        if not (update.message or "").strip():
            raise ValidationError({"updates": f"Update {n} has no message."})
        if timezone.is_naive(update.at):
            raise ValidationError({"updates": f"Update {n}: the time must carry a time zone."})
        if update.at > now:
            raise ValidationError({"updates": f"Update {n} is in the future."})
        if update.status not in {s.value for s in IncidentStatus}:
            raise ValidationError(
                {
                    "updates": f"Update {n}: '{update.status}' is not an incident status; use one "
                    f"of {', '.join(IncidentStatus)}."
                }
            )
        if found and update.at < found[-1].at:
            raise ValidationError({"updates": f"Update {n} is older than the one before it."})
        if found and not IncidentStatus(found[-1].status).is_open:
            raise ValidationError({"updates": f"Update {n} follows the resolution."})
        found.append(PastUpdate(update.at, update.status, update.message.strip()))
    return found
