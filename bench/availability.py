"""Benchmark: quarterly availability of 1,000 components over a year, engine vs a portion loop.

Builds a seeded year (2026, Europe/Amsterdam) of ~50 status intervals per component (mixed
statuses, some overlapping, a few still ongoing; time under maintenance is excluded),
maintenance and other exclusions (some over outages, some for every component), beta
components and 20 redundant groups of 2 to 4 members, then computes the four quarterly
reports for all components twice:

- ours: ``engine.availability_table`` (the function every report goes through), from columns;
- baseline: a straightforward per-component loop with the ``portion`` interval library.

Prints both times, their ratio and the largest difference in availability (percentage
points); the last line is one JSON object. Run: ``.venv/bin/python bench/availability.py``.
"""

import sys
from pathlib import Path

# bench/ holds a calendar.py: drop this folder from the import path so that `import calendar`
# (done by importlib.metadata, which portion uses) finds the standard library.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from itertools import combinations  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

import numpy as np  # noqa: E402
import portion as P  # noqa: E402

from forewarn.availability import engine  # noqa: E402
from forewarn.availability.columns import ONGOING, REASONS, STATUSES  # noqa: E402
from forewarn.availability.periods import quarter  # noqa: E402

SEED = 20260101
N_COMPONENTS = 1_000
N_GROUPS = 20
INTERVALS_PER_COMPONENT = 50
REPEATS = 7
TZ = ZoneInfo("Europe/Amsterdam")
MAINTENANCE = STATUSES.index("under_maintenance")
EMERGENCY = REASONS.index("emergency_maintenance")
# The reasons operators record under seed 001 §2, drawn as before the resize reason came.
SEED_001_REASONS = (
    "scheduled_maintenance",
    "emergency_maintenance",
    "force_majeure",
    "third_party",
    "client_caused",
)
YEAR = 2026


def build_year(rng: np.random.Generator):
    """Specs, categories, status columns and exclusion columns for one seeded year."""
    categories = [
        engine.CategorySpec("messaging", "Business Messaging", "99.99"),
        engine.CategorySpec("voice", "Voice", "99.99", partial_weight=0.5),
        engine.CategorySpec("service", "Service Cloud", "99.90", partial_weight=1.0),
        engine.CategorySpec(
            "marketing",
            "Marketing Cloud",
            "99.90",
            unavailable_statuses=frozenset({"major_outage", "degraded_performance"}),
        ),
        engine.CategorySpec("ai", "Conversational AI Cloud", "99.90", partial_weight=0.25),
    ]
    plain = N_COMPONENTS - N_GROUPS
    category_of = rng.integers(0, len(categories), N_COMPONENTS)
    beta = set(rng.choice(plain, 10, replace=False).tolist())
    specs = []
    for c in range(N_COMPONENTS):
        members = ()
        if c >= plain:
            size = int(rng.integers(2, 5))
            members = tuple(rng.choice(plain, size, replace=False).tolist())
        specs.append(
            engine.ComponentSpec(
                c,
                f"component {c}",
                categories[category_of[c]].id,
                is_beta=c in beta,
                members=members,
                min_available=int(rng.integers(1, len(members))) if len(members) > 2 else 1,
            )
        )

    year_start = engine.to_seconds(quarter(YEAR, 1).bounds(TZ).start)
    year_end = engine.to_seconds(quarter(YEAR, 4).bounds(TZ).end)
    n = N_COMPONENTS * INTERVALS_PER_COMPONENT
    component = np.repeat(np.arange(N_COMPONENTS), INTERVALS_PER_COMPONENT)
    start = rng.integers(year_start - 86_400, year_end, n)
    duration = np.minimum(rng.lognormal(7.5, 1.4, n), 3 * 86_400).astype(np.int64)
    # One interval in eight starts inside the one before it (same component, other status).
    inside = np.flatnonzero((rng.random(n) < 0.125) & (np.arange(n) % INTERVALS_PER_COMPONENT > 0))
    start[inside] = start[inside - 1] + duration[inside - 1] // 2
    end = start + np.maximum(duration, 1)
    ongoing = rng.choice(n, 25, replace=False)
    start[ongoing] = year_end - rng.integers(3_600, 14 * 86_400, 25)
    end[ongoing] = ONGOING
    status = rng.choice(len(STATUSES), n, p=[0.05, 0.10, 0.25, 0.30, 0.30])
    statuses = engine.StatusColumns.from_arrays(component, start, end, status)

    # Maintenance and incident exclusions per component, a third of them laid over an outage.
    per = 8
    m = N_COMPONENTS * per
    ex_component = np.repeat(np.arange(N_COMPONENTS), per)
    ex_start = rng.integers(year_start, year_end, m)
    over = rng.random(m) < 0.35
    pick = ex_component[over] * INTERVALS_PER_COMPONENT + rng.integers(
        0, INTERVALS_PER_COMPONENT, int(over.sum())
    )
    ex_start[over] = start[pick] + rng.integers(-1_800, 1_800, int(over.sum()))
    ex_end = ex_start + rng.integers(900, 6 * 3_600, m)
    recorded = np.array([REASONS.index(r) for r in SEED_001_REASONS])
    ex_reason = recorded[rng.choice(len(recorded), m, p=[0.5, 0.2, 0.05, 0.15, 0.1])]
    g = 12
    all_start = rng.integers(year_start, year_end, g)
    everything = np.concatenate([np.zeros(m, bool), np.ones(g, bool)])
    exclusions = engine.ExclusionColumns.from_arrays(
        np.concatenate([ex_component, np.zeros(g, np.int64)]),
        np.concatenate([ex_start, all_start]),
        np.concatenate([ex_end, all_start + rng.integers(1_800, 4 * 3_600, g)]),
        np.concatenate([ex_reason, rng.choice(recorded[[2, 3]], g)]),
        everything,
    )
    raw = (component, start, end, status, ex_component, ex_start, ex_end, ex_reason)
    globals_ = (all_start, exclusions.end[m:], exclusions.reason[m:])
    return specs, categories, statuses, exclusions, raw, globals_


