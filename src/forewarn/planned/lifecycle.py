"""Pure Python, no Django. The life cycle of a window of planned work (docs/product.md S4).

draft → scheduled → in_progress → verifying → completed, or cancelled. A draft is private;
publishing schedules it. The scheduler starts a window at its start and ends it at its end;
the end returns the affected components to what they were (``restore_to``) and moves the
window to *verifying*, which becomes *completed* only once every affected component is
operational again (seed 003: "when maintenance is complete and monitoring shows healthy
instances"). A window still open after its end is *overrunning*: its owner is alerted and an
extension notice is due, repeated until it is closed (seed 003 "Extended maintenance").
Statuspage's scheduled-maintenance states are these words too.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum, unique

from forewarn.catalog.statuses import Status

# How often an overrunning window repeats its extension notice when nobody gives a new end.
EXTENSION_REPEAT = timedelta(hours=1)
# How often a verifying window looks at its components again.
VERIFY_EVERY = timedelta(minutes=1)


@unique
class PlannedState(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    VERIFYING = "verifying"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self in (PlannedState.COMPLETED, PlannedState.CANCELLED)

    @property
    def is_running(self) -> bool:
        """The window has begun and is not closed: the components are (or were) held."""
        return self in (PlannedState.IN_PROGRESS, PlannedState.VERIFYING)

    @property
    def is_public(self) -> bool:
        return self is not PlannedState.DRAFT


LABELS = {
    PlannedState.DRAFT: "Draft",
    PlannedState.SCHEDULED: "Scheduled",
    PlannedState.IN_PROGRESS: "In progress",
    PlannedState.VERIFYING: "Verifying",
    PlannedState.COMPLETED: "Completed",
    PlannedState.CANCELLED: "Cancelled",
}


@unique
class Move(StrEnum):
    """What moves a window from one state to another, and who may make it."""

    PUBLISH = "publish"
    START = "start"
    END = "end"
    COMPLETE = "complete"
    EXTEND = "extend"
    RESCHEDULE = "reschedule"
    CANCEL = "cancel"


S = PlannedState
# The two tables: from each state, which moves are allowed and where each leads.
TRANSITIONS: dict[PlannedState, dict[Move, PlannedState]] = {
    S.DRAFT: {Move.PUBLISH: S.SCHEDULED, Move.RESCHEDULE: S.DRAFT, Move.CANCEL: S.CANCELLED},
    S.SCHEDULED: {
        Move.START: S.IN_PROGRESS,
        Move.RESCHEDULE: S.SCHEDULED,
        Move.CANCEL: S.CANCELLED,
    },
    S.IN_PROGRESS: {
        Move.END: S.VERIFYING,
        Move.EXTEND: S.IN_PROGRESS,
        Move.CANCEL: S.CANCELLED,
    },
    S.VERIFYING: {
        Move.COMPLETE: S.COMPLETED,
        Move.EXTEND: S.IN_PROGRESS,
        Move.CANCEL: S.CANCELLED,
    },
    S.COMPLETED: {},
    S.CANCELLED: {},
}


class TransitionError(ValueError):
    """A move the life cycle does not allow; the message says what is allowed."""


def check_move(current: str, move: str) -> PlannedState:
    """The state ``move`` leads to from ``current``; TransitionError saying what is allowed."""
    state, move = PlannedState(current), Move(move)
    target = TRANSITIONS[state].get(move)
    if target is None:
        allowed = ", ".join(m.value for m in TRANSITIONS[state]) or "nothing: it is closed"
        raise TransitionError(
            f"A window that is {LABELS[state].lower()} allows {allowed}; not {move}."
        )
    return target


def may_complete(statuses: Iterable[str]) -> bool:
    """Whether every affected component is operational again (seed 003's "healthy")."""
    return all(Status(s) is Status.OPERATIONAL for s in statuses)


def restore_to(current: str, set_by_work: str, before: str) -> str | None:
    """The status a component returns to at the end of a window, or None to leave it.

    It returns to what it was before the window, unless someone changed it meanwhile (its
    status is no longer the one the work set): then theirs stands.
    """
    if current != set_by_work or current == before:
        return None
    return before


def is_overrunning(state: str, end: datetime, now: datetime) -> bool:
    """Open after the end of its window."""
    return PlannedState(state).is_running and now >= end


def next_transition_at(
    state: str,
    start: datetime,
    end: datetime,
    *,
    now: datetime,
    next_extension_at: datetime | None = None,
) -> datetime | None:
    """When the scheduler must look at a window next: its start, its end, the next look at a
    verifying window's components, or the next extension notice; None when closed or a draft."""
    state = PlannedState(state)
    if state is S.SCHEDULED:
        return start
    if state is S.IN_PROGRESS:
        return end
    if state is S.VERIFYING:
        due = now + VERIFY_EVERY
        return min(due, next_extension_at) if next_extension_at else due
    return None


def work_state(states: Iterable[str]) -> PlannedState:
    """The state of work from its windows' states: the most advanced open one, else how it
    ended (completed when any window was, else cancelled)."""
    found = [PlannedState(s) for s in states]
    if not found or all(s is S.DRAFT for s in found):
        return S.DRAFT
    for state in (S.IN_PROGRESS, S.VERIFYING, S.SCHEDULED):
        if state in found:
            return state
    return S.COMPLETED if S.COMPLETED in found else S.CANCELLED
