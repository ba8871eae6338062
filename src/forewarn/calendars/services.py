"""Changing calendars: validate, save and record in one transaction."""

from django.db import transaction

from forewarn.record import services as record
from forewarn.record.kinds import Kind
from forewarn.record.services import changes, snapshot

from .models import DEFINITION_FIELDS, Calendar

# What an operator edits and every change records: the identity, the definition, the source.
EDITABLE = ("slug", "name", *DEFINITION_FIELDS, "source")


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
        Kind.CALENDAR_CREATED if created else Kind.CALENDAR_CHANGED,
        subject=calendar,
        actor=actor,
        description=f"{calendar.name}: {calendar.summary}",
        details={"changes": diff},
    )
    return calendar
