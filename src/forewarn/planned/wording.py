"""Pure Python, no Django. What each notice about planned work says, and its outbox key.

The times of the window are not written into the text: they travel as the notice's
``event_times``, which each email shows in the recipient's zone and the provider's. Keys
follow one convention (``Notice.key`` is unique, so each is queued once):

    planned:<id>:<window>:<kind>[:<minutes before>]:v<sequence>[:<policy>][:<plan>]

with the policy when the notice goes to the clients of another policy than the work's own,
and the plan when an upgrade tells each plan its own features. All notices of one work
share the thread ``planned:<id>``; the owner's alerts share ``planned:<id>:staff``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from forewarn.policies.rules import NoticeKind, format_duration

HEADINGS = {
    NoticeKind.ANNOUNCEMENT: "Planned",
    NoticeKind.REMINDER: "Reminder",
    NoticeKind.SHUTDOWN_REMINDERS: "Reminder of the shut-down",
    NoticeKind.START: "Started",
    NoticeKind.COMPLETION: "Completed",
    NoticeKind.AFTER_COMPLETION: "Done",
    NoticeKind.RELEASE: "Released",
    NoticeKind.EXTENSION: "Extended",
    NoticeKind.RESCHEDULE: "Rescheduled",
    NoticeKind.CANCELLATION: "Cancelled",
}
OPENINGS = {
    NoticeKind.ANNOUNCEMENT: "We will carry out the following {work_type} in the window below.",
    NoticeKind.REMINDER: "A reminder: the {work_type} below begins in {lead}.",
    NoticeKind.SHUTDOWN_REMINDERS: "A reminder: the system shuts down for the {work_type} "
    "below in {lead}.",
    NoticeKind.START: "The {work_type} below has begun.",
    NoticeKind.COMPLETION: "The {work_type} below is complete and monitoring shows the "
    "affected services healthy.",
    NoticeKind.AFTER_COMPLETION: "The {work_type} below has been done.",
    NoticeKind.RELEASE: "The version below has been released.",
    NoticeKind.EXTENSION: "The {work_type} below needs more time than planned.",
    NoticeKind.RESCHEDULE: "The {work_type} below has moved to a new window.",
    NoticeKind.CANCELLATION: "The {work_type} below is cancelled; it will not take place in "
    "this window.",
}


@dataclass(frozen=True)
class About:
    """What a notice is about, as plain values."""

    title: str
    work_type: str
    description: str = ""
    impact: str = ""
    shutdown: bool = False
    url: str = ""
    features: tuple[str, ...] = ()
    for_plan: bool = False  # the features are those of the recipient's plan
    plan_change: str = ""
    reason: str = ""
    next_update_at: dt.datetime | None = None
    lead: dt.timedelta | None = None
    extra: dict = field(default_factory=dict)


def key(
    work_id: int,
    index: int,
    kind: str,
    sequence: int,
    *,
    lead: dt.timedelta | None = None,
    policy: str = "",
    plan: str = "",
    repeat: int | None = None,
) -> str:
    parts = [f"planned:{work_id}", str(index), str(kind)]
    if lead is not None:
        parts.append(f"{int(lead.total_seconds() // 60)}m")
    if repeat is not None:
        parts.append(str(repeat))
    parts.append(f"v{sequence}")
    if policy:
        parts.append(policy)
    if plan:
        parts.append("plan-" + "".join(ch if ch.isalnum() else "-" for ch in plan.lower())[:40])
    return ":".join(parts)


def thread(work_id: int) -> str:
    return f"planned:{work_id}"


def subject(kind: NoticeKind, about: About) -> str:
    return f"{HEADINGS[NoticeKind(kind)]}: {about.title}"[:300]


def body(kind: NoticeKind, about: About) -> str:
    """The notice in Markdown."""
    kind = NoticeKind(kind)
    lead = format_duration(about.lead) if about.lead else ""
    lines = [OPENINGS[kind].format(work_type=about.work_type, lead=lead), f"**{about.title}**"]
    if kind in (NoticeKind.ANNOUNCEMENT, NoticeKind.RESCHEDULE, NoticeKind.RELEASE):
        if about.description.strip():
            lines.append(about.description.strip())
    if kind is NoticeKind.EXTENSION:
        if about.reason:
            lines.append(f"**Why:** {about.reason}")
        if about.next_update_at is not None:
            lines.append("We will send the next update by the time given below.")
    if kind in (NoticeKind.RESCHEDULE, NoticeKind.CANCELLATION) and about.reason:
        lines.append(f"**Why:** {about.reason}")
    if about.impact.strip() and kind is not NoticeKind.COMPLETION:
        lines.append(f"**Expected impact:** {about.impact.strip()}")
    if about.shutdown and kind in (NoticeKind.ANNOUNCEMENT, NoticeKind.SHUTDOWN_REMINDERS):
        lines.append("**The system will be shut down during the window.**")
    if about.features:
        included = "\n".join(f"- {name}" for name in about.features)
        heading = (
            "New features your licences include at no extra cost"
            if about.for_plan
            else "New features"
        )
        lines.append(f"**{heading}:**\n\n{included}")
    if about.plan_change:
        lines.append(f"**Changes to your plan:** {about.plan_change}")
    if about.url:
        lines.append(f"[Follow this work on the status page]({about.url})")
    return "\n\n".join(lines)
