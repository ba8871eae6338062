"""From the database into the engine, and the operations that change exclusions.

``engine_inputs`` loads everything the engine needs for a set of components and a period in four
queries: the components (with category and the start of their history), their members, the
status history overlapping the period, and each exclusion provider's rows.

Exclusions come from *providers*: functions ``(components, period) -> list[engine.Exclusion]``
registered with ``@exclusion_provider``. The first one reads the operators' ``Exclusion`` rows;
planned work and incidents register theirs (each ``ref`` says where an exclusion comes from,
like ``cause_ref``: ``exclusion:12``, ``planned:4``, ``incident:9``). The engine excludes time
under maintenance itself, from the status history; a planned work's exclusion tells it whether
that work's maintenance was scheduled or emergency.

Each component is measured twice over: as the provider's SLA measures it (``specs``, every
exclusion reason) and, for a third party, against its own contract (``third_party_specs``, only
the reasons it honours).

An outage counts its time to restore from its identification: the start of the stretch,
unless an *identifier* registered with ``@outage_identifier`` knows better (incidents give
the time their incident was identified, seed 004).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from forewarn.availability import engine
from forewarn.availability.columns import ONGOING, STATUSES, StatusColumns, to_seconds
from forewarn.availability.reasons import honoured_reasons, planned_reasons
from forewarn.catalog.instants import is_backdated
from forewarn.catalog.models import Component, StatusInterval
from forewarn.catalog.services import time_rules
from forewarn.catalog.statuses import Status
from forewarn.record.kinds import Kind
from forewarn.record.services import append, changes
from forewarn.statuspage.version import page_changed

from .models import Exclusion

ExclusionProvider = Callable[[Sequence[Component], engine.Period], list[engine.Exclusion]]
PROVIDERS: list[ExclusionProvider] = []


def exclusion_provider(provider: ExclusionProvider) -> ExclusionProvider:
    """Register a source of exclusions; every report and uptime bar applies its rows."""
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)
    return provider


@exclusion_provider
def recorded_exclusions(
    components: Sequence[Component], period: engine.Period
) -> list[engine.Exclusion]:
    """The operators' ``Exclusion`` rows overlapping ``period``, for the given components."""
    wanted = {c.pk for c in components}
    rows = Exclusion.objects.filter(starts_at__lt=period.end, ends_at__gt=period.start)
    named: dict[int, tuple] = {}
    for pk, reason, starts_at, ends_at, component_id in rows.values_list(
        "pk", "reason", "starts_at", "ends_at", "components"
    ).order_by("starts_at", "pk"):
        _, _, _, ids = named.setdefault(pk, (reason, starts_at, ends_at, set()))
        if component_id is not None:
            ids.add(component_id)
    found = []
    for pk, (reason, starts_at, ends_at, ids) in named.items():
        if ids and not ids & wanted:
            continue  # names only components outside this report (an empty tuple means "all")
        applies_to = tuple(sorted(ids & wanted)) if ids else None
        found.append(engine.Exclusion(starts_at, ends_at, reason, applies_to, f"exclusion:{pk}"))
    return found


ExclusionRemarks = Callable[[Sequence[str]], dict[str, str]]
REMARKERS: list[ExclusionRemarks] = []


def exclusion_remarks(remarker: ExclusionRemarks) -> ExclusionRemarks:
    """Register a function that says, for the exclusion refs it knows, what an auditor should
    notice about them (planned work: "published despite its notice policy")."""
    if remarker not in REMARKERS:
        REMARKERS.append(remarker)
    return remarker


def remarks(refs: Sequence[str]) -> dict[str, str]:
    """``{ref: remark}`` from every registered remarker."""
    found: dict[str, str] = {}
    for remarker in REMARKERS:
        found |= remarker(refs)
    return found


OutageIdentifier = Callable[[Sequence[engine.Outage]], list[engine.Outage]]
IDENTIFIERS: list[OutageIdentifier] = []


def outage_identifier(identifier: OutageIdentifier) -> OutageIdentifier:
    """Register a function that gives outages their ``identified_at`` (and ``ref``) where it knows."""
    if identifier not in IDENTIFIERS:
        IDENTIFIERS.append(identifier)
    return identifier


