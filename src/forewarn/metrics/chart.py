"""A downsampled series drawn as a small SVG line chart, with its text alternative.

Pure Python, no Django.

``draw`` returns the chart's geometry (polyline coordinates in a fixed viewBox, the axis
labels) and its words: a title, a one-sentence summary (the whole period's figure, the lowest
and highest bucket with their times, the latest) and one row per bucket with points, so a
screen reader, a text browser or a search engine gets the values the picture shows. The
template (``metrics/_chart.html``) only places them.
"""

from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from .series import Bucket, DisplayMode, Period, overall

WIDTH, HEIGHT = 600, 120
TOP, BOTTOM, LEFT, RIGHT = 8, 8, 4, 4

TIME_FORMATS = {Period.DAY: "%H:%M", Period.WEEK: "%a %H:%M", Period.MONTH: "%-d %b %H:%M"}
AXIS_FORMATS = {Period.DAY: "%a %H:%M", Period.WEEK: "%a %-d %b", Period.MONTH: "%-d %b"}


@dataclass(frozen=True)
class Chart:
    title: str
    summary: str
    period: Period
    lines: list[str] = field(default_factory=list)  # SVG ``points`` of each unbroken stretch
    dots: list[tuple[float, float]] = field(default_factory=list)  # a lone bucket between gaps
    y_labels: tuple[str, str] = ("", "")  # highest, lowest
    x_labels: tuple[str, str] = ("", "")  # first bucket, last bucket
    rows: list[tuple[str, str]] = field(default_factory=list)  # (local time, value with unit)
    bucket_minutes: int = 0
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def has_data(self) -> bool:
        return bool(self.rows)

    @property
    def bucket_text(self) -> str:
        """How often the chart has a value: "every 5 minutes", "every hour", "every 4 hours"."""
        minutes = self.bucket_minutes
        if minutes % 60:
            return f"every {minutes} minutes"
        return "every hour" if minutes == 60 else f"every {minutes // 60} hours"


def number(value: float, decimals: int, unit: str = "") -> str:
    text = f"{value:,.{decimals}f}"
    if not unit:
        return text
    return f"{text}{unit}" if unit in ("%", "‰") else f"{text} {unit}"


def draw(
    buckets: list[Bucket],
    *,
    name: str,
    period: Period,
    mode: DisplayMode,
    unit: str,
    decimals: int,
    zone: tzinfo,
) -> Chart:
    """The chart of ``buckets`` (one period's, oldest first), times shown in ``zone``."""
    title = f"{name}, {period.label}"
    minutes = int(period.width.total_seconds() // 60)

    def when(at: datetime) -> str:
        return at.astimezone(zone).strftime(TIME_FORMATS[period])

    def fmt(value: float) -> str:
        return number(value, decimals, unit)

    filled = [b for b in buckets if b.value is not None]
    if not filled:
        return Chart(
            title=title,
            summary=f"No data for the {period.label}.",
            period=period,
            bucket_minutes=minutes,
        )
    low = min(filled, key=lambda b: b.value)
    high = max(filled, key=lambda b: b.value)
    latest = filled[-1]
    whole = overall(buckets, mode)
    parts = []
    if whole is not None:
        what = "Total" if mode == DisplayMode.SUM else "Average"
        parts.append(f"{what} over the {period.label}: {fmt(whole)}")
    parts.append(f"lowest {fmt(low.value)} at {when(low.start)}")
    parts.append(f"highest {fmt(high.value)} at {when(high.start)}")
    parts.append(f"latest {fmt(latest.value)} at {when(latest.start)}")
    summary = "; ".join(parts) + "."
    summary = summary[0].upper() + summary[1:]
    lines, dots = _geometry(buckets, low.value, high.value)
    first, last = buckets[0].start, buckets[-1].start
    axis = AXIS_FORMATS[period]
    return Chart(
        title=title,
        summary=summary,
        period=period,
        lines=lines,
        dots=dots,
        y_labels=(fmt(max(high.value, 0)), fmt(min(low.value, 0))),
        x_labels=(first.astimezone(zone).strftime(axis), last.astimezone(zone).strftime(axis)),
        rows=[(when(b.start), fmt(b.value)) for b in filled],
        bucket_minutes=minutes,
    )


def _geometry(buckets: list[Bucket], low: float, high: float):
    """Polylines through the buckets' values, broken where a bucket has none."""
    bottom, top = min(low, 0.0), max(high, 0.0)
    if top == bottom:
        top = bottom + 1.0
    step = (WIDTH - LEFT - RIGHT) / max(len(buckets) - 1, 1)
    span = HEIGHT - TOP - BOTTOM

    def xy(index: int, value: float) -> tuple[float, float]:
        return (
            round(LEFT + index * step, 1),
            round(TOP + (top - value) / (top - bottom) * span, 1),
        )

    stretches: list[list[tuple[float, float]]] = [[]]
    for index, bucket in enumerate(buckets):
        if bucket.value is None:
            if stretches[-1]:
                stretches.append([])
            continue
        stretches[-1].append(xy(index, bucket.value))
    lines = [" ".join(f"{x},{y}" for x, y in s) for s in stretches if len(s) > 1]
    dots = [s[0] for s in stretches if len(s) == 1]
    return lines, dots
