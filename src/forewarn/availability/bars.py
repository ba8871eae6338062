"""Uptime bars for the public status page: a bar per local day, from the report engine.

Every component and day is one key of a single engine pass (``intervals.measure_keys``, the
core ``engine.daily_availability`` uses for one component), so 200 components × 90 days cost
four queries and one vectorised measurement. Days are the provider's (``PROVIDER_TIME_ZONE``);
each day is measured as a report would measure it, with the same exclusions, except that a
beta component shows its real uptime: the beta exclusion is contractual, not an outage.

A component's past days (every day but today) are kept in this process under a fingerprint of
everything they are measured from: its spec and category, its own and its members' status
rows and the exclusions that may apply, cut to those days. A change to one component changes
only its fingerprint, so the other components' past bars are not worked out again; today's
bar, which moves with the clock, is measured for every component each time (one key each).
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from html import escape

import numpy as np
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from forewarn.availability import columns, engine
from forewarn.availability import intervals as iv

from . import services
from .fingerprints import fingerprints
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
    """A component's days: their HTML (built here), the overall figure, and the bars on request."""

    chunks: tuple  # (_Measured, row, dates, labels) for runs of days, oldest first
    availability_pct: float | None
    days: int
    html: SafeString

    @property
    def bars(self) -> list[Bar]:
        return [bar for chunk in self.chunks for bar in _bars(*chunk)]

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


def _fragment(label: str, figures) -> str:
    level, text, notable = _bar(label, *figures)
    focus = ' tabindex="0"' if notable else ""
    return f'<li class="u-{level}"{focus}><span class="tip">{escape(text)}</span></li>'


@dataclass(frozen=True, slots=True)
class _Measured:
    """Per component (rows) and day (columns): seconds, the worst status and the figure."""

    total: np.ndarray
    excluded_by_reason: np.ndarray  # (components, days, reasons)
    unavailable: np.ndarray
    worst: np.ndarray
    pct: np.ndarray

    def figures(self, i: int, d: int) -> tuple:
        return (
            int(self.total[i, d]),
            self.excluded_by_reason[i, d].tolist(),
            int(self.unavailable[i, d]),
            int(self.worst[i, d]),
            float(self.pct[i, d]),
        )

    def html(self, labels: list[str]) -> list[str]:
        """Each component's days as list items. Whole days at 100 % and days without data say
        the same for every component: only the others are worded one by one."""
        n, days = self.total.shape
        perfect = [f'<li class="u-ok"><span class="tip">{escape(x)}: 100 % available</span></li>'
                   for x in labels]  # fmt: skip
        empty = [f'<li class="u-none"><span class="tip">{escape(x)}: no data</span></li>'
                 for x in labels]  # fmt: skip
        items = np.empty((n, days), dtype=object)
        items[:] = perfect
        excluded = self.excluded_by_reason.sum(axis=2)
        clean = (self.total > 0) & (self.unavailable == 0) & (self.worst == 0) & (excluded == 0)
        none = self.total <= 0
        items[none] = np.broadcast_to(np.array(empty, dtype=object), (n, days))[none]
        for i, d in zip(*np.nonzero(~clean & ~none), strict=True):
            items[i, d] = _fragment(labels[d], self.figures(i, d))
        return ["".join(row) for row in items.tolist()]


def _bars(measured: _Measured, i: int, dates, labels) -> list[Bar]:
    bars = []
    for d, (day, label) in enumerate(zip(dates, labels, strict=True)):
        figures = measured.figures(i, d)
        level, text, notable = _bar(label, *figures)
        pct = figures[-1]
        bars.append(Bar(day, None if pct != pct else pct, level, text, notable))
    return bars


@dataclass(frozen=True, slots=True)
class _Past:
    """A component's days but today: where their figures are, their HTML and sums (seconds)."""

    chunk: tuple
    html: str
    total: int
    excluded: int
    unavailable: int


_kept: dict[bytes, _Past] = {}  # by fingerprint: content-addressed, so never stale
_kept_lock = threading.Lock()
KEPT_MAX = 5000


