"""The vectorised interval arithmetic behind the engine, over ``columns``.

Intervals are half-open ``[start, end)`` int64 seconds since the epoch, each tagged with a *key*:
one measured thing (a component over a period, or a component on one day). Every key has a
window. The keys' windows are laid side by side on one global time line, so a single sort and a
single cumulative sum of +1/-1 events cut every key's window into elementary segments at once,
with no Python loop over intervals. Union, K-of-N coverage, exclusion precedence and weighted
unavailability are all read off the per-segment counts. Pure Python, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forewarn.availability.columns import (
    REASONS,
    UNDER_MAINTENANCE,
    ExclusionColumns,
    StatusColumns,
)


@dataclass(frozen=True, eq=False, slots=True)
class Segments:
    """Elementary pieces of the keys' windows where at least one interval is open."""

    key: np.ndarray
    start: np.ndarray
    end: np.ndarray
    counts: np.ndarray


@dataclass(frozen=True, eq=False, slots=True)
class Measures:
    """Per-key figures in seconds, plus the unavailable runs an auditor can recompute."""

    total: np.ndarray
    excluded_by_reason: np.ndarray
    unavailable: np.ndarray
    worst_status: np.ndarray
    run_key: np.ndarray
    run_start: np.ndarray
    run_end: np.ndarray
    run_status: np.ndarray
    run_weight: np.ndarray

    @property
    def excluded(self) -> np.ndarray:
        return self.excluded_by_reason.sum(axis=1)


