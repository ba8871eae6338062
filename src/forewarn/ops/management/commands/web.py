import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from forewarn.ops.metrics import multiprocess_folder
from forewarn.ops.serving import BACKPRESSURE, DEFAULT_SERVER, SERVERS, web_command


class Command(BaseCommand):
    help = "Run the production web process: granian (or gunicorn) serving forewarn.wsgi (WSGI)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind", default=os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_WORKERS", (os.cpu_count() or 1) * 2 + 1)),
        )
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "1")))
        parser.add_argument(
            "--backpressure",
            type=int,
            default=int(os.environ.get("WEB_BACKPRESSURE", BACKPRESSURE)),
            help="granian: requests a worker takes in at once (WEB_BACKPRESSURE)",
        )
        parser.add_argument(
            "--server",
            choices=SERVERS,
            default=os.environ.get("FOREWARN_WEB_SERVER", DEFAULT_SERVER),
            help="the HTTP server (default granian; FOREWARN_WEB_SERVER)",
        )

    def handle(self, *args, bind, workers, threads, server, backpressure, **options):
        # The workers add up their request counts for /metrics in this folder.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = multiprocess_folder(settings.DATA_DIR)
        argv = web_command(
            bind,
            workers=workers,
            threads=threads,
            server=server,
            access_log=True,
            backpressure=backpressure,
        )
        os.execv(sys.executable, argv)
