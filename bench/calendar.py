"""Benchmark business-time arithmetic on the nl-business calendar against pandas.

Two operations, one public call per case: "add N business hours"
(`BusinessCalendar.add_business_time`) and "business time between"
(`BusinessCalendar.business_time_between`), on seeded random cases spread over
2019-2030 (DST transitions, opening and closing edges, nights, weekends and
holidays included). The baseline is pandas' `CustomBusinessHour(start="08:30",
end="17:00", holidays=<the same nl-general dates>)`, timed in the same run, and
every baseline answer is compared with ours. For information (no baseline), the
rate of `business_days_before`, the `business_days N` notice deadline.

Run: .venv/bin/python bench/calendar.py [--cases N] [--between-baseline-cases M] [--seed S]
pandas answers every "add" case; its "between" is ~1 ms a case, so by default it
answers the first 20,000 of those. Rates are per second of each side's own loop.
The last line printed is one JSON object with the figures.
"""

import sys
from pathlib import Path

# This file is named calendar.py: drop its folder from the import path so that
# `import calendar` (done by pandas and dateutil) finds the standard library.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from datetime import time as clock  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from pandas.tseries.offsets import CustomBusinessHour  # noqa: E402

from forewarn.calendars.engine import preset  # noqa: E402
from forewarn.calendars.holiday_sets import holiday_dates  # noqa: E402

FIRST_YEAR, LAST_YEAR = 2019, 2030
OPENS, CLOSES = clock(8, 30), clock(17)
CALENDAR = preset("nl-business")
ZONE = ZoneInfo(CALENDAR.zone)
HOLIDAYS = sorted(holiday_dates("nl-general", range(FIRST_YEAR - 1, LAST_YEAR + 2)))


def random_instant(rng: random.Random) -> datetime:
    """Return a UTC instant (as the database hands them over): mostly uniform, with
    extra weight on the Amsterdam DST changes and on the opening and closing edges."""
    pick = rng.random()
    if pick < 0.15:
        # Within two days of a DST change (last Sunday of March or October, 01:00 UTC).
        year, month = rng.randint(FIRST_YEAR, LAST_YEAR), rng.choice((3, 10))
        last_sunday = 31 - (datetime(year, month, 31).weekday() + 1) % 7
        change = datetime(year, month, last_sunday, 1, tzinfo=UTC)
        return change + timedelta(minutes=rng.randrange(-2880, 2880))
    day = datetime(FIRST_YEAR, 1, 1) + timedelta(days=rng.randrange(365 * 12))
    if pick < 0.30:
        local = datetime.combine(day.date(), rng.choice((OPENS, CLOSES)), tzinfo=ZONE)
        return local.astimezone(UTC)
    if pick < 0.35:
        return (day + timedelta(seconds=rng.randrange(86400))).replace(tzinfo=ZONE).astimezone(UTC)
    return datetime(FIRST_YEAR, 1, 1, tzinfo=UTC) + timedelta(
        minutes=rng.randrange(60 * 24 * 365 * 12)
    )


def wall_clock(t: datetime) -> pd.Timestamp:
    """pandas works on naive local times: the Amsterdam wall-clock time of `t`. Opening
    hours never hold a DST change, so counting opening time in wall-clock terms is exact."""
    return pd.Timestamp(t.astimezone(ZONE).replace(tzinfo=None))


