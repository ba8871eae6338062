"""Import every app's ``jobs`` module, so every worker registers the same scheduler jobs; and
the scheduler's own heartbeat (``/metrics`` tells how long ago a worker last went round)."""

from django.utils.module_loading import autodiscover_modules

from forewarn.scheduler import job

from . import metrics


def load_jobs() -> None:
    autodiscover_modules("jobs")


@job("scheduler_heartbeat")
def scheduler_heartbeat() -> int:
    metrics.beat()
    return 0  # never makes the loop spin again at once
