"""Reading the system of record: a timeline of events, filtered, and its CSV and JSON exports.

``timeline`` is the one query the API, the console and later reports (an incident's report
is the timeline of the incident) build on. A filter that makes no sense is refused with a
``ValidationError`` naming it; one that matches nothing gives an empty timeline.
"""

import json
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from forewarn.csvexport import csv_lines

from .kinds import Kind, subjects
from .models import Event

SUBJECT_TYPE = re.compile(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*")
EXPORT_COLUMNS = [
    "id",
    "at",
    "at_local",
    "entered_at",
    "kind",
    "actor",
    "contact",
    "subject",
    "description",
    "details",
]


def timeline(
    subject: models.Model | None = None,
    *,
    subject_type: str | None = None,
    subject_id: str | None = None,
    kinds: Iterable[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    actor: str | None = None,
    contact: str | None = None,
) -> QuerySet[Event]:
    """The events that match every filter given, oldest first.

    ``subject`` is a model instance (or give ``subject_type`` such as ``catalog.component``
    and, optionally, ``subject_id``); ``kinds`` are kinds of the registry or a subject's
    prefix such as ``component.``; ``since`` is inclusive and ``until`` exclusive; ``contact``
    ignores case.
    """
    if subject is not None:
        if subject_type is not None or subject_id is not None:
            raise TypeError("Give either subject or subject_type/subject_id, not both.")
        subject_type, subject_id = subject._meta.label_lower, str(subject.pk)
    found = Event.objects.all()
    if subject_type:
        if not SUBJECT_TYPE.fullmatch(subject_type):
            raise ValidationError(
                {
                    "subject_type": f"'{subject_type}' is not a subject type such as catalog.component."
                }
            )
        found = found.filter(subject_type=subject_type)
    if subject_id:
        if not subject_type:
            raise ValidationError(
                {"subject_id": "Give subject_type too: ids are only unique within a type."}
            )
        found = found.filter(subject_id=subject_id)
    if kinds:
        found = found.filter(_kinds_condition(kinds))
    for field, value in (("since", since), ("until", until)):
        if value is not None and timezone.is_naive(value):
            raise ValidationError({field: "The time must carry a time zone offset."})
    if since is not None and until is not None and until <= since:
        raise ValidationError({"until": f"Must be after since ({since.isoformat()})."})
    if since is not None:
        found = found.filter(at__gte=since)
    if until is not None:
        found = found.filter(at__lt=until)
    if actor:
        found = found.filter(actor=actor)
    if contact:
        found = found.filter(contact__iexact=contact)
    return found.order_by("at", "id")


def _kinds_condition(kinds: Iterable[str]) -> Q:
    exact, prefixes, unknown = [], [], []
    for kind in kinds:
        if kind in Kind:
            exact.append(kind)
        elif kind.endswith(".") and kind[:-1] in subjects():
            prefixes.append(kind)
        else:
            unknown.append(kind)
    if unknown:
        raise ValidationError(
            {
                "kind": f"{', '.join(repr(k) for k in unknown)}: not a kind of event nor a "
                "subject followed by a dot such as 'component.'; GET /api/v1/record/kinds lists them."
            }
        )
    condition = Q(kind__in=exact)
    for prefix in prefixes:
        condition |= Q(kind__startswith=prefix)
    return condition


# --- exports ------------------------------------------------------------------------------------


def provider_zone() -> ZoneInfo:
    """The zone exports show local times in: the provider's (``FOREWARN_TIME_ZONE``)."""
    return ZoneInfo(settings.PROVIDER_TIME_ZONE)


def _utc(at: datetime | None) -> str | None:
    return at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z") if at else None


def exported(event: Event, zone: ZoneInfo) -> dict:
    """One event as the exports give it: times in UTC and in ``zone``, to the second.

    ``at`` is the instant the event claims; ``entered_at`` when it was appended (UTC; null for
    events recorded before Forewarn kept it).
    """
    return {
        "id": event.pk,
        "at": _utc(event.at),
        "at_local": event.at.astimezone(zone).isoformat(timespec="seconds"),
        "entered_at": _utc(event.entered_at),
        "kind": event.kind,
        "actor": event.actor,
        "contact": event.contact,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "description": event.description,
        "details": event.details,
    }


def _each(events: Iterable[Event]) -> Iterator[Event]:
    return events.iterator(chunk_size=1000) if isinstance(events, QuerySet) else iter(events)


def _csv_row(event: Event, zone: ZoneInfo) -> list:
    row = exported(event, zone)
    details = json.dumps(row["details"], ensure_ascii=False, sort_keys=True)
    return [
        row["id"],
        row["at"],
        row["at_local"],
        row["entered_at"] or "",
        row["kind"],
        row["actor"],
        row["contact"],
        event.subject,
        row["description"],
        details,
    ]


def export_csv(events: Iterable[Event], zone: ZoneInfo | None = None) -> Iterator[str]:
    """The events as CSV lines (header first), streamed; formulas neutralised by ``csvexport``."""
    zone = zone or provider_zone()
    return csv_lines(EXPORT_COLUMNS, (_csv_row(event, zone) for event in _each(events)))


def export_json(events: Iterable[Event], zone: ZoneInfo | None = None) -> Iterator[str]:
    """The events as a JSON array of ``exported`` objects, streamed one event per chunk."""
    zone = zone or provider_zone()
    yield "["
    for position, event in enumerate(_each(events)):
        yield (
            ("," if position else "") + "\n" + json.dumps(exported(event, zone), ensure_ascii=False)
        )
    yield "\n]\n"
