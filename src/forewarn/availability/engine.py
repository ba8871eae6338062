"""Availability and SLA figures: the one engine behind reports and uptime bars.

availability = (total − excluded − unavailable) / (total − excluded) × 100 %  (seed 001 §3),
per component over a period in the contract's time zone (docs/product.md S8). Minutes are
real elapsed minutes, so a quarter holding a DST change has an hour more or less. Instants count
to the whole second; figures stay exact (int seconds; float only where a partial weight
applies) and are rounded only when presented. Pure Python, no Django.

Choices, each tested:

- Overlapping statuses on one component count once, at the heaviest weight open.
- Excluded time counts once; where reasons overlap each excluded second goes to the first
  reason in ``REASONS`` (beta, scheduled maintenance, emergency maintenance, instance resize
  migration, force majeure, third party, client caused), so the by-reason figures add up to
  the excluded total.
- Time a component itself spends under maintenance is excluded, not counted as available
  (S8): scheduled maintenance when planned work set it (``cause_ref`` ``planned:<id>``; its
  own exclusion's reason if it gives one), else emergency maintenance. Planned work's
  exclusion over the same minutes counts once with it.
- A component with ``honoured_reasons`` (a third party measured against its own contract)
  takes only the exclusions of those reasons (seed 004); beta always applies.
- A component with members is measured through them only (seed 001: Voice/SIP is available
  while at least one trunk is): it is unavailable while fewer than K of its N members are
  available. Statuses recorded on the group itself only colour its worst status. Exclusions
  apply to the components they name: a trunk's maintenance does not excuse its group.
- Aggregates (category, organization) add up minutes and skip components that a group in the
  same aggregate is measured through.

Layout: this module holds the entry points (``__all__`` lists them with the types they take
and give); ``specs`` the inputs; ``reasons`` the exclusion reasons and their rules;
``columns`` the inputs as arrays; ``intervals`` the vectorised arithmetic (no per-interval
loop); ``figures`` the reports read from the measured arrays.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import numpy as np

from forewarn.availability import intervals as iv
from forewarn.availability.columns import (
    ONGOING,
    REASONS,
    STATUSES,
    ExclusionColumns,
    StatusColumns,
    to_seconds,
)
from forewarn.availability.figures import (
    AggregateReport,
    AppliedExclusion,
    AvailabilityTable,
    ComponentReport,
    UnavailableInterval,
    aggregate_report,
    availability_pct,
    category_report,
    organization_report,
)
from forewarn.availability.intervals import ComponentTable
from forewarn.availability.reasons import Reason, planned_reasons
from forewarn.availability.specs import (
    DEFAULT_UNAVAILABLE_STATUSES,
    CategorySpec,
    ComponentSpec,
    Exclusion,
    Period,
    StatusInterval,
    midnight,
    status_weights,
)

__all__ = [
    "DEFAULT_UNAVAILABLE_STATUSES",
    "ONGOING",
    "REASONS",
    "STATUSES",
    "AggregateReport",
    "AppliedExclusion",
    "AvailabilityTable",
    "CategorySpec",
    "ComponentReport",
    "ComponentSpec",
    "ComponentTable",
    "DayBar",
    "Exclusion",
    "ExclusionColumns",
    "Outage",
    "Period",
    "RestoreCheck",
    "StatusColumns",
    "StatusInterval",
    "UnavailableInterval",
    "aggregate_report",
    "availability_pct",
    "availability_table",
    "category_report",
    "component_reports",
    "component_table",
    "daily_availability",
    "organization_report",
    "restore_checks",
    "status_weights",
    "to_seconds",
]


def _zone(tz: tzinfo | str) -> tzinfo:
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def component_table(
    components: Iterable[ComponentSpec], categories: Iterable[CategorySpec] = ()
) -> ComponentTable:
    """Compile component specs (and their categories' settings) to arrays, once."""
    specs = tuple(components)
    by_id = {category.id: category for category in categories}
    if len({spec.id for spec in specs}) != len(specs):
        raise ValueError("component ids must be unique")
    weights: dict = {}
    for spec in specs:
        setting = (spec.unavailable_statuses, spec.partial_weight, spec.category_id)
        if setting not in weights:
            weights[setting] = status_weights(spec, by_id.get(spec.category_id))
    groups = [(i, member) for i, spec in enumerate(specs) for member in spec.members]
    honours: dict = {}
    for spec in specs:
        if spec.honoured_reasons not in honours:
            honours[spec.honoured_reasons] = [
                spec.honoured_reasons is None or r == Reason.BETA or r in spec.honoured_reasons
                for r in REASONS
            ]
    return ComponentTable(
        specs=specs,
        ids=np.array([spec.id for spec in specs]),
        weights=np.array(
            [weights[(s.unavailable_statuses, s.partial_weight, s.category_id)] for s in specs],
            dtype=np.float64,
        ).reshape(len(specs), len(STATUSES)),
        need=np.array([len(s.members) - s.min_available + 1 if s.members else 0 for s in specs]),
        is_beta=np.array([spec.is_beta for spec in specs], dtype=bool),
        measured_from=np.array(
            [-ONGOING if s.measured_from is None else to_seconds(s.measured_from) for s in specs],
            dtype=np.int64,
        ),
        targets=tuple(
            s.target_pct
            if s.target_pct is not None
            else getattr(by_id.get(s.category_id), "target_pct", None)
            for s in specs
        ),
        member_group=np.array([i for i, _ in groups], dtype=np.int64),
        member_id=np.array([m for _, m in groups]) if groups else np.empty(0, np.int64),
        honours=np.array([honours[spec.honoured_reasons] for spec in specs], dtype=bool).reshape(
            len(specs), len(REASONS)
        ),
    )


def _columns(intervals, exclusions) -> tuple[StatusColumns, ExclusionColumns]:
    """Both as columns; a planned work's maintenance status takes the reason of its exclusion."""
    if not isinstance(exclusions, ExclusionColumns):
        exclusions = ExclusionColumns.from_exclusions(exclusions)
    if not isinstance(intervals, StatusColumns):
        pairs = zip(exclusions.refs, (REASONS[code] for code in exclusions.reason), strict=True)
        intervals = StatusColumns.from_intervals(intervals, planned_reasons(pairs))
    return intervals, exclusions


def _windows(components: ComponentTable, start: int, end: int) -> tuple[np.ndarray, np.ndarray]:
    win_start = np.maximum(
        np.full(len(components.specs), start, np.int64), components.measured_from
    )
    return win_start, np.maximum(np.full(len(components.specs), end, np.int64), win_start)


def availability_table(
    components: ComponentTable | Sequence[ComponentSpec],
    intervals: StatusColumns | Iterable[StatusInterval],
    exclusions: ExclusionColumns | Iterable[Exclusion],
    period: Period,
    *,
    categories: Iterable[CategorySpec] = (),
    now: datetime | None = None,
) -> AvailabilityTable:
    """Measure every component over ``period`` in one vectorised pass: the API behind reports.

    With ``now`` inside the period, the period is measured up to ``now``. Ongoing statuses
    are clipped at the end of what is measured.
    """
    if not isinstance(components, ComponentTable):
        components = component_table(components, categories)
    statuses, exclusions = _columns(intervals, exclusions)
    end = to_seconds(period.end) if now is None else min(to_seconds(period.end), to_seconds(now))
    win_start, win_end = _windows(components, to_seconds(period.start), end)
    keys = np.arange(len(components.specs))
    measures = iv.measure_keys(components, keys, win_start, win_end, statuses, exclusions)
    return AvailabilityTable(period, components, statuses, exclusions, win_start, win_end, measures)


def component_reports(
    components: Sequence[ComponentSpec],
    intervals: Iterable[StatusInterval] | StatusColumns,
    exclusions: Iterable[Exclusion] | ExclusionColumns,
    period: Period,
    *,
    categories: Iterable[CategorySpec] = (),
    now: datetime | None = None,
) -> dict[Hashable, ComponentReport]:
    """Every component's report for ``period``, by component id."""
    table = availability_table(
        components, intervals, exclusions, period, categories=categories, now=now
    )
    return table.reports()


@dataclass(frozen=True, slots=True)
class DayBar:
    """One uptime bar: a local day's availability (None: nothing measured) and worst status."""

    day: date
    availability_pct: float | None
    worst_status: str | None
    unavailable_minutes: float


def daily_availability(
    component: ComponentSpec,
    intervals: Iterable[StatusInterval] | StatusColumns,
    exclusions: Iterable[Exclusion] | ExclusionColumns,
    *,
    tz: tzinfo | str,
    end_date: date,
    days: int = 90,
    category: CategorySpec | None = None,
    now: datetime | None = None,
) -> list[DayBar]:
    """Uptime bars for the ``days`` local days up to ``end_date``, oldest first.

    Each day is measured exactly as a report period (a DST day has 23 or 25 hours); time
    after ``now`` is not measured. Pass the members' statuses too for a group component.
    """
    zone = _zone(tz)
    table = component_table([component], [category] if category else [])
    statuses, exclusions = _columns(intervals, exclusions)
    first = end_date - timedelta(days=days - 1)
    bounds = np.array(
        [to_seconds(midnight(first + timedelta(days=d), zone)) for d in range(days + 1)]
    )
    win_end = bounds[1:] if now is None else np.minimum(bounds[1:], to_seconds(now))
    win_start = np.maximum(bounds[:-1], table.measured_from[0])
    m = iv.measure_keys(table, np.zeros(days, np.int64), win_start, win_end, statuses, exclusions)
    pct = availability_pct(m.total, m.excluded, m.unavailable)
    return [
        DayBar(
            first + timedelta(days=d),
            None if np.isnan(pct[d]) else float(pct[d]),
            STATUSES[m.worst_status[d]] if m.total[d] > 0 else None,
            float(m.unavailable[d]) / 60,
        )
        for d in range(days)
    ]


@dataclass(frozen=True, slots=True)
class Outage:
    """A third-party failure from ``start`` to ``end`` (None: ongoing), identified at some point."""

    component_id: Hashable
    start: datetime
    end: datetime | None
    identified_at: datetime | None = None
    ref: str | None = None


@dataclass(frozen=True, slots=True)
class RestoreCheck:
    """An outage against its time-to-restore objective (seed 004: within one hour)."""

    outage: Outage
    objective: timedelta
    minutes_to_restore: float
    is_within_objective: bool | None

    @property
    def minutes_over(self) -> float:
        return max(0.0, self.minutes_to_restore - self.objective.total_seconds() / 60)


def restore_checks(
    components: Iterable[ComponentSpec],
    outages: Iterable[Outage],
    *,
    now: datetime | None = None,
    intervals: Iterable[StatusInterval] | StatusColumns = (),
    exclusions: Iterable[Exclusion] | ExclusionColumns = (),
) -> list[RestoreCheck]:
    """Each outage of a component with a restore objective: restored within it, or missed.

    Time counts from identification (the start, if not given). Time the component's
    exclusions cover, of the reasons it honours (``ComponentSpec.honoured_reasons``), does not
    count: the clock stops during a scheduled maintenance, and an outage wholly inside
    excluded time is not checked. An ongoing outage is missed once ``now`` passes the
    objective; before that it is undecided (None), counted up to now.
    """
    specs = [c for c in components if c.restore_objective]
    index = {spec.id: k for k, spec in enumerate(specs)}
    checked = [o for o in outages if o.component_id in index]
    if not checked:
        return []
    for outage in checked:
        if outage.end is None and now is None:
            raise ValueError(f"outage {outage.ref or outage.start} is ongoing: pass now")
    identified = np.array([to_seconds(o.identified_at or o.start) for o in checked], np.int64)
    restored = np.array([to_seconds(o.end or now) for o in checked], np.int64)
    table = component_table(specs)
    statuses, exclusions = _columns(intervals, exclusions)
    keys = np.array([index[o.component_id] for o in checked], np.int64)
    m = iv.measure_keys(table, keys, identified, restored, statuses, exclusions)
    checks = []
    for k, outage in enumerate(checked):
        excluded = int(m.excluded[k])
        if excluded and excluded >= restored[k] - identified[k]:
            continue
        objective = specs[keys[k]].restore_objective
        seconds = int(restored[k] - identified[k]) - excluded
        within = seconds <= objective.total_seconds()
        decided = outage.end is not None or not within
        checks.append(RestoreCheck(outage, objective, seconds / 60, within if decided else None))
    return checks
