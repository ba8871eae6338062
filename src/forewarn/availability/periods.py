"""Report periods as operators write them: ``2026-Q3``, ``2026-09``, ``2026`` or two dates.

A period names local dates; ``bounds(tz)`` places it in a contract's time zone, so one request
measures each product category over its own zone's midnights (docs/product.md S8).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from forewarn.availability.specs import Period, midnight

_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_FIRST_YEAR, _LAST_YEAR = 2000, 2100

PERIOD_HELP = "a quarter (2026-Q3), a month (2026-09), a year (2026), or start and end dates"


@dataclass(frozen=True)
class ReportPeriod:
    """Local dates ``first`` to ``last`` (both included), with the label they were asked by."""

    kind: str  # quarter, month, year, range
    first: date
    last: date
    label: str

    def bounds(self, tz: tzinfo | str) -> Period:
        """From midnight starting ``first`` to midnight ending ``last``, in ``tz``."""
        zone = ZoneInfo(tz) if isinstance(tz, str) else tz
        return Period(midnight(self.first, zone), midnight(self.last + _DAY, zone))

    def as_query(self) -> dict[str, str]:
        if self.kind == "range":
            return {"start": self.first.isoformat(), "end": self.last.isoformat()}
        return {"period": self.label}


_DAY = timedelta(days=1)


def quarter(year: int, number: int) -> ReportPeriod:
    first = date(year, 3 * number - 2, 1)
    return ReportPeriod("quarter", first, _month_end(year, 3 * number), f"{year}-Q{number}")


def month(year: int, number: int) -> ReportPeriod:
    return ReportPeriod(
        "month", date(year, number, 1), _month_end(year, number), f"{year}-{number:02d}"
    )


def year(number: int) -> ReportPeriod:
    return ReportPeriod("year", date(number, 1, 1), date(number, 12, 31), str(number))


def _month_end(year: int, number: int) -> date:
    following = date(year + number // 12, number % 12 + 1, 1)
    return following - _DAY


def current_quarter(now: datetime, tz: tzinfo | str) -> ReportPeriod:
    local = now.astimezone(ZoneInfo(tz) if isinstance(tz, str) else tz)
    return quarter(local.year, (local.month - 1) // 3 + 1)


def containing(kind: str, day: date) -> ReportPeriod:
    """The contract period of ``kind`` (month, quarter, year) holding ``day``."""
    if kind == "month":
        return month(day.year, day.month)
    if kind == "quarter":
        return quarter(day.year, (day.month - 1) // 3 + 1)
    if kind == "year":
        return year(day.year)
    raise ValueError(f"unknown period kind {kind!r}")


def covering(kind: str, requested: ReportPeriod) -> list[ReportPeriod]:
    """The whole contract periods of ``kind`` that share a day with ``requested``, in order."""
    found = [containing(kind, requested.first)]
    while found[-1].last < requested.last:
        found.append(containing(kind, found[-1].last + _DAY))
    return found


def _check_year(number: int, field: str) -> None:
    if not _FIRST_YEAR <= number <= _LAST_YEAR:
        raise ValidationError({field: f"{number} is outside {_FIRST_YEAR}–{_LAST_YEAR}."})


def _date(value, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(
            {field: f"'{value}' is not a date; write it as 2026-07-01."}
        ) from None


def parse(
    period: str | None = None,
    start=None,
    end=None,
    *,
    now: datetime,
    default_tz: tzinfo | str,
) -> ReportPeriod:
    """The period a request asks for; nothing asked: the current quarter in ``default_tz``.

    ``end`` is the last day included. Raises ``ValidationError`` naming the field at fault.
    """
    period = (period or "").strip()
    has_range = start not in (None, "") or end not in (None, "")
    if period and has_range:
        raise ValidationError({"period": "Give either a period or start and end dates, not both."})
    if has_range:
        if start in (None, ""):
            raise ValidationError({"start": "Give the first day of the range too."})
        if end in (None, ""):
            raise ValidationError({"end": "Give the last day of the range too."})
        first, last = _date(start, "start"), _date(end, "end")
        _check_year(first.year, "start")
        _check_year(last.year, "end")
        if last < first:
            raise ValidationError({"end": f"The range ends ({last}) before it starts ({first})."})
        return ReportPeriod("range", first, last, f"{first.isoformat()} to {last.isoformat()}")
    if not period:
        return current_quarter(now, default_tz)
    if found := _QUARTER.match(period):
        _check_year(int(found[1]), "period")
        return quarter(int(found[1]), int(found[2]))
    if found := _MONTH.match(period):
        _check_year(int(found[1]), "period")
        if not 1 <= int(found[2]) <= 12:
            raise ValidationError({"period": f"'{period}': months run from 01 to 12."})
        return month(int(found[1]), int(found[2]))
    if found := _YEAR.match(period):
        _check_year(int(found[1]), "period")
        return year(int(found[1]))
    raise ValidationError({"period": f"'{period}' is not a period; use {PERIOD_HELP}."})


def requested(params) -> ReportPeriod:
    """The period a request's parameters ask for (``period``, or ``start`` and ``end``).

    No period: the current quarter in the provider's zone; each category then measures it
    between its own zone's midnights.
    """
    return parse(
        params.get("period"),
        params.get("start"),
        params.get("end"),
        now=timezone.now(),
        default_tz=settings.PROVIDER_TIME_ZONE,
    )
