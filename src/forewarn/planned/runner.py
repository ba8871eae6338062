"""What happens to a window as time passes: it starts, ends, overruns and completes.

The scheduler's job (``jobs``) calls ``advance`` on each window whose ``next_transition_at``
has come, inside the transaction that claimed it; the operator's commands (``progress``)
share ``complete`` and ``tell_extension``. Each move records itself, queues its notices and
marks the page changed. Event notices triggered by the clock are due at the instant the
plan set (the start, the end), so one sent after a worker was down is recorded late.
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError

from forewarn.policies.rules import NoticeKind
from forewarn.record.kinds import Kind
from forewarn.statuspage.version import page_changed

from . import effects, notices
from .checks import interrupting
from .lifecycle import EXTENSION_REPEAT, Move, PlannedState, check_move, may_complete, work_state
from .lifecycle import next_transition_at as due_next
from .models import PlannedWork, Window

SYSTEM = "system"


def schedule(window: Window, now: datetime) -> None:
    """Recompute the window's ``next_transition_at`` from its state."""
    window.next_transition_at = due_next(
        window.state,
        window.start_at,
        window.end_at,
        now=now,
        next_extension_at=window.next_extension_at,
    )


def refresh(work: PlannedWork, *, page_bumped: bool = False) -> None:
    """The work's own state follows its windows'; the public page changes with public work.
    ``page_bumped``: the page version has moved in this transaction already (a component's
    status changed with the window), so one bump covers both."""
    work.state = work_state(work.windows.values_list("state", flat=True))
    work.save(update_fields=["state", "updated_at"])
    if work.is_public and not page_bumped:
        page_changed()


def advance(window: Window, now: datetime) -> None:
    """Do what is due for ``window`` (locked by the caller) at ``now``."""
    state = PlannedState(window.state)
    if state is PlannedState.SCHEDULED and window.start_at <= now:
        start(window, now)  # saves the window with its next transition already
        return
    if state is PlannedState.IN_PROGRESS and window.end_at <= now:
        end(window, now)
    elif state is PlannedState.VERIFYING:
        verify(window, now)
    schedule(window, now)
    Window.objects.filter(pk=window.pk).update(next_transition_at=window.next_transition_at)


def start(window: Window, now: datetime, *, actor: str = SYSTEM) -> None:
    work = window.work
    window.state = check_move(window.state, Move.START)
    window.started_at = now
    affected = effects.affected(window)
    changes = effects.hold(window, actor=actor, now=now, effects=affected)
    schedule(window, now)
    window.save()
    statuses = [effect.expected_status for effect in affected]
    notices.tell(
        window,
        NoticeKind.START,
        actor=actor,
        now=now,
        due_at=window.start_at,
        interrupting=interrupting(work, statuses),
    )
    work.record(
        Kind.PLANNED_STARTED,
        actor=actor,
        description=f"window {window.index} started.",
        details={
            "window": window.index,
            "components": changes,
            "late_by_seconds": _late(window.start_at, now),
        },
    )
    refresh(work, page_bumped=bool(changes))


def end(window: Window, now: datetime, *, actor: str = SYSTEM) -> None:
    """The window's time is up: give the components back, then complete or overrun."""
    work = window.work
    window.state = check_move(window.state, Move.END)
    window.ended_at = now
    changes = effects.release(window, actor=actor, now=now, reason="window ended")
    work.record(
        Kind.PLANNED_ENDED,
        actor=actor,
        description=f"window {window.index} ended.",
        details={
            "window": window.index,
            "components": changes,
            "late_by_seconds": _late(window.end_at, now),
        },
    )
    if may_complete(effects.statuses(window).values()):
        complete(window, now, actor=actor)
        return
    window.overrunning_since = window.overrunning_since or now
    window.save()
    notices.alert_owner(window, now=now)
    work.record(
        Kind.PLANNED_OVERRUNNING,
        actor=actor,
        description=f"window {window.index} is overrunning: {_not_healthy(window)}.",
        details={"window": window.index, "statuses": effects.statuses(window)},
    )
    tell_extension(window, now, reason="The work is not finished: " + _not_healthy(window) + ".")
    refresh(work)


def verify(window: Window, now: datetime) -> None:
    """A verifying window completes once every component is operational; until then its
    extension notice is repeated."""
    if may_complete(effects.statuses(window).values()):
        complete(window, now)
    elif window.next_extension_at is not None and window.next_extension_at <= now:
        tell_extension(
            window, now, reason="The work is still not finished: " + _not_healthy(window) + "."
        )


def complete(window: Window, now: datetime, *, actor: str = SYSTEM) -> None:
    work = window.work
    statuses = effects.statuses(window)
    if not may_complete(statuses.values()):
        raise ValidationError(
            {
                "components": f"Completion waits until every affected component is operational: {_not_healthy(window)}."
            }
        )
    window.state = check_move(window.state, Move.COMPLETE)
    window.completed_at = now
    window.next_extension_at = None
    effects.close_holds(window, now)
    schedule(window, now)
    window.save()
    for kind in (NoticeKind.COMPLETION, NoticeKind.AFTER_COMPLETION):
        notices.tell(window, kind, actor=actor, now=now)
    work.record(
        Kind.PLANNED_COMPLETED,
        actor=actor,
        description=f"window {window.index} completed.",
        details={
            "window": window.index,
            "statuses": statuses,
            "overran": window.overrunning_since is not None,
        },
    )
    refresh(work)


def tell_extension(
    window: Window,
    now: datetime,
    *,
    reason: str,
    actor: str = SYSTEM,
    new_end: datetime | None = None,
    next_update_at: datetime | None = None,
) -> None:
    """The extension notice: why, and the new end or when the next update comes (seed 003);
    sent where the work type promises it or the customers were told of the window."""
    window.extensions += 1
    if new_end is None:
        next_update_at = next_update_at or now + EXTENSION_REPEAT
        window.next_extension_at = next_update_at
        times = {"next_update": next_update_at}
    else:
        window.next_extension_at = None
        times = {"new_end": new_end}
    schedule(window, now)
    window.save()
    notices.tell(
        window,
        NoticeKind.EXTENSION,
        actor=actor,
        now=now,
        always=notices.was_told(window),
        repeat=window.extensions,
        reason=reason,
        next_update_at=next_update_at,
        event_times=times,
    )


def _not_healthy(window: Window) -> str:
    found = [
        f"{slug} is {status.replace('_', ' ')}"
        for slug, status in sorted(effects.statuses(window).items())
        if status != "operational"
    ]
    return ", ".join(found) or "every component is operational"


def _late(due: datetime, now: datetime) -> int:
    return max(0, int((now - due) / timedelta(seconds=1)))
