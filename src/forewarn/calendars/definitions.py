"""A calendar as operators write it down (the fields of ``models.Calendar`` and of
``policies.presets.CALENDAR_PRESETS``), checked and turned into a ``BusinessCalendar``.

Pure Python, no Django. The model, the API and the presets share these rules and messages.
A definition is a mapping with ``time_zone``, ``opening_hours`` ([{"weekday", "start",
"end", "end_tz"}]), ``holiday_spec``, ``added_dates``, ``removed_dates``, ``closures``
([{"start", "end", "reason"}]) and ``business_day_minutes``.
"""

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from itertools import groupby
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from forewarn import limits
from forewarn.calendars.engine import BusinessCalendar, OpeningRange
from forewarn.calendars.holiday_sets import NAMED_SETS, HolidaySet

# The years people's instants may fall in (the API and the console refuse others): with the
# amounts they may add, every answer stays well inside what the engine and holidays compute.
FIRST_YEAR, LAST_YEAR = 1900, 2199
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_RANGE_KEYS = ("weekday", "start", "end", "end_tz")
_CLOSURE_KEYS = ("start", "end", "reason")


class DefinitionError(ValueError):
    """Everything wrong with a definition: ``errors`` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


LIST_LIMITS = {
    "opening_hours": limits.RANGES,
    "added_dates": limits.ITEMS,
    "removed_dates": limits.ITEMS,
    "closures": limits.ITEMS,
}


def business_calendar(definition: Mapping[str, Any]) -> BusinessCalendar:
    """Return the engine's calendar for `definition`; raise DefinitionError naming every bad field."""
    parts: dict[str, Any] = {}
    errors: dict[str, str] = {
        field: f"Give at most {most} entries, not {len(definition[field])}."
        for field, most in LIST_LIMITS.items()
        if isinstance(definition.get(field), list) and len(definition[field]) > most
    }
    if errors:
        raise DefinitionError(errors)
    for field, parse in [
        ("time_zone", lambda d: zone_name(d.get("time_zone"), "time_zone")),
        ("opening_hours", lambda d: opening_ranges(d.get("opening_hours"))),
        ("holidays", _holidays),
        ("closures", lambda d: closure_spans(d.get("closures"))),
        ("business_day", lambda d: business_day(d.get("business_day_minutes", 480))),
    ]:
        try:
            parts[field] = parse(definition)
        except DefinitionError as error:
            errors |= error.errors
    if errors:
        raise DefinitionError(errors)
    return BusinessCalendar(
        parts["time_zone"],
        parts["opening_hours"],
        parts["holidays"],
        parts["closures"],
        parts["business_day"],
    )


