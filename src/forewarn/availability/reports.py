"""Availability reports: the engine's figures per category, component and third party
(docs/product.md S8).

``build`` measures a set of components over a requested period, each product category over
its own time zone's midnights, third-party components over their own contract periods, and
collects what an auditor needs to recompute every figure. ``exports`` renders it as JSON
and CSV; the console and the API show the same object.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from forewarn.availability import engine, reasons
from forewarn.availability import periods as p
from forewarn.catalog import statuses
from forewarn.catalog.lookups import by_slug
from forewarn.catalog.models import Component, Organization, ProductCategory
from forewarn.catalog.services import components_by_slug

from . import services
from .models import Exclusion

REASON_LABELS = {reason.value: label for reason, label in reasons.LABELS.items()}
STATUS_LABELS = {status.value: label for status, label in statuses.LABELS.items()}


def backdated_in(
    changes: tuple[services.BackdatedChange, ...], interval: engine.UnavailableInterval
) -> list[services.BackdatedChange]:
    """The backdated changes that began or ended ``interval``, or fell inside it."""
    return [c for c in changes if interval.start <= c.at <= interval.end]


@dataclass(frozen=True)
class ComponentRow:
    """One component's figures; ``through`` is the group it is counted through, if listed;
    ``backdated`` the changes of it (and its members) dated earlier than they were entered."""

    component: Component
    figures: engine.ComponentReport
    through: Component | None = None
    backdated: tuple[services.BackdatedChange, ...] = ()

    @property
    def excluded_by_reason(self) -> list[tuple[str, str, float]]:
        return _by_reason(self.figures)


@dataclass(frozen=True)
class Section:
    """A product category (None: components without one) over its zone's period."""

    category: ProductCategory | None
    zone: ZoneInfo
    period: engine.Period
    figures: engine.AggregateReport
    rows: list[ComponentRow]

    @property
    def name(self) -> str:
        return self.category.name if self.category else "Without a product category"

    @property
    def slug(self) -> str | None:
        return self.category.slug if self.category else None

    @property
    def excluded_by_reason(self) -> list[tuple[str, str, float]]:
        return _by_reason(self.figures)

    @property
    def unavailable_intervals(self) -> list[tuple[ComponentRow, engine.UnavailableInterval, list]]:
        """(row, interval, the backdated changes that shaped it), in time order."""
        counted = [r for r in self.rows if r.through is None]
        return sorted(
            (
                (r, i, backdated_in(r.backdated, i))
                for r in counted
                for i in r.figures.unavailable_intervals
            ),
            key=lambda found: found[1].start,
        )

    @property
    def applied_exclusions(self) -> list[tuple[ComponentRow, engine.AppliedExclusion]]:
        return [(r, x) for r in self.rows for x in r.figures.exclusions]


@dataclass(frozen=True)
class ContractPeriod:
    period: p.ReportPeriod
    bounds: engine.Period
    figures: engine.ComponentReport


@dataclass(frozen=True)
class ThirdParty:
    """A third-party component against its own target and period, and its restore checks."""

    component: Component
    zone: ZoneInfo
    periods: list[ContractPeriod]
    restores: list[engine.RestoreCheck]
    backdated: tuple[services.BackdatedChange, ...] = ()

    @property
    def honoured_reasons(self) -> tuple[str, ...]:
        """The exclusion reasons its contract honours, in precedence order."""
        return reasons.honoured_reasons(self.component.third_party_honoured_reasons)


@dataclass(frozen=True)
class ExclusionSource:
    """An exclusion as a provider gave it, with the recorded row when it is one."""

    ref: str
    reason: str
    start: datetime
    end: datetime
    components: list[Component]  # empty: every component
    row: Exclusion | None = None
    remark: str = ""  # what an auditor should notice (``services.exclusion_remarks``)


@dataclass(frozen=True)
class Report:
    period: p.ReportPeriod
    generated_at: datetime
    scope: dict[str, str]
    sections: list[Section]
    third_party: list[ThirdParty]
    exclusions: list[ExclusionSource]
    organization: Organization | None = None
    overall: engine.AggregateReport | None = None
    overall_period: engine.Period | None = None
    components: list[Component] = field(default_factory=list)


