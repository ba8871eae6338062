import os
import sys

from django.core.management.base import BaseCommand

from forewarn.ops.serving import gunicorn_command


class Command(BaseCommand):
    help = "Run the production web process: gunicorn serving forewarn.wsgi (WSGI)."

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

    def handle(self, *args, bind, workers, threads, **options):
        argv = gunicorn_command(
            bind,
            workers=workers,
            threads=threads,
            options=("--access-logfile", "-", "--graceful-timeout", "20"),
        )
        os.execv(sys.executable, argv)
