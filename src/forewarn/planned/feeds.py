"""The status page's iCalendar feeds of planned work: every published window, or one component's.

A calendar program subscribes to the feed and shows one event per window (S4). Each event is
the one the email invitations carry (``notices.invitation_of``): the same ``UID``, so a
customer who has both sees one event, and the same ``SEQUENCE``, which rises on every change;
a cancelled window stays in the feed with ``STATUS:CANCELLED`` so subscribed calendars drop
it. The feed itself carries no iTIP ``METHOD`` (RFC 5545 §3.7.2: a published calendar).
"""

from collections.abc import Iterable
from datetime import timedelta

import icalendar
from django.conf import settings

from . import ics
from .notices import invitation_of
from .public import PublicWindow

# How often a subscribed calendar should fetch the feed again (RFC 7986 REFRESH-INTERVAL).
REFRESH = timedelta(hours=1)


def calendar(windows: Iterable[PublicWindow], *, name: str) -> bytes:
    """The feed of ``windows`` as an iCalendar document named ``name``."""
    found = icalendar.Calendar()
    found.add("prodid", ics.PRODID)
    found.add("version", "2.0")
    found.add("calscale", "GREGORIAN")
    found.add("name", name)
    found.add("x-wr-calname", name)
    found.add("x-wr-timezone", settings.PROVIDER_TIME_ZONE)
    found.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    found.add("x-published-ttl", icalendar.vDuration(REFRESH))
    for shown in windows:
        changed = shown.updated_at
        invitation = invitation_of(shown.window, stamp=changed)
        event = ics.event(invitation, "CANCELLED" if shown.is_cancelled else "CONFIRMED")
        event.add("last-modified", changed)
        if not shown.is_cancelled:
            event.add("categories", [shown.work.work_type.name])
        found.add_component(event)
    return found.to_ical()
