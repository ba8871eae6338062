"""A report as JSON (the API and the console's download) and as CSV (figures, intervals).

Minutes are given to four decimals (the engine counts whole seconds; the JSON also carries
the seconds), percentages cut, not rounded, to six decimals, so a breach never reads as the
target. Times are ISO 8601 in the zone the figures were measured in.
"""

from __future__ import annotations

from forewarn.availability import engine
from forewarn.availability.columns import REASONS
from forewarn.csvexport import csv_text

from .reports import Report, backdated_in, minutes_text, pct_text, target_text

FORMULA = "(total − excluded − unavailable) / (total − excluded) × 100 %"
IDENTIFICATION = (
    "An outage is a stretch of partial or major outage in the component's status history; it "
    "is identified when the incident behind it was identified, or else when that status was "
    "recorded (the start of the stretch), and restored when the component left partial and "
    "major outage."
)


def _round(value: float | None, places: int = 4) -> float | None:
    return None if value is None else round(value, places)


def _pct(value: float | None) -> float | None:
    return None if value is None else float(pct_text(value, 6))


def _iso(at) -> str | None:
    return at.isoformat() if at is not None else None


def figures(f) -> dict:
    """The figures every level shares (component, category, organization, contract period)."""
    return {
        "total_minutes": _round(f.total_minutes),
        "excluded_minutes": _round(f.excluded_minutes),
        "excluded_minutes_by_reason": {
            reason: _round(m) for reason, m in f.excluded_minutes_by_reason.items()
        },
        "unavailable_minutes": _round(f.unavailable_minutes),
        "measured_minutes": _round(f.measured_minutes),
        "availability_pct": _pct(f.availability_pct),
        "target_pct": target_text(f.target_pct) or None,
        "target_met": f.is_met,
        "error_budget_minutes": _round(f.error_budget_minutes),
        "error_budget_left_minutes": _round(f.error_budget_left_minutes),
        "total_seconds": f.total_seconds,
        "excluded_seconds": f.excluded_seconds,
        "unavailable_seconds": _round(f.unavailable_seconds),
    }


def _backdated(change, slugs: dict, zone) -> dict:
    return {
        "component": slugs.get(change.component_id),
        "at": _iso(change.at.astimezone(zone)),
        "entered_at": _iso(change.entered_at.astimezone(zone)),
        "status": change.status,
        "reason": change.reason,
        "actor": change.actor,
    }


def _interval(i: engine.UnavailableInterval, slugs: dict, backdated=()) -> dict:
    return {
        "component": slugs.get(i.component_id),
        "start": _iso(i.start),
        "end": _iso(i.end),
        "status": i.status,
        "weight": i.weight,
        "minutes": _round(i.minutes),
        "unavailable_minutes": _round(i.unavailable_minutes),
        "causes": list(i.causes),
        # Changes dated earlier than entered that began or ended it (catalog.instants).
        "backdated_changes": [
            _backdated(c, slugs, i.start.tzinfo) for c in backdated_in(backdated, i)
        ],
    }


def _applied(x: engine.AppliedExclusion) -> dict:
    return {
        "ref": x.ref,
        "reason": x.reason,
        "start": _iso(x.start),
        "end": _iso(x.end),
        "minutes": _round(x.minutes),
        "status": x.status,
        "causes": list(x.causes),
    }