def identified(found: Sequence[engine.Outage]) -> list[engine.Outage]:
    """``found`` as every registered identifier sees them, in registration order."""
    found = list(found)
    for identifier in IDENTIFIERS:
        found = identifier(found)
    return found


def provided_exclusions(
    components: Sequence[Component], period: engine.Period
) -> list[engine.Exclusion]:
    return [e for provider in PROVIDERS for e in provider(components, period)]


# --- loading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackdatedChange:
    """A status change dated earlier than it was entered, beyond the grace (``catalog.instants``):
    what an auditor must see beside the intervals it shaped."""

    component_id: int
    at: datetime
    entered_at: datetime
    status: str
    reason: str
    actor: str


@dataclass(frozen=True, eq=False)
class EngineInputs:
    """What the engine measures, keyed by component pk; ``window`` is the time loaded."""

    window: engine.Period
    components: dict[int, Component]
    specs: dict[int, engine.ComponentSpec]
    third_party_specs: dict[int, engine.ComponentSpec]
    categories: dict[int, engine.CategorySpec]
    statuses: StatusColumns
    exclusions: list[engine.Exclusion]
    backdated: tuple[BackdatedChange, ...] = ()

    def backdated_for(self, component_id: int) -> tuple[BackdatedChange, ...]:
        """The backdated changes of a component and of the members it is measured through."""
        spec = self.specs.get(component_id)
        ids = {component_id, *(spec.members if spec else ())}
        return tuple(c for c in self.backdated if c.component_id in ids)

    def table(
        self, component_ids: Iterable[int], *, as_third_party: bool = False
    ) -> engine.ComponentTable:
        specs = self.third_party_specs if as_third_party else self.specs
        return engine.component_table([specs[pk] for pk in component_ids], self.categories.values())

    def measure(
        self,
        component_ids: Iterable[int],
        period: engine.Period,
        now: datetime,
        *,
        as_third_party: bool = False,
    ):
        """An ``engine.AvailabilityTable`` of these components over ``period`` (up to ``now``):
        as the provider's SLA measures them (every exclusion reason), or ``as_third_party``,
        against their own contracts (only the reasons each honours)."""
        return engine.availability_table(
            self.table(component_ids, as_third_party=as_third_party),
            self.statuses,
            self.exclusions,
            period,
            now=now,
        )


def provider_zone() -> ZoneInfo:
    return ZoneInfo(settings.PROVIDER_TIME_ZONE)


def contract_zone(component: Component) -> ZoneInfo:
    """The zone a component's periods are measured in: its category's, else the provider's."""
    return ZoneInfo(component.category.time_zone) if component.category else provider_zone()


# The SLA target in force: a provider (``releases.sla`` registers the published SLA versions)
# answers {category id: target} for the categories given, as at an instant; a category it does
# not answer for is held to its own ``target_pct``.
TargetProvider = Callable[[list, datetime], dict]
TARGET_PROVIDERS: list[TargetProvider] = []


def target_provider(provider: TargetProvider) -> TargetProvider:
    if provider not in TARGET_PROVIDERS:
        TARGET_PROVIDERS.append(provider)
    return provider


def targets_in_force(categories: list, at: datetime) -> dict:
    found = {}
    for provider in TARGET_PROVIDERS:
        found |= provider(categories, at)
    return found


def category_spec(category, target_pct=None) -> engine.CategorySpec:
    """The category as the engine measures it, against ``target_pct`` if given (the SLA
    version in force), else its own target."""
    return engine.CategorySpec(
        category.pk,
        category.name,
        category.target_pct if target_pct is None else target_pct,
        category.period,
        # ProductCategory.partial_outage_weight: how much a partial-outage minute counts.
        partial_weight=float(category.partial_outage_weight),
    )


def component_spec(component: Component, members: tuple[int, ...]) -> engine.ComponentSpec:
    """A measured component; it is measured from its creation or its first status, if earlier."""
    starts = [t for t in (component.created_at, component.history_from) if t is not None]
    return engine.ComponentSpec(
        component.pk,
        component.name,
        component.category_id,
        is_beta=component.is_beta,
        members=members if component.is_redundant else (),
        min_available=component.min_available_members or 1,
        is_third_party=component.is_third_party,
        target_pct=component.third_party_target_pct if component.is_third_party else None,
        restore_objective=component.restore_objective,
        measured_from=min(starts) if starts else None,
    )


