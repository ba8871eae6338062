"""Operations that change the catalog's state; each is one transaction that also writes the record."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from forewarn.record.kinds import Kind
from forewarn.record.services import append

from .models import Component, ComponentStatus, StatusInterval


def set_status(
    component: Component,
    status: str,
    *,
    cause: str = "",
    cause_ref: str = "",
    actor: str = "system",
    at: datetime | None = None,
) -> Component:
    """Move a component to ``status``: close its open history interval and open a new one.

    Setting the status it already has changes nothing and records nothing.
    """
    if status not in ComponentStatus.values:
        raise ValidationError(
            {
                "status": f"'{status}' is not a component status; use one of: {', '.join(ComponentStatus.values)}."
            }
        )
    at = at or timezone.now()
    if timezone.is_naive(at):
        raise ValidationError({"at": "The time must carry a time zone offset."})
    with transaction.atomic():
        locked = Component.objects.select_for_update().get(pk=component.pk)
        if locked.status == status and locked.status_history.filter(ended_at__isnull=True).exists():
            return locked
        current = locked.status_history.filter(ended_at__isnull=True).first()
        if current is not None:
            if at < current.started_at:
                raise ValidationError(
                    {
                        "at": f"The change cannot be before the current status began ({current.started_at.isoformat()})."
                    }
                )
            current.ended_at = at
            current.save(update_fields=["ended_at"])
        StatusInterval.objects.create(
            component=locked,
            status=status,
            started_at=at,
            cause=cause,
            cause_ref=cause_ref,
            actor=actor,
        )
        previous = locked.status
        locked.status = status
        locked.status_changed_at = at
        locked.save(update_fields=["status", "status_changed_at", "updated_at"])
        append(
            Kind.COMPONENT_STATUS_CHANGED,
            subject=locked,
            actor=actor,
            description=f"{locked.name}: {previous} → {status}" + (f" ({cause})" if cause else ""),
            details={"from": previous, "to": status, "cause": cause, "cause_ref": cause_ref},
            at=at,
        )
    component.status = locked.status
    component.status_changed_at = locked.status_changed_at
    return locked


def ensure_history(component: Component, at: datetime | None = None) -> None:
    """Give a component without history an open interval in its current status."""
    if not component.status_history.exists():
        StatusInterval.objects.create(
            component=component,
            status=component.status,
            started_at=at or component.created_at or timezone.now(),
            cause="created",
        )


def components_by_slug(slugs: list[str], *, field: str = "components") -> list[Component]:
    """The components named by ``slugs``; a ValidationError on ``field`` names any that do not exist."""
    found = list(Component.objects.filter(slug__in=slugs))
    missing = sorted(set(slugs) - {c.slug for c in found})
    if missing:
        raise ValidationError({field: f"No component with slug {', '.join(missing)}."})
    return found
