"""``forewarn inbound-smtp``: the built-in SMTP receiver for the support address."""

import threading

from django.core.management.base import BaseCommand, CommandError

from forewarn.ops.stopping import SignalStop
from forewarn.support.smtp import controller, serve_processes


class Command(BaseCommand):
    help = (
        "Receive support mail over SMTP: file it into requests, or refuse it in the SMTP "
        "transaction. Mail arriving together is filed together, in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2525)
        parser.add_argument(
            "--processes",
            type=int,
            default=1,
            help="receivers on the one port, one a core (on SQLite they take turns at the "
            "database, while one parses and talks SMTP another files)",
        )

    def handle(self, *args, host, port, processes, **options):
        if processes < 1:
            raise CommandError("--processes takes a number from 1 up.")
        stop = threading.Event()
        if processes > 1:
            SignalStop(stop).install()
            self.stdout.write(
                f"Forewarn inbound SMTP on {host}:{port}, {processes} processes (Ctrl-C stops them).",
            )
            self.stdout.flush()
            serve_processes(host, port, processes, stop)
            return
        # Filing runs in a process forked from this one: before any thread starts here.
        receiver = controller(host, port, filer_process=True, on_filer_death=stop.set)
        SignalStop(stop).install()
        receiver.start()
        self.stdout.write(f"Forewarn inbound SMTP on {host}:{port} (Ctrl-C stops it).")
        self.stdout.flush()
        try:
            stop.wait()
        finally:
            receiver.stop()
        if receiver.handler.filer.has_died:  # a supervisor starts it again, whole
            raise CommandError("The filing process ended; the receiver stopped.")
