"""The scheduler loop: time-based work stored as due rows in the database, picked up idempotently.

Each domain registers a *job*: a function that claims what is due (with a
conditional update or ``select_for_update(skip_locked=True)``), does it, records
the outcome and returns how many items it handled.  Running a job twice, or in
two workers at once, must never do the same work twice; a restart loses nothing
because the due times live in the database, not in memory.
"""

import logging
import threading
from collections.abc import Callable

from django.db import close_old_connections, connection

logger = logging.getLogger("forewarn.scheduler")

Job = Callable[[], int]
_JOBS: dict[str, Job] = {}


def job(name: str) -> Callable[[Job], Job]:
    """Register ``fn`` as a scheduler job under ``name`` (decorator)."""

    def register(fn: Job) -> Job:
        _JOBS[name] = fn
        return fn

    return register


def jobs() -> dict[str, Job]:
    return dict(_JOBS)


def run_once() -> dict[str, int]:
    """Run every registered job once; a failing job is logged and does not stop the others."""
    handled = {}
    for name, fn in _JOBS.items():
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
    """Run the jobs until ``stop`` is set; loop again at once while there is work."""
    logger.info("scheduler started with jobs: %s", ", ".join(_JOBS) or "none")
    while not stop.is_set():
        handled = run_once()
        if not any(handled.values()):
            stop.wait(interval)
