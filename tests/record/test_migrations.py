"""Record migration 0002 renames the kinds that named their module, and nothing else."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from forewarn.record.models import Event

T0 = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
BEFORE = ("record", "0001_initial")


@pytest.mark.django_db(transaction=True)
def test_migration_renames_the_module_named_kinds_and_keeps_everything_else():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    OldEvent = executor.loader.project_state([BEFORE]).apps.get_model("record", "Event")
    OldEvent.objects.bulk_create(
        [
            OldEvent(at=T0, kind=kind, actor="alice", subject_id=str(n), details={"n": n})
            for n, kind in enumerate(
                [
                    "availability.exclusion_created",
                    "availability.exclusion_changed",
                    "availability.exclusion_deleted",
                    "policy.work_type_created",
                    "policy.work_type_changed",
                    "policy.work_type_deleted",
                    "policy.created",
                    "component.status_changed",
                ]
            )
        ]
    )

    executor = MigrationExecutor(connection)
    # Every app, not only record: those that depend on it (support) were unapplied with it.
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert list(
        Event.objects.order_by("id").values_list("at", "kind", "actor", "subject_id", "details")
    ) == [
        (T0, "exclusion.created", "alice", "0", {"n": 0}),
        (T0, "exclusion.changed", "alice", "1", {"n": 1}),
        (T0, "exclusion.deleted", "alice", "2", {"n": 2}),
        (T0, "work_type.created", "alice", "3", {"n": 3}),
        (T0, "work_type.changed", "alice", "4", {"n": 4}),
        (T0, "work_type.deleted", "alice", "5", {"n": 5}),
        (T0, "policy.created", "alice", "6", {"n": 6}),
        (T0, "component.status_changed", "alice", "7", {"n": 7}),
    ]
