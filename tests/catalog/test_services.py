"""Status changes keep a full history of intervals and write the record."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from forewarn.catalog import services
from forewarn.catalog.models import Component, StatusInterval
from forewarn.record.models import Event, ImmutableEventError

T0 = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)


@pytest.fixture
def api_component(db):
    component = Component.objects.create(slug="api", name="API")
    services.ensure_history(component, at=T0)
    return component


def test_status_change_closes_the_open_interval_and_opens_a_new_one(api_component):
    services.set_status(
        api_component,
        "major_outage",
        cause="database down",
        actor="alice",
        at=T0 + timedelta(hours=1),
    )
    services.set_status(
        api_component, "operational", cause="fixed", actor="alice", at=T0 + timedelta(hours=2)
    )

    history = list(StatusInterval.objects.filter(component=api_component).order_by("started_at"))
    assert [(i.status, i.started_at, i.ended_at, i.cause) for i in history] == [
        ("operational", T0, T0 + timedelta(hours=1), "created"),
        ("major_outage", T0 + timedelta(hours=1), T0 + timedelta(hours=2), "database down"),
        ("operational", T0 + timedelta(hours=2), None, "fixed"),
    ]
    api_component.refresh_from_db()
    assert api_component.status == "operational"
    assert api_component.status_changed_at == T0 + timedelta(hours=2)


def test_status_change_is_recorded_with_actor_and_cause(api_component):
    services.set_status(
        api_component,
        "partial_outage",
        cause="slow queries",
        actor="alice",
        at=T0 + timedelta(minutes=5),
    )

    event = Event.objects.get(kind="component.status_changed")
    assert (event.actor, event.subject_id, event.details["from"], event.details["to"]) == (
        "alice",
        str(api_component.pk),
        "operational",
        "partial_outage",
    )
    assert event.at == T0 + timedelta(minutes=5)


def test_setting_the_same_status_records_nothing(api_component):
    services.set_status(api_component, "operational", at=T0 + timedelta(minutes=1))
    assert StatusInterval.objects.filter(component=api_component).count() == 1
    assert not Event.objects.exists()


def test_unknown_status_is_refused_and_changes_nothing(api_component):
    with pytest.raises(ValidationError, match="not a component status"):
        services.set_status(api_component, "down")
    assert StatusInterval.objects.filter(component=api_component).count() == 1


def test_change_before_the_current_status_began_is_refused(api_component):
    with pytest.raises(ValidationError, match="cannot be before"):
        services.set_status(api_component, "major_outage", at=T0 - timedelta(minutes=1))
    api_component.refresh_from_db()
    assert api_component.status == "operational"


def test_naive_time_is_refused(api_component):
    with pytest.raises(ValidationError, match="time zone"):
        services.set_status(api_component, "major_outage", at=datetime(2026, 3, 29, 3, 0))


def test_recorded_events_are_immutable(api_component):
    services.set_status(api_component, "major_outage", at=T0 + timedelta(hours=1))
    event = Event.objects.get()
    event.description = "rewritten"
    with pytest.raises(ImmutableEventError):
        event.save()
    with pytest.raises(ImmutableEventError):
        event.delete()


def test_only_one_open_interval_per_component_is_possible(api_component):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        StatusInterval.objects.create(component=api_component, status="major_outage", started_at=T0)
