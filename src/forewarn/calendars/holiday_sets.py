"""Holiday sets for business calendars: named legal sets and the `holidays` library.

A holiday spec is either a named set from `NAMED_SETS` (``"nl-general"``) or an
ISO 3166 country code with an optional subdivision (``"US"``, ``"US-CA"``,
``"NL"``) looked up in the `holidays` library. Pure Python, no Django.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays
from dateutil.easter import easter

NAMED_SETS: dict[str, str] = {
    "nl-general": (
        "Algemeen erkende feestdagen of the Dutch Algemene termijnenwet (art. 3): New Year's "
        "Day, Good Friday, Easter Sunday and Monday, King's Day, 5 May (every year), Ascension "
        "Day, Whit Sunday and Monday, Christmas Day and the Second Day of Christmas."
    ),
}


def holiday_dates(
    spec: str,
    years: Iterable[int],
    added: Iterable[date] = (),
    removed: Iterable[date] = (),
) -> frozenset[date]:
    """Return the holidays of `spec` in `years`, with `added` dates (of those years) and
    without `removed` ones; raise ValueError for an unknown spec."""
    return HolidaySet(spec, frozenset(added), frozenset(removed)).dates(years)


@dataclass(frozen=True, slots=True)
class HolidaySet:
    """A holiday spec with an operator's additions and removals, computed a year at a time.

    Calling it with a year returns that year's dates, which is the form
    `BusinessCalendar` asks for, so a calendar reaches any year its arithmetic needs.
    An empty `spec` means no base holidays, only `added`.
    """

    spec: str
    added: frozenset[date] = frozenset()
    removed: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "added", frozenset(self.added))
        object.__setattr__(self, "removed", frozenset(self.removed))
        if self.spec:
            _base_dates(self.spec, 2000)  # fail now, not in the middle of arithmetic

    def __call__(self, year: int) -> frozenset[date]:
        base = _base_dates(self.spec, year) if self.spec else frozenset()
        extra = {d for d in self.added if d.year == year}
        return (base | extra) - self.removed

    def dates(self, years: Iterable[int]) -> frozenset[date]:
        """Return the holidays of all `years` together."""
        return frozenset().union(*(self(year) for year in years))


@lru_cache(maxsize=4096)
def _base_dates(spec: str, year: int) -> frozenset[date]:
    if spec.lower() == "nl-general":
        return nl_general_dates(year)
    country, _, subdivision = spec.partition("-")
    try:
        found = holidays.country_holidays(country.upper(), subdiv=subdivision or None, years=year)
    except NotImplementedError as error:
        raise ValueError(
            f"unknown holiday spec {spec!r}: use one of {sorted(NAMED_SETS)} or a country "
            f"code with an optional subdivision such as 'US' or 'US-CA' ({error})"
        ) from None
    return frozenset(found.keys())


def nl_general_dates(year: int) -> frozenset[date]:
    """Return the Dutch general holidays of `year` (Algemene termijnenwet art. 3).

    Unlike `holidays.NL`, 5 May counts every year, not only every fifth one, and Good
    Friday is included because art. 3(2) equates it with the general holidays.
    """
    easter_sunday = easter(year)
    return frozenset(
        {
            date(year, 1, 1),
            easter_sunday - timedelta(days=2),
            easter_sunday,
            easter_sunday + timedelta(days=1),
            monarchs_day(year),
            date(year, 5, 5),
            easter_sunday + timedelta(days=39),
            easter_sunday + timedelta(days=49),
            easter_sunday + timedelta(days=50),
            date(year, 12, 25),
            date(year, 12, 26),
        }
    )


def monarchs_day(year: int) -> date:
    """Return the day the monarch's birthday is celebrated: King's Day since 2014
    (27 April, the 26th when the 27th is a Sunday), Queen's Day before it."""
    if year >= 2014:
        day = date(year, 4, 27)
        return day - timedelta(days=1) if day.weekday() == 6 else day
    if year >= 1949:
        day = date(year, 4, 30)
        if day.weekday() != 6:
            return day
        return day - timedelta(days=1) if year >= 1980 else day + timedelta(days=1)
    day = date(year, 8, 31)
    return day + timedelta(days=1) if day.weekday() == 6 else day
