"""Business-time arithmetic on aware datetimes: opening hours, holidays and closures.

A calendar turns its rules, for a span of years, into one sorted table of open
intervals with the opening time accumulated before each (``timeline.Timeline``);
every question is then an index lookup in that table, which is widened lazily to
whatever years the arithmetic reaches. Instants are kept as timedeltas since the
Unix epoch: exact to the microsecond, and one C operation away from an aware
datetime either way.
Results are aware datetimes in UTC (the form the database keeps); the wall-clock
rules (opening hours, holidays, business dates) apply in the calendar's zone.
Pure Python, no Django.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import MAXYEAR, MINYEAR, UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from forewarn.calendars.holiday_sets import HolidaySet
from forewarn.calendars.timeline import (
    Timeline,
    build,
    day_length,
    day_of,
    elapsed,
    following,
    share,
)

type HolidaySource = Callable[[int], Iterable[date]] | Iterable[date]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ZERO = timedelta(0)
_ONE_DAY = timedelta(days=1)
# How far ahead or back an answer is looked for before a calendar counts as never open.
_SEARCH_YEARS = 100
# A table is widened to take in a new query while it stays this short; else it is replaced.
_MAX_SPAN_YEARS = 200


@dataclass(frozen=True, slots=True)
class OpeningRange:
    """Opening hours on one weekday (0 = Monday): from `start` in the calendar's zone
    until the first `end` wall-clock time after it in `end_tz` (default the calendar's).

    So 22:00-06:00 runs overnight, 00:00-00:00 is the whole day, and seed 004's
    "8:00am EST to 6:00pm PST" is `OpeningRange(d, time(8), time(18), "America/Los_Angeles")`
    in an America/New_York calendar.
    """

    weekday: int
    start: time
    end: time
    end_tz: str | None = None

    def __post_init__(self) -> None:
        if self.weekday not in range(7):
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {self.weekday!r}")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("opening times are wall-clock times: give them without tzinfo")
        if self.end_tz is not None:
            _zone(self.end_tz)


def weekly_hours(
    start: time, end: time, weekdays: Iterable[int] = range(5), end_tz: str | None = None
) -> tuple[OpeningRange, ...]:
    """Return the same opening range on each of `weekdays` (default Monday to Friday)."""
    return tuple(OpeningRange(weekday, start, end, end_tz) for weekday in weekdays)


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """When a provider is open: weekly hours in an IANA zone, minus holidays (whole local
    days) and one-off closures (aware start, end). `holidays` is a set of dates or a
    callable returning a year's dates (such as a `HolidaySet`), so any year works.

    `business_day` is the duration a "business day" target stands for (seed 001:
    "eight consecutive business hours"). Every method takes aware datetimes in any
    zone, raises ValueError on naive ones, and answers in UTC.
    """

    zone: str
    hours: tuple[OpeningRange, ...]
    holidays: HolidaySource = frozenset()
    closures: tuple[tuple[datetime, datetime], ...] = ()
    business_day: timedelta = timedelta(hours=8)
    _tz: ZoneInfo = field(init=False, repr=False, compare=False)
    _weekly: tuple = field(init=False, repr=False, compare=False)
    _closed: tuple = field(init=False, repr=False, compare=False)
    _table: "Timeline | None" = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        tz = _zone(self.zone)
        hours = tuple(self.hours)
        if not hours or not all(isinstance(r, OpeningRange) for r in hours):
            raise ValueError("a business calendar needs at least one OpeningRange")
        if self.business_day <= _ZERO:
            raise ValueError("business_day must be a positive duration")
        closures = tuple((start, end) for start, end in self.closures)
        closed = tuple((_instant(start), _instant(end)) for start, end in closures)
        if any(start >= end for start, end in closed):
            raise ValueError("every closure must end after it starts")
        weekly = tuple(
            tuple(
                (r.start, r.end, _zone(r.end_tz) if r.end_tz else tz)
                for r in hours
                if r.weekday == d
            )
            for d in range(7)
        )
        holidays = self.holidays if callable(self.holidays) else frozenset(self.holidays)
        for name, value in [
            ("hours", hours),
            ("closures", closures),
            ("holidays", holidays),
            ("_tz", tz),
            ("_weekly", weekly),
            ("_closed", closed),
            ("_table", None),
        ]:
            object.__setattr__(self, name, value)

    def is_open(self, t: datetime) -> bool:
        """Whether `t` lies in opening time (an interval holds its start, not its end)."""
        x = _instant(t)
        tab = self._table_for(x)
        i = following(tab, x)
        return i < len(tab.starts) and tab.starts[i] <= x

    def next_open(self, t: datetime) -> datetime:
        """Return `t` itself when open, else the next opening instant."""
        x = _instant(t)
        tab = self._table_for(x)
        while (i := following(tab, x)) == len(tab.starts):
            tab = self._grown(tab, True, x)
        return _EPOCH + max(x, tab.starts[i])

    def next_close(self, t: datetime) -> datetime:
        """Return the end of the opening interval holding `t`, or of the next one when closed."""
        x = _instant(t)
        tab = self._table_for(x)
        # An interval cut at the table's end may go on: widen until the close is inside.
        while (i := following(tab, x)) == len(tab.ends) or tab.ends[i] == tab.hi:
            tab = self._grown(tab, True, x)
        return _EPOCH + tab.ends[i]

    def add_business_time(self, t: datetime, d: timedelta) -> datetime:
        """Return the instant `d` of opening time after `t` (before it when `d` < 0).

        Adding lands on a closing instant rather than the next opening when it uses up
        an interval exactly; subtracting lands on an opening instant likewise: the
        answer is the instant nearest to `t` with exactly |d| of opening time between
        them. A zero `d` returns `t` itself (in UTC).
        """
        try:
            x = t - _EPOCH
        except TypeError:
            x = _instant(t)
        tab = self._table
        # Adding inside the cached years is the hot path of every deadline and support
        # clock, so it is written out here; everything else goes through _shifted.
        if d > _ZERO and tab is not None and tab.lo <= x < tab.hi:
            ends = tab.ends
            i = tab.clock_index[(x - tab.lo).days]
            while i < len(ends) and ends[i] <= x:
                i += 1
            if i < len(ends):
                target = d + (x - tab.base[i] if x > tab.starts[i] else tab.cum_start[i])
                if target <= tab.total:
                    cum_end = tab.cum_end
                    j = tab.open_index[target.days * 24 + target.seconds // 3600]
                    while cum_end[j] < target:
                        j += 1
                    return _EPOCH + (tab.base[j] + target)
        return _EPOCH + self._shifted(x, d)

    def business_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Return the opening time from `a` to `b`, negative when `b` is before `a`."""
        x, y = _instant(a), _instant(b)
        tab = self._table
        if tab is None or not (tab.lo <= x < tab.hi and tab.lo <= y < tab.hi):
            tab = self._table_for(min(x, y), max(x, y))
        return elapsed(tab, y) - elapsed(tab, x)

    def open_intervals(self, a: datetime, b: datetime) -> list[tuple[datetime, datetime]]:
        """Return the opening time inside [a, b) as (opens, closes) pairs in order."""
        x, y = _instant(a), _instant(b)
        if y <= x:
            return []
        tab = self._table_for(x, y - timedelta.resolution)
        found = []
        i = following(tab, x)
        while i < len(tab.starts) and tab.starts[i] < y:
            found.append((_EPOCH + max(tab.starts[i], x), _EPOCH + min(tab.ends[i], y)))
            i += 1
        return found

    def is_business_date(self, d: date) -> bool:
        """Whether local date `d` has opening time: hours that weekday, not a holiday, and
        not wholly taken by closures."""
        tab = self._table_for(_instant(datetime.combine(d, time(12), tzinfo=self._tz)))
        i = bisect_left(tab.business_dates, d.toordinal())
        return i < len(tab.business_dates) and tab.business_dates[i] == d.toordinal()

    def add_business_days(self, t: datetime, n: int) -> datetime:
        """Return the same wall-clock time as `t` on the n-th business date after t's local
        date (before it when n < 0); t's own date is not counted (`business_days` in
        docs/product.md S2).

        Where that wall-clock time occurs twice the first is taken; where it does not
        exist (clocks going forward) it moves forward by the gap, 02:30 becoming 03:30.
        """
        x = _instant(t)
        if n == 0:
            return _EPOCH + x
        local = t.astimezone(self._tz)
        ordinal = local.toordinal()
        tab = self._table_for(x)
        while True:
            days = tab.business_dates
            j = bisect_right(days, ordinal) + n - 1 if n > 0 else bisect_left(days, ordinal) + n
            if 0 <= j < len(days):
                return self._wall_clock(date.fromordinal(days[j]), local.time())
            tab = self._grown(tab, n > 0, x)

    def subtract_business_days(self, t: datetime, n: int) -> datetime:
        """Return the same wall-clock time as `t` on the n-th business date before t's date.

        Date arithmetic, not a notice deadline: see `business_days_before`."""
        return self.add_business_days(t, -n)

    def business_days_before(self, start: datetime, n: int) -> datetime:
        """Return the latest instant that leaves n whole business days before `start`: the
        deadline of `business_days n` notice (docs/product.md S2).

        Each business date (one with opening time) has a business day, from its first
        opening to its last closing as its hours are set (closures inside them included;
        a range over midnight or ending in another zone belongs to the date it opens on).
        An instant's place is the business day it falls in and the share of that day
        already past; an instant between two business days (a night, a weekend, a holiday)
        is at the start of the later. The answer is the instant at the same share of the
        n-th business day before the start's, the latest whose place is n business days
        before the start's. So [answer, start) holds n business days:

        - a start between business days (a Saturday night, a holiday, 17:00 sharp, an
          opening): the n business days before it whole, from the first opening of the
          earliest (5 before Sat 16 Jan 2027 22:00 on nl-business: Mon 11 Jan 08:30;
          1 before Mon 08:30: Fri 08:30; 1 before Tue 17:00: Tue 08:30);
        - a start inside business day D: the part of D before it, the n - 1 business days
          before D whole, and the rest of the n-th from the same share on. Where the two
          days have the same hours and no clock change falls inside them, that is the
          start's wall-clock time (3 before Tue 13 Oct 2026 10:00: Thu 8 Oct 10:00), as in
          `subtract_business_days`; otherwise the share is kept, not the wall-clock time.

        n = 0 returns `start` itself (in UTC); n < 0 raises ValueError.
        """
        return self._days_on(start, -_count(n))

    def business_days_after(self, t: datetime, n: int) -> datetime:
        """Return the earliest start that `business_days n` notice given at `t` allows: the
        earliest instant s with business_days_before(s, n) >= t (places as there).

        Given between business days that is the last closing of the n-th business day
        after (Sat 9 Jan 2027 22:00, 5 days: Fri 15 Jan 17:00); given inside one, the same
        share of the n-th business day after it, rounded up to the microsecond.
        """
        return self._days_on(t, _count(n))

    def _days_on(self, t: datetime, n: int) -> datetime:
        """Return the earliest instant at t's place n business days on, or the latest -n
        business days back (see `business_days_before`)."""
        x = _instant(t)
        if n == 0:
            return _EPOCH + x
        tab = self._table_for(x)
        while True:
            k, past = day_of(tab, x)
            if min(k, k + n) < 0 or max(k, k + n) + 1 >= len(tab.day_starts):
                tab = self._grown(tab, min(k, k + n) >= 0, x)
                continue
            into = share(past, day_length(tab, k), day_length(tab, k + n), up=n > 0)
            if n > 0 and not into:
                return _EPOCH + tab.day_ends[k + n - 1]
            return _EPOCH + tab.day_starts[k + n] + into

    def add_calendar_days(self, t: datetime, n: int) -> datetime:
        """Return the same wall-clock time as `t` n local days later (earlier when n < 0),
        with wall-clock gaps and repeats resolved as in `add_business_days`."""
        _instant(t)
        local = t.astimezone(self._tz)
        return self._wall_clock(local.date() + timedelta(days=n), local.time())

    def _shifted(self, x: timedelta, d: timedelta) -> timedelta:
        """Return the instant `d` of opening time from instant `x` (any year, either way)."""
        tab = self._table_for(x)
        while d:
            target = elapsed(tab, x) + d
            if d > _ZERO and target <= tab.total:
                return tab.base[bisect_left(tab.cum_end, target)] + target
            if d < _ZERO and target >= _ZERO:
                return tab.base[bisect_right(tab.cum_start, target) - 1] + target
            tab = self._grown(tab, d > _ZERO, x)
        return x

    def _wall_clock(self, day: date, clock: time) -> datetime:
        return datetime.combine(day, clock.replace(fold=0), tzinfo=self._tz).astimezone(UTC)

    def _table_for(self, low: timedelta, high: timedelta | None = None) -> Timeline:
        """Return a table whose span holds the instants `low` to `high`."""
        high = low if high is None else high
        tab = self._table
        if tab is not None and tab.lo <= low and high < tab.hi:
            return tab
        need_first, need_last = (_EPOCH + low).year - 1, (_EPOCH + high).year + 1
        first, last = need_first, need_last
        if tab is not None:
            # Widen by at least half the span, so that a walk through the years
            # rebuilds the table only a logarithmic number of times.
            half = (tab.last_year - tab.first_year + 1) // 2
            first = min(need_first, tab.first_year - (half if need_first < tab.first_year else 0))
            last = max(need_last, tab.last_year + (half if need_last > tab.last_year else 0))
            first = max(first, min(need_first, MINYEAR + 1))
            last = min(last, max(need_last, MAXYEAR - 1))
            if last - first >= _MAX_SPAN_YEARS:
                first, last = need_first, need_last
        return self._install(first, last)

    def _grown(self, tab: Timeline, forward: bool, x: timedelta) -> Timeline:
        """Return the table widened ahead (or back) for a search that started at `x`."""
        origin, span = (_EPOCH + x).year, tab.last_year - tab.first_year + 1
        first, last = tab.first_year, tab.last_year
        if forward:
            last = min(last + span, origin + _SEARCH_YEARS)
        else:
            first = max(first - span, origin - _SEARCH_YEARS)
        if (first, last) == (tab.first_year, tab.last_year):
            raise ValueError(
                f"the {self.zone} calendar never opens (or never closes) within "
                f"{_SEARCH_YEARS} years of {_EPOCH + x:%Y-%m-%d}"
            )
        return self._install(first, last)

    def _install(self, first: int, last: int) -> Timeline:
        if first <= MINYEAR or last >= MAXYEAR:
            raise ValueError(f"business time is computed for years {MINYEAR + 1}-{MAXYEAR - 1}")
        # Replacing the whole table in one assignment keeps concurrent readers consistent.
        tab = self._build(first, last)
        object.__setattr__(self, "_table", tab)
        return tab

    def _build(self, first_year: int, last_year: int) -> Timeline:
        """Compute the open intervals of local years `first_year` to `last_year`."""
        holidays: set[date] = set()
        for year in range(first_year - 1, last_year + 1):
            holidays.update(self._holidays_in(year))
        return build(first_year, last_year, self._tz, self._weekly, self._closed, holidays)

    def _holidays_in(self, year: int) -> Iterable[date]:
        if callable(self.holidays):
            return self.holidays(year)
        return (d for d in self.holidays if d.year == year)


@cache
def preset(name: str) -> BusinessCalendar:
    """Return a shipped calendar: "nl-business" (seed 001: Mon-Fri 08:30-17:00
    Europe/Amsterdam, Dutch general holidays) or "us-support" (seed 004: Mon-Fri
    8:00am EST to 6:00pm PST, US federal holidays)."""
    if name == "nl-business":
        hours = weekly_hours(time(8, 30), time(17))
        return BusinessCalendar("Europe/Amsterdam", hours, HolidaySet("nl-general"))
    if name == "us-support":
        hours = weekly_hours(time(8), time(18), end_tz="America/Los_Angeles")
        return BusinessCalendar("America/New_York", hours, HolidaySet("US"))
    raise ValueError(f"unknown calendar preset {name!r}: use 'nl-business' or 'us-support'")


def _instant(t: datetime) -> timedelta:
    """Return aware `t` as the time since the epoch; reject naive datetimes."""
    try:
        return t - _EPOCH
    except TypeError:
        if isinstance(t, datetime):
            raise ValueError(
                f"naive datetime {t.isoformat()}: business time needs an aware datetime"
            ) from None
        raise


def _count(n: int) -> int:
    if n < 0:
        raise ValueError(f"count a whole number of business days >= 0, not {n}")
    return n


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        raise ValueError(f"unknown time zone {name!r}: give an IANA name") from None
