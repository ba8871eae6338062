"""The built-in SMTP receiver for self-hosting (``forewarn inbound-smtp``): mail to the
support address is filed while the sender waits, and refused in the SMTP transaction when
it cannot be, so Forewarn never sends a refusal of its own (no backscatter): the sending
server tells its user, as for any rejected mail.

aiosmtpd runs the SMTP conversation on an event loop; the filing runs in a small pool of
threads, each with its own database connection.
"""

import asyncio
import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

from aiosmtpd.controller import Controller
from django.db import close_old_connections, connection

from . import inbound
from .mail import parse

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