def positions(universe: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Index of each id in the sorted ``universe``, or -1 where it is absent."""
    ids = np.asarray(ids)
    if len(universe) == 0 or len(ids) == 0:
        return np.full(len(ids), -1, dtype=np.int64)
    found = np.searchsorted(universe, ids).astype(np.int64)
    inside = found < len(universe)
    found[~inside] = 0
    hit = inside & (universe[found] == ids)
    return np.where(hit, found, -1)


def join(
    n_sources: int, feed_source: np.ndarray, feed_key: np.ndarray, row_source: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Pair every row with every key its source feeds; returns (row index, key) arrays."""
    order = np.argsort(feed_source, kind="stable")
    keys = np.asarray(feed_key, dtype=np.int64)[order]
    count = np.bincount(feed_source, minlength=n_sources)
    first = np.cumsum(count) - count
    repeat = count[row_source]
    row = np.repeat(np.arange(len(row_source), dtype=np.int64), repeat)
    within = np.arange(len(row), dtype=np.int64) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    return row, keys[first[row_source][row] + within]


def one_hot(column: np.ndarray, n_columns: int) -> np.ndarray:
    rows = np.zeros((len(column), n_columns), dtype=np.int32)
    rows[np.arange(len(column)), column] = 1
    return rows


def clip(key, start, end, win_start, win_end) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Intersect each interval with its key's window; returns (non-empty mask, start, end)."""
    start = np.maximum(start, win_start[key])
    end = np.minimum(end, win_end[key])
    return end > start, start, end


def sweep(key, start, end, rows, win_start, win_end) -> Segments:
    """Cut the windows at every interval boundary and count the open intervals per column.

    ``rows`` has one row per interval and one column per thing counted (a status, a reason, a
    weight level); an interval adds its row while open. Ties need no ordering: segments of
    zero length between events at the same instant are dropped.
    """
    keep, start, end = clip(key, start, end, win_start, win_end)
    key, start, end, rows = key[keep], start[keep], end[keep], rows[keep]
    lane = np.maximum(win_end - win_start, 0) + 1
    offset = np.cumsum(lane) - lane - win_start
    times = np.concatenate([start + offset[key], end + offset[key]])
    order = np.argsort(times, kind="stable")
    counts = np.cumsum(np.concatenate([rows, -rows])[order], axis=0)[:-1]
    times = times[order]
    keys = np.concatenate([key, key])[order][:-1]
    live = (times[1:] > times[:-1]) & counts.any(axis=1)
    seg_key = keys[live]
    return Segments(
        seg_key,
        times[:-1][live] - offset[seg_key],
        times[1:][live] - offset[seg_key],
        counts[live],
    )


def heaviest(present: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Largest weight among the present columns, and the last (most severe) column carrying it."""
    weight = np.where(present, weights, 0.0).max(axis=1, initial=0.0)
    carrying = present & (weights == weight[:, None])
    last = weights.shape[1] - 1 - np.argmax(carrying[:, ::-1], axis=1)
    return weight, last


def runs(key, start, end, *labels) -> tuple[np.ndarray, np.ndarray]:
    """Heads and tails of maximal runs of touching segments sharing key and labels."""
    n = len(key)
    head = np.ones(n, dtype=bool)
    head[1:] = (key[1:] != key[:-1]) | (start[1:] != end[:-1])
    for label in labels:
        head[1:] |= label[1:] != label[:-1]
    heads = np.flatnonzero(head)
    tails = np.append(heads[1:] - 1, n - 1) if n else heads
    return heads, tails


def redundant(win_start, win_end, weights, need, group, key, start, end, status):
    """Status intervals of K-of-N keys derived from their members' status intervals.

    ``group[m]`` is the key that membership ``m`` belongs to; ``key`` on the intervals is the
    membership. A member is out at level ``w`` while its heaviest open status weighs at least
    ``w``; the key is out at level ``w`` while at least ``need = N - K + 1`` members are, and
    takes the heaviest such level and the most severe status carrying that weight.
    """
    n_status = weights.shape[1]
    named = status > 0
    member = sweep(
        key[named],
        start[named],
        end[named],
        one_hot(status[named] - 1, n_status - 1),
        win_start[group],
        win_end[group],
    )
    owner = group[member.key]
    weight, _ = heaviest(member.counts > 0, weights[owner, 1:])
    out = weight > 0
    levels = np.sort(np.where(weights[:, 1:] > 0, weights[:, 1:], np.inf), axis=1)
    owner = owner[out]
    at_level = (weight[out, None] >= levels[owner]).astype(np.int32)
    joint = sweep(owner, member.start[out], member.end[out], at_level, win_start, win_end)
    enough = joint.counts >= need[joint.key][:, None]
    derived = np.where(enough, levels[joint.key], 0.0).max(axis=1, initial=0.0)
    down = derived > 0
    key_weights = weights[joint.key[down], 1:]
    carrying = key_weights == derived[down, None]
    code = n_status - 1 - np.argmax(carrying[:, ::-1], axis=1)
    return joint.key[down], joint.start[down], joint.end[down], code.astype(np.int8)


def measure(
    win_start: np.ndarray,
    win_end: np.ndarray,
    weights: np.ndarray,
    need: np.ndarray,
    statuses: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    members: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    exclusions: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    n_reasons: int,
) -> Measures:
    """Total, excluded (by reason, first reason wins) and weighted unavailable seconds per key.

    ``weights[k, code]`` is how much status ``code`` counts as unavailable for key ``k`` (code 0,
    operational, weighs 0). Overlapping statuses count once, at the heaviest weight open.
    ``statuses`` (key, start, end, code) of keys with ``need > 0`` are shown in the worst status
    only: those keys are measured through ``members`` (group of each membership, then the
    members' key, start, end, code). ``exclusions`` are (key, start, end, reason), reasons
    numbered in precedence order.
    """
    n = len(win_start)
    n_status = weights.shape[1]
    st_key, st_start, st_end, st_code = statuses
    if len(members[0]):
        derived = redundant(win_start, win_end, weights, need, *members)
    else:
        derived = (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int64), st_code[:0])
    key = np.concatenate([st_key, derived[0]])
    start = np.concatenate([st_start, derived[1]])
    end = np.concatenate([st_end, derived[2]])
    code = np.concatenate([st_code, derived[3]])
    shown, _, _ = clip(key, start, end, win_start, win_end)
    worst_status = np.zeros(n, dtype=np.int8)
    np.maximum.at(worst_status, key[shown], code[shown])

    # Statuses that weigh nothing for their key (maintenance always, degraded performance
    # unless configured) cannot make time unavailable: left out of the sweep.
    counted = (need[key] == 0) & (weights[key, code] > 0)
    counted[len(st_key) :] = True
    ex_key, ex_start, ex_end, ex_reason = exclusions
    # One column per reason present, in precedence order (the sweep's cost grows with width).
    present, ex_column = np.unique(ex_reason.astype(np.int64), return_inverse=True)
    width = n_status - 1 + len(present)
    rows = np.concatenate(
        [
            one_hot(code[counted] - 1, width),
            one_hot(ex_column.ravel() + n_status - 1, width),
        ]
    )
    seg = sweep(
        np.concatenate([key[counted], ex_key]),
        np.concatenate([start[counted], ex_start]),
        np.concatenate([end[counted], ex_end]),
        rows,
        win_start,
        win_end,
    )
    length = (seg.end - seg.start).astype(np.float64)
    weight, column = heaviest(seg.counts[:, : n_status - 1] > 0, weights[seg.key, 1:])
    reasons = seg.counts[:, n_status - 1 :] > 0
    excluded = reasons.any(axis=1)
    first = present[np.argmax(reasons, axis=1)] if len(present) else np.zeros(len(seg.key), int)
    by_reason = np.bincount(
        seg.key[excluded] * n_reasons + first[excluded],
        weights=length[excluded],
        minlength=n * n_reasons,
    )
    down = ~excluded & (weight > 0)
    unavailable = np.bincount(seg.key[down], weights=length[down] * weight[down], minlength=n)
    run_key, run_start, run_end = seg.key[down], seg.start[down], seg.end[down]
    run_status, run_weight = (column[down] + 1).astype(np.int8), weight[down]
    heads, tails = runs(run_key, run_start, run_end, run_status, run_weight)
    return Measures(
        total=np.maximum(win_end - win_start, 0),
        excluded_by_reason=np.rint(by_reason).astype(np.int64).reshape(n, n_reasons),
        unavailable=unavailable,
        worst_status=worst_status,
        run_key=run_key[heads],
        run_start=run_start[heads],
        run_end=run_end[tails],
        run_status=run_status[heads],
        run_weight=run_weight[heads],
    )


@dataclass(frozen=True, eq=False)
class ComponentTable:
    """Components compiled to arrays once (``engine.component_table``), reused per period."""

    specs: tuple
    ids: np.ndarray
    weights: np.ndarray
    need: np.ndarray
    is_beta: np.ndarray
    measured_from: np.ndarray
    targets: tuple
    member_group: np.ndarray
    member_id: np.ndarray
    honours: np.ndarray
    """``honours[c, code]``: whether exclusions of reason ``code`` apply to component ``c``."""


def measure_keys(
    table: ComponentTable,
    key_component: np.ndarray,
    win_start: np.ndarray,
    win_end: np.ndarray,
    statuses: StatusColumns,
    exclusions: ExclusionColumns,
) -> Measures:
    """Measure keys (one component in one window each): the core shared by reports and bars.

    Windows come final from the caller (period or day, cut at ``measured_from`` and "now").

    Routes each status row to the keys of its component and to the memberships of the groups
    it belongs to, each exclusion row to the keys it names (or to all), makes the time each
    component itself spends under maintenance an exclusion (S8: excluded, not available; a
    member's maintenance does not excuse its group), keeps the exclusions whose reason the
    key's component honours, adds a whole-window beta exclusion for beta components, then
    measures everything in one pass. Time several exclusions cover counts once.
    """
    n = len(key_component)
    keys = np.arange(n, dtype=np.int64)
    win_end = np.maximum(win_end, win_start)
    lo, hi = (win_start.min(), win_end.max()) if n else (0, 0)

    near = np.flatnonzero((statuses.end > lo) & (statuses.start < hi))
    own = positions(statuses.ids, table.ids[key_component])
    fed = own >= 0
    row, st_key = join(len(statuses.ids), own[fed], keys[fed], statuses.source[near])
    row = near[row]
    member_row, group = join(len(table.specs), key_component, keys, table.member_group)
    member = positions(statuses.ids, table.member_id[member_row])
    fed = member >= 0
    mrow, m_key = join(len(statuses.ids), member[fed], np.flatnonzero(fed), statuses.source[near])
    mrow = near[mrow]

    near = np.flatnonzero((exclusions.end > lo) & (exclusions.start < hi))
    named = near[exclusions.source[near] >= 0]
    every = near[exclusions.source[near] < 0]
    own = positions(exclusions.ids, table.ids[key_component])
    fed = own >= 0
    erow, e_key = join(len(exclusions.ids), own[fed], keys[fed], exclusions.source[named])
    erow = np.concatenate([named[erow], np.repeat(every, n)])
    held = statuses.status[row] == UNDER_MAINTENANCE
    x_key = np.concatenate([e_key, np.tile(keys, len(every)), st_key[held]])
    x_start = np.concatenate([exclusions.start[erow], statuses.start[row[held]]])
    x_end = np.concatenate([exclusions.end[erow], statuses.end[row[held]]])
    x_reason = np.concatenate([exclusions.reason[erow], statuses.maintenance[row[held]]])
    honoured = table.honours[key_component[x_key], x_reason]
    beta = np.flatnonzero(table.is_beta[key_component])

    return measure(
        win_start,
        win_end,
        table.weights[key_component],
        table.need[key_component],
        (st_key, statuses.start[row], statuses.end[row], statuses.status[row]),
        (group, m_key, statuses.start[mrow], statuses.end[mrow], statuses.status[mrow]),
        (
            np.concatenate([x_key[honoured], beta]),
            np.concatenate([x_start[honoured], win_start[beta]]),
            np.concatenate([x_end[honoured], win_end[beta]]),
            np.concatenate([x_reason[honoured], np.zeros(len(beta), np.int8)]),
        ),
        len(REASONS),
    )
