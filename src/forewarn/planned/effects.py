"""What a window does to its components' statuses: hold them, and give them back.

At the start each affected component takes its expected status (``set_status`` with
``cause_ref`` ``planned:<id>``, so its history follows the work) and a ``Hold`` keeps the
status it found. At the end it returns to that status unless someone changed it meanwhile
(``lifecycle.restore_to``). A hold ends (``returned_at``) when the component is back to what
it was or operational; the availability exclusion runs from the start to that moment.
"""

from datetime import datetime

from forewarn.catalog.models import Component, StatusInterval
from forewarn.catalog.services import set_status
from forewarn.catalog.statuses import Status

from .lifecycle import restore_to
from .models import AffectedComponent, Hold, Window


def affected(window: Window) -> list[AffectedComponent]:
    """The work's affected components, with their components, by name."""
    return list(window.work.affected.select_related("component").order_by("component__name"))


def hold(
    window: Window,
    *,
    actor: str,
    now: datetime,
    effects: list[AffectedComponent] | None = None,
) -> list[dict]:
    """Set each affected component to its expected status; returns what changed. A window
    held again (extended after its end) keeps the status each component had first.
    ``effects``: ``affected(window)``, when the caller has read it."""
    work = window.work
    changes = []
    for effect in affected(window) if effects is None else effects:
        component = Component.objects.select_for_update().get(pk=effect.component_id)
        held = Hold.objects.filter(window=window, component=component).first()
        if held is None:
            current = StatusInterval.objects.filter(
                component=component, ended_at__isnull=True
            ).first()
            held = Hold(
                window=window,
                component=component,
                status_before=component.status,
                before_ref=current.cause_ref if current else "",
                started_at=now,
            )
        # Held again after an extension: it keeps what it found the first time.
        held.status_set = effect.expected_status
        held.returned_at = None
        held.save()
        if component.status != effect.expected_status:
            changes.append(_change(component, component.status, effect.expected_status))
            set_status(
                component,
                effect.expected_status,
                cause=work.title,
                cause_ref=work.ref,
                actor=actor,
                at=now,
            )
    return changes


def release(window: Window, *, actor: str, now: datetime, reason: str) -> list[dict]:
    """Give each held component back what it had, unless someone changed it meanwhile."""
    changes = []
    for held in window.holds.filter(returned_at__isnull=True).select_related("component"):
        component = Component.objects.select_for_update().get(pk=held.component_id)
        target = restore_to(component.status, held.status_set, held.status_before)
        if target is not None:
            changes.append(_change(component, component.status, target))
            set_status(
                component,
                target,
                cause=f"{reason}: {window.work.title}",
                cause_ref=window.work.ref,
                actor=actor,
                at=now,
            )
        if component.status in (held.status_before, Status.OPERATIONAL):
            held.returned_at = now
            held.save(update_fields=["returned_at"])
    return changes


def statuses(window: Window) -> dict[str, str]:
    """The current status of each affected component, by slug."""
    return dict(window.work.affected.values_list("component__slug", "component__status"))


def close_holds(window: Window, now: datetime) -> None:
    """A window closes: its holds end when their component last changed (or now)."""
    for held in window.holds.filter(returned_at__isnull=True).select_related("component"):
        changed = held.component.status_changed_at
        held.returned_at = max(held.started_at, min(changed or now, now))
        held.save(update_fields=["returned_at"])


def _change(component: Component, old: str, new: str) -> dict:
    return {"component": component.slug, "name": component.name, "from": old, "to": new}
