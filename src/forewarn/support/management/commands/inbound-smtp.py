"""``forewarn inbound-smtp``: the built-in SMTP receiver for the support address."""

import threading

from django.core.management.base import BaseCommand

from forewarn.ops.stopping import SignalStop
from forewarn.support.smtp import controller


class Command(BaseCommand):
    help = "Receive support mail over SMTP: file it into requests, or refuse it in the SMTP transaction."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2525)
        parser.add_argument("--threads", type=int, default=8, help="messages filed at once")

    def handle(self, *args, host, port, threads, **options):
        stop = threading.Event()
        SignalStop(stop).install()
        receiver = controller(host, port, threads)
        receiver.start()
        self.stdout.write(f"Forewarn inbound SMTP on {host}:{port} (Ctrl-C stops it).")
        try:
            stop.wait()
        finally:
            receiver.stop()
