"""Scheduler job of the Alertmanager hook: resolve incidents whose alerts stayed quiet.

``AlertGroup.resolve_due_at`` (partial index ``alertgroup_resolve_due``) is set when a group's
alerts resolve. The job claims a due group with a conditional UPDATE (moving the column from
the value it read, so a second worker finds nothing), and ``receiver.resolve_quiet`` resolves
its incident if the alerts did not fire again meanwhile. On failure the group waits
``RETRY_AFTER`` so it cannot stall the loop.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from forewarn.scheduler import job

from . import receiver
from .models import AlertGroup

BATCH = 50
RETRY_AFTER = timedelta(minutes=1)


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
