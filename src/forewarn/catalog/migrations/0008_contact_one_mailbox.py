"""Authorized contacts: one per mailbox and organization, however the address is spelt.

Existing addresses get their domain in IDNA ASCII form (``mailboxes.canonical``) before the
constraint compares them without case. Two contacts of one organization that turn out to be one
mailbox would break the new constraint: the migration stops and names them, for an admin to
merge, rather than choose which to drop.
"""

from collections import defaultdict

import django.db.models.functions.text
from django.db import migrations, models

from forewarn import mailboxes


def canonical_addresses(apps, schema_editor):
    contact_model = apps.get_model("catalog", "AuthorizedContact")
    mailboxes_seen = defaultdict(list)
    for contact in contact_model.objects.order_by("pk"):
        try:
            address = mailboxes.canonical(contact.email)
        except ValueError:
            address = contact.email
        mailboxes_seen[(contact.organization_id, address.lower())].append(contact.pk)
        if address != contact.email:
            contact_model.objects.filter(pk=contact.pk).update(email=address)
    clashes = {key: pks for key, pks in mailboxes_seen.items() if len(pks) > 1}
    if clashes:
        named = "; ".join(f"organization {org}: contacts {pks}" for (org, _), pks in clashes.items())
        raise RuntimeError(f"Contacts that are one mailbox, to merge before migrating: {named}")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0007_component_third_party_honoured_reasons"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="authorizedcontact",
            name="one_contact_per_email_per_org",
        ),
        migrations.RunPython(canonical_addresses, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="authorizedcontact",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("email"),
                models.F("organization"),
                name="one_contact_per_mailbox_per_org",
                violation_error_message=(
                    "Authorized contact with this Organization and Email already exists."
                ),
            ),
        ),
    ]
