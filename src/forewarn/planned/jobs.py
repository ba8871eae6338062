"""Scheduler job of planned work: move each window on when its time comes.

One due-time column, ``Window.next_transition_at`` (partial index ``window_transition_due``):
the start of a scheduled window, the end of one in progress, the next look at a verifying
one (and its next extension notice). Each due row is claimed with a conditional UPDATE
(from the value read to None: a second worker, or a restart, finds nothing left), locked,
and handed to ``runner.advance``, which sets the column again. If that fails, the column
is pushed ``RETRY_AFTER`` forward before the error is re-raised, so one bad window cannot
stall the loop (healthchecks' ``sendalerts`` does the same).
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from forewarn.scheduler import job

from . import runner
from .models import PlannedWork, Window

BATCH = 100
RETRY_AFTER = timedelta(minutes=1)


@job("planned_transitions")
def planned_transitions() -> int:
    """Start, end, verify and extend the windows whose time has come; how many moved."""
    now = timezone.now()
    due = list(
        Window.objects.filter(next_transition_at__lte=now)
        .order_by("next_transition_at", "pk")
        .values_list("pk", "work_id", "next_transition_at")[:BATCH]
    )
    return sum(claim_and_advance(pk, seen, now, work_id=work) for pk, work, seen in due)


def claim_and_advance(pk: int, seen, now, *, work_id: int | None = None) -> bool:
    """Claim the window ``pk`` (due at ``seen``) and advance it, in one transaction."""
    try:
        with transaction.atomic():
            # The work first, then the window: the operators' services lock in that order.
            # A window never changes work, so the id read with the due list serves. The work
            # comes with what its notices read (policy, work type), locking only its own row.
            if work_id is None:
                work_id = Window.objects.filter(pk=pk).values_list("work_id", flat=True).first()
            work = (
                PlannedWork.objects.select_for_update(of=("self",))
                .select_related("policy", "work_type__policy")
                .filter(pk=work_id)
                .first()
            )
            if not Window.objects.filter(pk=pk, next_transition_at=seen).update(
                next_transition_at=None
            ):
                return False
            window = Window.objects.select_for_update().get(pk=pk)
            window.work = work
            runner.advance(window, now)
    except Exception:
        Window.objects.filter(pk=pk, next_transition_at=seen).update(
            next_transition_at=now + RETRY_AFTER
        )
        raise
    return True