def ours(specs, categories, raw, globals_, periods):
    """The engine, from raw columns to the quarterly availability of every component."""
    component, start, end, status, ex_component, ex_start, ex_end, ex_reason = raw
    all_start, all_end, all_reason = globals_
    table = engine.component_table(specs, categories)
    statuses = engine.StatusColumns.from_arrays(component, start, end, status)
    g = len(all_start)
    exclusions = engine.ExclusionColumns.from_arrays(
        np.concatenate([ex_component, np.zeros(g, np.int64)]),
        np.concatenate([ex_start, all_start]),
        np.concatenate([ex_end, all_end]),
        np.concatenate([ex_reason, all_reason]),
        np.concatenate([np.zeros(len(ex_start), bool), np.ones(g, bool)]),
    )
    return [
        engine.availability_table(table, statuses, exclusions, period).availability_pct()
        for period in periods
    ]


def _length(interval: P.Interval) -> int:
    return sum(atom.upper - atom.lower for atom in interval if not atom.empty)


def _union(pairs) -> P.Interval:
    result = P.empty()
    for s, e in pairs:
        result |= P.closedopen(int(s), int(e))
    return result


def baseline(specs, categories, raw, globals_, periods):
    """Per component and quarter, the same figures with ``portion`` interval sets."""
    component, start, end, status, ex_component, ex_start, ex_end, ex_reason = raw
    all_start, all_end, all_reason = globals_
    by_category = {c.id: c for c in categories}
    rows = {}
    for i, c in enumerate(component.tolist()):
        rows.setdefault(c, []).append((int(start[i]), int(end[i]), int(status[i])))
    excl = {}
    for i, c in enumerate(ex_component.tolist()):
        excl.setdefault(c, []).append((int(ex_start[i]), int(ex_end[i]), int(ex_reason[i])))
    every = list(zip(all_start.tolist(), all_end.tolist(), all_reason.tolist(), strict=True))
    answers = []
    for period in periods:
        lo, hi = engine.to_seconds(period.start), engine.to_seconds(period.end)
        window = P.closedopen(lo, hi)
        pct = np.empty(len(specs))
        for k, spec in enumerate(specs):
            weights = engine.status_weights(spec, by_category.get(spec.category_id))
            # Its own time under maintenance is excluded too (no cause refs here: emergency).
            held = [(s, e, EMERGENCY) for s, e, st in rows.get(spec.id, []) if st == MAINTENANCE]
            mine = excl.get(spec.id, []) + every + held
            seen, excluded = P.empty(), 0
            for r in range(len(REASONS)):
                if r == 0:
                    part = window if spec.is_beta else P.empty()
                else:
                    part = _union((s, e) for s, e, reason in mine if reason == r) & window
                excluded += _length(part - seen)
                seen |= part
            levels = sorted({w for w in weights if w > 0})
            unavailable, below = 0.0, 0.0
            for level in levels:
                if spec.members:

                    def down(member, level=level, weights=weights):
                        return _union(
                            (s, e) for s, e, st in rows.get(member, []) if weights[st] >= level
                        )

                    sets = [down(m) & window for m in spec.members]
                    need = len(spec.members) - spec.min_available + 1
                    out = P.empty()
                    for combo in combinations(sets, need):
                        both = window
                        for member_set in combo:
                            both &= member_set
                        out |= both
                else:
                    out = (
                        _union((s, e) for s, e, st in rows.get(spec.id, []) if weights[st] >= level)
                        & window
                    )
                unavailable += (level - below) * _length(out - seen)
                below = level
            total = hi - lo
            measured = total - excluded
            pct[k] = (measured - unavailable) / measured * 100 if measured > 0 else np.nan
        answers.append(pct)
    return answers


