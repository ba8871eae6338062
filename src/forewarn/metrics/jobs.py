"""Scheduler job of metrics: delete points past each metric's retention.

Each metric carries ``next_expiry_at`` (partial index ``metric_expiry_due``). The job claims a
due metric with a conditional UPDATE (a second worker finds nothing left), deletes a bounded
batch of its old points, and sets the next round: an hour on, or at once while old points
remain. On failure the metric waits ``RETRY_AFTER`` so it cannot stall the loop.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from forewarn.scheduler import job

from . import services
from .models import Metric

BATCH = 20
RETRY_AFTER = timedelta(minutes=5)


@job("expire_old_metric_points")
def expire_old_points() -> int:
    """Expire old points of the metrics whose round has come; how many metrics were handled."""
    now = timezone.now()
    due = Metric.objects.filter(next_expiry_at__lte=now).order_by("next_expiry_at", "pk")
    handled = 0
    for pk, seen in due.values_list("pk", "next_expiry_at")[:BATCH]:
        try:
            with transaction.atomic():
                claimed = Metric.objects.filter(pk=pk, next_expiry_at=seen)
                if not claimed.update(next_expiry_at=now + services.EXPIRY_EVERY):
                    continue  # another worker has it
                metric = Metric.objects.get(pk=pk)
                if not services.expire_points(metric, now):
                    Metric.objects.filter(pk=pk).update(next_expiry_at=now)  # more to delete
        except Exception:
            Metric.objects.filter(pk=pk, next_expiry_at=seen).update(
                next_expiry_at=now + RETRY_AFTER
            )
            raise
        handled += 1
    return handled
