"""The record is append-only: the model, its queryset and the database itself refuse changes."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test import TransactionTestCase

from forewarn.catalog import services
from forewarn.catalog.models import Component
from forewarn.record.kinds import Kind, UnknownEventKind
from forewarn.record.models import Event, ImmutableEventError
from forewarn.record.services import append

T0 = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)


@pytest.fixture
def api_component(db):
    component = Component.objects.create(slug="api", name="API")
    services.ensure_history(component, at=T0)
    return component


@pytest.fixture
def event(db):
    return append(Kind.NOTICE_CANCELLED, description="as it happened", at=T0)


def _raw(sql: str) -> None:
    # A savepoint, so that PostgreSQL's aborted statement leaves the test's transaction usable.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


def test_recorded_events_are_immutable(api_component):
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        services.set_status(api_component, "major_outage")
    event = Event.objects.get()
    event.description = "rewritten"
    with pytest.raises(ImmutableEventError):
        event.save()
    with pytest.raises(ImmutableEventError):
        event.delete()


def test_the_queryset_refuses_update_bulk_update_and_delete(event):
    with pytest.raises(ImmutableEventError, match="cannot be changed"):
        Event.objects.filter(pk=event.pk).update(description="rewritten")
    event.description = "rewritten"
    with pytest.raises(ImmutableEventError, match="cannot be changed"):
        Event.objects.bulk_update([event], ["description"])
    with pytest.raises(ImmutableEventError, match="cannot be deleted"):
        Event.objects.all().delete()
    assert list(Event.objects.values_list("pk", "description")) == [(event.pk, "as it happened")]


def test_bulk_create_appends_but_refuses_unknown_kinds_and_saved_events(event):
    Event.objects.bulk_create(
        [Event(kind=Kind.NOTICE_DELIVERED, at=T0), Event(kind=Kind.NOTICE_CANCELLED, at=T0)]
    )
    with pytest.raises(UnknownEventKind, match=r"'notice\.lost' is not a kind"):
        Event.objects.bulk_create([Event(kind="notice.lost", at=T0)])
    with pytest.raises(ImmutableEventError, match="cannot be written again"):
        Event.objects.bulk_create([event])
    assert sorted(Event.objects.values_list("kind", flat=True)) == [
        "notice.cancelled",
        "notice.cancelled",
        "notice.delivered",
    ]


def test_the_database_refuses_a_raw_update(event):
    with pytest.raises(IntegrityError, match="append-only: UPDATE on record_event is refused"):
        _raw("UPDATE record_event SET description = 'rewritten'")
    assert Event.objects.get().description == "as it happened"


def test_the_database_refuses_a_raw_delete(event):
    with pytest.raises(IntegrityError, match="append-only: DELETE on record_event is refused"):
        _raw(f"DELETE FROM record_event WHERE id = {event.pk}")
    assert Event.objects.count() == 1


def test_postgresql_refuses_truncate_and_statements_that_match_nothing(event):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE and only row triggers.")
    with pytest.raises(IntegrityError, match="append-only: TRUNCATE on record_event is refused"):
        _raw("TRUNCATE record_event")
    with pytest.raises(IntegrityError, match="append-only: DELETE"):
        _raw("DELETE FROM record_event WHERE false")
    assert Event.objects.count() == 1


def test_deleting_a_subject_keeps_its_events(api_component):
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        services.set_status(api_component, "major_outage", actor="alice")
    subject_id = str(api_component.pk)
    api_component.delete()
    assert list(Event.objects.values_list("kind", "subject_type", "subject_id")) == [
        ("component.status_changed", "catalog.component", subject_id)
    ]
    # The subject is a (type, id) pair: no relation can cascade into the record.
    assert [f.name for f in Event._meta.get_fields() if f.is_relation] == []


def test_an_unknown_kind_is_refused_however_it_is_written(db):
    with pytest.raises(UnknownEventKind, match=r"'component\.exploded' is not a kind"):
        append("component.exploded")
    with pytest.raises(UnknownEventKind):
        Event.objects.create(kind="component.exploded")
    with pytest.raises(ValidationError) as refused:
        Event(kind="component.exploded").full_clean()
    assert refused.value.message_dict == {
        "kind": ["'component.exploded' is not a kind of event in record.kinds.Kind."]
    }
    assert not Event.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_only_the_test_runners_flush_may_empty_the_record():
    append(Kind.NOTICE_CANCELLED, at=T0)
    with pytest.raises(CommandError, match="couldn't be flushed"):
        call_command("flush", interactive=False, verbosity=0)
    assert Event.objects.count() == 1

    # What pytest-django runs after every transactional test (wrapped in tests/conftest.py).
    TransactionTestCase(methodName="__init__")._fixture_teardown()

    assert Event.objects.count() == 0
    append(Kind.NOTICE_CANCELLED, at=T0)
    with pytest.raises(IntegrityError, match="append-only: DELETE"):
        _raw("DELETE FROM record_event")
    assert Event.objects.count() == 1
