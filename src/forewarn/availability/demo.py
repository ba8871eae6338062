"""Demo exclusions, so the report shows exclusions by reason next to the demo's outages, and a
third party's contract excluding only what it honours."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from forewarn.catalog.models import Component

from . import services
from .models import Exclusion

# (ref, reason, days ago, local start, minutes, component slugs (empty: all), description)
EXCLUSIONS = [
    (
        "DEMO-CHG-1",
        "scheduled_maintenance",
        20,
        time(1, 0),
        60,
        [],
        "Database upgrade, announced two weeks ahead (seed 001 §7).",
    ),
    (
        "DEMO-TP-1",
        "third_party",
        12,
        time(14, 0),
        95,
        ["whatsapp-business"],
        "Upstream messaging provider delayed deliveries.",
    ),
    (
        "DEMO-RESIZE-1",
        "instance_resize_migration",
        25,
        time(2, 0),
        240,  # a window wide enough to hold the demo outage at 03:00 UTC in either season
        ["cloud-database"],
        "The hosting provider resized the database instance (seed 004: its contract excludes it).",
    ),
]


def load() -> None:
    """Create the demo exclusions once (found again by their reference)."""
    zone = services.provider_zone()
    today = timezone.now().astimezone(zone).date()
    for ref, reason, days_ago, start, minutes, slugs, description in EXCLUSIONS:
        if Exclusion.objects.filter(ref=ref).exists():
            continue
        starts_at = datetime.combine(today - timedelta(days=days_ago), start, tzinfo=zone)
        services.save_exclusion(
            Exclusion(
                reason=reason,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=minutes),
                description=description,
                ref=ref,
            ),
            list(Component.objects.filter(slug__in=slugs)),
            actor="demo",
        )
