"""Business calendars as operators configure them; the arithmetic lives in ``engine``."""

import zoneinfo
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models

from forewarn import limits

from . import definitions
from .engine import BusinessCalendar

# Engines built from saved calendars, by primary key: (updated_at, engine). An engine keeps the
# opening-time table it has computed (about 1.7 ms a year), so it is worth reusing; a save
# changes updated_at, and the next to_engine() builds afresh.
_ENGINES: dict[int, tuple[datetime, BusinessCalendar]] = {}

DEFINITION_FIELDS = (
    "time_zone",
    "opening_hours",
    "holiday_spec",
    "added_dates",
    "removed_dates",
    "closures",
    "business_day_minutes",
)


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError, OSError) as exc:
        raise ValidationError(
            f"'{value}' is not an IANA time zone such as Europe/Amsterdam."
        ) from exc


class Calendar(models.Model):
    """Opening hours, holidays and closures of one support desk or contract (docs/product.md S2)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    opening_hours = models.JSONField(
        default=list,
        blank=True,
        help_text='Ranges per weekday (0 = Monday): [{"weekday": 0, "start": "08:30", "end": "17:00", "end_tz": null}]',
    )
    holiday_spec = models.CharField(
        max_length=64,
        blank=True,
        help_text="A named set (nl-general) or a country with optional subdivision (US, US-CA).",
    )
    added_dates = models.JSONField(
        default=list, blank=True, help_text="Extra closed dates, ISO format."
    )
    removed_dates = models.JSONField(
        default=list, blank=True, help_text="Holidays that are working days here."
    )
    closures = models.JSONField(
        default=list,
        blank=True,
        help_text='One-off closures: [{"start": ISO, "end": ISO, "reason": "..."}]',
    )
    business_day_minutes = models.PositiveIntegerField(
        default=480,
        help_text="Length of a 'business day' for duration targets (seed 001: eight business hours).",
    )
    source = models.TextField(
        blank=True,
        max_length=limits.TEXT,
        validators=[MaxLengthValidator(limits.TEXT)],
        help_text="Where these hours come from: the contract's words, quoted.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name

    def definition(self) -> dict:
        """The fields the engine is built from, as ``definitions`` reads them."""
        return {field: getattr(self, field) for field in DEFINITION_FIELDS}

    @property
    def summary(self) -> str:
        """ "Mon–Fri 08:30–17:00 Europe/Amsterdam, nl-general"."""
        return definitions.summary(self.definition())

    def clean(self) -> None:
        """Check the JSON fields and the holiday spec with messages naming what to fix."""
        try:
            definitions.business_calendar(self.definition())
        except definitions.DefinitionError as error:
            # The time zone has its own field validator; do not say it twice.
            errors = {f: m for f, m in error.errors.items() if f != "time_zone"}
            if errors:
                raise ValidationError(errors) from None

    def to_engine(self) -> BusinessCalendar:
        """The engine for this calendar, reused while the saved row is unchanged.

        An invalid definition raises ``definitions.DefinitionError`` (a ValueError).
        """
        if self.pk is None:
            return definitions.business_calendar(self.definition())
        cached = _ENGINES.get(self.pk)
        if cached is not None and cached[0] == self.updated_at:
            return cached[1]
        engine = definitions.business_calendar(self.definition())
        _ENGINES[self.pk] = (self.updated_at, engine)
        return engine
