"""``forewarn worker``: the scheduler loop, which runs every ``<domain>/jobs.py`` job.

All background work is time-based work stored as due rows in the database and claimed by
scheduler jobs (see ``forewarn.scheduler``); there is no separate task queue. Run as many
workers as you like, on as many machines: the jobs' claims keep them from doing the same
work twice.
"""

import signal
import threading

from django.core.management.base import BaseCommand

from forewarn import scheduler
from forewarn.ops.jobs import load_jobs


def run_worker(stop: threading.Event, *, interval: float = 1.0) -> None:
    """Run the scheduler loop in this thread until ``stop`` is set."""
    load_jobs()
    scheduler.run_forever(stop, interval)


class Command(BaseCommand):
    help = "Run the background worker: the scheduler loop (run several, on several machines)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="seconds to wait when idle")

    def handle(self, *args, interval, **options):
        stop = threading.Event()

        def on_signal(signum, frame):
            self.stderr.write(
                f"Received {signal.Signals(signum).name}; finishing the current item and stopping."
            )
            stop.set()

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        self.stdout.write("Forewarn worker running (Ctrl-C stops it).")
        run_worker(stop, interval=interval)
