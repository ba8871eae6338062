"""The built-in SMTP receiver for self-hosting (``forewarn inbound-smtp``): mail to the
support address is filed while the sender waits, and refused in the SMTP transaction when
it cannot be, so Forewarn never sends a refusal of its own (no backscatter): the sending
server tells its user, as for any rejected mail.

aiosmtpd runs the SMTP conversation on an event loop; one filer thread per process files
what is waiting (group commit): the mails that arrived while the last batch was being filed
are filed together, in one transaction, and each sender then gets its own answer. Under
light load a batch is one mail: the filer never waits for a batch to fill. ``--processes N``
runs N such processes on one listening socket (``serve_processes``): the kernel hands each
new connection to one of them, as gunicorn's workers share theirs. On PostgreSQL they file
side by side; on SQLite they take turns at the database (``SqliteTurn``) while the parsing
and the SMTP conversations of one overlap the filing of another.
"""

import asyncio
import contextlib
import fcntl
import functools
import itertools
import logging
import multiprocessing
import os
import queue
import signal
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from django.db import close_old_connections, connection, connections, transaction

from . import inbound
from .mail import InboundMail, parse

log = logging.getLogger("forewarn.support.smtp")

DATA_LIMIT = 30 * 1024 * 1024  # ten 10 MB attachments would not fit; three do, base64 and all
BATCH_LIMIT = 64  # mails filed in one transaction at most
# RFC 3463 4.3.0: a temporary failure of the receiving system; the sending server tries again.
TEMPORARY_FAILURE = "451 4.3.0 Not filed for now: a temporary failure; try again later"


def _smtp_text(text: str) -> str:
    return " ".join(text.split())[:400]


def _reply(outcome: inbound.Outcome) -> str:
    """The SMTP answer to a mail's outcome: 250 filed, 550 refused."""
    if not outcome.filed:
        return f"550 5.7.1 Not filed: {_smtp_text(outcome.reason)}"
    return f"250 2.0.0 Filed as {outcome.request.reference}"


# SQLite takes one writer at a time, and a writer that finds the database locked sleeps in
# steps of up to 100 ms before it looks again, while the lock may have been free for most of
# them: the receiver's filers take turns here instead, and the next one starts as soon as the
# last commits. Within a process a lock; across the processes of ``--processes`` an exclusive
# flock on a file beside the database. (PostgreSQL files them side by side.)
_SQLITE_TURN = threading.Lock()


class SqliteTurn:
    """The turn at a SQLite database, for one filer: ``with turn():`` around each batch."""

    def __init__(self):
        self.lock_file: int | None = None  # the flock's file, opened at the first turn

    @contextlib.contextmanager
    def __call__(self):
        if connection.vendor != "sqlite":
            yield
            return
        with _SQLITE_TURN:
            if self.lock_file is None and not connection.is_in_memory_db():
                path = f"{os.fspath(connection.settings_dict['NAME'])}.inbound-lock"
                self.lock_file = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            if self.lock_file is None:  # a database in memory is this process's alone
                yield
                return
            fcntl.flock(self.lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self.lock_file, fcntl.LOCK_UN)

    def close(self) -> None:
        if self.lock_file is not None:
            os.close(self.lock_file)
            self.lock_file = None


@dataclass(eq=False)
class Received:
    """A mail as the SMTP session took it, and the answer its sender waits for."""

    raw: bytes
    mail_from: str
    rcpt_tos: list[str]
    answer: Future = field(default_factory=Future)
    mail: InboundMail | None = None

    def reply(self, text: str) -> None:
        with contextlib.suppress(InvalidStateError):  # answered already
            self.answer.set_result(text)


_STOP = object()