def zone_name(value: Any, field: str) -> str:
    """Return `value` when it names an IANA time zone."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        raise DefinitionError(
            {field: f"{value!r} is not an IANA time zone such as Europe/Amsterdam."}
        ) from None
    return value


def opening_ranges(value: Any) -> tuple[OpeningRange, ...]:
    """Parse [{"weekday": 0, "start": "08:30", "end": "17:00", "end_tz": null}, …]."""
    field = "opening_hours"
    example = '{"weekday": 0, "start": "08:30", "end": "17:00"}'
    if not isinstance(value, list | tuple):
        raise DefinitionError({field: f"Give a list of ranges such as [{example}]."})
    if not value:
        raise DefinitionError(
            {
                field: f"Give at least one range such as {example}: a calendar that never opens "
                "cannot count business time."
            }
        )
    ranges = []
    for n, item in enumerate(value, 1):
        where = f"Range {n}"
        if not isinstance(item, Mapping):
            raise DefinitionError({field: f"{where} must be an object such as {example}."})
        _no_unknown_keys(item, _RANGE_KEYS, field, where)
        weekday = item.get("weekday")
        if isinstance(weekday, bool) or not isinstance(weekday, int) or weekday not in range(7):
            raise DefinitionError(
                {field: f"{where}: weekday must be 0 (Monday) to 6 (Sunday), not {weekday!r}."}
            )
        start = _clock(item.get("start"), field, f"{where}: start")
        end = _clock(item.get("end"), field, f"{where}: end")
        end_tz = item.get("end_tz") or None
        if end_tz is not None:
            try:
                zone_name(end_tz, field)
            except DefinitionError:
                raise DefinitionError(
                    {
                        field: f"{where}: end_tz {end_tz!r} is not an IANA time zone such as "
                        "America/Los_Angeles."
                    }
                ) from None
        ranges.append(OpeningRange(weekday, start, end, end_tz))
    return tuple(ranges)


def closure_spans(value: Any) -> tuple[tuple[datetime, datetime], ...]:
    """Parse [{"start": ISO, "end": ISO, "reason": "…"}, …]; both ends need a UTC offset."""
    field = "closures"
    if value in (None, ""):
        return ()
    if not isinstance(value, list | tuple):
        raise DefinitionError(
            {
                field: 'Give a list such as [{"start": "2026-12-24T12:00+01:00", "end": '
                '"2026-12-24T17:00+01:00", "reason": "Christmas Eve"}].'
            }
        )
    spans = []
    for n, item in enumerate(value, 1):
        where = f"Closure {n}"
        if not isinstance(item, Mapping):
            raise DefinitionError({field: f"{where} must be an object with start, end and reason."})
        _no_unknown_keys(item, _CLOSURE_KEYS, field, where)
        reason = item.get("reason", "")
        if not isinstance(reason, str) or len(reason) > limits.SHORT_TEXT:
            raise DefinitionError(
                {
                    field: f"{where}: give its reason as a text of at most {limits.SHORT_TEXT} characters."
                }
            )
        start = _aware(item.get("start"), field, f"{where}: start")
        end = _aware(item.get("end"), field, f"{where}: end")
        if end <= start:
            raise DefinitionError(
                {
                    field: f"{where} ends at {end.isoformat()}, not after its start "
                    f"{start.isoformat()}."
                }
            )
        spans.append((start, end))
    return tuple(spans)


def holiday_set(spec: Any, added: Any = (), removed: Any = ()) -> HolidaySet:
    """The holidays of `spec` (a named set or a country code) with dates added and removed."""
    spec = spec or ""
    if not isinstance(spec, str):
        raise DefinitionError({"holiday_spec": f"Give a text such as nl-general, not {spec!r}."})
    added_dates = _dates(added, "added_dates")
    removed_dates = _dates(removed, "removed_dates")
    try:
        return HolidaySet(spec, added_dates, removed_dates)
    except ValueError:
        named = ", ".join(sorted(NAMED_SETS))
        raise DefinitionError(
            {
                "holiday_spec": f"{spec!r} is neither a named holiday set ({named}) nor a country "
                "code with an optional subdivision such as NL, US or US-CA."
            }
        ) from None


def business_day(minutes: Any) -> timedelta:
    """The duration a "business day" target stands for (seed 001: eight business hours)."""
    if (
        isinstance(minutes, bool)
        or not isinstance(minutes, int)
        or not 1 <= minutes <= limits.DAY_MINUTES
    ):
        raise DefinitionError(
            {
                "business_day_minutes": f"Give a whole number of minutes from 1 to "
                f"{limits.DAY_MINUTES}, such as 480 for eight hours, not {minutes!r}."
            }
        )
    return timedelta(minutes=minutes)


def summary(definition: Mapping[str, Any]) -> str:
    """One line an operator reads at a glance: "Mon–Fri 08:30–17:00 Europe/Amsterdam, nl-general".

    A range that ends in another zone names both: "Mon–Fri 08:00 America/New_York–18:00
    America/Los_Angeles, US". Works on invalid definitions too, as far as they can be read.
    """
    zone = definition.get("time_zone") or "?"
    try:
        ranges = opening_ranges(definition.get("opening_hours"))
    except DefinitionError:
        hours = "opening hours to correct"
    else:
        by_day = {d: [r for r in ranges if r.weekday == d] for d in range(7)}
        texts = {
            d: ", ".join(_range_text(r, zone) for r in by_day[d]) for d in range(7) if by_day[d]
        }
        groups = []
        for text in dict.fromkeys(texts.values()):
            days = [d for d, t in texts.items() if t == text]
            groups.append(f"{_day_runs(days)} {text}")
        hours = "; ".join(groups)
    crossing = any(
        (r.get("end_tz") or zone) != zone
        for r in definition.get("opening_hours") or []
        if isinstance(r, Mapping)
    )
    words = hours if crossing else f"{hours} {zone}"
    words += f", {definition.get('holiday_spec') or 'no holidays'}"
    changes = []
    for key, noun in [
        ("added_dates", "added date"),
        ("removed_dates", "removed date"),
        ("closures", "closure"),
    ]:
        if count := len(definition.get(key) or []):
            changes.append(f"{count} {noun}{'' if count == 1 else 's'}")
    return words + (f" ({', '.join(changes)})" if changes else "")


def _holidays(definition: Mapping[str, Any]) -> HolidaySet:
    return holiday_set(
        definition.get("holiday_spec"),
        definition.get("added_dates") or (),
        definition.get("removed_dates") or (),
    )


def _range_text(r: OpeningRange, zone: str) -> str:
    if r.end_tz and r.end_tz != zone:
        return f"{r.start:%H:%M} {zone}–{r.end:%H:%M} {r.end_tz}"
    return f"{r.start:%H:%M}–{r.end:%H:%M}"


def _day_runs(days: list[int]) -> str:
    """[0, 1, 2, 3, 4, 6] → "Mon–Fri, Sun"."""
    runs = []
    for _, run in groupby(enumerate(days), key=lambda pair: pair[1] - pair[0]):
        run = [d for _, d in run]
        runs.append(
            WEEKDAYS[run[0]] if len(run) == 1 else f"{WEEKDAYS[run[0]]}–{WEEKDAYS[run[-1]]}"
        )
    return ", ".join(runs)


def _no_unknown_keys(item: Mapping, known: tuple[str, ...], field: str, where: str) -> None:
    unknown = sorted(set(item) - set(known))
    if unknown:
        raise DefinitionError(
            {field: f"{where}: unknown key {unknown[0]!r}; use {', '.join(known)}."}
        )


def _clock(value: Any, field: str, what: str) -> time:
    try:
        clock = time.fromisoformat(value)
    except (TypeError, ValueError):
        clock = None
    if clock is None or clock.tzinfo is not None or len(value) not in (5, 8):
        raise DefinitionError(
            {
                field: f"{what} must be a wall-clock time such as 08:30 (00:00 for midnight), "
                f"not {value!r}."
            }
        )
    return clock


def _aware(value: Any, field: str, what: str) -> datetime:
    try:
        instant = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise DefinitionError(
            {
                field: f"{what} must be an ISO 8601 date and time with a UTC offset, such as "
                f"2026-12-24T12:00+01:00, not {value!r}."
            }
        ) from None
    if instant.utcoffset() is None:
        raise DefinitionError(
            {field: f"{what} {value!r} has no UTC offset; add one, such as +01:00 or Z."}
        )
    return instant


def _dates(value: Any, field: str) -> frozenset[date]:
    if value in (None, ""):
        return frozenset()
    if not isinstance(value, list | tuple):
        raise DefinitionError({field: 'Give a list of dates such as ["2026-12-24"].'})
    found = set()
    for item in value:
        try:
            found.add(date.fromisoformat(item))
        except (TypeError, ValueError):
            raise DefinitionError({field: f"{item!r} is not a date such as 2026-12-24."}) from None
    return frozenset(found)
