"""The opening-time table behind ``engine.BusinessCalendar``: sorted open intervals of a span
of years with the opening time accumulated before each, and the lookups on it.

Instants are timedeltas since the Unix epoch (see ``engine``). Pure Python, no Django.
"""

from bisect import bisect_left, bisect_right
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ZERO = timedelta(0)
_ONE_DAY = timedelta(days=1)
_TICK = timedelta.resolution


class Timeline:
    """A calendar's open intervals over local years `first_year` to `last_year` (instants
    `lo` to `hi`), with `cum_start`/`cum_end` the opening time accumulated from `lo` to
    each interval's start/end, and `base` = start - cum_start, so that the opening time
    up to an instant x inside interval i is x - base[i].

    Two indexes replace bisection: `clock_index[k]` is the first interval ending after
    day k of the span (24 h from `lo` each), `open_index[k]` the first whose `cum_end`
    reaches k hours; from there a step or two finds the interval.

    `business_dates` are the local dates (ordinals) with opening time of their own; the
    business day of the k-th runs from `day_starts[k]`, its first opening as its hours are
    set, to `day_ends[k]`, its last closing, cut at the next one's start where they overlap
    (``engine.BusinessCalendar.business_days_before`` counts these).
    """

    __slots__ = (
        "base",
        "business_dates",
        "clock_index",
        "cum_end",
        "cum_start",
        "day_ends",
        "day_starts",
        "ends",
        "first_year",
        "hi",
        "last_year",
        "lo",
        "open_index",
        "starts",
        "total",
    )

    def __init__(self, first_year, last_year, lo, hi, intervals, own) -> None:
        self.first_year, self.last_year, self.lo, self.hi = first_year, last_year, lo, hi
        self.starts = [s for s, _ in intervals]
        self.ends = [e for _, e in intervals]
        self.cum_start, self.cum_end, self.base = [], [], []
        total = _ZERO
        for s, e in intervals:
            self.cum_start.append(total)
            self.base.append(s - total)
            total += e - s
            self.cum_end.append(total)
        self.total = total
        hour = timedelta(hours=1)
        self.clock_index = [
            bisect_right(self.ends, lo + k * _ONE_DAY) for k in range((hi - lo).days + 1)
        ]
        self.open_index = [bisect_left(self.cum_end, k * hour) for k in range(total // hour + 1)]
        spans: dict[int, tuple[timedelta, timedelta]] = {}
        business = set()
        for ordinal, opens, closes in own:
            i = bisect_left(self.starts, closes) - 1
            if i >= 0 and self.ends[i] > opens:
                business.add(ordinal)
            first, last = spans.get(ordinal, (opens, closes))
            spans[ordinal] = (min(first, opens), max(last, closes))
        self.business_dates = sorted(business)
        self.day_starts = [spans[ordinal][0] for ordinal in self.business_dates]
        ends = [spans[ordinal][1] for ordinal in self.business_dates]
        self.day_ends = [min(e, s) for e, s in zip(ends, self.day_starts[1:], strict=False)]
        self.day_ends += ends[len(self.day_ends) :]


def build(
    first_year: int,
    last_year: int,
    tz: ZoneInfo,
    weekly: tuple,
    closures: tuple,
    holidays: set[date],
) -> Timeline:
    """Compute the table of local years `first_year` to `last_year` in zone `tz`: `weekly`
    holds each weekday's (start, end, end zone) ranges, `closures` (opens, closes) instants,
    `holidays` the whole local days closed."""

    def midnight(day: date) -> timedelta:
        return datetime.combine(day, time(0), tzinfo=tz) - _EPOCH

    first_day, last_day = date(first_year, 1, 1).toordinal(), date(last_year, 12, 31).toordinal()
    opened, closed, own = [], list(closures), []
    # Start a few days early: a range may run past midnight into the first year.
    for ordinal in range(first_day - 3, last_day + 1):
        day = date.fromordinal(ordinal)
        if day in holidays:
            closed.append((midnight(day), midnight(day + _ONE_DAY)))
            continue
        for start, end, end_tz in weekly[day.weekday()]:
            opens_at = datetime.combine(day, start, tzinfo=tz)
            end_day = opens_at.astimezone(end_tz).date()
            opens = opens_at - _EPOCH
            closes = datetime.combine(end_day, end, tzinfo=end_tz) - _EPOCH
            if closes <= opens:
                closes = datetime.combine(end_day + _ONE_DAY, end, tzinfo=end_tz) - _EPOCH
            opened.append((opens, closes))
            if ordinal >= first_day:
                own.append((ordinal, opens, closes))
    lo, hi = midnight(date(first_year, 1, 1)), midnight(date(last_year + 1, 1, 1))
    intervals = [
        (max(s, lo), min(e, hi))
        for s, e in without(merged(opened), merged(closed))
        if e > lo and s < hi
    ]
    return Timeline(first_year, last_year, lo, hi, intervals, own)


def following(tab: Timeline, x: timedelta) -> int:
    """Return the index of the first interval that ends after instant x (lo <= x < hi)."""
    ends = tab.ends
    i = tab.clock_index[(x - tab.lo).days]
    while i < len(ends) and ends[i] <= x:
        i += 1
    return i


def elapsed(tab: Timeline, x: timedelta) -> timedelta:
    """Return the opening time from the table's start to instant x (lo <= x < hi)."""
    i = following(tab, x)
    if i == len(tab.starts):
        return tab.total
    return x - tab.base[i] if x > tab.starts[i] else tab.cum_start[i]


def day_of(tab: Timeline, x: timedelta) -> tuple[int, timedelta]:
    """Return the business day holding instant x (its index in `day_starts`, -1 before the
    first) and how far into it x is; an instant between two business days is at the start
    of the later one."""
    k = bisect_right(tab.day_starts, x) - 1
    if k >= 0 and x >= tab.day_ends[k]:
        return k + 1, _ZERO
    return k, x - tab.day_starts[k] if k >= 0 else _ZERO


def day_length(tab: Timeline, k: int) -> timedelta:
    """Return the length of business day k, from its first opening to its last closing."""
    return tab.day_ends[k] - tab.day_starts[k]


def share(past: timedelta, of: timedelta, onto: timedelta, up: bool = False) -> timedelta:
    """Return past * onto / of to the microsecond, rounded down (up when `up`): the same
    share of a business day `onto` long as `past` is of one `of` long."""
    if of == onto:
        return past
    quotient, rest = divmod((past // _TICK) * (onto // _TICK), of // _TICK)
    return _TICK * (quotient + (1 if up and rest else 0))


def merged(spans: list) -> list:
    """Return `spans` sorted, with overlapping and touching ones joined."""
    joined: list = []
    for s, e in sorted(spans):
        if joined and s <= joined[-1][1]:
            if e > joined[-1][1]:
                joined[-1] = (joined[-1][0], e)
        else:
            joined.append((s, e))
    return joined


def without(opened: list, closed: list) -> list:
    """Return the parts of sorted disjoint spans `opened` outside sorted disjoint `closed`."""
    kept, j = [], 0
    for s, e in opened:
        while j < len(closed) and closed[j][1] <= s:
            j += 1
        k = j
        while s < e and k < len(closed) and closed[k][0] < e:
            if closed[k][0] > s:
                kept.append((s, closed[k][0]))
            s = max(s, closed[k][1])
            k += 1
        if s < e:
            kept.append((s, e))
    return kept
