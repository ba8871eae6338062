"""Changing calendars: validate, save and record in one transaction."""

import datetime as dt

from django.db import models, transaction
from django.forms.models import model_to_dict

from forewarn.record import services as record

from .models import Calendar

EDITABLE = (
    "slug",
    "name",
    "time_zone",
    "opening_hours",
    "holiday_spec",
    "added_dates",
    "removed_dates",
    "closures",
    "business_day_minutes",
    "source",
)


def snapshot(obj: models.Model, fields: tuple[str, ...]) -> dict:
    """The values of `fields` as JSON can keep them (durations in minutes, instants as ISO)."""
    values = model_to_dict(obj, fields=fields)
    for field, value in values.items():
        if isinstance(value, dt.timedelta):
            values[field] = value.total_seconds() / 60
        elif isinstance(value, dt.date | dt.datetime | dt.time):
            values[field] = value.isoformat()
        elif isinstance(value, models.Model):
            values[field] = str(value.pk)
    return values


def changes(before: dict, after: dict) -> dict:
    """{field: {"from": old, "to": new}} for every field whose value differs."""
    return {
        field: {"from": before.get(field), "to": value}
        for field, value in after.items()
        if before.get(field) != value
    }


@transaction.atomic
def save_calendar(calendar: Calendar, *, actor: str) -> Calendar:
    """Validate and save `calendar`; record "calendar.created" or "calendar.changed" with the
    fields that changed; an unchanged calendar is left as it is. Raises ValidationError (and
    writes nothing) when it is invalid."""
    calendar.full_clean()
    before = {}
    if calendar.pk is not None:
        stored = Calendar.objects.select_for_update().filter(pk=calendar.pk).first()
        before = snapshot(stored, EDITABLE) if stored else {}
    created = calendar.pk is None
    diff = changes(before, snapshot(calendar, EDITABLE))
    if not created and not diff:
        return calendar
    calendar.save()
    record.append(
        "calendar.created" if created else "calendar.changed",
        subject=calendar,
        actor=actor,
        description=f"{calendar.name}: {calendar.summary}",
        details={"changes": diff},
    )
    return calendar
