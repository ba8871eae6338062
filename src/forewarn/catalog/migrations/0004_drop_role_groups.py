"""Roles no longer live in Django groups: the console asks a user's role, as the API does
(``catalog/roles.py``). Remove the groups the earlier releases kept per role."""

from django.db import migrations

ROLE_GROUPS = ["forewarn viewer", "forewarn responder", "forewarn communicator", "forewarn admin"]


def drop_role_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("catalog", "0003_region_peak_hours_help"),
    ]

    operations = [migrations.RunPython(drop_role_groups, migrations.RunPython.noop)]
