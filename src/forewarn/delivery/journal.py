"""A local journal of accepted messages, so a killed worker's last sends are not repeated.

A sending round appends each delivery id the moment the server accepted it
(one small ``write``, in the kernel's page cache: it survives the process being
killed, not the machine losing power) and holds an exclusive ``flock`` on the
file while it runs.  The round deletes its journal once every outcome is
recorded in the database.  A journal whose lock can be taken belongs to a
process that died: any worker on the machine replays it (records those rows as
sent) before claiming, normally well before the dead worker's claims expire, so
those messages are not sent again.

What remains is the unavoidable SMTP window: the server accepted a message
but the worker died before it read the server's reply.
"""

import contextlib
import fcntl
import hashlib
import logging
import os
import secrets
import threading
from pathlib import Path

from django.conf import settings
from django.db import connection

from forewarn.delivery import claims
from forewarn.delivery.models import Delivery
from forewarn.delivery.outbox import PENDING

logger = logging.getLogger("forewarn.delivery")


def _folder() -> Path | None:
    folder = Path(settings.DATA_DIR) / "delivery-journal"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK) else None


def _database_tag() -> str:
    """Journals name their database: ids mean nothing in another one (tests share a data folder)."""
    db = connection.settings_dict
    identity = f"{connection.vendor}|{db.get('HOST')}|{db.get('PORT')}|{db.get('NAME')}"
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        identity += f"|{os.getpid()}"  # no other process can see this database
    return hashlib.sha256(identity.encode()).hexdigest()[:12]


class Journal:
    """One round's journal: ``note()`` from any thread, ``close()`` when all is recorded."""

    def __init__(self):
        self.fd: int | None = None
        self.path: Path | None = None
        self.lock = threading.Lock()
        folder = _folder()
        if folder is None:
            return
        self.path = folder / f"{_database_tag()}-{os.getpid()}-{secrets.token_hex(4)}.log"
        try:
            self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            logger.warning("delivery journal unavailable at %s", self.path)
            self.fd = None

    def note(self, delivery_id: int, thread_message_id: str = "") -> None:
        """The server accepted this delivery's message."""
        if self.fd is not None:
            os.write(self.fd, f"{delivery_id}\t{thread_message_id}\n".encode())

    def close(self, *, recorded: bool) -> None:
        """Delete the journal when every outcome is recorded; otherwise leave it to be replayed."""
        if self.fd is None:
            return
        if recorded:
            with contextlib.suppress(OSError):
                self.path.unlink()
        os.close(self.fd)  # releases the lock
        self.fd = None


def replay_orphans() -> int:
    """Record as sent what dead workers' journals say was accepted; returns rows recorded."""
    folder = _folder()
    if folder is None:
        return 0
    recorded = 0
    for path in sorted(folder.glob(f"{_database_tag()}-*.log")):
        try:
            fd = os.open(path, os.O_RDWR)
        except OSError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # its worker is alive
            with open(fd, closefd=False) as lines:
                entries = [line.rstrip("\n").split("\t") for line in lines if line.strip()]
            recorded += _record_sent(entries)
            path.unlink()
        finally:
            os.close(fd)
    return recorded


def _record_sent(entries: list[list[str]]) -> int:
    thread_ids = {int(entry[0]): (entry[1] if len(entry) > 1 else "") for entry in entries}
    ids = list(thread_ids)
    outcomes = []
    for start in range(0, len(ids), 500):
        unrecorded = Delivery.objects.filter(pk__in=ids[start : start + 500], status__in=PENDING)
        outcomes += [
            claims.Outcome(
                pk,
                claims.AttemptOutcome.SENT,
                "Accepted before its worker stopped; recorded from the worker's journal.",
                thread_message_id=thread_ids[pk],
                channel=channel,
                subscriber_id=subscriber_id,
            )
            for pk, channel, subscriber_id in unrecorded.values_list(
                "pk", "channel", "subscriber_id"
            )
        ]
    if outcomes:
        logger.warning("recorded %d sent deliveries from a stopped worker's journal", len(outcomes))
    return claims.record_outcomes(outcomes)
