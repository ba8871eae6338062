"""Scheduler jobs of the Alertmanager hook: resolve incidents whose alerts stayed quiet, and
forget old deliveries.

``AlertGroup.resolve_due_at`` (partial index ``alertgroup_resolve_due``) is set when a group's
alerts resolve. The job claims a due group with a conditional UPDATE (moving the column from
the value it read, so a second worker finds nothing), and ``receiver.resolve_quiet`` resolves
its incident if the alerts did not fire again meanwhile. On failure the group waits
``RETRY_AFTER`` so it cannot stall the loop.

``AlertDelivery`` rows (one per notification received, kept to recognise Alertmanager's
retries by their digest) older than ``FOREWARN_ALERTMANAGER_DELIVERY_RETENTION_DAYS`` are
deleted by ``prune_old_deliveries``, ``PRUNE_BATCH`` at a time (index
``alertdelivery_by_received``). Deleting is its own claim: two workers pruning at once delete
each row once, and a second run finds nothing. Alertmanager retries for minutes, never days, so
a retention of a day or more forgets no digest a retry could still carry; what a notification
did stays in the record (``alert_group.fired`` / ``resolved``) and on the alert group.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from forewarn.scheduler import job

from . import receiver
from .models import AlertDelivery, AlertGroup

BATCH = 50
RETRY_AFTER = timedelta(minutes=1)
PRUNE_BATCH = 1_000


@job("resolve_quiet_alert_groups")
def resolve_quiet_groups() -> int:
    """Resolve the incidents of groups quiet for their integration's quiet period."""
    now = timezone.now()
    due = AlertGroup.objects.filter(resolve_due_at__lte=now).order_by("resolve_due_at", "pk")
    handled = 0
    for pk, seen in due.values_list("pk", "resolve_due_at")[:BATCH]:
        try:
            with transaction.atomic():
                if not AlertGroup.objects.filter(pk=pk, resolve_due_at=seen).update(
                    resolve_due_at=now
                ):
                    continue  # another worker has it, or it fired again
                group = AlertGroup.objects.select_related("integration").get(pk=pk)
                receiver.resolve_quiet(group, now)
        except Exception:
            AlertGroup.objects.filter(pk=pk, resolve_due_at=seen).update(
                resolve_due_at=now + RETRY_AFTER
            )
            raise
        handled += 1
    return handled


def delivery_retention() -> timedelta | None:
    """How long a delivery is kept; None: for ever (the setting is 0)."""
    days = settings.FOREWARN_ALERTMANAGER_DELIVERY_RETENTION_DAYS
    return timedelta(days=days) if days > 0 else None


@job("prune_old_alert_deliveries")
def prune_old_deliveries() -> int:
    """Delete up to PRUNE_BATCH deliveries received before the retention; how many went."""
    retention = delivery_retention()
    if retention is None:
        return 0
    cutoff = timezone.now() - retention
    old = AlertDelivery.objects.filter(received_at__lt=cutoff).order_by("received_at", "pk")
    found = list(old.values_list("pk", flat=True)[:PRUNE_BATCH])
    if not found:
        return 0
    deleted, _ = AlertDelivery.objects.filter(pk__in=found).delete()
    return deleted
