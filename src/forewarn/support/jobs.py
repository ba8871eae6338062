"""Scheduler jobs of support: the clock watcher, claimed from ``SupportRequest.next_check_at``.

Each due row is claimed with a conditional UPDATE (moving the column from the value read to
None: a second worker, or a restart, finds nothing left to do), locked, and handed to
``runner.watch``, which sets the column to the next moment. If that fails, the column is
pushed ``RETRY_AFTER`` forward before the error is re-raised, so one bad request cannot
stall the loop.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from forewarn.scheduler import job

from . import runner
from .models import SupportRequest

BATCH = 200
RETRY_AFTER = timedelta(minutes=1)


@job("support_clocks")
def watch_clocks() -> int:
    """Warn assignees at 75 % of a target, record breaches and escalate them (each once)."""
    now = timezone.now()
    due = list(
        SupportRequest.objects.filter(next_check_at__lte=now)
        .order_by("next_check_at", "pk")
        .values_list("pk", "next_check_at")[:BATCH]
    )
    handled = 0
    for pk, seen in due:
        try:
            with transaction.atomic():
                if not SupportRequest.objects.filter(pk=pk, next_check_at=seen).update(
                    next_check_at=None
                ):
                    continue
                request = (
                    SupportRequest.objects.select_for_update(of=("self",))
                    .select_related(
                        "organization", "organization__success_manager", "assignee", "rota"
                    )
                    .get(pk=pk)
                )
                runner.watch(request, now)
        except Exception:
            SupportRequest.objects.filter(pk=pk, next_check_at__isnull=True).update(
                next_check_at=now + RETRY_AFTER
            )
            raise
        handled += 1
    return handled
