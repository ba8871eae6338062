"""The words and arithmetic of metrics: display modes, visibility, periods, buckets, downsampling.

Pure Python, no Django.

A point is ``(at, value, count)``: ``count`` observations whose mean is ``value`` (a client
that posts one reading sends count 1; Cachet merges equal readings into one point with a
counter). A bucket of a period adds up its points' ``value × count`` (``total``) and their
``count``; a metric shown as a **sum** shows ``total`` (requests per bucket), one shown as an
**average** shows ``total / count`` (the mean response time, each reading weighed once).

Buckets are aligned on multiples of their width since the Unix epoch, so the same instant
falls in the same bucket on every request and every server: a chart changes only when a
bucket does, which is what lets the status page cache it (``public``).

The database keeps, beside the points, one **rollup** per metric and 5-minute *slot* (the
slot's number since the epoch, its points' total, count, lowest and highest value), kept up
to date as points arrive (``rollup``). Every bucket width is a whole number of slots and every
bucket starts on a slot, so a chart is summed from rollups alone: at most 8,640 rows for a
month, however often the metric is fed.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class DisplayMode(StrEnum):
    SUM = "sum"
    AVERAGE = "average"


class MetricVisibility(StrEnum):
    """Who sees a metric: everyone on the status page, staff only (console, API), or nobody."""

    PUBLIC = "public"
    INTERNAL = "internal"
    HIDDEN = "hidden"


class Period(StrEnum):
    """The charts the status page shows, each a span cut into buckets of one width."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"

    @property
    def span(self) -> timedelta:
        return SPANS[self][0]

    @property
    def width(self) -> timedelta:
        return SPANS[self][1]

    @property
    def label(self) -> str:
        return f"last {self.value}"


SPANS = {
    Period.DAY: (timedelta(days=1), timedelta(minutes=5)),  # 288 buckets
    Period.WEEK: (timedelta(days=7), timedelta(hours=1)),  # 168 buckets
    Period.MONTH: (timedelta(days=30), timedelta(hours=4)),  # 180 buckets
}
# The finest bucket: a point changes what a chart shows at most this often. Rollups are kept
# per slot of this width.
FINEST = min(width for _, width in SPANS.values())
SLOT_SECONDS = int(FINEST.total_seconds())
# New points reach the public page (and its static copy) at most this often: a batch marks its
# metric's charts changed until the end of the minute it arrived in (``changed_until``), and the
# page's stamp moves to that minute's end once it has passed (``charts_stamp``).
REFRESH = timedelta(minutes=1)

# Bounds of one point and of one batch (the API's and the service's).
VALUE_LIMIT = 1e15
COUNT_LIMIT = 1_000_000
BATCH_LIMIT = 5_000
RETENTION_DAYS_LIMIT = 3_660
DECIMALS_LIMIT = 6