def forget_kept() -> None:
    """Drop every component's kept days (benchmarks measure the page from nothing with it)."""
    with _kept_lock:
        _kept.clear()


def uptime_bars(components, *, days: int = 90, now: datetime | None = None) -> dict[int, Uptime]:
    """The last ``days`` local days (today so far included) per component, by pk."""
    now = now or timezone.now()
    zone = services.provider_zone()
    today = now.astimezone(zone).date()
    first = today - timedelta(days=days - 1)
    dates = [first + timedelta(days=d) for d in range(days + 1)]
    midnights = [datetime.combine(day, time(0), tzinfo=zone) for day in dates]
    period = engine.Period(midnights[0], midnights[-1])
    inputs = services.engine_inputs(components, period, detail=False)
    if not inputs.specs:
        return {}
    specs = [dataclasses.replace(spec, is_beta=False) for spec in inputs.specs.values()]
    bounds = np.array([columns.to_seconds(m) for m in midnights], dtype=np.int64)
    bounds[-1] = min(bounds[-1], columns.to_seconds(now))
    exclusions = columns.ExclusionColumns.from_exclusions(inputs.exclusions)
    prints = fingerprints(specs, inputs, exclusions, bounds[0], bounds[-2], f"{zone}:{first}")
    labels = [_day_label(day) for day in dates[:-1]]
    labels[-1] += " (today so far)"
    kept = {spec.id: _kept.get(prints[spec.id]) for spec in specs}
    if missing := [spec for spec in specs if kept[spec.id] is None]:
        measured = _measure(missing, inputs, exclusions, bounds[:-1])
        html = measured.html(labels[:-1])
        for i, spec in enumerate(missing):
            kept[spec.id] = _Past(
                (measured, i, dates[:-2], labels[:-1]),
                html[i],
                int(measured.total[i].sum()),
                int(measured.excluded_by_reason[i].sum()),
                int(measured.unavailable[i].sum()),
            )
        with _kept_lock:
            if len(_kept) + len(missing) > KEPT_MAX:
                _kept.clear()
            _kept.update((prints[spec.id], kept[spec.id]) for spec in missing)
    latest = _measure(specs, inputs, exclusions, bounds[-2:])
    html = latest.html(labels[-1:])
    pasts = [kept[spec.id] for spec in specs]
    overall = engine.availability_pct(
        np.array([p.total for p in pasts]) + latest.total[:, 0],
        np.array([p.excluded for p in pasts]) + latest.excluded_by_reason[:, 0].sum(axis=1),
        np.array([p.unavailable for p in pasts]) + latest.unavailable[:, 0],
    ).tolist()
    return {
        spec.id: Uptime(
            (past.chunk, (latest, i, dates[-2:-1], labels[-1:])),
            None if figure != figure else figure,  # NaN: nothing measured
            days,
            mark_safe(past.html + html[i]),  # every text is escaped
        )
        for i, (spec, past, figure) in enumerate(zip(specs, pasts, overall, strict=True))
    }


def _measure(specs, inputs, exclusions, bounds: np.ndarray) -> _Measured:
    """The days between consecutive ``bounds`` for each of ``specs``, in one engine pass."""
    table = engine.component_table(specs, inputs.categories.values())
    n, days = len(specs), len(bounds) - 1
    key_component = np.repeat(np.arange(n), days)
    win_start = np.maximum(np.tile(bounds[:-1], n), table.measured_from[key_component])
    win_end = np.tile(bounds[1:], n)
    m = iv.measure_keys(table, key_component, win_start, win_end, inputs.statuses, exclusions)
    total = np.maximum(win_end - win_start, 0)
    pct = engine.availability_pct(total, m.excluded, m.unavailable)
    return _Measured(
        total.reshape(n, days),
        m.excluded_by_reason.reshape(n, days, -1),
        m.unavailable.reshape(n, days),
        m.worst_status.reshape(n, days),
        pct.reshape(n, days),
    )