class Filer:
    """One thread that files what is waiting, as one batch in one transaction, and answers
    each mail's sender. ``batch_sizes`` counts the batches filed by their size."""

    def __init__(self, limit: int = BATCH_LIMIT):
        self.limit = limit
        self.waiting: queue.SimpleQueue = queue.SimpleQueue()
        self.batch_sizes: Counter[int] = Counter()
        self.turn = SqliteTurn()
        self.is_stopping = False
        self._lock = threading.Lock()  # nothing is queued behind _STOP
        self.thread = threading.Thread(target=self._run, name="inbound-smtp-filer", daemon=True)
        self.thread.start()

    def submit(self, raw: bytes, mail_from: str, rcpt_tos: list[str]) -> Future:
        """The future SMTP answer to a received mail."""
        received = Received(raw, mail_from or "", list(rcpt_tos))
        with self._lock:
            if not self.is_stopping:
                self.waiting.put(received)
                return received.answer
        received.reply(TEMPORARY_FAILURE)  # stopping: the sender tries again later
        return received.answer

    def stop(self) -> None:
        """File and answer everything queued so far, then end the thread."""
        with self._lock:
            if not self.is_stopping:
                self.is_stopping = True
                self.waiting.put(_STOP)
        self.thread.join()

    def _run(self) -> None:
        try:
            stopping = False
            while not stopping:
                batch = [self.waiting.get()]
                while len(batch) < self.limit:  # whatever else is waiting, never waiting for more
                    try:
                        batch.append(self.waiting.get_nowait())
                    except queue.Empty:
                        break
                if _STOP in batch:
                    stopping = True
                    batch.remove(_STOP)
                if batch:
                    self.file(batch)
        finally:
            self.turn.close()
            connections.close_all()

    def file(self, batch: list[Received]) -> None:
        """File ``batch`` and answer each of its mails; a mail the receiver fails on is
        answered with a temporary failure, never left waiting."""
        self.batch_sizes[len(batch)] += 1
        close_old_connections()
        try:
            # A sender that went away before its mail was taken gets no 250, and sends again.
            batch = [r for r in batch if r.answer.set_running_or_notify_cancel()]
            for received in batch:
                try:
                    received.mail = parse(
                        received.raw,
                        envelope_sender=received.mail_from,
                        envelope_recipients=tuple(received.rcpt_tos),
                    )
                except Exception:
                    log.exception(
                        "inbound SMTP: could not parse a mail from %s", received.mail_from
                    )
                    received.reply(TEMPORARY_FAILURE)
            parsed = [r for r in batch if r.mail is not None]
            try:
                answers = self._file_together(parsed)
            except Exception:
                log.exception("inbound SMTP: a batch of %s failed; filing each alone", len(parsed))
                answers = [self._file_alone(received) for received in parsed]
            for received, answer in zip(parsed, answers, strict=True):
                received.reply(answer)
        except Exception:
            log.exception("inbound SMTP: a batch of %s failed", len(batch))
        finally:
            for received in batch:
                received.reply(TEMPORARY_FAILURE)  # only those not answered above
            close_old_connections()

    def _file_together(self, batch: list[Received]) -> list[str]:
        if not batch:
            return []
        # One transaction for the whole batch, whatever receive_many does inside: a batch that
        # fails files nothing, so each mail of it can be filed again alone, none of them twice.
        with self.turn(), transaction.atomic():
            outcomes = inbound.receive_many(
                [received.mail for received in batch], refused_in_transaction=True
            )
            if len(outcomes) != len(batch):
                raise ValueError(f"{len(outcomes)} outcomes for {len(batch)} mails")
            answers = [_reply(outcome) for outcome in outcomes]
        return answers

    def _file_alone(self, received: Received) -> str:
        close_old_connections()  # the batch's failure may have been the connection's
        try:
            return self._file_together([received])[0]
        except Exception:
            log.exception("inbound SMTP: could not file a mail from %s", received.mail_from)
            return TEMPORARY_FAILURE


class FilerProcess:
    """A ``Filer`` in a process of its own, forked from this one: this process talks SMTP and
    the filing runs beside it on another core (one Python process takes one core at a time).
    The same ``submit`` and ``stop``; the mails go over a pipe and each answer comes back.
    If the filing process dies, what it had not answered, and anything sent after, gets a
    temporary failure (451), and ``on_death`` is called (from a thread of this process), so
    the receiver can stop and be started again whole."""

    def __init__(
        self, on_death: Callable[[], None] | None = None, inherited: tuple[socket.socket, ...] = ()
    ):
        connections.close_all()  # the child must not share this process's database connection
        context = multiprocessing.get_context("fork")
        self.pipe, child = context.Pipe()
        self.process = context.Process(
            target=_file_for,
            args=(child, (self.pipe, *inherited)),
            name="inbound-smtp-filer",
            daemon=True,
        )
        self.process.start()
        child.close()
        self.batch_sizes: Counter[int] = Counter()  # the child's, when it has stopped
        self.on_death = on_death
        self.has_died = False
        self.is_stopping = False
        self._waiting: dict[int, Future] = {}
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, name="inbound-smtp-answers", daemon=True)
        self._reader.start()

    def submit(self, raw: bytes, mail_from: str, rcpt_tos: list[str]) -> Future:
        answer: Future = Future()
        with self._lock:
            if not self.is_stopping and self.process.is_alive():
                number = next(self._numbers)
                self._waiting[number] = answer
                try:
                    self.pipe.send((number, raw, mail_from or "", list(rcpt_tos)))
                    return answer
                except OSError:
                    del self._waiting[number]
        answer.set_result(TEMPORARY_FAILURE)
        return answer

    def stop(self) -> None:
        """The filing process files and answers what it was sent, then ends."""
        with self._lock:
            if not self.is_stopping:
                self.is_stopping = True
                with contextlib.suppress(OSError):
                    self.pipe.send(None)
        self._reader.join(timeout=60)
        self.process.join(timeout=10)

    def _read(self) -> None:
        try:
            while True:
                number, answer = self.pipe.recv()
                if number is None:  # stopped: its batch sizes
                    self.batch_sizes.update(answer)
                    return
                future = self._waiting.pop(number, None)
                if future is not None:
                    _answer(future, answer)
        except (EOFError, OSError):
            log.error("inbound SMTP: the filing process %s ended", self.process.pid)
            self.has_died = True
        finally:
            with self._lock:
                self.is_stopping = True
                for future in self._waiting.values():
                    _answer(future, TEMPORARY_FAILURE)
                self._waiting.clear()
        if self.has_died and self.on_death is not None:
            self.on_death()


