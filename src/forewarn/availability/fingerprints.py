"""What a component's uptime bars are measured from, as one digest: the key they are kept under.

Pure Python, no Django.
"""

import hashlib

import numpy as np


def fingerprints(specs, inputs, exclusions, start: int, end: int, days: str) -> dict:
    """Per component id: a digest of everything its bars between ``start`` and ``end`` use.

    Its spec and category, the status rows of it and its members and the exclusions naming
    them or everyone, each cut to [start, end); ``days`` names the days (zone, first day).
    Anything else that changes gives another digest; what does not matter does not.
    """
    statuses = inputs.statuses
    rows = _rows_by_source(
        statuses.source, statuses.start, statuses.end, start, end, statuses.status,
        statuses.maintenance,
    )  # fmt: skip
    excluded = _rows_by_source(
        exclusions.source, exclusions.start, exclusions.end, start, end, exclusions.reason
    )
    status_at = {cid: k for k, cid in enumerate(statuses.ids.tolist())}
    exclusion_at = {cid: k for k, cid in enumerate(exclusions.ids.tolist())}
    everyone = excluded.get(-1, b"")
    found = {}
    for spec in specs:
        digest = hashlib.blake2b(f"{days}|{spec!r}|".encode(), digest_size=16)
        digest.update(repr(inputs.categories.get(spec.category_id)).encode())
        for cid in (spec.id, *spec.members):
            digest.update(b"|s|" + rows.get(status_at.get(cid, -2), b""))
            digest.update(b"|x|" + excluded.get(exclusion_at.get(cid, -2), b""))
        digest.update(b"|all|" + everyone)
        found[spec.id] = digest.digest()
    return found


def _rows_by_source(source, row_start, row_end, start: int, end: int, *more) -> dict[int, bytes]:
    """The rows overlapping [start, end), cut to it, as bytes per source (-1: every component)."""
    near = np.flatnonzero((row_end > start) & (row_start < end))
    near = near[np.argsort(source[near], kind="stable")]
    table = np.stack(
        [
            np.clip(row_start[near], start, end),
            np.clip(row_end[near], start, end),
            *(np.asarray(column)[near].astype(np.int64) for column in more),
        ],
        axis=1,
    )
    sources = source[near]
    cuts = np.flatnonzero(np.diff(sources)) + 1
    return {
        int(sources[chunk[0]]): table[chunk].tobytes()
        for chunk in np.split(np.arange(len(near)), cuts)
        if len(chunk)
    }