def _by_reason(figures) -> list[tuple[str, str, float]]:
    return [
        (reason, REASON_LABELS[reason], minutes)
        for reason, minutes in figures.excluded_minutes_by_reason.items()
        if minutes
    ]


@dataclass(frozen=True)
class Scope:
    """What a report request narrows to: its ``components`` (None: all), the ``organization``
    whose components they are, and the filters as the report names them."""

    components: QuerySet | None = None
    organization: Organization | None = None
    filters: dict[str, str] = field(default_factory=dict)


def scope(params) -> Scope:
    """The ``organization``, ``category`` and ``component`` filters (slugs) of a report request,
    for the console and the API alike; one that names nothing is a ValidationError on its field."""
    components, organization, filters = None, None, {}
    if slug := params.get("organization"):
        organization = by_slug(Organization, slug, "organization")
        components, filters["organization"] = organization.components.all(), slug
    if slug := params.get("category"):
        by_slug(ProductCategory, slug, "category")
        components = (Component.objects.all() if components is None else components).filter(
            category__slug=slug
        )
        filters["category"] = slug
    if slug := params.get("component"):
        components_by_slug([slug], field="component")
        components = (Component.objects.all() if components is None else components).filter(
            slug=slug
        )
        filters["component"] = slug
    return Scope(components, organization, filters)


def third_party_zone(component: Component) -> ZoneInfo:
    """Third-party contracts run in the region's zone (seed 004: US data centres)."""
    if component.region:
        return ZoneInfo(component.region.time_zone)
    return services.contract_zone(component)


def build(
    period: p.ReportPeriod,
    components=None,
    *,
    organization: Organization | None = None,
    scope: dict[str, str] | None = None,
    now: datetime | None = None,
) -> Report:
    """Measure ``components`` (default: all) over ``period``; measured up to ``now``."""
    now = now or timezone.now()
    if organization is not None and components is None:
        components = organization.components.all()
    rows = services.measured_components(
        Component.objects.all() if components is None else components
    )
    rows.sort(key=lambda c: (c.group.position if c.group else -1, c.position, c.name))
    measured = [c for c in rows if c.category or not c.is_third_party]
    third = [c for c in rows if c.is_third_party]

    # Every (zone, period) to measure, then one load covering them all.
    windows = {c.pk: period.bounds(services.contract_zone(c)) for c in measured}
    contract: dict[int, list[tuple[p.ReportPeriod, engine.Period]]] = {}
    for c in third:
        zone = third_party_zone(c)
        contract[c.pk] = [
            (cp, cp.bounds(zone))
            for cp in p.covering(c.third_party_period, period)
            if cp.bounds(zone).start < now
        ]
    spans = list(windows.values()) + [b for found in contract.values() for _, b in found]
    if not spans:
        return Report(period, now, scope or {}, [], [], [], organization, components=rows)
    window = engine.Period(min(s.start for s in spans), max(s.end for s in spans))
    inputs = services.engine_inputs(rows, window)

    figures = _measure(inputs, windows, now)
    sections = _sections(measured, windows, figures, inputs)
    overall, overall_period = None, None
    if organization is not None and len({s.period for s in sections}) == 1:
        overall_period = sections[0].period
        overall = engine.aggregate_report(
            organization.name, [r.figures for s in sections for r in s.rows]
        )
    third_party = _third_party(third, contract, period, inputs, now)
    return Report(
        period=period,
        generated_at=now,
        scope=scope or {},
        sections=sections,
        third_party=third_party,
        exclusions=_sources(inputs, rows),
        organization=organization,
        overall=overall,
        overall_period=overall_period,
        components=rows,
    )


def _measure(inputs, windows, now) -> dict[int, engine.ComponentReport]:
    """One engine pass per distinct period (categories sharing a zone share a pass)."""
    by_period: dict[engine.Period, list[int]] = defaultdict(list)
    for pk, bounds in windows.items():
        by_period[bounds].append(pk)
    found = {}
    for bounds, ids in by_period.items():
        found |= inputs.measure(ids, bounds, now).reports()
    return found


