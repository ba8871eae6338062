"""Send due deliveries: claim in batches, send on parallel kept-open connections, record at once.

One call (``send_due``, the scheduler job) is a *round* of at most
``round_seconds``.  The calling thread claims rows (``claims.claim``), renders
each notice once, and hands the rows to ``threads`` sending threads through a
queue; each sending thread owns its transports (one SMTP connection for all its
messages) and hands back each outcome.  The calling thread, the only one that
writes to the database, records the outcomes that have arrived every
``RECORD_EVERY`` (10 ms) in one short transaction, and claims more when the
queue runs low.

The duplicate window, and how small it is:

1. The server accepts a message (250 after DATA).  The sending thread writes
   the delivery id to the round's journal (``journal.py``) before anything
   else: a killed worker's journal is replayed by the next round of any worker
   on the machine, so what it had sent is recorded, not sent again.
2. The outcome is in the database within ~10 ms; the journal is deleted when
   the round ends.
3. What remains: a worker killed after the server accepted a message but
   before it read the reply.  Nobody can know; the claim expires and the
   message is sent again, with the same Message-ID (mail clients collapse it).
   At most one message per sending thread of the killed worker; the fault
   test measures 0-3 with 4 threads.

No message is ever recorded as sent before the server accepted it.
"""

import logging
import queue
import threading
import time
from collections import deque

from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connections,
)

from forewarn.delivery import channels, claims, journal, outbox
from forewarn.delivery.emails import NoticeMail
from forewarn.delivery.models import AttemptOutcome, Channel, Notice

logger = logging.getLogger("forewarn.delivery")

# Channels whose service was unreachable, until when (time.monotonic); shared by the rounds of a process.
_unreachable_until: dict[str, float] = {}
_STOP = None
# Outcomes are recorded this often (seconds): the longest a sent message stays unrecorded,
# besides the recording itself. Shorter means a smaller duplicate window and more transactions.
RECORD_EVERY = 0.01


def send_due(tune: outbox.Tuning | None = None) -> int:
    """Send what is due for up to one round; returns how many deliveries got an outcome."""
    replayed = journal.replay_orphans()
    return replayed + _Round(tune or outbox.tuning()).run()


def _unreachable(channel: str) -> bool:
    return _unreachable_until.get(channel, 0.0) > time.monotonic()


