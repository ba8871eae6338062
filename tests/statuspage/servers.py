"""Real servers on 127.0.0.1 for the static copy's tests and bench/static_copy.py.

Debian's nginx: ``site_config`` fills in the three SET lines of the shipped
``deploy/nginx/forewarn-static.conf``; ``plain_config`` serves one folder with nothing
added (the benchmark's baseline); ``nginx`` runs a private nginx (its own prefix, pid,
logs and temp folders) with such a configuration. Forewarn: ``Platform`` is one data
folder with the demo data, and runs ``forewarn web``, ``forewarn worker`` and any other
command on it, as separate processes.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NGINX = Path("/usr/sbin/nginx")
SHIPPED = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "forewarn-static.conf"
MISSING = (
    "Debian's nginx is not installed (/usr/sbin/nginx); `make test` installs it when run as "
    "root, or: sudo apt-get install nginx"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _set(text: str, line: str, value: str) -> str:
    assert text.count(line) == 1, f"the shipped configuration should have {line!r} once"
    return text.replace(line, value)


def site_config(root: Path, port: int, upstream: str) -> str:
    """The shipped configuration, serving ``root`` on 127.0.0.1:``port`` before ``upstream``."""
    text = SHIPPED.read_text()
    text = _set(text, "listen 80;", f"listen 127.0.0.1:{port};")
    text = _set(text, "server 127.0.0.1:8000;", f"server {upstream};")
    return _set(text, "root /var/lib/forewarn/site;", f"root {root};")


def plain_config(root: Path, port: int) -> str:
    """A folder served as nginx serves files by default: the fastest nginx can answer."""
    return f"server {{ listen 127.0.0.1:{port}; root {root}; access_log off; }}\n"


@contextmanager
def nginx(http: str, folder: Path, port: int, *, workers: int = 1) -> Iterator[None]:
    """Run nginx with ``http`` (the inside of its http block) until the block ends."""
    folder.mkdir(parents=True, exist_ok=True)
    temp = "\n".join(
        f"  {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (folder / "nginx.conf").write_text(
        "daemon off;\n"
        + ("user root;\n" if os.geteuid() == 0 else "")  # read files wherever the test made them
        + f"worker_processes {workers};\npid {folder / 'nginx.pid'};\n"
        + f"error_log {folder / 'error.log'} warn;\n"
        + "events { worker_connections 1024; }\n"
        # Debian's nginx.conf sends files with sendfile(2); so does this one.
        + f"http {{\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n{temp}\n{http}\n}}\n"
    )
    command = [str(NGINX), "-p", str(folder), "-c", str(folder / "nginx.conf")]
    with _running(command, port, os.environ, folder / "stderr.log") as process:
        yield process


@contextmanager
def _running(command: list[str], port: int | None, env: dict, log: Path):
    """Run ``command`` (its errors to ``log``) until the block ends; wait for ``port`` first."""
    with open(log, "ab") as errors:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        try:
            if port is not None:
                wait_for_port(port, process, 60, log)
            yield process
        finally:
            stop(process)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for_port(port: int, process: subprocess.Popen, seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} stopped: {log.read_text()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


class Platform:
    """Forewarn on one data folder (SQLite) with the demo data, run as separate processes."""

    def __init__(self, folder: Path, site_url: str):
        self.folder = folder
        self.site = folder / "site"
        skip = ("DATABASE_URL", "EMAIL_", "ANYMAIL_", "FOREWARN_")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(skip)} | {
            "FOREWARN_DATA_DIR": str(folder),
            "FOREWARN_SITE_URL": site_url,
            "FOREWARN_STATIC_DIR": str(self.site),
            "FOREWARN_LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
        }

    def run(self, *args: str, timeout: float = 300) -> str:
        """``forewarn ARGS`` to its end; its output."""
        return subprocess.run(
            [sys.executable, "-m", "forewarn.cli", *args],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=timeout,
        ).stdout

    def load_demo(self) -> None:
        self.run("migrate", "-v", "0")
        self.run("load_demo")

    def web(self, port: int, *, workers: int = 1):
        """``forewarn web`` on 127.0.0.1:``port`` (a context manager)."""
        command = ["web", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
        forewarn = [sys.executable, "-m", "forewarn.cli", *command]
        return _running(forewarn, port, self.env, self.folder / "web.log")

    def worker(self):
        """``forewarn worker`` (a context manager)."""
        forewarn = [sys.executable, "-m", "forewarn.cli", "worker"]
        return _running(forewarn, None, self.env, self.folder / "worker.log")
