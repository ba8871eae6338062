"""The scheduler loop: time-based work stored as due rows in the database, picked up idempotently.

Each domain registers a *job*: a function that claims what is due (with a
conditional update or ``select_for_update(skip_locked=True)``), does it, records
the outcome and returns how many items it handled.  Running a job twice, or in
two workers at once, must never do the same work twice; a restart loses nothing
because the due times live in the database, not in memory.

Jobs run one after another in one loop, except those registered with a ``lane``:
each lane is a loop of its own, in its own thread, with its own idle wait, so a
job that must answer quickly (re-publishing the static copy within seconds of a
change) never waits behind a long sending round.
"""

import logging
import threading
from collections.abc import Callable

from django.db import close_old_connections, connection

logger = logging.getLogger("forewarn.scheduler")

Job = Callable[[], int]
_JOBS: dict[str, Job] = {}
_LANES: dict[str, tuple[str, float | None]] = {}  # job name -> (lane, its idle wait)


def job(name: str, *, lane: str | None = None, interval: float | None = None):
    """Register ``fn`` as a scheduler job under ``name`` (decorator).

    With ``lane``, the job runs in that lane's own loop, waiting ``interval`` seconds
    (default: the worker's) when idle.
    """

    def register(fn: Job) -> Job:
        _JOBS[name] = fn
        if lane is not None:
            _LANES[name] = (lane, interval)
        return fn

    return register


def jobs() -> dict[str, Job]:
    return dict(_JOBS)


def run_once(names: list[str] | None = None) -> dict[str, int]:
    """Run every registered job (or those named) once; a failing job is logged, the others run."""
    handled = {}
    for name, fn in _JOBS.items():
        if names is not None and name not in names:
            continue
        try:
            handled[name] = fn()
        except Exception:
            logger.exception("scheduler job %s failed", name)
            handled[name] = 0
        finally:
            # Between jobs, drop broken or expired connections like a request cycle would;
            # never inside a caller's transaction (a test's, or a service calling run_once).
            if not connection.in_atomic_block:
                close_old_connections()
    return handled


def run_forever(stop: threading.Event, interval: float = 1.0) -> None:
    """Run the jobs until ``stop`` is set; each loop goes again at once while it has work."""
    logger.info("scheduler started with jobs: %s", ", ".join(_JOBS) or "none")
    loops: dict[str | None, tuple[list[str], float]] = {None: ([], interval)}
    for name in _JOBS:
        lane, wait = _LANES.get(name, (None, None))
        names, _ = loops.setdefault(lane, ([], interval if wait is None else wait))
        names.append(name)
    lanes = [
        threading.Thread(target=_lane, args=(stop, *loops[lane]), name=f"lane {lane}", daemon=True)
        for lane in loops
        if lane is not None
    ]
    for thread in lanes:
        thread.start()
    try:
        _loop(stop, *loops[None])
    finally:
        for thread in lanes:
            thread.join()


def _loop(stop: threading.Event, names: list[str], interval: float) -> None:
    while not stop.is_set():
        if not any(run_once(names).values()):
            stop.wait(interval)


def _lane(stop: threading.Event, names: list[str], interval: float) -> None:
    try:
        _loop(stop, names, interval)
    finally:
        connection.close()  # the lane thread's own connection
