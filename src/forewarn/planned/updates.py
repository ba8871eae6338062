"""Pure Python, no Django. What the status page says at each step of a window's life.

A scheduled maintenance on Statuspage carries ``incident_updates``, each with one of its four
states: ``scheduled``, ``in_progress``, ``verifying``, ``completed``. Ours are read from the
record of the work (``record.kinds.Kind.PLANNED_*``): publication, each reschedule, the start,
an end that leaves the work unfinished, each extension, the completion and a cancellation.
Statuspage has no cancelled state; a cancelled window is ``completed`` with an update that
says it was cancelled, as Statuspage's own users write it. Times in the text are given in the
page's zone (``format_instant``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from forewarn.markup import render_markdown
from forewarn.policies.rules import format_instant

from .lifecycle import PlannedState

# Our states in Statuspage's words (a cancelled maintenance is "completed" there).
STATUSPAGE = {
    PlannedState.SCHEDULED: "scheduled",
    PlannedState.IN_PROGRESS: "in_progress",
    PlannedState.VERIFYING: "verifying",
    PlannedState.COMPLETED: "completed",
    PlannedState.CANCELLED: "completed",
}
LABELS = {
    "scheduled": "Scheduled",
    "rescheduled": "Rescheduled",
    "in_progress": "In progress",
    "extended": "Extended",
    "verifying": "Verifying",
    "completed": "Completed",
    "cancelled": "Cancelled",
}


def statuspage_status(state: str) -> str:
    """A window's state as Statuspage's ``status`` of a scheduled maintenance."""
    return STATUSPAGE[PlannedState(state)]


@dataclass(frozen=True)
class Happening:
    """One recorded event about the work: its id, kind, instant and details."""

    id: int
    kind: str
    at: dt.datetime
    details: dict


@dataclass(frozen=True)
class Update:
    """One public update of a window: Statuspage's status, our label, the text and when."""

    id: str
    status: str
    label: str
    body: str
    at: dt.datetime
    changes: tuple[dict, ...] = ()  # component changes: {"component", "from", "to"}

    @property
    def body_html(self) -> str:
        """The text as the page shows it (it quotes reasons operators wrote: sanitised)."""
        return render_markdown(self.body)


def _concerns(happening: Happening, index: int) -> bool:
    details = happening.details
    if happening.kind == "planned.published":
        return any(w.get("window") == index for w in details.get("windows", []))
    if happening.kind == "planned.cancelled":
        return index in details.get("windows", [])
    return details.get("window") == index


def _span(start: str, end: str, zone: ZoneInfo) -> str:
    return (
        f"{format_instant(dt.datetime.fromisoformat(start), zone)} – "
        f"{format_instant(dt.datetime.fromisoformat(end), zone)}"
    )


def _published(details: dict, index: int) -> dict:
    return next(w for w in details["windows"] if w.get("window") == index)


def _said(kind: str, details: dict, index: int, *, zone: ZoneInfo, work_type: str, impact: str):
    """(status or None to keep the current one, label, body) of one event, or None."""
    reason = (details.get("reason") or "").strip()
    why = (f": {reason}" + ("" if reason.endswith((".", "!", "?")) else ".")) if reason else "."
    if kind == "planned.published":
        window = _published(details, index)
        named = work_type[:1].upper() + work_type[1:]
        body = f"{named} scheduled for {_span(window['start'], window['end'], zone)}."
        return "scheduled", "scheduled", body + (f"\n\nExpected impact: {impact}" if impact else "")
    if kind == "planned.rescheduled":
        moved = _span(details["to"]["start"], details["to"]["end"], zone)
        return "scheduled", "rescheduled", f"Moved to {moved}" + why
    if kind == "planned.started":
        return "in_progress", "in_progress", f"The {work_type.lower()} has begun."
    if kind == "planned.overrunning":
        return (
            "verifying",
            "verifying",
            "The window has ended but the work is not finished yet: we are making sure "
            "every affected service is healthy before we close it.",
        )
    if kind == "planned.ended":
        return (
            "verifying",
            "verifying",
            "The window has ended; we are checking every affected service.",
        )
    if kind == "planned.extended":
        if details.get("to"):
            until = format_instant(dt.datetime.fromisoformat(details["to"]), zone)
            return "in_progress", "extended", f"Extended until {until}" + why
        by = format_instant(dt.datetime.fromisoformat(details["next_update_at"]), zone)
        return None, "extended", f"The work needs more time{why} Next update by {by}."
    if kind == "planned.completed":
        return (
            "completed",
            "completed",
            f"The {work_type.lower()} is complete and the affected services are healthy.",
        )
    if kind == "planned.cancelled":
        return "completed", "cancelled", f"This {work_type.lower()} is cancelled" + why
    return None


def window_updates(
    happenings: Iterable[Happening],
    index: int,
    *,
    zone: ZoneInfo,
    work_type: str,
    impact: str = "",
    prefix: str = "",
) -> list[Update]:
    """The public updates of window ``index``, newest first. An end followed at once by the
    completion or the overrun says nothing of its own: they say it."""
    mine = sorted((h for h in happenings if _concerns(h, index)), key=lambda h: (h.at, h.id))
    found: list[Update] = []
    status = "scheduled"
    for n, happening in enumerate(mine):
        following = mine[n + 1] if n + 1 < len(mine) else None
        if (
            happening.kind == "planned.ended"
            and following is not None
            and following.kind in ("planned.completed", "planned.overrunning")
            and following.at == happening.at
        ):
            continue
        said = _said(
            happening.kind,
            happening.details,
            index,
            zone=zone,
            work_type=work_type,
            impact=impact.strip(),
        )
        if said is None:
            continue
        new_status, label, body = said
        status = new_status or status
        changes = happening.details.get("components") or ()
        found.append(
            Update(
                id=f"{prefix}{happening.id}",
                status=status,
                label=LABELS[label],
                body=body,
                at=happening.at,
                changes=tuple(c for c in changes if isinstance(c, dict)),
            )
        )
    found.reverse()
    return found
