"""Rename the six kinds that named their module instead of their subject, and validate kinds.

``availability.exclusion_*`` became ``exclusion.*`` and ``policy.work_type_*`` became
``work_type.*`` when the record got one registry of kinds (``record.kinds.Kind``, named
``<subject>.<verb>``). This renames those kinds in rows recorded before.

Renaming the vocabulary is not rewriting history: no event's time, actor, contact,
subject, description or details changes, and the mapping is one to one, so every event
still says exactly what happened; only the name of its kind is spelled as the registry
spells it now, so that one filter finds all of them. It runs before migration 0003 makes
the table append-only in the database; from then on the vocabulary may only grow.

The kind is validated against the registry at run time (``validate_kind``), not through
``choices``, so adding a kind needs no migration.
"""

import forewarn.record.models
from django.db import migrations, models

RENAMED = {
    "availability.exclusion_created": "exclusion.created",
    "availability.exclusion_changed": "exclusion.changed",
    "availability.exclusion_deleted": "exclusion.deleted",
    "policy.work_type_created": "work_type.created",
    "policy.work_type_changed": "work_type.changed",
    "policy.work_type_deleted": "work_type.deleted",
}


def rename_kinds(apps, schema_editor):
    Event = apps.get_model("record", "Event")
    for old, new in RENAMED.items():
        Event.objects.using(schema_editor.connection.alias).filter(kind=old).update(kind=new)


def restore_kinds(apps, schema_editor):
    Event = apps.get_model("record", "Event")
    for old, new in RENAMED.items():
        Event.objects.using(schema_editor.connection.alias).filter(kind=new).update(kind=old)


class Migration(migrations.Migration):
    dependencies = [("record", "0001_initial")]

    operations = [
        migrations.RunPython(rename_kinds, restore_kinds),
        migrations.AlterField(
            model_name="event",
            name="kind",
            field=models.CharField(
                db_index=True, max_length=64, validators=[forewarn.record.models.validate_kind]
            ),
        ),
    ]