def as_json(report: Report) -> dict:
    slugs = {c.pk: c.slug for c in report.components}
    org = report.organization
    return {
        "period": {
            "label": report.period.label,
            "kind": report.period.kind,
            "first_day": report.period.first.isoformat(),
            "last_day": report.period.last.isoformat(),
        },
        "generated_at": _iso(report.generated_at),
        "scope": report.scope,
        "definitions": {"availability": FORMULA, "restore": IDENTIFICATION},
        "organization": None
        if org is None
        else {
            "slug": org.slug,
            "name": org.name,
            "components": [c.slug for c in report.components],
        },
        "overall": None
        if report.overall is None
        else {
            "start": _iso(report.overall_period.start),
            "end": _iso(report.overall_period.end),
            **figures(report.overall),
        },
        "categories": [
            {
                "slug": s.slug,
                "name": s.name,
                "time_zone": s.zone.key,
                "contract_period": s.category.period if s.category else None,
                "partial_outage_weight": float(s.category.partial_outage_weight)
                if s.category
                else 0.0,
                "start": _iso(s.period.start),
                "end": _iso(s.period.end),
                **figures(s.figures),
                "components": [
                    {
                        "slug": r.component.slug,
                        "name": r.component.name,
                        "is_beta": r.component.is_beta,
                        "members": [slug for _, slug, _ in r.component.measured_members],
                        "min_available_members": r.component.min_available_members,
                        "counted_through": r.through.slug if r.through else None,
                        "measured_from": _iso(r.figures.measured_from),
                        "measured_until": _iso(r.figures.measured_until),
                        "worst_status": r.figures.worst_status,
                        **figures(r.figures),
                        "unavailable_intervals": [
                            _interval(i, slugs, r.backdated)
                            for i in r.figures.unavailable_intervals
                        ],
                        "exclusions": [_applied(x) for x in r.figures.exclusions],
                    }
                    for r in s.rows
                ],
            }
            for s in report.sections
        ],
        "third_party": [
            {
                "slug": t.component.slug,
                "name": t.component.name,
                "time_zone": t.zone.key,
                "contract_period": t.component.third_party_period,
                "honoured_reasons": list(t.honoured_reasons),
                "restore_objective_minutes": _round(
                    t.component.restore_objective.total_seconds() / 60
                )
                if t.component.restore_objective
                else None,
                "periods": [
                    {
                        "label": cp.period.label,
                        "start": _iso(cp.bounds.start),
                        "end": _iso(cp.bounds.end),
                        "measured_until": _iso(cp.figures.measured_until),
                        **figures(cp.figures),
                        "unavailable_intervals": [
                            _interval(i, slugs, t.backdated)
                            for i in cp.figures.unavailable_intervals
                        ],
                        "exclusions": [_applied(x) for x in cp.figures.exclusions],
                    }
                    for cp in t.periods
                ],
                "restores": [
                    {
                        "start": _iso(check.outage.start.astimezone(t.zone)),
                        "identified_at": _iso(
                            (check.outage.identified_at or check.outage.start).astimezone(t.zone)
                        ),
                        "restored_at": _iso(check.outage.end.astimezone(t.zone))
                        if check.outage.end
                        else None,
                        "minutes_to_restore": _round(check.minutes_to_restore),
                        "objective_minutes": _round(check.objective.total_seconds() / 60),
                        "within_objective": check.is_within_objective,
                        "minutes_over": _round(check.minutes_over),
                    }
                    for check in t.restores
                ],
            }
            for t in report.third_party
        ],
        "exclusions": [
            {
                "ref": x.ref,
                "reason": x.reason,
                "start": _iso(x.start),
                "end": _iso(x.end),
                "components": [c.slug for c in x.components],
                "applies_to_all": not x.components,
                "description": x.row.description if x.row else "",
                "reference": x.row.ref if x.row else "",
                "created_by": x.row.created_by if x.row else "",
                "created_at": _iso(x.row.created_at) if x.row else None,
                "remark": x.remark,
            }
            for x in report.exclusions
        ],
    }


FIGURE_COLUMNS = [
    "level",
    "category",
    "component",
    "counted_through",
    "period_start",
    "period_end",
    "time_zone",
    "total_minutes",
    "excluded_minutes",
    *[f"excluded_{reason}_minutes" for reason in REASONS],
    "unavailable_minutes",
    "availability_pct",
    "target_pct",
    "target",
    "error_budget_minutes",
    "error_budget_left_minutes",
]