def third_party_spec(component: Component, spec: engine.ComponentSpec) -> engine.ComponentSpec:
    """A third-party component as its own contract measures it: only the exclusion reasons
    the contract honours apply (seed 004: the network, scheduled maintenance only)."""
    return dataclasses.replace(
        spec, honoured_reasons=frozenset(honoured_reasons(component.third_party_honoured_reasons))
    )


def _cause(cause: str, cause_ref: str) -> str:
    return f"{cause} ({cause_ref})" if cause and cause_ref else cause or cause_ref


def measured_components(components) -> list[Component]:
    """Components (rows, a queryset or pks) with their group, category, region and first status."""
    if isinstance(components, QuerySet):
        ids = components.values("pk")  # a subquery: one query in all
    else:
        ids = [c.pk if isinstance(c, Component) else c for c in components]
    return list(
        Component.objects.filter(pk__in=ids)
        .select_related("group", "category", "region")
        .annotate(history_from=Min("status_history__started_at"))
    )


def engine_inputs(components, period: engine.Period, *, detail: bool = True) -> EngineInputs:
    """Components and their history and exclusions over ``period``, in four queries.

    ``components`` are rows from ``measured_components`` (then not read again), or anything
    ``measured_components`` takes. Without ``detail`` (the uptime bars) the history leaves out
    what only reports show: each change's cause, actor and backdating.
    """
    if isinstance(components, QuerySet):
        components = measured_components(components)
    components = list(components)
    if not all(hasattr(c, "history_from") for c in components):
        components = measured_components(components)
    rows = {c.pk: c for c in components}
    members: dict[int, list[int]] = {}
    for c in components:
        c.measured_members = []  # (pk, slug, name) of the members it is measured through
    for group_id, member_id, slug, name in (
        Component.members.through.objects.filter(from_component_id__in=rows)
        .order_by("to_component__name")
        .values_list(
            "from_component_id", "to_component_id", "to_component__slug", "to_component__name"
        )
    ):
        members.setdefault(group_id, []).append(member_id)
        if rows[group_id].is_redundant:
            rows[group_id].measured_members.append((member_id, slug, name))
    measured = set(rows) | {m for found in members.values() for m in found}
    details = ("cause", "entered_at", "backdate_reason", "actor") if detail else ()
    history = list(
        StatusInterval.objects.filter(component_id__in=measured, started_at__lt=period.end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=period.start))
        .order_by("component_id", "started_at")
        .values_list("component_id", "started_at", "ended_at", "status", "cause_ref", *details)
    )
    exclusions = provided_exclusions(list(rows.values()), period)
    codes = {status: code for code, status in enumerate(STATUSES)}
    statuses = StatusColumns.from_arrays(
        np.array([r[0] for r in history], dtype=np.int64),
        [to_seconds(r[1]) for r in history],
        [int(ONGOING) if r[2] is None else to_seconds(r[2]) for r in history],
        [codes[r[3]] for r in history],
        [_cause(r[5], r[4]) for r in history] if detail else None,
        [r[4] for r in history],
        planned_reasons((e.ref, e.reason) for e in exclusions),
    )
    specs = {pk: component_spec(c, tuple(sorted(members.get(pk, ())))) for pk, c in rows.items()}
    measured_categories = {c.category.pk: c.category for c in rows.values() if c.category}
    in_force = targets_in_force(list(measured_categories.values()), period.start)
    categories = {
        pk: category_spec(category, in_force.get(pk))
        for pk, category in measured_categories.items()
    }
    return EngineInputs(
        window=period,
        components=rows,
        specs=specs,
        third_party_specs={
            pk: third_party_spec(c, specs[pk]) for pk, c in rows.items() if c.is_third_party
        },
        categories=categories,
        statuses=statuses,
        exclusions=exclusions,
        backdated=_backdated(history) if detail else (),
    )


def _backdated(history) -> tuple[BackdatedChange, ...]:
    rules = time_rules()
    return tuple(
        BackdatedChange(component_id, started_at, entered_at, status, reason, actor)
        for component_id, started_at, _, status, _, _, entered_at, reason, actor in history
        if is_backdated(started_at, entered_at, rules)
    )


