"""A region's peak hours as operators write them, read one way everywhere.

Pure Python, no Django. ``Region.clean()``, the API's region schema and the notice check
(``policies.checks``) all call ``parse_peak_hours``, so the console, the API and the validator accept
the same ranges and say the same thing about a bad one.

A range is ``{"weekday": 0–6 (0 = Monday), "start": "HH:MM", "end": "HH:MM"}`` in the
region's time zone. An end at or before the start runs past midnight into the next day, as
``policies.rules.Region`` reads it: ``22:00–02:00`` on a Friday is Friday 22:00 to Saturday
02:00, ``20:00–00:00`` ends at midnight and ``00:00–00:00`` is the whole day. "24:00" is not a
time of day (the rules take ``datetime.time``): write ``00:00`` to end at midnight.
"""

import re
from collections.abc import Mapping
from datetime import time
from typing import Any

FIELD = "peak_hours"
KEYS = ("weekday", "start", "end")
EXAMPLE = '{"weekday": 0, "start": "08:00", "end": "20:00"}'
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

PeakRange = tuple[int, time, time]


class PeakHoursError(ValueError):
    """A range an operator has to correct; the message names the range and what is wrong."""

    field = FIELD


def parse_peak_hours(value: Any) -> tuple[PeakRange, ...]:
    """Return ``(weekday, start, end)`` for each range of ``value`` (a list of objects).

    An empty list (or None) means the region has no peak hours.
    """
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        raise PeakHoursError(f"Give a list of ranges such as [{EXAMPLE}], not {value!r}.")
    return tuple(_range(n, item) for n, item in enumerate(value, 1))


def _range(n: int, item: Any) -> PeakRange:
    where = f"Range {n}"
    if not isinstance(item, Mapping):
        raise PeakHoursError(f"{where} must be an object such as {EXAMPLE}, not {item!r}.")
    unknown = sorted(set(item) - set(KEYS), key=str)
    if unknown:
        raise PeakHoursError(f"{where}: unknown key {unknown[0]!r}; use {', '.join(KEYS)}.")
    missing = [key for key in KEYS if key not in item]
    if missing:
        raise PeakHoursError(f"{where}: {missing[0]} is missing; give all of {', '.join(KEYS)}.")
    weekday = item["weekday"]
    if isinstance(weekday, bool) or not isinstance(weekday, int) or weekday not in range(7):
        raise PeakHoursError(f"{where}: weekday must be 0 (Monday) to 6 (Sunday), not {weekday!r}.")
    return weekday, _clock(item["start"], f"{where}: start"), _clock(item["end"], f"{where}: end")


def _clock(value: Any, what: str) -> time:
    if value == "24:00":
        raise PeakHoursError(
            f"{what} '24:00' is not a time of day; write 00:00 to end at midnight (an end at or "
            "before the start runs past midnight)."
        )
    found = _CLOCK.match(value) if isinstance(value, str) else None
    if found is None:
        raise PeakHoursError(
            f"{what} must be a wall-clock time HH:MM such as 08:00 (00:00 for midnight), "
            f"not {value!r}."
        )
    return time(int(found[1]), int(found[2]))


def describe(ranges: tuple[PeakRange, ...]) -> str:
    """ "Mon 08:00–20:00, Fri 22:00–02:00 (next day)", for the console's list of regions."""
    if not ranges:
        return "none"
    return ", ".join(f"{WEEKDAYS[weekday]} {_span(start, end)}" for weekday, start, end in ranges)


def _span(start: time, end: time) -> str:
    text = f"{start:%H:%M}–{end:%H:%M}"
    if end == start:
        return f"{text} (24 hours)"
    if end < start and end != time(0):
        return f"{text} (next day)"
    return text
