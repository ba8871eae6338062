"""What an incident does to its components' statuses: set them, and give them back.

The components' status history follows the incident (``catalog.services.set_status``
with ``cause_ref`` ``incident:<id>``). Each ``AffectedComponent`` keeps the status the
incident found and the last one it set; on resolution a component returns to the
status it had before, unless someone changed it since (its status is no longer the
one the incident set). When another incident had set the status found, the component
keeps that incident's status while it is open, or returns to what that one found.
"""

from datetime import datetime

from forewarn.catalog.models import Component, StatusInterval
from forewarn.catalog.services import set_status
from forewarn.catalog.statuses import Status, worst
from forewarn.record.kinds import Kind

from .lifecycle import STATUS_IMPACT, Impact
from .models import AffectedComponent, Incident


def apply_statuses(
    incident: Incident, statuses: dict[Component, str], *, actor: str, now: datetime
) -> list[dict]:
    """Set each named component's status for the incident; returns what changed."""
    changes = []
    for component, status in sorted(statuses.items(), key=lambda item: item[0].name):
        locked = Component.objects.select_for_update().get(pk=component.pk)
        effect = AffectedComponent.objects.filter(incident=incident, component=locked).first()
        if effect is None:
            current = StatusInterval.objects.filter(component=locked, ended_at__isnull=True).first()
            effect = AffectedComponent(
                incident=incident,
                component=locked,
                status_before=locked.status,
                before_ref=current.cause_ref if current else "",
                added_at=now,
            )
        effect.status_during = status
        effect.restored_at = None
        effect.save()
        if locked.status != status:
            changes.append(_change(locked, locked.status, status))
            set_status(
                locked, status, cause=incident.title, cause_ref=incident.ref, actor=actor, at=now
            )
    return changes


def _change(component: Component, old: str, new: str) -> dict:
    return {"component": component.slug, "name": component.name, "from": old, "to": new}


def restore_components(
    incident: Incident, *, named: set[Component], actor: str, now: datetime
) -> list[dict]:
    """Return each affected component to its status before the incident, if the incident's is still on."""
    changes = []
    effects = incident.affected.filter(restored_at__isnull=True).select_related("component")
    for effect in effects.order_by("component__name"):
        component = Component.objects.select_for_update().get(pk=effect.component_id)
        effect.restored_at = now
        effect.save(update_fields=["restored_at"])
        if component in named or component.status != effect.status_during:
            continue  # named in this update, or changed by someone since: theirs stands
        target = restore_target(effect)
        if target != component.status:
            changes.append(_change(component, component.status, target))
            set_status(
                component,
                target,
                cause=f"resolved: {incident.title}",
                cause_ref=incident.ref,
                actor=actor,
                at=now,
            )
    return changes


def restore_target(effect: AffectedComponent) -> str:
    """The status to return to: the one found, unless another incident set it and is still open
    (its status stays) or since resolved (what that one found, and so on)."""
    target, ref, seen = effect.status_before, effect.before_ref, {effect.incident_id}
    while ref.startswith("incident:"):
        other = (
            AffectedComponent.objects.filter(
                incident_id=ref.removeprefix("incident:"), component_id=effect.component_id
            )
            .select_related("incident")
            .first()
        )
        if other is None or other.incident_id in seen:
            break
        seen.add(other.incident_id)
        if other.incident.is_open:
            return other.status_during
        target, ref = other.status_before, other.before_ref
    return target


def add_upstream(incident: Incident, upstream: Component, *, actor: str, now: datetime) -> bool:
    """Make the upstream component named as the cause affected, in the worst status the incident
    holds (major outage when it holds none), so its own history shows the downtime."""
    if incident.affected.filter(component=upstream).exists():
        return False
    held = worst(incident.affected.values_list("status_during", flat=True))
    if STATUS_IMPACT[held] is Impact.NONE:
        held = Status.MAJOR_OUTAGE
    changes = apply_statuses(incident, {upstream: held.value}, actor=actor, now=now)
    incident.record(
        Kind.INCIDENT_COMPONENT_ADDED,
        actor=actor,
        description=f"upstream {upstream.name} added as affected ({held}).",
        details={"component": upstream.slug, "status": held.value, "changes": changes},
    )
    return bool(changes)
