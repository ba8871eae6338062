"""Pure Python, no Django. The iTIP invitation a notice about planned work carries (RFC 5546).

One event per window: its ``UID`` never changes, its ``SEQUENCE`` rises on every change
(reschedule, extension, cancellation), so a calendar program that got the announcement
moves or removes the same event rather than adding another. ``METHOD:REQUEST`` invites or
updates; ``METHOD:CANCEL`` (with ``STATUS:CANCELLED``) removes it. Built with ``icalendar``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import icalendar

PRODID = "-//Forewarn//Planned work//EN"


@dataclass(frozen=True)
class Invitation:
    """What a calendar program is told about one window."""

    uid: str
    sequence: int
    start: dt.datetime
    end: dt.datetime
    summary: str
    description: str
    organizer: str  # an email address
    url: str = ""
    stamp: dt.datetime | None = None


def uid(work_id: int, index: int, domain: str) -> str:
    """``planned-12-0@status.example``: stable for the life of the window."""
    return f"planned-{work_id}-{index}@{domain}"


def request(invitation: Invitation) -> str:
    """METHOD:REQUEST: the event as it now stands."""
    return _calendar("REQUEST", invitation, "CONFIRMED")


def cancel(invitation: Invitation) -> str:
    """METHOD:CANCEL: the event is removed from the recipient's calendar."""
    return _calendar("CANCEL", invitation, "CANCELLED")


def _calendar(method: str, invitation: Invitation, status: str) -> str:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add_component(event(invitation, status))
    return calendar.to_ical().decode()


def event(invitation: Invitation, status: str) -> icalendar.Event:
    """The VEVENT of one window (``status`` CONFIRMED or CANCELLED); the invitations and the
    status page's calendar feeds share it, so both name the same event."""
    found = icalendar.Event()
    found.add("uid", invitation.uid)
    found.add("sequence", invitation.sequence)
    found.add("dtstamp", (invitation.stamp or dt.datetime.now(dt.UTC)).astimezone(dt.UTC))
    found.add("dtstart", invitation.start.astimezone(dt.UTC))
    found.add("dtend", invitation.end.astimezone(dt.UTC))
    found.add("summary", invitation.summary)
    if invitation.description:
        found.add("description", invitation.description)
    if invitation.url:
        found.add("url", invitation.url)
    found.add("organizer", icalendar.vCalAddress(f"mailto:{invitation.organizer}"))
    found.add("status", status)
    found.add("transp", "OPAQUE")
    return found
