"""How Forewarn's web process is started: gunicorn serving the WSGI application."""

import sys


def gunicorn_command(
    bind: str, *, workers: int, threads: int = 1, options: tuple[str, ...] = ()
) -> list[str]:
    """The command line that serves forewarn.wsgi on ``bind`` (production, demo and benchmarks alike)."""
    return [
        sys.executable, "-m", "gunicorn", "forewarn.wsgi:application",
        "--bind", bind, "--workers", str(workers), "--threads", str(threads),
        *options,
    ]  # fmt: skip
