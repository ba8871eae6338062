"""Pure Python, no Django. The windows of planned work: one, or one per occurrence of an RFC 5545
RRULE in a named IANA zone.

Each occurrence keeps the first window's wall-clock start and end in that zone, across DST
changes (a Saturday 22:00–02:00 window stays 22:00–02:00 local after the clocks change), as
a calendar program expanding the same rule would show it. A skipped local time moves forward
by the gap and a repeated one is its first reading, as the calendar engine resolves them
(``policies.rules.wall_clock_instant``). Each occurrence is validated and notified on its own;
moving or cancelling one is the service's business, this module only expands the rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrule, rrulestr

from forewarn.policies.rules import wall_clock_instant

UTC = dt.UTC
MAX_OCCURRENCES = 100
# How far ahead a rule is expanded: occurrences later than this are not planned yet.
HORIZON = dt.timedelta(days=2 * 366)
RULE_LENGTH = 500


class OccurrenceError(ValueError):
    """Bad input for a window or a rule; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Window:
    """One occurrence: its position in the rule (0 for the first) and its instants in UTC."""

    index: int
    start: dt.datetime
    end: dt.datetime


def zone_named(name: str, field: str = "time_zone") -> ZoneInfo:
    """The IANA zone ``name``; OccurrenceError naming ``field`` when there is no such zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        raise OccurrenceError(
            field, f"{name!r} is not an IANA time zone such as Europe/Amsterdam."
        ) from None


def parse_rule(text: str, start: dt.datetime, zone: ZoneInfo) -> rrule:
    """The RRULE ``text`` (with or without ``RRULE:``) starting at ``start`` local in ``zone``."""
    text = (text or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if len(text) > RULE_LENGTH or "\n" in text or "\r" in text or ":" in text:
        raise OccurrenceError(
            "rrule", "Give one RFC 5545 RRULE value such as FREQ=WEEKLY;BYDAY=SA;COUNT=8."
        )
    local = start.astimezone(zone).replace(tzinfo=zone)
    try:
        rule = rrulestr(text, dtstart=local)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as error:
        raise OccurrenceError("rrule", f"{text!r} is not an RFC 5545 RRULE: {error}.") from None
    if not isinstance(rule, rrule):
        raise OccurrenceError("rrule", "Give one RRULE, not a set of rules.")
    if rule._freq > 3:  # HOURLY, MINUTELY, SECONDLY: not maintenance windows
        raise OccurrenceError("rrule", "A window repeats at most daily (FREQ=DAILY or longer).")
    return rule


def windows(
    start: dt.datetime, end: dt.datetime, zone_name: str, rule_text: str = ""
) -> list[Window]:
    """The windows of work from ``start`` to ``end`` (aware), repeated by ``rule_text`` if given.

    OccurrenceError naming the field: ``end`` not after ``start``, a zone that is not IANA,
    a rule that does not parse, yields nothing, or makes occurrences overlap.
    """
    for field, value in (("start", start), ("end", end)):
        if not isinstance(value, dt.datetime) or value.utcoffset() is None:
            raise OccurrenceError(field, f"{field} must be a date and time with a UTC offset.")
    if end <= start:
        raise OccurrenceError("end", "The window must end after it starts.")
    zone = zone_named(zone_name)
    if not rule_text:
        return [Window(0, start.astimezone(UTC), end.astimezone(UTC))]
    rule = parse_rule(rule_text, start, zone)
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    days = (local_end.date() - local_start.date()).days
    local = start.astimezone(zone).replace(tzinfo=zone)
    try:
        starts = rule.between(local, local + HORIZON, inc=True)
    except (ValueError, OverflowError) as error:
        raise OccurrenceError("rrule", f"The rule cannot be expanded: {error}.") from None
    if len(starts) > MAX_OCCURRENCES:
        raise OccurrenceError(
            "rrule",
            f"The rule gives more than {MAX_OCCURRENCES} windows in the next "
            f"{HORIZON.days // 366} years; end it with COUNT or UNTIL.",
        )
    found: list[Window] = []
    for at in starts:
        lo = wall_clock_instant(at.date(), local_start.time(), zone)
        hi = wall_clock_instant(at.date() + dt.timedelta(days=days), local_end.time(), zone)
        if hi <= lo:  # a window inside a skipped hour: keep its elapsed length
            hi = lo + (end - start)
        if found and lo < found[-1].end:
            raise OccurrenceError("rrule", "The rule repeats the window before it has ended.")
        found.append(Window(len(found), lo, hi))
    if not found:
        raise OccurrenceError("rrule", "The rule gives no occurrence.")
    return found
