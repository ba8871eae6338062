"""Real servers on 127.0.0.1 for delivery tests and the benchmark: an aiosmtpd SMTP sink and an HTTP receiver.

Both bind an ephemeral port (port 0) unless told otherwise, so parallel test
processes never collide.  Run as a script, the sink serves in its own process
(the benchmark does that, so the sink has a core to itself):

    python tests/delivery/servers.py smtp   # prints "PORT <n>"; stdin: stats | reset | quit
"""

import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

LOCALHOST = "127.0.0.1"


class _Controller(Controller):
    """aiosmtpd's threaded controller, able to bind port 0 (it learns the port before its self-test)."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class _Handler:
    def __init__(self, sink: "SmtpSink"):
        self.sink = sink

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        limit = self.sink.max_per_connection
        if limit and getattr(session, "messages", 0) >= limit:
            return "421 4.7.0 Too many messages on this connection, closing"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.sink.refuse_recipients:
            return self.sink.refuse_recipients[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        session.messages = getattr(session, "messages", 0) + 1
        self.sink.accept(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
        return "250 Message accepted for delivery"


def _message_id(content: bytes) -> str:
    """The Message-ID header of a raw message (empty when it has none)."""
    head = content.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    for line in head.splitlines():
        if line.lower().startswith(b"message-id:"):
            return line.split(b":", 1)[1].strip().decode(errors="replace")
    return ""


class SmtpSink:
    """An SMTP server that keeps (or only counts) what it accepts; can go down and come back on its port."""

    def __init__(self, *, keep_messages: bool = True, port: int = 0):
        self.keep_messages = keep_messages
        self.port = port
        self.lock = threading.Lock()
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.per_recipient: Counter = Counter()
        # address -> the distinct Message-IDs it received (a re-sent copy has the same one)
        self.message_ids: dict[str, set[str]] = {}
        self.count = 0
        self.first_at: float | None = None
        self.last_at: float | None = None
        # address -> SMTP reply, e.g. "550 5.1.1 No such user" or "451 4.3.0 Try again later"
        self.refuse_recipients: dict[str, str] = {}
        self.connections = 0
        self.max_per_connection = 0  # answer MAIL with 421 after this many messages (0: no limit)
        self._controller: _Controller | None = None

    def accept(self, mail_from: str, rcpt_tos: list[str], content: bytes) -> None:
        now = time.monotonic()
        with self.lock:
            self.count += 1
            self.first_at = self.first_at or now
            self.last_at = now
            message_id = _message_id(content)
            for address in rcpt_tos:
                self.per_recipient[address.lower()] += 1
                self.message_ids.setdefault(address.lower(), set()).add(message_id)
            if self.keep_messages:
                self.messages.append((mail_from, rcpt_tos, content))

    def start(self) -> "SmtpSink":
        sink = self

        class Counting(_Controller):
            def factory(self):
                with sink.lock:
                    sink.connections += 1
                return super().factory()

        self._controller = Counting(
            _Handler(self),
            hostname=LOCALHOST,
            port=self.port,
            ready_timeout=10,
            data_size_limit=None,
        )
        self._controller.start()
        self.port = self._controller.port
        with self.lock:
            self.connections = 0  # not counting the controller's own start-up check
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def parsed(self) -> list:
        """The kept messages as ``email.message.EmailMessage`` objects."""
        with self.lock:
            return [message_from_bytes(raw, policy=policy.default) for _, _, raw in self.messages]

    def wait_for(self, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count >= count:
                return True
            time.sleep(0.02)
        return self.count >= count

    def reset(self) -> None:
        with self.lock:
            self.messages.clear()
            self.per_recipient.clear()
            self.message_ids.clear()
            self.count, self.first_at, self.last_at, self.connections = 0, None, None, 0

    def stats(self) -> dict:
        with self.lock:
            return {
                "count": self.count,
                "recipients": len(self.per_recipient),
                "duplicates": sum(n - 1 for n in self.per_recipient.values() if n > 1),
                "first_at": self.first_at,
                "last_at": self.last_at,
                "connections": self.connections,
            }


class HttpReceiver:
    """An HTTP server that records each POST and answers from a script of status codes (then 200)."""

    def __init__(self, statuses: list[int] | None = None, delay: float = 0.0):
        self.statuses = list(statuses or [])
        self.delay = delay
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver.requests.append(
                        {
                            "path": self.path,
                            "headers": dict(self.headers),
                            "body": body,
                            "status": status,
                        }
                    )
                if receiver.delay:
                    time.sleep(receiver.delay)
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((LOCALHOST, 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://{LOCALHOST}:{self.port}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self) -> "HttpReceiver":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)


class PrivatePostgres:
    """A PostgreSQL server of its own (Debian's binaries, a temporary data folder, its own port).

    For fault tests that stop and restart the database: the machine's shared server must not
    be touched.  ``missing()`` says why one cannot be started here (then skip).  As root, the
    server runs as the ``postgres`` user (initdb refuses root).
    """

    def __init__(self):
        self.bin = self._binaries()
        self.port = free_port()
        self.folder: str | None = None

    @staticmethod
    def _binaries() -> str | None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        return os.path.dirname(found[-1]) if found else None

    def missing(self) -> str:
        if self.bin is None:
            return "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin"
        if os.geteuid() == 0 and shutil.which("runuser") is None:
            return "running as root without runuser to start PostgreSQL as another user"
        if os.geteuid() == 0:
            try:
                import pwd

                pwd.getpwnam("postgres")
            except KeyError:
                return "running as root and there is no postgres user to run PostgreSQL as"
        return ""

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/forewarn"

    def _run(self, *args: str, timeout: float = 60) -> None:
        command = [os.path.join(self.bin, args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=timeout)

    def _ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl", "-D", f"{self.folder}/data", "-l", f"{self.folder}/server.log",
            "-o", options, "-w", "-t", "60", action, *extra,
        )  # fmt: skip

    def start(self) -> "PrivatePostgres":
        self.folder = tempfile.mkdtemp(prefix="forewarn-pg-")
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(
            "initdb", "-D", f"{self.folder}/data", "--auth=trust", "--username=postgres",
            "--no-sync", "--encoding=UTF8", "--locale=C",
        )  # fmt: skip
        self._ctl("start")
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "forewarn")
        return self

    def restart(self, down_for: float = 1.0) -> None:
        """Stop at once (every connection is cut), stay down ``down_for`` seconds, start again."""
        self._ctl("stop", "-m", "fast")
        time.sleep(down_for)
        self._ctl("start")

    def stop(self) -> None:
        if self.folder is None:
            return
        try:
            self._ctl("stop", "-m", "immediate")
        except subprocess.CalledProcessError:
            pass  # not running
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOCALHOST, 0))
        return s.getsockname()[1]


def _serve_smtp() -> None:
    """The sink in its own process: counts only; answers 'stats' on stdin; ends on 'quit' or EOF."""
    sink = SmtpSink(keep_messages=False).start()
    print(f"PORT {sink.port}", flush=True)
    try:
        for line in sys.stdin:
            if line.strip() == "stats":
                print(json.dumps(sink.stats()), flush=True)
            elif line.strip() == "reset":
                sink.reset()
                print("{}", flush=True)
            elif line.strip() == "quit":
                break
    finally:
        sink.stop()


if __name__ == "__main__":
    if sys.argv[1:] == ["smtp"]:
        _serve_smtp()
    else:
        sys.exit("usage: servers.py smtp   (then: stats | reset | quit on stdin)")
