"""Old deliveries are forgotten after the retention; what they did stays in the record."""

from datetime import timedelta

from forewarn.compat.alertmanager import jobs
from forewarn.compat.alertmanager.models import AlertDelivery, AlertGroup
from forewarn.compat.alertmanager.receiver import receive
from forewarn.incidents.models import Incident
from forewarn.record.models import Event
from forewarn.scheduler import jobs as registered

from .conftest import alert, notification


def test_the_prune_job_is_registered():
    assert registered()["prune_old_alert_deliveries"] is jobs.prune_old_deliveries


def test_deliveries_older_than_the_retention_are_deleted_once(hook, clock, settings):
    settings.FOREWARN_ALERTMANAGER_DELIVERY_RETENTION_DAYS = 30
    receive(hook.integration, notification(alert(service="voice")))
    clock.shift(timedelta(days=10))
    receive(hook.integration, notification(alert("resolved", service="voice")))
    events = Event.objects.count()

    clock.shift(timedelta(days=20))  # the first is exactly 30 days old: kept
    assert jobs.prune_old_deliveries() == 0
    clock.shift(timedelta(seconds=1))
    assert jobs.prune_old_deliveries() == 1
    assert list(AlertDelivery.objects.values_list("status", flat=True)) == ["resolved"]
    assert jobs.prune_old_deliveries() == 0  # a second run, or a second worker: nothing left

    clock.shift(timedelta(days=10))
    assert jobs.prune_old_deliveries() == 1
    assert not AlertDelivery.objects.exists()
    # The group, its incident and the record are untouched.
    assert AlertGroup.objects.get().incident == Incident.objects.get()
    assert Event.objects.count() == events


def test_a_large_backlog_goes_in_batches(hook, clock, settings, monkeypatch):
    settings.FOREWARN_ALERTMANAGER_DELIVERY_RETENTION_DAYS = 1
    monkeypatch.setattr(jobs, "PRUNE_BATCH", 2)
    for n in range(5):
        receive(hook.integration, notification(alert(service="voice", instance=f"sbc-{n}")))
    clock.shift(timedelta(days=2))
    assert [jobs.prune_old_deliveries() for _ in range(4)] == [2, 2, 1, 0]


def test_a_retention_of_0_keeps_them(hook, clock, settings):
    settings.FOREWARN_ALERTMANAGER_DELIVERY_RETENTION_DAYS = 0
    receive(hook.integration, notification(alert(service="voice")))
    clock.shift(timedelta(days=3650))
    assert jobs.prune_old_deliveries() == 0
    assert AlertDelivery.objects.count() == 1