def _sections(measured, windows, figures, inputs) -> list[Section]:
    by_category: dict[int | None, list[Component]] = defaultdict(list)
    for c in measured:
        by_category[c.category_id].append(c)
    listed = {c.pk: c for c in measured}
    sections = []
    for category_id, members in sorted(
        by_category.items(), key=lambda item: (item[0] is None, _category_name(item[1]))
    ):
        category = members[0].category
        groups = {
            m: listed[c.pk] for c in members for m in inputs.specs[c.pk].members if m in listed
        }
        rows = [
            ComponentRow(c, figures[c.pk], groups.get(c.pk), inputs.backdated_for(c.pk))
            for c in members
        ]
        reports = [r.figures for r in rows]
        aggregate = (
            engine.category_report(inputs.categories[category_id], reports)
            if category
            else engine.aggregate_report("Without a product category", reports)
        )
        zone = services.contract_zone(members[0])
        sections.append(Section(category, zone, windows[members[0].pk], aggregate, rows))
    return sections


def _category_name(members: list[Component]) -> str:
    return members[0].category.name if members[0].category else ""


def _third_party(third, contract, period, inputs, now) -> list[ThirdParty]:
    found = []
    for c in third:
        zone = third_party_zone(c)
        periods = [
            ContractPeriod(
                cp, bounds, inputs.measure([c.pk], bounds, now, as_third_party=True).report(c.pk)
            )
            for cp, bounds in contract[c.pk]
        ]
        requested = period.bounds(zone)
        outages = [
            o
            for o in services.outages(inputs, c.pk)
            if o.start < requested.end and (o.end is None or o.end > requested.start)
        ]
        restores = engine.restore_checks(
            [inputs.third_party_specs[c.pk]],
            services.identified(outages),
            now=now,
            intervals=inputs.statuses,
            exclusions=inputs.exclusions,
        )
        found.append(ThirdParty(c, zone, periods, restores, inputs.backdated_for(c.pk)))
    return found


def _sources(inputs, rows) -> list[ExclusionSource]:
    by_pk = {c.pk: c for c in rows}
    recorded = {
        x.engine_ref: x
        for x in Exclusion.objects.filter(
            pk__in=[
                int(e.ref.split(":", 1)[1])
                for e in inputs.exclusions
                if e.ref and e.ref.startswith("exclusion:")
            ]
        )
    }
    said = services.remarks(sorted({e.ref for e in inputs.exclusions if e.ref}))
    return [
        ExclusionSource(
            e.ref or "",
            e.reason,
            e.start,
            e.end,
            [by_pk[i] for i in e.component_ids if i in by_pk] if e.component_ids else [],
            recorded.get(e.ref),
            said.get(e.ref or "", ""),
        )
        for e in sorted(inputs.exclusions, key=lambda e: (e.start, e.ref or ""))
    ]


def minutes_text(value: float | None, places: int = 4) -> str:
    """Minutes to at most four decimals (an error budget like 13.2435), no trailing zeros."""
    if value is None:
        return ""
    text = f"{round(value, places):.{places}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def target_text(value) -> str:
    """A Decimal target as written: 99.99, 100 (never 1E+2)."""
    return "" if value is None else f"{value.normalize():f}"


def pct_text(value: float | None, places: int = 4) -> str:
    """A percentage cut (not rounded) to ``places``, so any downtime never reads as 100."""
    if value is None:
        return ""
    if value >= 100:
        return "100"
    # Rounded to 1e-6 of the last place first, so 99.99 stored as 99.98999999… still reads 99.99.
    cut = math.floor(round(value * 10**places, 6))
    return f"{cut / 10**places:.{places}f}"


def duration_text(delta: timedelta | None) -> str:
    if delta is None:
        return ""
    minutes = delta.total_seconds() / 60
    return f"{minutes_text(minutes / 60)} h" if minutes >= 60 else f"{minutes_text(minutes)} min"
