"""Reports read from measured arrays: a component's figures, a category's, an organization's.

The figures follow seed 001 §3 and docs/product.md S8: total, excluded (by reason),
unavailable, availability, target met or breached, error budget and what is left of it, and the
unavailable intervals and applied exclusions an auditor needs to recompute them by hand. Pure
Python, no Django.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal
from fractions import Fraction
from functools import cached_property

import numpy as np

from forewarn.availability import intervals as iv
from forewarn.availability.columns import (
    REASONS,
    STATUSES,
    UNDER_MAINTENANCE,
    ExclusionColumns,
    StatusColumns,
    to_seconds,
)
from forewarn.availability.intervals import ComponentTable
from forewarn.availability.reasons import Reason
from forewarn.availability.specs import CategorySpec, ComponentSpec, Period, target_percent


def _at(seconds, tz: tzinfo) -> datetime:
    return datetime.fromtimestamp(int(seconds), tz)


def availability_pct(total, excluded, unavailable) -> np.ndarray:
    """The seed 001 §3 formula, elementwise; NaN where nothing is measured (total = excluded)."""
    measured = np.asarray(total, dtype=np.float64) - excluded
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = (measured - unavailable) / measured * 100.0
    return np.where(measured > 0, pct, np.nan)


@dataclass(frozen=True, slots=True)
class UnavailableInterval:
    """A stretch of counted unavailability; ``weight`` is 1 for full, a fraction for partial."""

    component_id: Hashable
    start: datetime
    end: datetime
    status: str
    weight: float
    causes: tuple[str, ...] = ()

    @property
    def minutes(self) -> float:
        return (to_seconds(self.end) - to_seconds(self.start)) / 60

    @property
    def unavailable_minutes(self) -> float:
        return self.minutes * self.weight


@dataclass(frozen=True, slots=True)
class AppliedExclusion:
    """An exclusion as it applied to one component: clipped to what was measured.

    One that comes from the component's status history (time under maintenance) names that
    ``status`` and its ``causes``; its ``ref`` is what set the status (``planned:4``), if known.
    """

    ref: str | None
    reason: str
    start: datetime
    end: datetime
    status: str | None = None
    causes: tuple[str, ...] = ()

    @property
    def minutes(self) -> float:
        return (to_seconds(self.end) - to_seconds(self.start)) / 60


class _Figures:
    """Figures derived from total, excluded and unavailable seconds and the target."""

    __slots__ = ()

    @property
    def excluded_seconds(self) -> int:
        return sum(self.excluded_seconds_by_reason.values())

    @property
    def total_minutes(self) -> float:
        return self.total_seconds / 60

    @property
    def excluded_minutes(self) -> float:
        return self.excluded_seconds / 60

    @property
    def excluded_minutes_by_reason(self) -> dict[str, float]:
        return {reason: s / 60 for reason, s in self.excluded_seconds_by_reason.items()}

    @property
    def unavailable_minutes(self) -> float:
        return self.unavailable_seconds / 60

    @property
    def measured_minutes(self) -> float:
        """Total minus excluded: the denominator of the formula."""
        return (self.total_seconds - self.excluded_seconds) / 60

    @property
    def availability_pct(self) -> float | None:
        pct = float(
            availability_pct(self.total_seconds, self.excluded_seconds, self.unavailable_seconds)
        )
        return None if np.isnan(pct) else pct

    @property
    def is_met(self) -> bool | None:
        """Target met, compared exactly: unavailable ≤ (1 − target) × (total − excluded)."""
        if self.target_pct is None or self.availability_pct is None:
            return None
        allowed = (100 - Fraction(self.target_pct)) * (self.total_seconds - self.excluded_seconds)
        return Fraction(self.unavailable_seconds) * 100 <= allowed

    @property
    def error_budget_minutes(self) -> float | None:
        if self.target_pct is None:
            return None
        share = (100 - Fraction(self.target_pct)) / 100
        return float(share * (self.total_seconds - self.excluded_seconds) / 60)

    @property
    def error_budget_left_minutes(self) -> float | None:
        budget = self.error_budget_minutes
        return None if budget is None else budget - self.unavailable_minutes

    @property
    def error_budget_left_pct(self) -> float | None:
        """Share of the budget left; None where the budget is zero (a 100 % target)."""
        budget = self.error_budget_minutes
        return None if not budget else self.error_budget_left_minutes / budget * 100


@dataclass(frozen=True, slots=True)
class ComponentReport(_Figures):
    """One component's figures for a period, with what an auditor needs to recompute them."""

    component: ComponentSpec
    period: Period
    measured_from: datetime
    measured_until: datetime
    total_seconds: int
    excluded_seconds_by_reason: dict[str, int]
    unavailable_seconds: float
    target_pct: Decimal | None
    worst_status: str
    unavailable_intervals: tuple[UnavailableInterval, ...]
    exclusions: tuple[AppliedExclusion, ...]


