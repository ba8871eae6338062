"""Pure Python, no Django. A support request's clocks in business time: targets, due
instants, pauses, time left, and the after-hours rules (docs/product.md S9).

A clock starts at an instant (the request's creation; for an informational request opened
by a notice, when the customer first writes), runs in a business calendar (the
organization's region calendar; an emergency after hours runs in the on-call rota's
around-the-clock calendar), stands still during pauses (waiting on the customer, solved)
and is due when ``target`` of business time has run. Reclassifying recomputes the due
instant from the same start with the new target: ``due_at`` is a function of the start,
the target, the calendar and the pauses, never of the previous due instant.

Targets are seed 001 §5's: High 1 business hour, Normal 8, and the general aim "strives
to respond within one business day" for anything unclassified (the calendar's business
day: seed 001, "eight consecutive Business Hours"). Seed 004's hours, "8:00am EST to
6:00pm PST. Or within a timeframe at the start of next business day", are its calendar:
a request after hours starts its clock at the next opening (``clock_starts_at``).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum, unique

from forewarn.calendars.engine import BusinessCalendar, weekly_hours
from forewarn.support.lifecycle import Priority

_ZERO = timedelta(0)
WARN_FRACTION = 0.75  # the assignee is warned when 75 % of the target has run

type Pause = tuple[datetime, datetime | None]


def around_the_clock(zone: str = "UTC") -> BusinessCalendar:
    """A calendar open every minute of every day: the on-call rota's default (seed 004,
    "emergency availability ... after hours")."""
    return BusinessCalendar(zone, weekly_hours(time(0), time(0), range(7)))


@dataclass(frozen=True, slots=True)
class Targets:
    """First-response and resolution targets per priority; None: none (for resolution) or,
    for an unclassified first response, the calendar's business day."""

    first_response: Mapping[Priority, timedelta | None] = field(
        default_factory=lambda: {
            Priority.HIGH: timedelta(hours=1),
            Priority.NORMAL: timedelta(hours=8),
            Priority.UNCLASSIFIED: None,
        }
    )
    resolution: Mapping[Priority, timedelta | None] = field(
        default_factory=lambda: dict.fromkeys(Priority)
    )

    def __post_init__(self) -> None:
        for name, table in (
            ("first_response", self.first_response),
            ("resolution", self.resolution),
        ):
            for priority, target in table.items():
                if target is not None and target <= _ZERO:
                    raise ValueError(
                        f"{name}: the {Priority(priority).value} target must be positive."
                    )

    def first_response_for(self, priority: str, calendar: BusinessCalendar) -> timedelta:
        found = self.first_response.get(Priority(priority))
        return found if found is not None else calendar.business_day

    def resolution_for(self, priority: str) -> timedelta | None:
        return self.resolution.get(Priority(priority))


SEED_001 = Targets()


@dataclass(frozen=True, slots=True)
class Clock:
    """``target`` of business time in ``calendar`` from ``started_at``, less the pauses.

    ``pauses`` are (start, end) in order; the last may be open (end None: paused now).
    """

    started_at: datetime
    target: timedelta
    calendar: BusinessCalendar
    pauses: tuple[Pause, ...] = ()

    def due_at(self, fraction: float = 1.0) -> datetime | None:
        """When ``fraction`` of the target has run; None while paused before then."""
        return instant_after(self.calendar, self.started_at, self.target * fraction, self.pauses)

    def warn_at(self) -> datetime | None:
        return self.due_at(WARN_FRACTION)

    def elapsed(self, now: datetime) -> timedelta:
        """Business time that has run on the clock by ``now`` (pauses left out)."""
        return running_time(self.calendar, self.started_at, now, self.pauses)

    def left(self, now: datetime) -> timedelta:
        """Business time left at ``now``; negative once the target has passed."""
        return self.target - self.elapsed(now)

    def met_by(self, answered_at: datetime) -> bool:
        """Whether an answer at ``answered_at`` came within the target."""
        return self.elapsed(answered_at) <= self.target


def instant_after(
    calendar: BusinessCalendar,
    start: datetime,
    amount: timedelta,
    pauses: Iterable[Pause] = (),
) -> datetime | None:
    """The instant ``amount`` of business time after ``start``, not counting the pauses;
    None when an open pause begins before it is reached."""
    cursor, remaining = start, amount
    for paused, resumed in pauses:
        if resumed is not None and resumed <= cursor:
            continue
        paused = max(paused, cursor)
        reached = calendar.add_business_time(cursor, remaining)
        if reached <= paused:
            return reached
        remaining -= calendar.business_time_between(cursor, paused)
        if resumed is None:
            return None
        cursor = resumed
    return calendar.add_business_time(cursor, remaining)


def running_time(
    calendar: BusinessCalendar, start: datetime, now: datetime, pauses: Iterable[Pause] = ()
) -> timedelta:
    """Business time from ``start`` to ``now`` outside the pauses."""
    total, cursor = _ZERO, start
    for paused, resumed in pauses:
        if paused >= now:
            break
        if paused > cursor:
            total += calendar.business_time_between(cursor, paused)
        if resumed is None or resumed >= now:
            return total
        cursor = max(cursor, resumed)
    if now > cursor:
        total += calendar.business_time_between(cursor, now)
    return total


@unique
class ClockState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"
    BREACHED = "breached"
    NOT_STARTED = "not_started"  # informational: no clock until the customer writes
    NONE = "none"  # no target (no resolution target configured)


def state(clock: Clock | None, *, stopped_at: datetime | None, now: datetime) -> ClockState:
    """Where a clock stands: answered in time or not, or still running (or paused) and late or not."""
    if clock is None:
        return ClockState.NONE
    if stopped_at is not None:
        return ClockState.MET if clock.met_by(stopped_at) else ClockState.BREACHED
    if clock.left(now) < _ZERO:
        return ClockState.BREACHED
    paused = clock.pauses and clock.pauses[-1][1] is None and clock.pauses[-1][0] <= now
    return ClockState.PAUSED if paused else ClockState.RUNNING


def clock_starts_at(calendar: BusinessCalendar, at: datetime) -> datetime:
    """When a request made at ``at`` starts counting: at once in opening hours, else at the
    next opening (what a request after hours is told)."""
    return calendar.next_open(at).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Routing:
    """Which calendar and first-response target a request runs on, and whether on-call has it."""

    calendar: BusinessCalendar
    target: timedelta
    on_call: bool


def route(
    *,
    priority: str,
    emergency: bool,
    at: datetime,
    calendar: BusinessCalendar,
    targets: Targets,
    on_call_calendar: BusinessCalendar | None = None,
    on_call_target: timedelta | None = None,
) -> Routing:
    """Seed 004's "emergency availability ... after hours": an emergency made while the
    organization's calendar is closed goes to the on-call rota, its around-the-clock
    calendar and its own target; anything else runs in business hours."""
    if emergency and on_call_target is not None and not calendar.is_open(at):
        return Routing(on_call_calendar or around_the_clock(), on_call_target, True)
    return Routing(calendar, targets.first_response_for(priority, calendar), False)
