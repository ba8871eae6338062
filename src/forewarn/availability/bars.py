"""Uptime bars for the public status page: a bar per local day, from the report engine.

Every component and day is one key of a single engine pass (``intervals.measure_keys``, the
core ``engine.daily_availability`` uses for one component), so 20 components × 90 days cost
four queries and one vectorised measurement. Days are the provider's (``PROVIDER_TIME_ZONE``);
each day is measured as a report would measure it, with the same exclusions, except that a
beta component shows its real uptime: the beta exclusion is contractual, not an outage.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from html import escape

import numpy as np
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from forewarn.availability import columns, engine
from forewarn.availability import intervals as iv

from . import services
from .reports import REASON_LABELS, STATUS_LABELS, pct_text

GOOD_PCT, FAIR_PCT = 99.99, 99.0


@dataclass(frozen=True, slots=True)
class Bar:
    """One day: its level (ok, minor, major, excluded, none) and what it says in words.

    Days with something to tell (downtime, exclusions, a status that did not count) take
    keyboard focus; perfect and empty days do not, so a keyboard user is not walked through
    ninety of them per component.
    """

    day: date
    availability_pct: float | None
    level: str
    text: str
    is_focusable: bool


@dataclass(frozen=True, slots=True)
class Uptime:
    bars: list[Bar]
    availability_pct: float | None
    days: int
    html: SafeString

    @property
    def text(self) -> str:
        if self.availability_pct is None:
            return f"No data for the last {self.days} days"
        return f"{_pct(self.availability_pct)} % available over the last {self.days} days"


def _pct(value: float) -> str:
    return pct_text(value, 2).removesuffix(".00")


def _day_label(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _minutes(value: float) -> str:
    return "less than 1 min" if 0 < value < 0.5 else f"{round(value):d} min"


def _reason(excluded_by_reason: list[int]) -> str:
    """The reason holding most of a day's excluded time."""
    most = max(range(len(excluded_by_reason)), key=excluded_by_reason.__getitem__)
    return REASON_LABELS[columns.REASONS[most]]


def _bar(label, total, excluded_by_reason, unavailable, worst, pct) -> tuple[str, str, bool]:
    """A day's level, its figure in words, and whether it has something to tell."""
    if total <= 0:
        return "none", f"{label}: no data", False
    if pct != pct:  # NaN: everything measured was excluded
        return "excluded", f"{label}: not measured ({_reason(excluded_by_reason)})", True
    text = f"{label}: {_pct(pct)} % available"
    status = STATUS_LABELS[columns.STATUSES[worst]].lower()
    if unavailable > 0:
        text += f", {_minutes(unavailable / 60)} {status}"
    elif worst and worst != columns.UNDER_MAINTENANCE:  # maintenance time is said not measured
        text += f"; {status} not counted as downtime"
    if excluded := sum(excluded_by_reason):
        text += f"; {_minutes(excluded / 60)} not measured ({_reason(excluded_by_reason)})"
    level = "ok" if pct >= GOOD_PCT else "minor" if pct >= FAIR_PCT else "major"
    return level, text, level != "ok" or bool(worst) or excluded > 0


def _html(bars: list[Bar]) -> SafeString:
    """The bars as list items, built here: 20 × 90 template includes would cost ~70 ms a page."""
    focus = {True: ' tabindex="0"', False: ""}
    return mark_safe(  # every text is escaped
        "".join(
            f'<li class="u-{bar.level}"{focus[bar.is_focusable]}>'
            f'<span class="tip">{escape(bar.text)}</span></li>'
            for bar in bars
        )
    )


def uptime_bars(components, *, days: int = 90, now: datetime | None = None) -> dict[int, Uptime]:
    """The last ``days`` local days (today so far included) per component, by pk."""
    now = now or timezone.now()
    zone = services.provider_zone()
    today = now.astimezone(zone).date()
    first = today - timedelta(days=days - 1)
    dates = [first + timedelta(days=d) for d in range(days + 1)]
    midnights = [datetime.combine(day, time(0), tzinfo=zone) for day in dates]
    inputs = services.engine_inputs(components, engine.Period(midnights[0], midnights[-1]))
    if not inputs.specs:
        return {}
    specs = [dataclasses.replace(spec, is_beta=False) for spec in inputs.specs.values()]
    table = engine.component_table(specs, inputs.categories.values())
    bounds = np.array([columns.to_seconds(m) for m in midnights], dtype=np.int64)
    n = len(specs)
    key_component = np.repeat(np.arange(n), days)
    win_start = np.maximum(np.tile(bounds[:-1], n), table.measured_from[key_component])
    win_end = np.tile(np.minimum(bounds[1:], columns.to_seconds(now)), n)
    exclusions = columns.ExclusionColumns.from_exclusions(inputs.exclusions)
    m = iv.measure_keys(table, key_component, win_start, win_end, inputs.statuses, exclusions)
    total = np.maximum(win_end - win_start, 0)
    pct = engine.availability_pct(total, m.excluded, m.unavailable)

    labels = [_day_label(day) for day in dates[:-1]]
    labels[-1] += " (today so far)"
    figures = zip(
        total.tolist(),
        m.excluded_by_reason.tolist(),
        m.unavailable.tolist(),
        m.worst_status.tolist(),
        pct.tolist(),
        strict=True,
    )
    found = {}
    for i, spec in enumerate(specs):
        bars = []
        for d in range(days):
            level, text, notable = _bar(labels[d], *next(figures))
            value = pct[i * days + d]
            figure = None if np.isnan(value) else float(value)
            bars.append(Bar(dates[d], figure, level, text, notable))
        keys = slice(i * days, (i + 1) * days)
        overall = engine.availability_pct(
            total[keys].sum(), m.excluded[keys].sum(), m.unavailable[keys].sum()
        )
        found[spec.id] = Uptime(
            bars, None if np.isnan(overall) else float(overall), days, _html(bars)
        )
    return found