@dataclass(frozen=True, slots=True)
class AggregateReport(_Figures):
    """Figures of a category or organization: its components' minutes added up."""

    name: str
    period: Period
    component_ids: tuple[Hashable, ...]
    total_seconds: int
    excluded_seconds_by_reason: dict[str, int]
    unavailable_seconds: float
    target_pct: Decimal | None
    unavailable_intervals: tuple[UnavailableInterval, ...]


@dataclass(frozen=True, eq=False)
class AvailabilityTable:
    """Every component measured over one period, as arrays; reports are read from it."""

    period: Period
    components: ComponentTable
    statuses: StatusColumns
    exclusions: ExclusionColumns
    win_start: np.ndarray
    win_end: np.ndarray
    measures: iv.Measures

    def availability_pct(self) -> np.ndarray:
        m = self.measures
        return availability_pct(m.total, m.excluded, m.unavailable)

    @cached_property
    def _rows_by_source(self) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(self.statuses.source, kind="stable")
        return order, np.searchsorted(
            self.statuses.source[order], np.arange(len(self.statuses.ids) + 1)
        )

    def _causes(self, i: int, starts: np.ndarray, ends: np.ndarray) -> list[tuple[str, ...]]:
        spec, causes = self.components.specs[i], self.statuses.causes
        if causes is None or not len(starts):
            return [()] * len(starts)
        order, bounds = self._rows_by_source
        sources = iv.positions(self.statuses.ids, np.array(spec.members or (spec.id,)))
        rows = np.concatenate(
            [order[bounds[s] : bounds[s + 1]] for s in sources[sources >= 0]] or [order[:0]]
        )
        rows = rows[self.components.weights[i][self.statuses.status[rows]] > 0]
        s, e = self.statuses.start[rows], self.statuses.end[rows]
        return [
            tuple(sorted({causes[r] for r in rows[(s < end) & (e > start)] if causes[r]}))
            for start, end in zip(starts, ends, strict=True)
        ]

    def _exclusions(self, i: int, tz: tzinfo) -> tuple[AppliedExclusion, ...]:
        """The exclusions the component honours, its time under maintenance, then beta."""
        x, lo, hi = self.exclusions, self.win_start[i], self.win_end[i]
        honours = self.components.honours[i]
        own = iv.positions(x.ids, self.components.ids[i : i + 1])[0]
        rows = np.flatnonzero(
            ((x.source == own) & (own >= 0) | (x.source < 0))
            & (x.end > lo)
            & (x.start < hi)
            & honours[x.reason]
        )
        found = [
            AppliedExclusion(
                x.refs[r],
                REASONS[x.reason[r]],
                _at(max(x.start[r], lo), tz),
                _at(min(x.end[r], hi), tz),
            )
            for r in rows
        ]
        found += self._under_maintenance(i, tz)
        found.sort(key=lambda e: (e.start, e.end))
        if self.components.is_beta[i] and hi > lo:
            found.insert(0, AppliedExclusion(None, Reason.BETA, _at(lo, tz), _at(hi, tz)))
        return tuple(found)

    def _under_maintenance(self, i: int, tz: tzinfo) -> list[AppliedExclusion]:
        """The component's own time under maintenance, as the exclusions it makes (S8)."""
        s, lo, hi = self.statuses, self.win_start[i], self.win_end[i]
        source = iv.positions(s.ids, self.components.ids[i : i + 1])[0]
        if source < 0:
            return []
        order, bounds = self._rows_by_source
        rows = order[bounds[source] : bounds[source + 1]]
        rows = rows[
            (s.status[rows] == UNDER_MAINTENANCE)
            & (s.end[rows] > lo)
            & (s.start[rows] < hi)
            & self.components.honours[i][s.maintenance[rows]]
        ]
        return [
            AppliedExclusion(
                (s.refs[r] if s.refs else None) or None,
                REASONS[s.maintenance[r]],
                _at(max(s.start[r], lo), tz),
                _at(min(s.end[r], hi), tz),
                STATUSES[s.status[r]],
                (s.causes[r],) if s.causes and s.causes[r] else (),
            )
            for r in rows.tolist()
        ]

    def report(self, component_id: Hashable) -> ComponentReport:
        """One component's report, with its unavailable intervals and applied exclusions."""
        hits = np.flatnonzero(self.components.ids == component_id)
        if not len(hits):
            raise KeyError(component_id)
        return self._report(int(hits[0]))

    def reports(self) -> dict[Hashable, ComponentReport]:
        return {spec.id: self._report(i) for i, spec in enumerate(self.components.specs)}

    def _report(self, i: int) -> ComponentReport:
        m, tz, spec = self.measures, self.period.start.tzinfo, self.components.specs[i]
        lo, hi = np.searchsorted(m.run_key, [i, i + 1])
        starts, ends = m.run_start[lo:hi], m.run_end[lo:hi]
        unavailable = tuple(
            UnavailableInterval(spec.id, _at(s, tz), _at(e, tz), STATUSES[c], float(w), causes)
            for s, e, c, w, causes in zip(
                starts,
                ends,
                m.run_status[lo:hi],
                m.run_weight[lo:hi],
                self._causes(i, starts, ends),
                strict=True,
            )
        )
        return ComponentReport(
            component=spec,
            period=self.period,
            measured_from=_at(self.win_start[i], tz),
            measured_until=_at(self.win_end[i], tz),
            total_seconds=int(m.total[i]),
            excluded_seconds_by_reason=dict(
                zip(REASONS, m.excluded_by_reason[i].tolist(), strict=True)
            ),
            unavailable_seconds=float(m.unavailable[i]),
            target_pct=self.components.targets[i],
            worst_status=STATUSES[m.worst_status[i]],
            unavailable_intervals=unavailable,
            exclusions=self._exclusions(i, tz),
        )