def outages(inputs: EngineInputs, component_id: int) -> list[engine.Outage]:
    """Stretches in partial or major outage, touching intervals joined (for restore checks).

    Identification is the start of the stretch (the status change records that the problem
    was identified) until ``identified`` says otherwise. Restored is when the component left
    partial and major outage.
    """
    s = inputs.statuses
    where = np.flatnonzero(s.ids == component_id)
    if not len(where):
        return []
    rows = np.flatnonzero(
        (s.source == where[0]) & (s.status >= STATUSES.index(Status.PARTIAL_OUTAGE))
    )
    rows = rows[np.argsort(s.start[rows], kind="stable")]
    stretches: list[list[int]] = []
    for start, end in zip(s.start[rows].tolist(), s.end[rows].tolist(), strict=True):
        if stretches and start <= stretches[-1][1]:
            stretches[-1][1] = max(stretches[-1][1], end)
        else:
            stretches.append([start, end])
    utc = ZoneInfo("UTC")
    return [
        engine.Outage(
            component_id,
            datetime.fromtimestamp(start, utc),
            None if end >= ONGOING else datetime.fromtimestamp(end, utc),
        )
        for start, end in stretches
    ]


# --- exclusions: one transaction each, recorded ------------------------------------------------


def _describe(exclusion: Exclusion, components: Sequence[Component]) -> dict:
    return {
        "reason": exclusion.reason,
        "starts_at": exclusion.starts_at.astimezone(UTC).isoformat(),
        "ends_at": exclusion.ends_at.astimezone(UTC).isoformat(),
        "components": [c.slug for c in components] or "all",
        "description": exclusion.description,
        "ref": exclusion.ref,
    }


def _check_times(exclusion: Exclusion) -> None:
    for field in ("starts_at", "ends_at"):
        value = getattr(exclusion, field)
        if isinstance(value, datetime) and timezone.is_naive(value):
            raise ValidationError({field: "The time must carry a time zone offset."})


def save_exclusion(
    exclusion: Exclusion, components: Iterable[Component] | None, *, actor: str
) -> Exclusion:
    """Create or change an exclusion (``components`` None: keep them; empty: all components).

    Validates the whole row first, so bad input changes nothing; records the event, a change
    with what changed (an unchanged exclusion is left as it is and records nothing).
    """
    created = exclusion.pk is None
    _check_times(exclusion)
    if created:
        exclusion.created_by = actor
    exclusion.full_clean(exclude=["components"])
    with transaction.atomic():
        before = {}
        if not created:
            stored = Exclusion.objects.select_for_update().get(pk=exclusion.pk)
            kept = list(stored.components.order_by("name"))
            before = _describe(stored, kept)
        if components is not None:
            named = sorted(components, key=lambda c: c.name)
        else:
            named = [] if created else kept
        after = _describe(exclusion, named)
        diff = changes(before, after)
        if not created and not diff:
            return exclusion
        exclusion.save()
        if components is not None:
            exclusion.components.set(named)
        scope = ", ".join(c.name for c in named) or "all components"
        starts_at, ends_at = exclusion.starts_at.astimezone(UTC), exclusion.ends_at.astimezone(UTC)
        append(
            Kind.EXCLUSION_CREATED if created else Kind.EXCLUSION_CHANGED,
            subject=exclusion,
            actor=actor,
            description=f"{exclusion.get_reason_display()} excluded "
            f"{starts_at:%Y-%m-%d %H:%M}–{ends_at:%Y-%m-%d %H:%M} UTC "
            f"for {scope}" + (f" ({exclusion.ref})" if exclusion.ref else ""),
            details=after if created else after | {"changes": diff},
        )
        page_changed()
    return exclusion


def delete_exclusion(exclusion: Exclusion, *, actor: str) -> None:
    """Remove an exclusion; the record keeps what it was."""
    with transaction.atomic():
        named = list(exclusion.components.order_by("name"))
        details = _describe(exclusion, named)
        append(
            Kind.EXCLUSION_DELETED,
            subject=exclusion,
            actor=actor,
            description=f"Exclusion {exclusion.engine_ref} removed: {exclusion}",
            details=details,
        )
        exclusion.delete()
        page_changed()
