"""Scheduler jobs of incidents: the cadence watcher and the escalations, claimed from due columns.

Each job reads one due-time column (partial index on ``Incident``), claims each due
row with a conditional UPDATE (the row moves to the worker that changed it from the
value it read: a second worker, or a restart, finds nothing left to do), locks it and
calls ``runner``. If that fails, the column is pushed ``RETRY_AFTER`` forward before
the error is re-raised, so one bad incident cannot stall the loop (healthchecks'
``sendalerts`` does the same).
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone

from forewarn.scheduler import job

from . import runner
from .models import Incident
from .timing import Policies

BATCH = 200
RETRY_AFTER = timedelta(minutes=1)


@job("incident_cadence")
def watch_cadence() -> int:
    """Remind responders before each update is due; count a deadline missed once it passes."""
    return run_due("next_reminder_at", runner.watch_cadence)


@job("incident_escalations")
def escalate_due() -> int:
    """Tell the tiers whose time has come (seed 001 §6 timing, seed 004 tiers), each once."""
    return run_due("next_escalation_at", runner.escalate_due)


def run_due(column: str, action: Callable[[Incident, datetime, Policies], object]) -> int:
    """Claim the incidents whose ``column`` has come and run ``action`` on each; how many ran.

    The policies are read once for the round, not once per incident.
    """
    now = timezone.now()
    round_action = partial(_with_policies, action, Policies())
    return sum(
        claim_and_run(pk, seen, column, round_action, now) for pk, seen in due_rows(column, now)
    )


def _with_policies(action, policies: Policies, incident: Incident, now: datetime):
    return action(incident, now, policies)


def due_rows(column: str, now: datetime) -> list[tuple[int, datetime]]:
    """(pk, the due time read) of the incidents whose ``column`` has come, earliest first."""
    return list(
        Incident.objects.filter(**{f"{column}__lte": now})
        .order_by(column, "pk")
        .values_list("pk", column)[:BATCH]
    )


def claim_and_run(
    pk: int, seen: datetime, column: str, action: Callable[[Incident, datetime], object], now
) -> bool:
    """Run ``action`` if this worker moves ``column`` from ``seen`` (else another worker has it)."""
    try:
        with transaction.atomic():
            if not Incident.objects.filter(pk=pk, **{column: seen}).update(**{column: None}):
                return False
            action(Incident.objects.select_for_update().get(pk=pk), now)
    except Exception:
        Incident.objects.filter(pk=pk, **{column: seen}).update(**{column: now + RETRY_AFTER})
        raise
    return True