class _Round:
    def __init__(self, tune: outbox.Tuning):
        self.tune = tune
        self.work: queue.Queue = queue.Queue()
        self.results: deque = deque()  # appended by the sending threads, drained here
        self.mails: dict[int, NoticeMail | None] = {}
        self.threads: list[threading.Thread] = []
        self.outstanding = 0
        self.recorded = 0
        self.exhausted = False
        self.notice_ids: set[int] = set()
        self.journal: journal.Journal | None = None

    def run(self) -> int:
        deadline = time.monotonic() + self.tune.round_seconds
        failed = True
        try:
            while True:
                if (
                    not self.exhausted
                    and self.outstanding < self.tune.batch
                    and time.monotonic() < deadline
                ):
                    self._claim_more()
                if self.outstanding == 0:
                    break
                time.sleep(RECORD_EVERY)
                self._record(self._collect())
            failed = False
        finally:
            self._stop(abort=failed)
        if self.notice_ids:
            outbox.complete_finished_notices(self.notice_ids)
        return self.recorded

    # Claiming ------------------------------------------------------------------

    def _claim_more(self) -> None:
        excluded = [channel for channel in Channel.values if _unreachable(channel)]
        claimed = claims.claim(self.tune.batch, exclude_channels=excluded)
        if len(claimed) < self.tune.batch:
            self.exhausted = True  # the next round looks again
        if claimed and self.journal is None:
            self.journal = journal.Journal()
        skipped = []
        for item in claimed:
            self.notice_ids.add(item.notice_id)
            mail = self._mail(item.notice_id)
            if item.gone or mail is None:
                reason = item.gone or "The notice was cancelled before sending."
                skipped.append(
                    claims.Outcome(item.id, claims.SKIPPED, reason, attempts=item.attempts)
                )
                continue
            if item.channel == Channel.EMAIL:
                mail.variant(channels.recipient_for(item).kind, item.time_zone)  # render here, once
            self.work.put((item, mail))
            self.outstanding += 1
        self._record(skipped)
        wanted = min(self.tune.threads, self.outstanding)
        while len(self.threads) < wanted:
            thread = threading.Thread(
                target=_send_from, args=(self.work, self.results, self.journal, self.tune), daemon=True,
                name=f"delivery-sender-{len(self.threads) + 1}",
            )  # fmt: skip
            thread.start()
            self.threads.append(thread)

    def _mail(self, notice_id: int) -> NoticeMail | None:
        if notice_id not in self.mails:
            notice = Notice.objects.filter(pk=notice_id).prefetch_related("components").first()
            if notice is None or notice.cancelled_at is not None:
                self.mails[notice_id] = None
            else:
                self.mails[notice_id] = NoticeMail(
                    notice, components=[c.name for c in notice.components.all()]
                )
        return self.mails[notice_id]

    # Recording -----------------------------------------------------------------

    def _collect(self) -> list[claims.Outcome]:
        found = []
        try:
            while True:
                found.append(self.results.popleft())
        except IndexError:
            pass
        self.outstanding -= len(found)
        return found

    def _record(self, outcomes: list[claims.Outcome]) -> None:
        """Record at once; on a lost database connection, reconnect and try again (bounded)."""
        if not outcomes:
            return
        for pause in (0.2, 0.5, 1, 2, 4, None):
            try:
                self.recorded += claims.record_outcomes(outcomes)
                return
            except (OperationalError, InterfaceError) as exc:
                if pause is None:
                    raise
                logger.warning("recording %d outcomes failed (%s); retrying", len(outcomes), exc)
                connections["default"].close()
                time.sleep(pause)

    def _stop(self, *, abort: bool) -> None:
        if abort:  # leave what was not sent yet for the claims to expire
            try:
                while True:
                    self.work.get_nowait()
                    self.outstanding -= 1
            except queue.Empty:
                pass
        for _ in self.threads:
            self.work.put(_STOP)
        deadline = time.monotonic() + 120
        for thread in self.threads:
            thread.join(timeout=max(deadline - time.monotonic(), 0.1))
        leftovers = self._collect()
        recorded = False
        try:
            self._record(leftovers)
            recorded = not abort
        except DatabaseError:
            if not abort:
                raise
            logger.exception("could not record %d outcomes; the journal keeps them", len(leftovers))
        finally:
            if self.journal is not None:
                self.journal.close(recorded=recorded)


def _send_from(
    work: queue.Queue, results: deque, sent: journal.Journal, tune: outbox.Tuning
) -> None:
    """A sending thread: its own transports (connections), until it takes the stop marker."""
    transports = channels.transports(tune.http_timeout)
    try:
        while (entry := work.get()) is not _STOP:
            item, mail = entry
            outcome = _send_one(transports[item.channel], item, mail, tune)
            if outcome.status == AttemptOutcome.SENT:
                sent.note(outcome.delivery_id, outcome.thread_message_id)  # before anything else
            results.append(outcome)
    finally:
        for transport in transports.values():
            transport.close()
        close_old_connections()
        connections.close_all()


def _send_one(transport: channels.Transport, item, mail: NoticeMail, tune) -> claims.Outcome:
    if _unreachable(item.channel):
        result = channels.Result(
            AttemptOutcome.DEFERRED, f"Not tried: the {item.channel} service was unreachable."
        )
    else:
        try:
            result = transport.send(item, mail)
        except Exception as exc:  # a bug must not lose the row: retry it later, visibly
            logger.exception("sending delivery %s failed unexpectedly", item.id)
            result = channels.Result(
                AttemptOutcome.TRANSIENT,
                f"Unexpected error ({type(exc).__name__}); the worker's log has the details.",
            )
        if result.unreachable:
            _unreachable_until[item.channel] = time.monotonic() + tune.retry_base_seconds
    return claims.Outcome(
        delivery_id=item.id,
        status=result.status,
        detail=result.detail[:2000],
        attempts=item.attempts,
        queued_at=item.queued_at,
        subscriber_id=item.subscriber.pk if item.subscriber else None,
        channel=item.channel,
        thread_message_id=mail.thread_id if mail.is_thread_root else "",
    )
