"""Seed 001 §6's update and escalation columns as the editable cadence policies."""

from django.db import migrations

# A copy of priorities.DEFINITIONS at the time of this migration (migrations keep their data).
SEED_001 = [
    ("P1", 15, "immediately", True),
    ("P2", 30, "immediately", True),
    ("P3", 120, "business_hours", True),
    ("P4", None, "planned", False),
    ("P5", None, "planned", False),
]


def seed(apps, schema_editor):
    CadencePolicy = apps.get_model("incidents", "CadencePolicy")
    for priority, minutes, escalation, is_public in SEED_001:
        CadencePolicy.objects.get_or_create(
            priority=priority,
            defaults={
                "interval_minutes": minutes,
                "clock": "elapsed",
                "escalation": escalation,
                "is_public_by_default": is_public,
                "reminder_minutes": 5,
            },
        )


class Migration(migrations.Migration):
    # statuspage's signal bumps the page version on every save in this app.
    dependencies = [("incidents", "0001_initial"), ("statuspage", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
