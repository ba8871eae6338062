"""The checks every incident service starts with: the caller's role, the shape of the input.

Each raises what the API and the console turn into an answer: ``PermissionDenied``
(403) with the reason, ``ValidationError`` (422) naming the field. Nothing here
changes state.
"""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from forewarn.catalog.models import has_role

from .access import Action, refusal
from .causes import Cause
from .models import Incident
from .priorities import Priority

TITLE_MAX = 200


def allow(role: str | None, action: Action) -> None:
    reason = refusal(role, action)
    if reason:
        raise PermissionDenied(reason)


def locked(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().get(pk=incident.pk)


def required(field: str, value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: f"Give {what}."})
    return value


def priority_of(value: str) -> Priority:
    try:
        return Priority(value)
    except ValueError:
        raise ValidationError(
            {"priority": f"'{value}' is not a priority; use one of {', '.join(Priority)}."}
        ) from None


def aware(field: str, value: datetime | None, now: datetime) -> datetime:
    if value is None:
        return now
    if timezone.is_naive(value):
        raise ValidationError({field: "The time must carry a time zone offset."})
    if value > now:
        raise ValidationError({field: "The time cannot be in the future."})
    return value


def shows_on_page(incident: Incident, components_changed: bool = False) -> bool:
    """Whether a change to the incident changes the public page (its list, statuses or bars)."""
    return incident.is_public or components_changed or Cause(incident.cause).is_excluded


def checked_responders(users: Iterable) -> list:
    users = list(users)
    for user in users:
        if not has_role(user, "responder"):
            raise ValidationError(
                {
                    "responders": f"{user.get_username()} cannot respond: responders need the "
                    "'responder' role or above."
                }
            )
    return users


def iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None
