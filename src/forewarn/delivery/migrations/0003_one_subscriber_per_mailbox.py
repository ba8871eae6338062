"""One subscriber per mailbox: email addresses stored with the domain in IDNA ASCII form.

``anna@bücher.example`` and ``anna@xn--bcher-kva.example`` were two subscribers. Each group
of email subscribers that are one mailbox becomes one: the earliest confirmed is kept (the
earliest created when none confirmed), the deliveries of the others point to it, the others
are removed, and ``subscriber.merged`` is recorded with what each one was. Every kept
address is rewritten in the canonical spelling. Links in emails sent before keep working:
the kept subscriber's tokens also accept its Unicode spelling, and only the removed
duplicates' own links stop working (their mailbox still gets every notice).
"""

from collections import defaultdict

from django.db import migrations

from forewarn import mailboxes


def _when(value):
    return value.isoformat() if value else None


def merge_mailboxes(apps, schema_editor):
    alias = schema_editor.connection.alias
    Subscriber = apps.get_model("delivery", "Subscriber")
    Delivery = apps.get_model("delivery", "Delivery")
    Event = apps.get_model("record", "Event")
    groups = defaultdict(list)
    for subscriber in Subscriber.objects.using(alias).filter(channel="email").order_by("pk"):
        groups[mailboxes.comparable(subscriber.address)].append(subscriber)
    for members in groups.values():
        try:
            address = mailboxes.canonical(members[0].address)
        except ValueError:
            continue  # not an address we can spell canonically: left as it is
        kept = min(
            members,
            key=lambda s: (s.confirmed_at is None, s.confirmed_at or s.created_at, s.pk),
        )
        merged = [s for s in members if s.pk != kept.pk]
        if merged:
            ids = [s.pk for s in merged]
            moved = Delivery.objects.using(alias).filter(subscriber_id__in=ids).update(
                subscriber_id=kept.pk
            )
            Event.objects.using(alias).create(
                kind="subscriber.merged",
                actor="system",
                contact=address,
                subject_type="delivery.subscriber",
                subject_id=str(kept.pk),
                description=(
                    f"{len(members)} subscribers were one mailbox ({address}): kept "
                    f"#{kept.pk}, merged {', '.join(f'#{pk}' for pk in ids)}."
                ),
                details={
                    "channel": "email",
                    "kept": kept.pk,
                    "address": address,
                    "deliveries_moved": moved,
                    "merged": [
                        {
                            "id": s.pk,
                            "address": s.address,
                            "created_at": _when(s.created_at),
                            "confirmed_at": _when(s.confirmed_at),
                            "unsubscribed_at": _when(s.unsubscribed_at),
                            "disabled_at": _when(s.disabled_at),
                        }
                        for s in merged
                    ],
                },
            )
            Subscriber.objects.using(alias).filter(pk__in=ids).delete()
        if kept.address != address:
            Subscriber.objects.using(alias).filter(pk=kept.pk).update(address=address)


class Migration(migrations.Migration):
    dependencies = [
        ("delivery", "0002_delivery_progress"),
        ("record", "0003_append_only"),
    ]

    operations = [migrations.RunPython(merge_mailboxes, migrations.RunPython.noop)]
