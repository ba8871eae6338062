"""Scheduler job of planned work: move each window on when its time comes.

One due-time column, ``Window.next_transition_at`` (partial index ``window_transition_due``):
the start of a scheduled window, the end of one in progress, the next look at a verifying
one (and its next extension notice). Each due row is claimed with a conditional UPDATE
(from the value read to None: a second worker, or a restart, finds nothing left), locked,
and handed to ``runner.advance``, which sets the column again. If that fails, the column
is pushed ``RETRY_AFTER`` forward before the error is re-raised, so one bad window cannot
stall the loop (healthchecks' ``sendalerts`` does the same).

The windows due at the same tick are advanced up to ``TOGETHER`` in one transaction
(``advance_together``), one commit for all; if anything in it fails, nothing of it is kept
and each window is taken again alone, so one bad window neither stalls nor rolls back the
others. A crash mid-tick loses the batch's transaction whole: its windows are still due.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from forewarn.scheduler import job

from . import runner
from .models import PlannedWork, Window

BATCH = 100
TOGETHER = 10  # windows advanced in one transaction (``advance_together``)
RETRY_AFTER = timedelta(minutes=1)

logger = logging.getLogger(__name__)


@job("planned_transitions")
def planned_transitions() -> int:
    """Start, end, verify and extend the windows whose time has come; how many moved."""
    now = timezone.now()
    due = list(
        Window.objects.filter(next_transition_at__lte=now)
        .order_by("next_transition_at", "pk")
        .values_list("pk", "work_id", "next_transition_at")[:BATCH]
    )
    moved = 0
    for start in range(0, len(due), TOGETHER):
        chunk = due[start : start + TOGETHER]
        if len(chunk) > 1:
            try:
                moved += advance_together(chunk, now)
                continue
            except Exception:  # rolled back whole: each on its own, so the bad one is found
                logger.warning("advancing %d windows together failed", len(chunk), exc_info=True)
        moved += sum(claim_and_advance(pk, seen, now, work_id=work) for pk, work, seen in chunk)
    return moved


def advance_together(due: list[tuple], now) -> int:
    """Claim and advance the windows ``due`` ((window id, work id, due time) each) in one
    transaction: one commit for the windows that start at the same tick, not one each.

    The works are locked first, in id order, skipping any another transaction holds (an
    operator's command, another worker): their windows stay due for the next tick. Each
    window is then claimed by the same conditional UPDATE as alone. Any failure rolls the
    whole batch back, claims included, and raises; the caller then takes each window alone.
    """
    with transaction.atomic():
        works = {
            work.pk: work
            for work in PlannedWork.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("policy", "work_type__policy")
            .filter(pk__in={work_id for _, work_id, _ in due})
            .order_by("pk")
        }
        moved = 0
        for pk, work_id, seen in due:
            if work_id not in works:
                continue
            if not Window.objects.filter(pk=pk, next_transition_at=seen).update(
                next_transition_at=None
            ):
                continue
            window = Window.objects.select_for_update().get(pk=pk)
            window.work = works[work_id]
            runner.advance(window, now)
            moved += 1
    return moved


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