def _answer(future: Future, text: str) -> None:
    """Answer a mail whose sender may have gone meanwhile (its future cancelled)."""
    with contextlib.suppress(InvalidStateError):
        future.set_result(text)


def _file_for(pipe, inherited: tuple) -> None:
    """The filing process: a ``Filer`` fed from the pipe, each answer sent back. It closes what
    it was forked with (``inherited``): the listening socket, which would keep the port open,
    and the SMTP process's end of the pipe, without which it would never see that end close
    when the SMTP process is killed, and would wait for mail for ever."""
    for end in inherited:
        end.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the SMTP process stops it through the pipe
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    filer = Filer()
    sending = threading.Lock()

    def answer(number: int, future: Future) -> None:
        with sending, contextlib.suppress(OSError):
            pipe.send((number, future.result()))

    try:
        while (item := pipe.recv()) is not None:
            number, raw, mail_from, rcpt_tos = item
            filer.submit(raw, mail_from, rcpt_tos).add_done_callback(
                functools.partial(answer, number)
            )
    except EOFError:  # the SMTP process is gone
        pass
    finally:
        filer.stop()
        with sending, contextlib.suppress(OSError):
            pipe.send((None, dict(filer.batch_sizes)))
        os._exit(0)


class SupportHandler:
    """aiosmtpd handler: only the support address is taken; each message filed or refused."""

    def __init__(
        self,
        *,
        filer_process: bool = False,
        on_filer_death: Callable[[], None] | None = None,
        listener: socket.socket | None = None,
    ):
        if filer_process:
            self.filer = FilerProcess(on_filer_death, (listener,) if listener else ())
        else:
            self.filer = Filer()
        self.answering = 0  # DATA commands waiting for their answer

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not inbound.is_support_address(address):
            return "550 5.1.1 No such mailbox here: write to the support address."
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        self.answering += 1
        try:
            return await asyncio.wrap_future(
                self.filer.submit(raw, envelope.mail_from, envelope.rcpt_tos)
            )
        finally:
            self.answering -= 1  # aiosmtpd writes the answer before it next yields

    async def drain(self, server: asyncio.AbstractServer) -> None:
        """Stop taking connections, file what was received, and answer its senders."""
        server.close()
        await asyncio.to_thread(self.filer.stop)
        deadline = time.monotonic() + 5
        while self.answering and time.monotonic() < deadline:
            await asyncio.sleep(0.01)


class Receiver(Controller):
    """aiosmtpd's threaded controller whose ``stop`` answers every mail already received."""

    def stop(self, no_assert: bool = False) -> None:
        if self._thread is not None and self.server is not None:
            asyncio.run_coroutine_threadsafe(self.handler.drain(self.server), self.loop).result()
        super().stop(no_assert)


def controller(
    host: str = "127.0.0.1",
    port: int = 2525,
    *,
    filer_process: bool = False,
    on_filer_death: Callable[[], None] | None = None,
) -> Receiver:
    """A receiver ready to ``start()`` (and ``stop()``) in its own thread; ``filer_process``:
    filing in a process of its own (``FilerProcess``; a database file or server, not SQLite
    in memory), ``on_filer_death`` called if that process dies."""
    return Receiver(
        SupportHandler(filer_process=filer_process, on_filer_death=on_filer_death),
        hostname=host,
        port=port,
        data_size_limit=DATA_LIMIT,
        server_hostname="forewarn-inbound",
        ready_timeout=10,
    )


# More than one process on one socket ----------------------------------------------------


def serve(listener: socket.socket, *, filer_process: bool = True) -> None:
    """Answer SMTP on ``listener`` (bound and listening) until SIGTERM or SIGINT: one process of
    ``serve_processes``. Mail received when the signal comes is filed and answered first."""
    loop = asyncio.new_event_loop()
    handler = SupportHandler(  # forked before the loop starts any thread
        filer_process=filer_process,
        on_filer_death=lambda: loop.call_soon_threadsafe(loop.stop),
        listener=listener,
    )
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
        loop.run_until_complete(handler.drain(server))
    finally:
        server.close()
        handler.filer.stop()
        loop.close()
    if getattr(handler.filer, "has_died", False):  # serve_processes starts another
        raise RuntimeError("the filing process ended")


def serve_processes(host: str, port: int, processes: int, stop: threading.Event) -> None:
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
                serve(listener)
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
