"""What the availability engine measures: periods, status intervals, exclusions, components.

Pure Python, no Django. The input value types of ``engine`` (and of the ``figures`` read from
it), each checked when made, and how much each status counts against a component.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal

from forewarn.availability.columns import REASONS, STATUSES, to_seconds
from forewarn.catalog.statuses import Status

DEFAULT_UNAVAILABLE_STATUSES = frozenset({Status.MAJOR_OUTAGE})
_NEVER_UNAVAILABLE = frozenset({Status.OPERATIONAL, Status.UNDER_MAINTENANCE})


def midnight(day: date, tz: tzinfo) -> datetime:
    """The instant the local ``day`` starts in ``tz``."""
    return datetime.combine(day, time(0), tzinfo=tz)


def target_percent(value) -> Decimal | None:
    """A target as an exact Decimal percentage (``"99.99"``, 99.99 and Decimal alike)."""
    if value is None:
        return None
    pct = Decimal(str(value))
    if not 0 <= pct <= 100:
        raise ValueError(f"target must be between 0 and 100 %, got {value}")
    return pct


@dataclass(frozen=True, slots=True)
class Period:
    """A measurement period ``[start, end)`` of aware instants."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if not to_seconds(self.start) < to_seconds(self.end):
            raise ValueError("period must end after it starts")

    @property
    def total_minutes(self) -> float:
        return (to_seconds(self.end) - to_seconds(self.start)) / 60


@dataclass(frozen=True, slots=True)
class StatusInterval:
    """A component's status from ``start`` until ``end`` (None: still ongoing).

    ``cause_ref`` says what set it (``planned:4``, ``incident:9``); time under maintenance is
    excluded as ``reasons.maintenance_reason`` says.
    """

    component_id: Hashable
    start: datetime
    end: datetime | None
    status: str
    cause: str | None = None
    cause_ref: str | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}; use one of {STATUSES}")
        start = to_seconds(self.start)
        if self.end is not None and to_seconds(self.end) < start:
            raise ValueError("status interval ends before it starts")


@dataclass(frozen=True, slots=True)
class Exclusion:
    """Time not measured for the named components (None: for every component)."""

    start: datetime
    end: datetime
    reason: str
    component_ids: tuple[Hashable, ...] | None = None
    ref: str | None = None

    def __post_init__(self) -> None:
        if self.reason not in REASONS:
            raise ValueError(f"unknown exclusion reason {self.reason!r}; use one of {REASONS}")
        if to_seconds(self.end) < to_seconds(self.start):
            raise ValueError("exclusion ends before it starts")
        if self.component_ids is not None:
            object.__setattr__(self, "component_ids", tuple(self.component_ids))


@dataclass(frozen=True, slots=True)
class CategorySpec:
    """A product category's target and period, and its default unavailability setting."""

    id: Hashable
    name: str
    target_pct: Decimal
    period: str = "quarter"
    unavailable_statuses: frozenset[str] | None = None
    partial_weight: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "target_pct", target_percent(self.target_pct))
        if self.unavailable_statuses is not None:
            object.__setattr__(self, "unavailable_statuses", frozenset(self.unavailable_statuses))


@dataclass(frozen=True, slots=True)
class ComponentSpec:
    """A measured component; with ``members`` it is available while ``min_available`` are.

    Members are plain components (groups are one level deep, S1).

    ``unavailable_statuses`` count fully unavailable; ``partial_outage`` otherwise counts
    ``partial_weight`` (0 to 1). Both fall back to the category's, then to major outage only.
    A third-party component may carry its own ``target_pct`` and ``restore_objective``, and
    is measured against its contract with ``honoured_reasons``: only exclusions of those
    reasons apply (None: every reason, as for the provider's own figures). Beta, a catalog
    flag, always applies. Time before ``measured_from`` is not part of the component's total.
    """

    id: Hashable
    name: str = ""
    category_id: Hashable | None = None
    is_beta: bool = False
    members: tuple[Hashable, ...] = ()
    min_available: int = 1
    unavailable_statuses: frozenset[str] | None = None
    partial_weight: float | None = None
    is_third_party: bool = False
    target_pct: Decimal | None = None
    restore_objective: timedelta | None = None
    measured_from: datetime | None = None
    honoured_reasons: frozenset[str] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "members", tuple(self.members))
        if self.honoured_reasons is not None:
            honoured = frozenset(self.honoured_reasons)
            if not honoured <= set(REASONS):
                raise ValueError(
                    f"{self.id}: unknown exclusion reasons {sorted(honoured - set(REASONS))}"
                )
            object.__setattr__(self, "honoured_reasons", honoured)
        object.__setattr__(self, "target_pct", target_percent(self.target_pct))
        if self.unavailable_statuses is not None:
            object.__setattr__(self, "unavailable_statuses", frozenset(self.unavailable_statuses))
        if self.members and not 1 <= self.min_available <= len(self.members):
            raise ValueError(f"{self.id}: min_available must be 1 to {len(self.members)}")
        if self.measured_from is not None:
            to_seconds(self.measured_from)


def status_weights(component: ComponentSpec, category: CategorySpec | None = None) -> tuple:
    """How much each status of ``STATUSES`` counts as unavailable for this component."""
    statuses, weight = component.unavailable_statuses, component.partial_weight
    if category is not None:
        statuses = category.unavailable_statuses if statuses is None else statuses
        weight = category.partial_weight if weight is None else weight
    statuses = DEFAULT_UNAVAILABLE_STATUSES if statuses is None else frozenset(statuses)
    weight = 0.0 if weight is None else float(weight)
    if not statuses <= set(STATUSES) - _NEVER_UNAVAILABLE:
        raise ValueError(f"{component.id}: only outages and degradation count: {statuses}")
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"{component.id}: partial_weight must be within 0 and 1, got {weight}")
    return tuple(
        1.0 if s in statuses else (weight if s == Status.PARTIAL_OUTAGE else 0.0) for s in STATUSES
    )
