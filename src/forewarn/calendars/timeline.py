"""The opening-time table behind ``engine.BusinessCalendar``: sorted open intervals of a span
of years with the opening time accumulated before each, and the lookups on it.

Instants are timedeltas since the Unix epoch (see ``engine``). Pure Python, no Django.
"""

from bisect import bisect_left, bisect_right
from datetime import timedelta

_ZERO = timedelta(0)
_ONE_DAY = timedelta(days=1)


class Timeline:
    """A calendar's open intervals over local years `first_year` to `last_year` (instants
    `lo` to `hi`), with `cum_start`/`cum_end` the opening time accumulated from `lo` to
    each interval's start/end, and `base` = start - cum_start, so that the opening time
    up to an instant x inside interval i is x - base[i].

    Two indexes replace bisection: `clock_index[k]` is the first interval ending after
    day k of the span (24 h from `lo` each), `open_index[k]` the first whose `cum_end`
    reaches k hours; from there a step or two finds the interval.
    """

    __slots__ = (
        "base",
        "business_dates",
        "clock_index",
        "cum_end",
        "cum_start",
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
        business = set()
        for ordinal, opens, closes in own:
            i = bisect_left(self.starts, closes) - 1
            if i >= 0 and self.ends[i] > opens:
                business.add(ordinal)
        self.business_dates = sorted(business)


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
