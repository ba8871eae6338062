"""The notification plan (docs/product.md S4): which notices a window of work gets, and when
each is due.

Pure Python, no Django. ``notification_plan`` lists the notices at planned times (the
announcement, reminders, start, completion, extension) and those sent when something happens
(a cancellation, a new window); ``validator.check`` calls it for every window it validates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from forewarn.policies.rules import (
    UTC,
    BusinessCalendar,
    Content,
    NoticeChannel,
    NoticeKind,
    NoticeRule,
    NoticeSpec,
    WorkType,
    announce_by,
    format_duration,
    listed,
)


@dataclass(frozen=True)
class PlannedNotice:
    kind: NoticeKind
    due_at: dt.datetime
    description: str
    channels: tuple[NoticeChannel, ...] = (NoticeChannel.EMAIL,)
    must_include: tuple[Content, ...] = ()
    condition: str = ""


@dataclass(frozen=True)
class EventNotice:
    """A notice sent when something happens rather than at a planned time (cancellation)."""

    kind: NoticeKind
    event: str
    description: str
    channels: tuple[NoticeChannel, ...] = (NoticeChannel.EMAIL,)
    must_include: tuple[Content, ...] = ()


@dataclass(frozen=True)
class Work:
    """What the plan needs to know about the work besides its window (all instants in UTC)."""

    work_type: WorkType
    calendar: BusinessCalendar
    zone: ZoneInfo
    shutdown: bool
    interrupting: bool
    now: dt.datetime


def notification_plan(
    work: Work, start: dt.datetime, end: dt.datetime
) -> tuple[list[PlannedNotice], list[EventNotice]]:
    """The notices at planned times (sorted by due time) and those sent when something happens."""
    events = [
        EventNotice(
            spec.kind,
            "the work is cancelled"
            if spec.kind is NoticeKind.CANCELLATION
            else "the window changes",
            _describe(
                spec,
                "Cancellation notice"
                if spec.kind is NoticeKind.CANCELLATION
                else "Notice of the new window",
            ),
            spec.channels,
            spec.must_include,
        )
        for spec in work.work_type.notices
        if spec.kind in (NoticeKind.CANCELLATION, NoticeKind.RESCHEDULE)
    ]
    return timed_notices(work, start, end), events


def timed_notices(work: Work, start: dt.datetime, end: dt.datetime) -> list[PlannedNotice]:
    """The notices due at planned times, sorted by due time (in the calendar's zone)."""
    work_type = work.work_type
    rule = work_type.notice
    if rule is None:
        return []
    announced_at = announcement_due(work, start, rule)
    plan: list[PlannedNotice] = []

    def add(spec: NoticeSpec, due: dt.datetime, text: str, condition: str = "") -> None:
        plan.append(
            PlannedNotice(
                spec.kind,
                due.astimezone(work.zone),
                _describe(spec, text),
                spec.channels,
                spec.must_include,
                spec.condition or condition,
            )
        )

    for spec in work_type.notices:
        kind = spec.kind
        if kind is NoticeKind.ANNOUNCEMENT:
            lead = f"at least {rule} before the start" if rule.amount else "sent at once"
            add(spec, announced_at, f"Announcement, {lead}")
        elif kind is NoticeKind.REMINDER:
            for offset in spec.offsets:
                if start - offset >= work.now and start - offset > announced_at:
                    add(
                        spec, start - offset, f"Reminder {format_duration(offset)} before the start"
                    )
        elif kind is NoticeKind.SHUTDOWN_REMINDERS and work.shutdown:
            if work_type.notice_spec(NoticeKind.ANNOUNCEMENT) is None:
                # Work told after the fact (hotfix, release) still announces a shut-down first.
                text = "Announcement of the shut-down, sent at once."
                plan.append(
                    PlannedNotice(NoticeKind.ANNOUNCEMENT, announced_at.astimezone(work.zone), text)
                )
            *earlier, last = spec.offsets
            for offset in earlier:
                if start - offset >= work.now and start - offset > announced_at:
                    text = f"Reminder {format_duration(offset)} before the shut-down"
                    add(spec, start - offset, text)
            if start - last >= work.now:
                text = f"Reminder {format_duration(last)} before the shut-down, just before it"
                add(spec, start - last, text)
        elif kind is NoticeKind.START and (work.interrupting or not spec.only_if_interrupting):
            add(spec, start, "The work begins")
        elif kind is NoticeKind.COMPLETION:
            add(spec, end, "The work has ended", "once the affected components are healthy")
        elif kind is NoticeKind.AFTER_COMPLETION:
            add(spec, end, "The update has been done", "once the work is completed")
        elif kind is NoticeKind.RELEASE:
            add(spec, start, "The version is released")
        elif kind is NoticeKind.EXTENSION:
            text = "Extension notice, repeated until the work is closed"
            add(spec, end, text, "if the work is still open at the end of the window")
    order = {kind: i for i, kind in enumerate(NoticeKind)}
    return sorted(plan, key=lambda n: (n.due_at.astimezone(UTC), order[n.kind]))


def announcement_due(work: Work, start: dt.datetime, rule: NoticeRule) -> dt.datetime:
    """At the deadline, or at once when it has passed or the rule sets no minimum."""
    if not rule.has_deadline or rule.amount == 0:
        return work.now
    return max(announce_by(start, rule, work.calendar).astimezone(UTC), work.now)


def _describe(spec: NoticeSpec, text: str) -> str:
    if spec.must_include:
        text += f", stating {listed(spec.must_include)}"
    return text + "."
