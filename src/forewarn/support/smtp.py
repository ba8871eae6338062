"""The built-in SMTP receiver for self-hosting (``forewarn inbound-smtp``): mail to the
support address is filed while the sender waits, and refused in the SMTP transaction when
it cannot be, so Forewarn never sends a refusal of its own (no backscatter): the sending
server tells its user, as for any rejected mail.

aiosmtpd runs the SMTP conversation on an event loop; the filing runs in a small pool of
threads, each with its own database connection. With PostgreSQL, ``--processes N`` runs N
such processes on one listening socket (``serve_processes``): the kernel hands each new
connection to one of them, as gunicorn's workers share theirs, so filing uses every core.
"""

import asyncio
import contextlib
import logging
import os
import signal
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from django.db import close_old_connections, connection, connections

from . import inbound
from .mail import parse

log = logging.getLogger("forewarn.support.smtp")

DATA_LIMIT = 30 * 1024 * 1024  # ten 10 MB attachments would not fit; three do, base64 and all


def _smtp_text(text: str) -> str:
    return " ".join(text.split())[:400]


# SQLite takes one writer at a time, and a thread that finds the database locked sleeps in
# steps of up to 100 ms before it looks again, while the lock may have been free for most of
# them: the receiver's own threads take turns here instead, and the next one starts as soon
# as the last commits. (PostgreSQL files them side by side.)
_SQLITE_TURN = threading.Lock()


def file_message(raw: bytes, mail_from: str, rcpt_tos: list[str]) -> str:
    """File one received message; the SMTP reply (250 filed, 550 refused)."""
    close_old_connections()
    try:
        mail = parse(raw, envelope_sender=mail_from or "", envelope_recipients=tuple(rcpt_tos))
        turn = _SQLITE_TURN if connection.vendor == "sqlite" else contextlib.nullcontext()
        with turn:
            outcome = inbound.receive(mail, refused_in_transaction=True)
        if not outcome.filed:
            return f"550 5.7.1 Not filed: {_smtp_text(outcome.reason)}"
        return f"250 2.0.0 Filed as {outcome.request.reference}"
    finally:
        close_old_connections()


class SupportHandler:
    """aiosmtpd handler: only the support address is taken; each message filed or refused."""

    def __init__(self, threads: int = 8):
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="inbound-smtp")

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not inbound.is_support_address(address):
            return "550 5.1.1 No such mailbox here: write to the support address."
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self.pool, file_message, raw, envelope.mail_from, list(envelope.rcpt_tos)
        )


def controller(host: str = "127.0.0.1", port: int = 2525, threads: int = 8) -> Controller:
    """A receiver ready to ``start()`` (and ``stop()``) in its own thread."""
    return Controller(
        SupportHandler(threads),
        hostname=host,
        port=port,
        data_size_limit=DATA_LIMIT,
        server_hostname="forewarn-inbound",
        ready_timeout=10,
    )


# More than one process on one socket ----------------------------------------------------


def serve(listener: socket.socket, threads: int = 8) -> None:
    """Answer SMTP on ``listener`` (bound and listening) until SIGTERM or SIGINT: one process of
    ``serve_processes``. A message being filed when the signal comes is finished first."""
    loop = asyncio.new_event_loop()
    handler = SupportHandler(threads)
    server = loop.run_until_complete(
        loop.create_server(
            lambda: SMTP(handler, data_size_limit=DATA_LIMIT, hostname="forewarn-inbound"),
            sock=listener,
        )
    )
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, loop.stop)
    try:
        loop.run_forever()
    finally:
        server.close()
        handler.pool.shutdown(wait=True)
        loop.close()


def serve_processes(
    host: str, port: int, processes: int, threads: int, stop: threading.Event
) -> None:
    """``processes`` receivers on one socket, each forked from here, until ``stop`` is set; one
    that dies is started again. (Linux and other POSIX systems: ``os.fork``.)"""
    listener = socket.create_server((host, port), backlog=256)
    connections.close_all()  # a forked child must not share the parent's database connection
    children: set[int] = set()

    def start() -> None:
        pid = os.fork()
        if pid == 0:  # the child: serve, then leave without running the parent's clean-up
            code = 1
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops it with SIGTERM
                serve(listener, threads)
                code = 0
            except BaseException:
                log.exception("inbound SMTP process %s failed", os.getpid())
            finally:
                os._exit(code)
        children.add(pid)

    try:
        for _ in range(processes):
            start()
        while not stop.wait(0.5):
            for pid in list(children):
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    children.discard(pid)
                    log.warning("inbound SMTP process %s ended (%s); starting another", pid, status)
                    start()
    finally:
        listener.close()
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        while children and time.monotonic() < deadline:
            for pid in list(children):
                if os.waitpid(pid, os.WNOHANG)[0]:
                    children.discard(pid)
            time.sleep(0.05)
        for pid in children:  # still filing after 30 s: stopped; its client was not told 250
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