def _figure_cells(f) -> list[str]:
    met = {True: "met", False: "breached", None: ""}[f.is_met]
    return [
        minutes_text(f.total_minutes),
        minutes_text(f.excluded_minutes),
        *[minutes_text(f.excluded_minutes_by_reason[reason]) for reason in REASONS],
        minutes_text(f.unavailable_minutes),
        pct_text(f.availability_pct, 6),
        target_text(f.target_pct),
        met,
        minutes_text(f.error_budget_minutes),
        minutes_text(f.error_budget_left_minutes),
    ]


def figures_csv(report: Report) -> str:
    """One row per category, component, organization total and third-party contract period."""
    rows = []
    for s in report.sections:
        span = [s.period.start.isoformat(), s.period.end.isoformat(), s.zone.key]
        rows.append(["category", s.name, "", "", *span, *_figure_cells(s.figures)])
        for r in s.rows:
            through = r.through.name if r.through else ""
            rows.append(
                ["component", s.name, r.component.name, through, *span, *_figure_cells(r.figures)]
            )
    if report.overall is not None:
        span = [report.overall_period.start.isoformat(), report.overall_period.end.isoformat()]
        zone = report.sections[0].zone.key
        rows.append(
            [
                "organization",
                "",
                report.organization.name,
                "",
                *span,
                zone,
                *_figure_cells(report.overall),
            ]
        )
    for t in report.third_party:
        for cp in t.periods:
            span = [cp.bounds.start.isoformat(), cp.bounds.end.isoformat(), t.zone.key]
            rows.append(
                ["third_party", "", t.component.name, "", *span, *_figure_cells(cp.figures)]
            )
    return csv_text(FIGURE_COLUMNS, rows)


INTERVAL_COLUMNS = [
    "category",
    "component",
    "kind",
    "start",
    "end",
    "minutes",
    "status",
    "weight",
    "unavailable_minutes",
    "reason",
    "ref",
    "causes",
    "backdated",
]


def backdated_text(change, zone) -> str:
    """'operational at 2026-12-18T15:00:01+01:00, entered 2026-12-18T15:01:15+01:00 (74 s
    later) by rita: false alarm', in ``zone``."""
    later = int((change.entered_at - change.at).total_seconds())
    return (
        f"{change.status} at {change.at.astimezone(zone).isoformat()}, entered "
        f"{change.entered_at.astimezone(zone).isoformat()} ({later} s later) by "
        f"{change.actor or 'system'}: {change.reason}"
    )


def intervals_csv(report: Report) -> str:
    """The unavailable intervals and applied exclusions behind the figures, per component."""
    measured = [
        (s.name, r.component.name, r.figures, r.backdated) for s in report.sections for r in s.rows
    ]
    measured += [
        ("Third party", t.component.name, cp.figures, t.backdated)
        for t in report.third_party
        for cp in t.periods
    ]
    rows = []
    for category, name, f, backdated in measured:
        for i in f.unavailable_intervals:
            zone = i.start.tzinfo
            rows.append(
                [
                    category,
                    name,
                    "unavailable",
                    i.start.isoformat(),
                    i.end.isoformat(),
                    minutes_text(i.minutes),
                    i.status,
                    f"{i.weight:g}",
                    minutes_text(i.unavailable_minutes),
                    "",
                    "",
                    "; ".join(i.causes),
                    "; ".join(backdated_text(c, zone) for c in backdated_in(backdated, i)),
                ]
            )
        for x in f.exclusions:
            rows.append(
                [
                    category,
                    name,
                    "excluded",
                    x.start.isoformat(),
                    x.end.isoformat(),
                    minutes_text(x.minutes),
                    x.status or "",
                    "",
                    "",
                    x.reason,
                    x.ref or "",
                    "; ".join(x.causes),
                    "",
                ]
            )
    return csv_text(INTERVAL_COLUMNS, rows)
