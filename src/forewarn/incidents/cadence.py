"""Pure Python, no Django. The update cadence: when the next update is due, and how it was kept.

Seed 001 §6's *update* column gives an interval per priority (P1 every 15 minutes,
P2 every 30, P3 every 120, P4 and P5 none). It counts elapsed minutes (the seed's
reading) or, for a priority an operator sets so, the opening time of a business
calendar (``BusinessCalendar.add_business_time``): an update due at 16:45 on a
Friday with 30 business minutes left then falls on Monday morning.

The cadence clock starts at each update and at each reclassification (the new
cadence applies "from that moment", S5). A deadline missed stays missed: the
report shows it late whatever happened afterwards.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from forewarn.calendars.engine import BusinessCalendar
from forewarn.incidents.priorities import Clock

DEFAULT_REMINDER_LEAD = timedelta(minutes=5)
_ZERO = timedelta(0)


@dataclass(frozen=True, slots=True)
class CadenceRule:
    """One priority's cadence: the interval (None: no cadence), its clock and the reminder lead."""

    interval: timedelta | None
    clock: Clock = Clock.ELAPSED
    reminder_lead: timedelta = DEFAULT_REMINDER_LEAD

    def __post_init__(self) -> None:
        object.__setattr__(self, "clock", Clock(self.clock))
        if self.interval is not None and self.interval <= _ZERO:
            raise ValueError("interval: an update interval must be longer than zero.")
        if self.reminder_lead < _ZERO:
            raise ValueError("reminder_lead: a reminder lead cannot be negative.")
        if self.interval is not None and self.reminder_lead >= self.interval:
            raise ValueError(
                f"reminder_lead: the reminder ({_minutes(self.reminder_lead)}) must come "
                f"before the update is due, within the interval ({_minutes(self.interval)})."
            )

    @property
    def has_cadence(self) -> bool:
        return self.interval is not None


def next_update_due(
    rule: CadenceRule, clock_started_at: datetime, calendar: BusinessCalendar | None = None
) -> datetime | None:
    """When the next update is due after the clock started (the last update or a reclassification).

    None when the priority has no cadence. A business-time rule needs the calendar.
    """
    if clock_started_at.tzinfo is None:
        raise ValueError("clock_started_at must be timezone-aware.")
    if rule.interval is None:
        return None
    if rule.clock is Clock.ELAPSED:
        return (clock_started_at + rule.interval).astimezone(UTC)
    if calendar is None:
        raise ValueError("A business-time cadence needs a business calendar.")
    return calendar.add_business_time(clock_started_at, rule.interval)


def deadline_after_misses(
    rule: CadenceRule, due: datetime, misses: int, calendar: BusinessCalendar | None = None
) -> datetime:
    """The deadline watched after ``misses`` missed ones: each miss starts one more interval."""
    deadline = due
    for _ in range(misses):
        deadline = next_update_due(rule, deadline, calendar)
    return deadline


def reminder_at(due: datetime, lead: timedelta = DEFAULT_REMINDER_LEAD) -> datetime:
    """When the responders are reminded that an update is due at ``due``."""
    return (due - lead).astimezone(UTC)


def time_left(due: datetime | None, now: datetime) -> timedelta | None:
    """How long until the update due at ``due`` (negative once it is overdue); None: none due."""
    return None if due is None else due - now


def time_left_text(left: timedelta | None) -> str:
    """``left`` as the console shows it: "12 min left", "1 h 05 min left", "overdue by 3 min"."""
    if left is None:
        return "no update due"
    minutes = int(abs(left).total_seconds() // 60)
    span = f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"
    return f"overdue by {span}" if left < _ZERO else f"{span} left"


# The cadence report ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RuleChange:
    """The cadence in force from ``at``: the opening, then each reclassification.

    ``calendar`` counts a business-time rule (None: the calendar given to ``gaps``).
    """

    at: datetime
    rule: CadenceRule
    calendar: BusinessCalendar | None = None


@dataclass(frozen=True, slots=True)
class Gap:
    """The time from one update to the next (or to the end of the report), against its deadline."""

    start: datetime
    end: datetime
    due_at: datetime | None  # None: no cadence applied in this gap
    interval: timedelta | None  # the target the deadline came from
    clock: Clock
    is_ongoing: bool  # no update has ended it yet

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    @property
    def late_by(self) -> timedelta:
        """How far the next update came after its deadline (so far, while ongoing)."""
        if self.due_at is None or self.end <= self.due_at:
            return _ZERO
        return self.end - self.due_at

    @property
    def is_met(self) -> bool | None:
        """Kept (True), missed (False), or neither (None: no target, or ongoing and not yet due)."""
        if self.due_at is None:
            return None
        if self.end > self.due_at:
            return False
        return None if self.is_ongoing else True


def gaps(
    updates: Sequence[datetime],
    changes: Sequence[RuleChange],
    *,
    end: datetime,
    calendar: BusinessCalendar | None = None,
) -> list[Gap]:
    """Every gap between updates against its target, the last one running to ``end``.

    ``updates`` are the instants updates were posted (the first is the opening);
    ``changes`` the cadence rules in force from each instant (the first at or before
    the opening). A change inside a gap restarts the clock under the new rule,
    unless the deadline had already passed: a missed deadline stays missed.
    ``end`` is the resolution (equal to the last update) or now.
    """
    if not updates:
        return []
    if not changes:
        raise ValueError("changes: give the cadence in force at the opening.")
    times = sorted(updates)
    rules = sorted(changes, key=lambda c: c.at)
    if rules[0].at > times[0]:
        raise ValueError("changes: the first cadence must be in force at the opening.")
    if end < times[-1]:
        raise ValueError("end: the report cannot end before the last update.")
    bounds = list(pairwise(times))
    if end > times[-1]:
        bounds.append((times[-1], end))
    found = []
    for start, stop in bounds:
        current = _change_at(rules, start)
        rule = current.rule
        due = next_update_due(rule, start, current.calendar or calendar)
        for change in rules:
            if not start < change.at < stop:
                continue
            if due is not None and due <= change.at:
                break  # missed before the cadence changed
            rule = change.rule
            due = next_update_due(rule, change.at, change.calendar or calendar)
        found.append(
            Gap(
                start=start,
                end=stop,
                due_at=due,
                interval=rule.interval,
                clock=rule.clock,
                is_ongoing=stop == end and stop not in times,
            )
        )
    return found


def _change_at(rules: Sequence[RuleChange], at: datetime) -> RuleChange:
    found = rules[0]
    for change in rules:
        if change.at <= at:
            found = change
    return found


@dataclass(frozen=True, slots=True)
class CadenceSummary:
    gaps: int
    measured: int  # gaps that had a deadline
    missed: int
    longest: timedelta
    late_total: timedelta

    @property
    def kept(self) -> int:
        return self.measured - self.missed


def summarize(
    found: Sequence[Gap], period: tuple[datetime, datetime] | None = None
) -> CadenceSummary:
    """Totals over the gaps that start within ``period`` (``[start, end)``), or over all of them."""
    if period is not None:
        found = [g for g in found if period[0] <= g.start < period[1]]
    measured = [g for g in found if g.due_at is not None]
    return CadenceSummary(
        gaps=len(found),
        measured=len(measured),
        missed=sum(1 for g in measured if g.is_met is False),
        longest=max((g.length for g in found), default=_ZERO),
        late_total=sum((g.late_by for g in measured), _ZERO),
    )


def _minutes(span: timedelta) -> str:
    return f"{span.total_seconds() / 60:g} min"
