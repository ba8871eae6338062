"""Status history and exclusions as columns: the codes, the instants as seconds, and the reason
each stretch under maintenance is excluded under.

The engine converts its inputs into these once and reuses them for every period and day it
measures (``intervals`` does the arithmetic). Statuses and reasons are coded by their index in
``STATUSES`` and ``REASONS``. Pure Python, no Django.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from forewarn.availability.reasons import Reason, maintenance_reason
from forewarn.catalog.statuses import Status

STATUSES = tuple(status.value for status in Status)
"""Status vocabulary in order of severity; a status's code is its index."""

REASONS = tuple(reason.value for reason in Reason)
"""Exclusion reasons in precedence order: overlapping excluded time goes to the first."""

UNDER_MAINTENANCE = STATUSES.index(Status.UNDER_MAINTENANCE)
"""The code of the status whose time is excluded, not counted as available (S8)."""

_REASON_CODE = {reason: code for code, reason in enumerate(REASONS)}

ONGOING = np.int64(2**62)
"""End of an interval that has not ended yet; windows clip it to the period end or "now"."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def aware(at: datetime, what: str) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime, got {at!r}")
    return at


def to_seconds(at: datetime) -> int:
    """Whole seconds since the epoch of an aware instant (real elapsed time, DST-proof)."""
    return (aware(at, "instant") - _EPOCH) // timedelta(seconds=1)


def maintenance_codes(status: np.ndarray, refs=None, planned=None) -> np.ndarray:
    """Per status row, the code of the reason its time is excluded under while it is under
    maintenance (``reasons.maintenance_reason`` of its cause ref); other rows get the code of
    emergency maintenance, never read."""
    codes = np.full(len(status), _REASON_CODE[Reason.EMERGENCY_MAINTENANCE], dtype=np.int8)
    if refs is not None:
        for row in np.flatnonzero(status == UNDER_MAINTENANCE).tolist():
            codes[row] = _REASON_CODE[maintenance_reason(refs[row], planned)]
    return codes


@dataclass(frozen=True, eq=False)
class StatusColumns:
    """Status history as columns (int64 seconds, status codes), converted once and reused.

    ``refs`` are the rows' cause refs; ``maintenance`` the reason code each row's time is
    excluded under while it is under maintenance (``maintenance_codes``).
    """

    ids: np.ndarray
    source: np.ndarray
    start: np.ndarray
    end: np.ndarray
    status: np.ndarray
    causes: tuple | None = None
    refs: tuple | None = None
    maintenance: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.maintenance is None:
            object.__setattr__(self, "maintenance", maintenance_codes(self.status, self.refs))

    @classmethod
    def from_arrays(
        cls, component_id, start, end, status, causes=None, refs=None, planned=None
    ) -> StatusColumns:
        """``end`` may hold ``ONGOING``; ``status`` holds codes (index in ``STATUSES``).

        ``refs`` hold each row's cause ref (``planned:4``) and ``planned`` what each planned
        work's own exclusion calls its time (``reasons.planned_reasons``).
        """
        ids, source = np.unique(np.asarray(component_id), return_inverse=True)
        status = np.asarray(status, dtype=np.int8)
        refs = None if refs is None else tuple(refs)
        return cls(
            ids,
            source.astype(np.int64).ravel(),
            np.asarray(start, dtype=np.int64),
            np.asarray(end, dtype=np.int64),
            status,
            None if causes is None else tuple(causes),
            refs,
            maintenance_codes(status, refs, planned),
        )

    @classmethod
    def from_intervals(cls, intervals: Iterable, planned=None) -> StatusColumns:
        """From ``specs.StatusInterval`` rows (end None: still ongoing)."""
        rows = list(intervals)
        return cls.from_arrays(
            np.array([row.component_id for row in rows] or [0])[: len(rows)],
            [to_seconds(row.start) for row in rows],
            [int(ONGOING) if row.end is None else to_seconds(row.end) for row in rows],
            [STATUSES.index(row.status) for row in rows],
            [row.cause for row in rows],
            [row.cause_ref for row in rows],
            planned,
        )


@dataclass(frozen=True, eq=False)
class ExclusionColumns:
    """Exclusions as columns; ``source`` is -1 where an exclusion applies to every component."""

    ids: np.ndarray
    source: np.ndarray
    start: np.ndarray
    end: np.ndarray
    reason: np.ndarray
    refs: tuple

    @classmethod
    def from_arrays(cls, component_id, start, end, reason, applies_to_all=None, refs=None):
        """``reason`` holds codes (index in ``REASONS``); ``applies_to_all`` marks global rows."""
        n = len(start)
        every = np.zeros(n, bool) if applies_to_all is None else np.asarray(applies_to_all, bool)
        ids, source = np.unique(np.asarray(component_id)[~every], return_inverse=True)
        full = np.full(n, -1, dtype=np.int64)
        full[~every] = source.ravel()
        return cls(
            ids,
            full,
            np.asarray(start, dtype=np.int64),
            np.asarray(end, dtype=np.int64),
            np.asarray(reason, dtype=np.int8),
            tuple(refs) if refs is not None else (None,) * n,
        )

    @classmethod
    def from_exclusions(cls, exclusions: Iterable) -> ExclusionColumns:
        """From ``specs.Exclusion`` rows, one row per named component."""
        rows = [(e, c) for e in exclusions for c in (e.component_ids or (None,))]
        named = [c for _, c in rows if c is not None]
        filler = named[0] if named else 0
        return cls.from_arrays(
            np.array([filler if c is None else c for _, c in rows] or [0])[: len(rows)],
            [to_seconds(e.start) for e, _ in rows],
            [to_seconds(e.end) for e, _ in rows],
            [REASONS.index(e.reason) for e, _ in rows],
            [e.component_ids is None for e, _ in rows],
            [e.ref for e, _ in rows],
        )
