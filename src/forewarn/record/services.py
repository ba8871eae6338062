"""Append to the system of record; the only way events are written."""

from datetime import datetime

from django.db import models

from .models import Event


def append(
    kind: str,
    *,
    subject: models.Model | None = None,
    actor: str = "system",
    contact: str = "",
    description: str = "",
    details: dict | None = None,
    at: datetime | None = None,
) -> Event:
    """Record one event about ``subject``; call it inside the transaction that made the change."""
    event = Event(
        kind=kind,
        actor=actor,
        contact=contact,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        description=description,
        details=details or {},
    )
    if at is not None:
        event.at = at
    event.save()
    return event


def actor_name(user) -> str:
    """The name recorded for a user (or 'system' when there is none)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "system"
    return user.get_username()
