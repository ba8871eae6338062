"""Delivery migration 0003 makes one subscriber of each mailbox spelled several ways."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from forewarn.delivery.models import Delivery, Subscriber
from forewarn.record.models import Event

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BEFORE = [("delivery", "0002_delivery_progress")]
AFTER = [("delivery", "0003_one_subscriber_per_mailbox")]


def migrate_with_old_rows(build) -> None:
    """Go back to before 0003, let ``build(apps)`` write rows as they were, then migrate forward
    (to 0003, then to the latest: later tests in this process need the whole schema)."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    build(executor.loader.project_state(BEFORE).apps)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    # Apps that depend on delivery (support) were unapplied with it: bring everything back.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_earliest_confirmed_spelling_is_kept_and_the_others_merged_into_it():
    ids = {}

    def build(apps):
        OldSubscriber = apps.get_model("delivery", "Subscriber")
        OldNotice = apps.get_model("delivery", "Notice")
        OldDelivery = apps.get_model("delivery", "Delivery")
        rows = [
            ("unicode", "anna@bücher.example", T0, T0 + timedelta(days=3)),
            ("ascii", "anna@xn--bcher-kva.example", T0 + timedelta(days=1), T0 + timedelta(days=2)),
            ("pending", "Anna@ｂücher.example", T0 + timedelta(days=4), None),
            ("alone", "bob@bücher.example", T0, None),
            ("plain", "carol@Example.com", T0, T0),
        ]
        for name, address, created_at, confirmed_at in rows:
            ids[name] = OldSubscriber.objects.create(
                channel="email",
                address=address,
                secret="",
                created_at=created_at,
                confirmed_at=confirmed_at,
            ).pk
        notice = OldNotice.objects.create(
            key="n1", thread_key="n1", kind="test", subject="s", body="b"
        )
        OldDelivery.objects.create(
            notice=notice,
            channel="email",
            address="anna@bücher.example",
            subscriber_id=ids["unicode"],
        )

    migrate_with_old_rows(build)

    assert sorted(Subscriber.objects.values_list("pk", "address")) == sorted(
        [
            (ids["ascii"], "anna@xn--bcher-kva.example"),
            (ids["alone"], "bob@xn--bcher-kva.example"),
            (ids["plain"], "carol@example.com"),
        ]
    )
    assert list(Delivery.objects.values_list("address", "subscriber_id")) == [
        ("anna@bücher.example", ids["ascii"])  # the log keeps the address it was sent to
    ]
    (merged,) = Event.objects.filter(kind="subscriber.merged")
    assert (merged.actor, merged.contact, merged.subject) == (
        "system",
        "anna@xn--bcher-kva.example",
        f"delivery.subscriber:{ids['ascii']}",
    )
    assert merged.details == {
        "channel": "email",
        "kept": ids["ascii"],
        "address": "anna@xn--bcher-kva.example",
        "deliveries_moved": 1,
        "merged": [
            {
                "id": ids["unicode"],
                "address": "anna@bücher.example",
                "created_at": "2026-03-02T09:00:00+00:00",
                "confirmed_at": "2026-03-05T09:00:00+00:00",
                "unsubscribed_at": None,
                "disabled_at": None,
            },
            {
                "id": ids["pending"],
                "address": "Anna@ｂücher.example",
                "created_at": "2026-03-06T09:00:00+00:00",
                "confirmed_at": None,
                "unsubscribed_at": None,
                "disabled_at": None,
            },
        ],
    }
