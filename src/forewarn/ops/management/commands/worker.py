import signal
import threading

from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from forewarn import scheduler
from forewarn.ops.jobs import load_jobs


def run_worker(
    stop: threading.Event, *, interval: float = 1.0, worker_id: str | None = None
) -> None:
    """Run the background work until ``stop`` is set: the tasks queue and the scheduler loop."""
    load_jobs()
    tasks = Worker(
        queue_names=["*"],
        interval=interval,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id or get_random_string(32),
        excluded_queue_names=[],
    )
    loop = threading.Thread(
        target=scheduler.run_forever, args=(stop, interval), name="scheduler", daemon=True
    )
    loop.start()
    watcher = threading.Thread(
        target=lambda: (stop.wait(), setattr(tasks, "running", False)), daemon=True
    )
    watcher.start()
    tasks.run()
    stop.set()
    loop.join(timeout=30)


class Command(BaseCommand):
    help = "Run the background worker: queued tasks and the scheduler loop (run several, on several machines)."

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
