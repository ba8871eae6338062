"""Append to the system of record; the only way events are written."""

import datetime as dt
from datetime import datetime

from django.db import models
from django.forms.models import model_to_dict
from django.utils import timezone

from .kinds import Kind, known
from .models import Event


def append(kind: Kind, **fields) -> Event:
    """Record one event (``entry``'s arguments); call it inside the transaction that made the
    change. Raises ``kinds.UnknownEventKind`` for a kind that is not in the registry."""
    event = entry(kind, **fields)
    event.save()
    return event


def entry(
    kind: Kind,
    *,
    subject: models.Model | None = None,
    actor: str = "system",
    contact: str = "",
    description: str = "",
    details: dict | None = None,
    at: datetime | None = None,
    entered_at: datetime | None = None,
) -> Event:
    """An event about ``subject``, not yet written: ``append`` writes one, ``append_all`` many
    in one statement (a batch of requests filed together).

    ``at`` is the instant the change claims (default: now); ``entered_at`` when it was entered
    (default: now, from the clock).
    """
    kind = known(kind)
    event = Event(
        kind=kind.value,
        actor=actor,
        contact=contact,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        description=description,
        details=details or {},
    )
    if at is not None:
        event.at = at
    # An event of now was entered now; one dated ``at`` was entered when the clock says.
    event.entered_at = entered_at or (event.at if at is None else timezone.now())
    return event


def append_all(events: list[Event]) -> list[Event]:
    """Write events made by ``entry`` in one statement, inside the change's transaction (the
    queryset refuses events written before)."""
    return Event.objects.bulk_create(events)


def actor_name(user) -> str:
    """The name recorded for a user (or 'system' when there is none)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "system"
    return user.get_username()


def snapshot(obj: models.Model, fields: tuple[str, ...], *, secret: tuple[str, ...] = ()) -> dict:
    """The values of `fields` as JSON can keep them (durations in minutes, instants as ISO); a
    ``secret`` field only as ``"set"`` or ``""`` (see ``changes``)."""
    values = model_to_dict(obj, fields=fields)
    for field, value in values.items():
        if field in secret:
            values[field] = "set" if value else ""
        elif isinstance(value, dt.timedelta):
            values[field] = value.total_seconds() / 60
        elif isinstance(value, dt.date | dt.datetime | dt.time):
            values[field] = value.isoformat()
        elif isinstance(value, models.Model):
            values[field] = str(value.pk)
    return values


def changes(before: dict, after: dict, *, secret: tuple[str, ...] = ()) -> dict:
    """{field: {"from": old, "to": new}} for every field whose value differs; a ``secret`` field
    (a chat webhook's URL, say: whoever reads the record could post with it) only as
    ``"changed"`` or ``"cleared"``."""
    found = {}
    for field, value in after.items():
        old = before.get(field)
        if field in secret:
            if (old or "") != (value or ""):
                found[field] = "changed" if value else "cleared"
        elif old != value:
            found[field] = {"from": old, "to": value}
    return found