def aggregate_report(
    name: str, reports: Iterable[ComponentReport], target_pct=None
) -> AggregateReport:
    """Add up components' minutes; skip those measured through a group that is included."""
    reports = list(reports.values() if isinstance(reports, Mapping) else reports)
    through_group = {member for r in reports for member in r.component.members}
    parts = [r for r in reports if r.component.id not in through_group]
    if len({r.period for r in parts}) > 1:
        raise ValueError("reports to aggregate must share one period")
    return AggregateReport(
        name=name,
        period=parts[0].period if parts else None,
        component_ids=tuple(r.component.id for r in parts),
        total_seconds=sum(r.total_seconds for r in parts),
        excluded_seconds_by_reason={
            reason: sum(r.excluded_seconds_by_reason[reason] for r in parts) for reason in REASONS
        },
        unavailable_seconds=sum(r.unavailable_seconds for r in parts),
        target_pct=target_percent(target_pct),
        unavailable_intervals=tuple(
            sorted((i for r in parts for i in r.unavailable_intervals), key=lambda i: i.start)
        ),
    )


def category_report(category: CategorySpec, reports) -> AggregateReport:
    """A product category's figures against its target (seed 001 §2)."""
    reports = reports.values() if isinstance(reports, Mapping) else reports
    mine = [r for r in reports if r.component.category_id == category.id]
    return aggregate_report(category.name, mine, category.target_pct)


def organization_report(
    name: str, component_ids: Iterable[Hashable], reports, target_pct=None
) -> AggregateReport:
    """An organization's figures over the components it uses."""
    ids = set(component_ids)
    reports = reports.values() if isinstance(reports, Mapping) else reports
    return aggregate_report(name, [r for r in reports if r.component.id in ids], target_pct)
