"""Pure Python, no Django. The incident report seed 004's system of record asks for, from plain data.

"1. Date, time, and name of the contact for each event 2. Date and time of response
by Playvox 3. Description of the event and analysis of error, defect, or issue 4. All
steps and actions taken to resolve the event 5. Date and time of resolution" (seed
004), plus the cadence report (S5): every gap between updates against its target,
for each stretch of one priority and in total. ``exports`` feeds it the record's
events and the updates and writes it as CSV and JSON.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from forewarn.incidents.cadence import CadenceSummary, Gap, summarize


@dataclass(frozen=True, slots=True)
class Facts:
    """What the incident is, from its row."""

    ref: str  # "incident:12"
    title: str
    priority: str
    status: str
    cause: str
    is_public: bool
    detected_at: datetime
    opened_at: datetime
    acknowledged_at: datetime | None
    identified_at: datetime | None
    resolved_at: datetime | None
    description: str  # description and analysis (Markdown)
    postmortem: str = ""  # the published postmortem's text, if any
    contact: str = ""  # the customer contact who reported it, if any
    responders: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EventRow:
    """One recorded event: when, what, who did it, which contact it involved."""

    at: datetime
    kind: str
    actor: str
    contact: str
    description: str


@dataclass(frozen=True, slots=True)
class Step:
    """One posted update: the steps and actions taken, as the responders told them."""

    at: datetime
    status: str
    author: str
    body: str
    notified: bool


@dataclass(frozen=True, slots=True)
class Stretch:
    """A stretch of the incident under one priority (its cadence report is summed per stretch)."""

    label: str  # "P1"
    start: datetime
    end: datetime


@dataclass(frozen=True)
class IncidentReport:
    facts: Facts
    events: tuple[EventRow, ...]
    steps: tuple[Step, ...]
    gaps: tuple[Gap, ...]
    stretches: tuple[tuple[Stretch, CadenceSummary], ...]
    cadence: CadenceSummary

    @property
    def time_to_acknowledge(self) -> timedelta | None:
        """From detection to the first acknowledgement (seed 004: the time of response)."""
        return _span(self.facts.detected_at, self.facts.acknowledged_at)

    @property
    def time_to_identify(self) -> timedelta | None:
        return _span(self.facts.detected_at, self.facts.identified_at)

    @property
    def time_to_resolve(self) -> timedelta | None:
        return _span(self.facts.detected_at, self.facts.resolved_at)


def incident_report(
    facts: Facts,
    events: Sequence[EventRow],
    steps: Sequence[Step],
    gaps: Sequence[Gap],
    stretches: Sequence[Stretch] = (),
) -> IncidentReport:
    """The report, events and steps in time order, the cadence summed per stretch and in total."""
    return IncidentReport(
        facts=facts,
        events=tuple(sorted(events, key=lambda e: e.at)),
        steps=tuple(sorted(steps, key=lambda s: s.at)),
        gaps=tuple(gaps),
        stretches=tuple((s, summarize(gaps, (s.start, s.end))) for s in stretches),
        cadence=summarize(gaps),
    )


def _span(start: datetime, end: datetime | None) -> timedelta | None:
    return None if end is None else end - start


# Presentation: rows for CSV, a dict for JSON -------------------------------------------

COLUMNS = ("section", "at", "date", "time", "kind", "actor", "contact", "description", "value")


def minutes(span: timedelta | None) -> float | None:
    """A duration in minutes, rounded to a tenth (None stays None)."""
    return None if span is None else round(span.total_seconds() / 60, 1)


def _iso(at: datetime | None) -> str:
    return at.isoformat() if at else ""


def rows(report: IncidentReport, zone: str) -> list[dict[str, object]]:
    """One table: the summary, then every event, every step and every cadence gap.

    ``at`` is the ISO instant (UTC offset included); ``date`` and ``time`` are local to ``zone``.
    """
    tz = ZoneInfo(zone)

    def row(section, at=None, kind="", actor="", contact="", description="", value=""):
        local = at.astimezone(tz) if at else None
        return {
            "section": section,
            "at": _iso(at),
            "date": f"{local:%Y-%m-%d}" if local else "",
            "time": f"{local:%H:%M:%S %Z}" if local else "",
            "kind": kind,
            "actor": actor,
            "contact": contact,
            "description": description,
            "value": "" if value is None else value,
        }

    f = report.facts
    found = [
        row("summary", kind="incident", description=f"{f.ref} {f.title}"),
        row("summary", kind="priority", value=f.priority),
        row("summary", kind="status", value=f.status),
        row("summary", kind="cause", value=f.cause),
        row("summary", kind="visibility", value="public" if f.is_public else "internal"),
        row("summary", f.detected_at, kind="detected_at", contact=f.contact),
        row("summary", f.opened_at, kind="opened_at"),
        row("summary", f.acknowledged_at, kind="acknowledged_at"),
        row("summary", f.identified_at, kind="identified_at"),
        row("summary", f.resolved_at, kind="resolved_at"),
        row(
            "summary", kind="time_to_acknowledge_minutes", value=minutes(report.time_to_acknowledge)
        ),
        row("summary", kind="time_to_identify_minutes", value=minutes(report.time_to_identify)),
        row("summary", kind="time_to_resolve_minutes", value=minutes(report.time_to_resolve)),
        row("summary", kind="responders", value=", ".join(f.responders)),
        row("analysis", kind="description", description=f.description),
    ]
    if f.postmortem:
        found.append(row("analysis", kind="postmortem", description=f.postmortem))
    found += [row("event", e.at, e.kind, e.actor, e.contact, e.description) for e in report.events]
    found += [
        row(
            "step",
            s.at,
            s.status,
            s.author,
            description=s.body,
            value="notified" if s.notified else "",
        )
        for s in report.steps
    ]
    found += [
        row(
            "cadence",
            g.start,
            kind=_met(g),
            description=_gap_text(g, tz),
            value=minutes(g.late_by),
        )
        for g in report.gaps
    ]
    for stretch, summary in report.stretches:
        found.append(
            row(
                "cadence_summary",
                stretch.start,
                kind=stretch.label,
                description=_summary_text(summary),
            )
        )
    found.append(row("cadence_summary", kind="total", description=_summary_text(report.cadence)))
    return found


def _met(gap: Gap) -> str:
    return {True: "kept", False: "missed", None: "no target" if gap.due_at is None else "open"}[
        gap.is_met
    ]


def _gap_text(gap: Gap, tz: ZoneInfo) -> str:
    end = f"{gap.end.astimezone(tz):%H:%M}" + (" (so far)" if gap.is_ongoing else "")
    text = f"{gap.start.astimezone(tz):%H:%M}–{end}, {minutes(gap.length):g} min"
    if gap.due_at is None:
        return text + ", no update target"
    target = f"every {minutes(gap.interval):g} min" + (
        " of business time" if gap.clock == "business" else ""
    )
    return text + f", target {target}, due {gap.due_at.astimezone(tz):%H:%M}"


def _summary_text(summary: CadenceSummary) -> str:
    return (
        f"{summary.gaps} gaps, {summary.measured} with a target, {summary.missed} missed, "
        f"longest {minutes(summary.longest):g} min, late {minutes(summary.late_total):g} min in all"
    )


def as_json(report: IncidentReport) -> dict:
    """The report as JSON-ready data: instants in ISO 8601, durations in minutes."""
    f = report.facts
    return {
        "incident": {
            "ref": f.ref,
            "title": f.title,
            "priority": f.priority,
            "status": f.status,
            "cause": f.cause,
            "is_public": f.is_public,
            "contact": f.contact,
            "responders": list(f.responders),
            "detected_at": _iso(f.detected_at),
            "opened_at": _iso(f.opened_at),
            "acknowledged_at": _iso(f.acknowledged_at) or None,
            "identified_at": _iso(f.identified_at) or None,
            "resolved_at": _iso(f.resolved_at) or None,
        },
        "time_to_acknowledge_minutes": minutes(report.time_to_acknowledge),
        "time_to_identify_minutes": minutes(report.time_to_identify),
        "time_to_resolve_minutes": minutes(report.time_to_resolve),
        "description": f.description,
        "postmortem": f.postmortem or None,
        "events": [
            {
                "at": _iso(e.at),
                "kind": e.kind,
                "actor": e.actor,
                "contact": e.contact,
                "description": e.description,
            }
            for e in report.events
        ],
        "steps": [
            {
                "at": _iso(s.at),
                "status": s.status,
                "author": s.author,
                "body": s.body,
                "notified": s.notified,
            }
            for s in report.steps
        ],
        "cadence": {
            "gaps": [
                {
                    "start": _iso(g.start),
                    "end": _iso(g.end),
                    "ongoing": g.is_ongoing,
                    "length_minutes": minutes(g.length),
                    "target_minutes": minutes(g.interval),
                    "clock": g.clock.value,
                    "due_at": _iso(g.due_at) or None,
                    "met": g.is_met,
                    "late_minutes": minutes(g.late_by),
                }
                for g in report.gaps
            ],
            "stretches": [
                {"priority": s.label, "start": _iso(s.start), "end": _iso(s.end), **_summary(c)}
                for s, c in report.stretches
            ],
            "total": _summary(report.cadence),
        },
    }


def _summary(summary: CadenceSummary) -> dict:
    return {
        "gaps": summary.gaps,
        "with_target": summary.measured,
        "missed": summary.missed,
        "longest_minutes": minutes(summary.longest),
        "late_minutes": minutes(summary.late_total),
    }
