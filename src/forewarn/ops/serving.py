"""How Forewarn's web process is started: granian (default) or gunicorn serving forewarn.wsgi.

Pure Python, no Django.

Granian was chosen on measurements (bench/statuspage.py, docs/operators/scale.md): on the
same machine, with the demo's two workers of two threads, it answered the cached JSON and its
304s about 4.5 times, and the page 1.5 times, as many requests per second as gunicorn's
threaded workers, at a sixth to an eighth of their 99th-percentile latency: its HTTP handling
is Rust and keeps connections alive without Python. gunicorn stays available
(``FOREWARN_WEB_SERVER=gunicorn``).
"""

import sys

SERVERS = ("granian", "gunicorn")
DEFAULT_SERVER = "granian"
APPLICATION = "forewarn.wsgi:application"
# Measured with the demo's 2 workers of 2 threads (wrk -t2 -c64): at 16 the cached page's
# requests/s were about 3 times and its p99 a third of granian's default (backlog/workers).
BACKPRESSURE = 16


def web_command(
    bind: str,
    *,
    workers: int,
    threads: int = 1,
    server: str = DEFAULT_SERVER,
    access_log: bool = False,
    graceful_seconds: int = 20,
    log_level: str = "info",
    backpressure: int = BACKPRESSURE,
) -> list[str]:
    """The command line that serves forewarn.wsgi on ``bind`` (production, demo and benchmarks).

    ``bind`` is ``HOST:PORT`` or ``unix:/path/to/socket``. ``backpressure`` (granian): how many
    requests a worker takes in at once; the others wait in granian's Rust side, not in Python.
    """
    if server == "gunicorn":
        return [
            sys.executable, "-m", "gunicorn", APPLICATION,
            "--bind", bind, "--workers", str(workers), "--threads", str(threads),
            "--graceful-timeout", str(graceful_seconds), "--log-level", log_level,
            *(("--access-logfile", "-") if access_log else ()),
        ]  # fmt: skip
    if server != "granian":
        raise ValueError(f"Unknown web server {server!r}: choose one of {', '.join(SERVERS)}.")
    if bind.startswith("unix:"):
        where = ["--uds", bind.removeprefix("unix:")]
    else:
        host, _, port = bind.rpartition(":")
        where = ["--host", host.strip("[]") or "127.0.0.1", "--port", port]
    return [
        sys.executable, "-m", "forewarn.ops.granian_server", "--interface", "wsgi", APPLICATION,
        *where,
        "--workers", str(workers), "--blocking-threads", str(threads),
        "--backpressure", str(backpressure), "--no-ws",
        "--respawn-failed-workers", "--workers-kill-timeout", str(graceful_seconds),
        "--log-level", log_level, "--access-log" if access_log else "--no-access-log",
    ]  # fmt: skip