def main() -> None:
    rng = np.random.default_rng(SEED)
    specs, categories, statuses, exclusions, raw, globals_ = build_year(rng)
    periods = [quarter(YEAR, q).bounds(TZ) for q in (1, 2, 3, 4)]
    print(
        f"{len(specs)} components ({N_GROUPS} redundant groups), {len(statuses.start)} status "
        f"intervals, {len(exclusions.start)} exclusions, 4 quarters of {YEAR} in {TZ.key}"
    )

    times = []
    for _ in range(REPEATS):
        began = time.perf_counter()
        answer = ours(specs, categories, raw, globals_, periods)
        times.append(time.perf_counter() - began)
    ours_s = statistics.median(times)
    print(f"ours:     {ours_s:.4f} s (median of {REPEATS}; best {min(times):.4f} s)")

    table = engine.availability_table(
        specs, statuses, exclusions, periods[0], categories=categories
    )
    began = time.perf_counter()
    reports = table.reports()
    print(
        f"          + {len(reports)} report objects of one quarter: {time.perf_counter() - began:.4f} s"
    )

    began = time.perf_counter()
    expected = baseline(specs, categories, raw, globals_, periods)
    baseline_s = time.perf_counter() - began
    print(f"baseline: {baseline_s:.4f} s (portion, per-component loop)")

    ours_all, expected_all = np.concatenate(answer), np.concatenate(expected)
    if not np.array_equal(np.isnan(ours_all), np.isnan(expected_all)):
        raise SystemExit("the engine and the baseline disagree on what is measured")
    measured = ~np.isnan(ours_all)
    difference = float(np.max(np.abs(ours_all[measured] - expected_all[measured])))
    print(f"ratio:    {baseline_s / ours_s:.1f}x")
    print(f"largest difference: {difference:.3g} percentage points")
    print(
        f"availability: lowest {np.nanmin(ours_all):.4f} %, median {np.nanmedian(ours_all):.4f} %;"
        f" {int((~measured).sum())} component-quarters not measured (beta)"
    )
    print(
        json.dumps(
            {
                "ours_s": round(ours_s, 5),
                "baseline_s": round(baseline_s, 4),
                "ratio": round(baseline_s / ours_s, 1),
                "max_abs_difference_pct": difference,
            }
        )
    )


if __name__ == "__main__":
    main()