def pandas_between(a: pd.Timestamp, b: pd.Timestamp) -> pd.Timedelta:
    """The baseline for "business time between", as a pandas user would write it: the
    custom business days from a's date to b's (`bdate_range` with the same holidays),
    each day's 08:30-17:00 clipped to [a, b], summed with numpy."""
    sign = 1
    if b < a:
        a, b, sign = b, a, -1
    days = pd.bdate_range(a.normalize(), b.normalize(), freq="C", holidays=HOLIDAYS).values
    spans = np.minimum(days + np.timedelta64(17 * 60, "m"), b.to_datetime64()) - np.maximum(
        days + np.timedelta64(8 * 60 + 30, "m"), a.to_datetime64()
    )
    return sign * pd.Timedelta(spans[spans > np.timedelta64(0, "ns")].sum())


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds else float("inf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--between-baseline-cases", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=20250426)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    n_add, n_between = args.cases, min(args.cases, args.between_baseline_cases)

    adds = [(random_instant(rng), rng.randint(1, 200)) for _ in range(args.cases)]
    spans = []
    for _ in range(args.cases):
        a = random_instant(rng)
        # Mostly support-clock spans (up to 30 days either way), some across years.
        b = (
            random_instant(rng)
            if rng.random() < 0.05
            else a + timedelta(minutes=rng.randint(-43200, 43200))
        )
        spans.append((a, b))
    add_inputs = [(t, timedelta(hours=n)) for t, n in adds]
    # Built once, like the product's cached calendar table and the baseline's offsets.
    offsets = {
        n: CustomBusinessHour(n=n, start="08:30", end="17:00", holidays=HOLIDAYS)
        for n in range(1, 201)
    }
    pandas_adds = [(wall_clock(t), offsets[n]) for t, n in adds]
    pandas_spans = [(wall_clock(a), wall_clock(b)) for a, b in spans[:n_between]]
    CALENDAR.business_time_between(
        datetime(FIRST_YEAR - 1, 12, 1, tzinfo=UTC), datetime(LAST_YEAR + 1, 2, 1, tzinfo=UTC)
    )

    add = CALENDAR.add_business_time
    started = time.perf_counter()
    ours_added = [add(t, d) for t, d in add_inputs]
    ours_add_s = time.perf_counter() - started

    # For information: the same additions given Amsterdam-aware datetimes instead of UTC.
    zoned_inputs = [(t.astimezone(ZONE), d) for t, d in add_inputs]
    started = time.perf_counter()
    for t, d in zoned_inputs:
        add(t, d)
    ours_zoned_s = time.perf_counter() - started

    # For information: `business_days N` notice deadlines (N = 1-20) for the same instants.
    notice_inputs = [(t, 1 + n % 20) for t, n in adds]
    before = CALENDAR.business_days_before
    started = time.perf_counter()
    for t, n in notice_inputs:
        before(t, n)
    ours_notice_s = time.perf_counter() - started

    between = CALENDAR.business_time_between
    started = time.perf_counter()
    ours_between = [between(a, b) for a, b in spans]
    ours_between_s = time.perf_counter() - started

    started = time.perf_counter()
    base_added = [t + offset for t, offset in pandas_adds]
    base_add_s = time.perf_counter() - started

    started = time.perf_counter()
    base_between = [pandas_between(a, b) for a, b in pandas_spans]
    base_between_s = time.perf_counter() - started

    add_differences, edge_cases = [], 0
    for (t, n), ours, theirs in zip(adds, ours_added, base_added, strict=False):
        if wall_clock(ours) == theirs:
            continue
        # pandas answers the next opening where an addition ends exactly at closing.
        if (
            ours.astimezone(ZONE).time() == CLOSES
            and wall_clock(CALENDAR.next_open(ours)) == theirs
        ):
            edge_cases += 1
            continue
        add_differences.append((t.isoformat(), n, ours.isoformat(), str(theirs)))
    between_differences = [
        (a.isoformat(), b.isoformat(), str(ours), str(theirs))
        for (a, b), ours, theirs in zip(spans, ours_between, base_between, strict=False)
        if ours != theirs
    ]

    rates = {
        "add": (rate(args.cases, ours_add_s), rate(n_add, base_add_s), n_add),
        "between": (rate(args.cases, ours_between_s), rate(n_between, base_between_s), n_between),
    }
    for name, (ours_rate, base_rate, n_base) in rates.items():
        print(
            f"{name:8s} ours {ours_rate:12,.0f}/s ({args.cases:,} cases)  "
            f"pandas {base_rate:10,.0f}/s ({n_base:,} cases)  ratio {ours_rate / base_rate:8.1f}"
        )
    print(f"add with Europe/Amsterdam inputs: ours {rate(args.cases, ours_zoned_s):,.0f}/s")
    print(f"business_days_before (N = 1-20): ours {rate(args.cases, ours_notice_s):,.0f}/s")
    print(f"add: {edge_cases} answers at 17:00 where pandas gives the next 08:30 (counted equal)")
    print(
        f"add differences: {len(add_differences)}; between differences: {len(between_differences)}"
    )
    for difference in (add_differences + between_differences)[:10]:
        print("  differs:", difference)
    ratio_name = min(rates, key=lambda name: rates[name][0] / rates[name][1])
    ours_rate, base_rate, _ = rates[ratio_name]
    print(
        json.dumps(
            {
                "ours_per_s": round(ours_rate),
                "baseline_per_s": round(base_rate),
                "ratio": round(ours_rate / base_rate, 1),
                "differences": len(add_differences) + len(between_differences),
            }
        )
    )


if __name__ == "__main__":
    main()