@dataclass(frozen=True)
class Window:
    """The buckets of a chart: ``size`` buckets of ``width`` from ``start`` (aligned), to ``end``."""

    start: datetime
    end: datetime
    width: timedelta

    @property
    def size(self) -> int:
        return round((self.end - self.start) / self.width)

    def index(self, at: datetime) -> int | None:
        """The bucket ``at`` falls in, or None outside the window."""
        if not self.start <= at < self.end:
            return None
        return int((at - self.start) // self.width)

    def bucket_start(self, index: int) -> datetime:
        return self.start + index * self.width


def window(period: Period, now: datetime) -> Window:
    """The window of ``period`` that ends with the bucket holding ``now``."""
    width = period.width
    end = aligned(now, width) + width
    return Window(start=end - period.span, end=end, width=width)


def aligned(at: datetime, width: timedelta) -> datetime:
    """The start of the bucket of ``width`` holding ``at`` (aligned on the Unix epoch)."""
    return EPOCH + ((at - EPOCH) // width) * width


def changed_until(arrived: datetime) -> datetime:
    """What a batch of points arriving at ``arrived`` sets its metric's
    ``points_changed_until`` to (if later): the end of its ``REFRESH`` minute."""
    return aligned(arrived, REFRESH) + REFRESH


def charts_stamp(now: datetime, points_changed_until: datetime | None) -> datetime:
    """When the public charts last changed, as of ``now``; a page showing them is current while
    this stays the same.

    The charts' windows move on at each ``FINEST`` bucket (the day chart's); points change them
    too, and are shown from the end of the ``REFRESH`` minute they arrived in: then the stamp
    becomes that minute's end (``points_changed_until``, the latest of the public metrics'), so
    it moves at most once a minute however many batches arrive, and not at all in a minute
    without any. A batch arriving after a page was rendered always moves the stamp past that
    page's by the end of its minute.
    """
    moved = aligned(now, FINEST)
    if points_changed_until is None:
        return moved
    return max(moved, min(aligned(now, REFRESH), points_changed_until))


@dataclass(frozen=True)
class Bucket:
    """One bucket of a downsampled series; ``value`` None: no points (and no default)."""

    start: datetime
    value: float | None
    total: float = 0.0
    count: int = 0
    low: float | None = None
    high: float | None = None


def shown(mode: DisplayMode, total: float, count: int) -> float | None:
    """What a bucket with these sums shows in ``mode``."""
    if count <= 0:
        return None
    return total if mode == DisplayMode.SUM else total / count


def from_sums(
    rows: Iterable[tuple[int, float, int, float, float]],
    win: Window,
    mode: DisplayMode,
    default: float | None = None,
) -> list[Bucket]:
    """The buckets of ``win`` from per-bucket sums ``(index, total, count, low, high)``.

    Buckets without points show ``default`` (Cachet's ``default_value``), or nothing.
    """
    found = {int(index): (total, count, low, high) for index, total, count, low, high in rows}
    buckets = []
    for index in range(win.size):
        start = win.bucket_start(index)
        if index in found:
            total, count, low, high = found[index]
            buckets.append(Bucket(start, shown(mode, total, count), total, count, low, high))
        else:
            buckets.append(Bucket(start, default))
    return buckets


def downsample(
    points: Iterable[tuple[datetime, float, int]],
    win: Window,
    mode: DisplayMode,
    default: float | None = None,
) -> list[Bucket]:
    """Downsample raw points into ``win``'s buckets (what the database's GROUP BY does)."""
    sums: dict[int, list] = {}
    for at, value, count in points:
        index = win.index(at)
        if index is None:
            continue
        entry = sums.setdefault(index, [0.0, 0, value, value])
        entry[0] += value * count
        entry[1] += count
        entry[2] = min(entry[2], value)
        entry[3] = max(entry[3], value)
    return from_sums(((i, *s) for i, s in sums.items()), win, mode, default)


# --- rollups -------------------------------------------------------------------------------

Sums = tuple[float, int, float, float]  # total, count, low, high


def slot_of(at: datetime) -> int:
    """The number of the 5-minute slot holding ``at`` (slot 0 began at the Unix epoch)."""
    # Float floor division is exact here: a timestamp keeps microseconds apart for centuries.
    return int(at.timestamp() // SLOT_SECONDS)


def slot_start(slot: int) -> datetime:
    return EPOCH + slot * FINEST


def rollup(points: Iterable[tuple[datetime, float, int]]) -> dict[int, Sums]:
    """The sums of ``points`` per slot."""
    found: dict[int, list] = {}
    for at, value, count in points:  # the hot loop of every batch: kept plain
        slot = int(at.timestamp() // SLOT_SECONDS)
        sums = found.get(slot)
        if sums is None:
            found[slot] = [value * count, count, value, value]
        else:
            sums[0] += value * count
            sums[1] += count
            if value < sums[2]:
                sums[2] = value
            elif value > sums[3]:
                sums[3] = value
    return {slot: tuple(sums) for slot, sums in found.items()}


def slot_range(win: Window) -> tuple[int, int]:
    """The first slot of ``win`` and the first after it."""
    return slot_of(win.start), slot_of(win.end)


def overall(buckets: list[Bucket], mode: DisplayMode) -> float | None:
    """The whole window's figure: the sum of everything, or the mean of every reading."""
    total = sum(b.total for b in buckets)
    count = sum(b.count for b in buckets)
    return shown(mode, total, count)


# --- checking points ------------------------------------------------------------------------


def point_problem(
    at: datetime, value: float, count: int, *, now: datetime, oldest: datetime, skew: timedelta
) -> str | None:
    """Why a point cannot be stored, or None."""
    if not isinstance(at, datetime) or at.utcoffset() is None:
        return f"{at!r} is not an instant with a UTC offset."
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{value!r} is not a number."
    if not math.isfinite(value) or abs(value) > VALUE_LIMIT:
        return f"{value!r} is not a finite number within ±{VALUE_LIMIT:g}."
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= COUNT_LIMIT:
        return f"count {count!r} is not a whole number from 1 to {COUNT_LIMIT:,}."
    if at > now + skew:
        return f"{at.isoformat()} is in the future."
    if at < oldest:
        return (
            f"{at.isoformat()} is older than the metric keeps points (since {oldest.isoformat()})."
        )
    return None
