"""Business calendars as operators configure them; the arithmetic lives in ``engine``."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            f"'{value}' is not an IANA time zone such as Europe/Amsterdam."
        ) from exc


class Calendar(models.Model):
    """Opening hours, holidays and closures of one support desk or contract (S2)."""

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
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name
