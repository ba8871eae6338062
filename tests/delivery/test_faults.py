"""Nothing lost: killed workers, a mail server outage, a failing webhook — against real servers, bounded in time."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone
from standardwebhooks import Webhook

from forewarn.delivery import outbox, sender
from forewarn.delivery.models import Audience, Channel, Delivery, DeliveryAttempt, Subscriber

from .conftest import FAST, smtp_mailers, subscribe
from .servers import SmtpSink

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

RECIPIENTS = 2000
# A worker killed after the server accepted a message but before it read the
# server's reply cannot know; at most one such message per sending thread is
# sent again.  Everything accepted before that is in the worker's journal.
WORKER_THREADS = 4


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}.")


class WorkerDatabase:
    """The test database as `forewarn worker` subprocesses see it.

    PostgreSQL: the test database itself (this test commits, being transactional).
    SQLite: the test database is in memory, so it is copied to a file the workers
    open, after the test has seeded it; afterwards it is read from that file.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.file = folder / "forewarn.sqlite3"
        self.vendor = connection.vendor

    def env(self, smtp_port: int) -> dict:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DATABASE_URL", "EMAIL_", "ANYMAIL_", "FOREWARN_DELIVERY_"))
        }
        env |= {
            "FOREWARN_DATA_DIR": str(self.folder),
            "SECRET_KEY": django_settings.SECRET_KEY,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "FOREWARN_LOG_LEVEL": "WARNING",
            "FOREWARN_DELIVERY_THREADS": str(WORKER_THREADS),
            "FOREWARN_DELIVERY_CLAIM_SECONDS": "4",
            "FOREWARN_DELIVERY_ROUND_SECONDS": "2",
            "FOREWARN_DELIVERY_RETRY_BASE_SECONDS": "0.5",
            "PYTHONUNBUFFERED": "1",
        }
        if self.vendor == "postgresql":
            db = connection.settings_dict
            credentials = quote(db["USER"] or "")
            if db.get("PASSWORD"):
                credentials += ":" + quote(db["PASSWORD"])
            env["DATABASE_URL"] = (
                f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
            )
        return env

    def publish(self) -> None:
        """Make what the test wrote visible to the workers."""
        if self.vendor == "sqlite":
            connection.ensure_connection()
            with sqlite3.connect(self.file) as target:
                connection.connection.backup(target)

    def scalar(self, sql: str):
        if self.vendor == "sqlite":
            with sqlite3.connect(self.file, timeout=10) as db:
                return db.execute(sql).fetchone()[0]
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]


def start_worker(env: dict, folder: Path, name: str) -> subprocess.Popen:
    log = open(folder / f"{name}.log", "w")
    return subprocess.Popen(
        [sys.executable, "-m", "forewarn.cli", "worker", "--interval", "0.2"],
        env=env,
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_a_worker_killed_mid_fan_out_loses_nothing_and_repeats_nothing(smtp_sink, tmp_path):
    database = WorkerDatabase(tmp_path)
    now = timezone.now()
    Subscriber.objects.bulk_create(
        Subscriber(address=f"user{i}@example.com", confirmed_at=now) for i in range(RECIPIENTS)
    )
    # Due in a moment: a worker fans it out (exactly once), then the workers send it.
    notice = outbox.queue_notice(
        key="planned:7:announcement",
        thread_key="planned:7",
        kind="planned.announcement",
        subject="Planned maintenance",
        body="The database will be upgraded.",
        audience=Audience.PUBLIC,
        due_at=now + timedelta(seconds=1),
    )
    database.publish()
    env = database.env(smtp_sink.port)
    workers = [start_worker(env, tmp_path, "first")]
    try:
        wait_until(lambda: smtp_sink.count >= 300, 60, "the first worker to send 300 messages")
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait(timeout=10)
        accepted_at_kill = smtp_sink.count
        assert accepted_at_kill < RECIPIENTS, "the worker finished before it could be killed"
        # The killed worker restarted, and a second one beside it.
        workers += [start_worker(env, tmp_path, "restarted"), start_worker(env, tmp_path, "second")]
        pending = "SELECT COUNT(*) FROM delivery_delivery WHERE status IN ('queued', 'retrying', 'sending')"
        wait_until(
            lambda: len(smtp_sink.per_recipient) == RECIPIENTS and database.scalar(pending) == 0,
            60,
            "every recipient to get the notice and every row to be recorded",
        )
        wait_until(
            lambda: database.scalar(
                "SELECT COUNT(*) FROM record_event WHERE kind = 'notice.delivered'"
            ),
            10,
            "notice.delivered in the record",
        )
    finally:
        for worker in workers:
            stop(worker)
    counts = smtp_sink.per_recipient
    lost = RECIPIENTS - len(counts)
    duplicates = sum(n - 1 for n in counts.values())
    replayed = database.scalar(
        "SELECT COUNT(*) FROM delivery_deliveryattempt WHERE detail LIKE '%journal%'"
    )
    taken_over = database.scalar(
        "SELECT COUNT(*) FROM delivery_deliveryattempt WHERE outcome = 'unknown'"
    )
    print(
        f"\nkilled after {accepted_at_kill} accepted; lost {lost}, duplicates {duplicates};"
        f" {replayed} recorded from the journal, {taken_over} claims taken over"
    )
    assert lost == 0
    # Every recipient got exactly one message: any extra copy is the same message (same
    # Message-ID, which mail clients collapse), re-sent because the worker died between the
    # server accepting it and the worker reading that reply: at most one per sending thread.
    assert {
        address: len(ids) for address, ids in smtp_sink.message_ids.items() if len(ids) != 1
    } == {}
    assert all(ids != {""} for ids in smtp_sink.message_ids.values())
    assert duplicates <= WORKER_THREADS
    sent = database.scalar(
        f"SELECT COUNT(*) FROM delivery_delivery WHERE notice_id = {notice.pk} AND status = 'sent'"
    )
    assert sent == RECIPIENTS
    assert database.scalar("SELECT COUNT(*) FROM record_event WHERE kind = 'notice.delivered'") == 1


def test_mail_server_outage_delays_mail_but_loses_none(settings):
    sink = SmtpSink().start()
    port = sink.port
    sink.stop()  # the server is down: connections are refused
    settings.MAILERS = smtp_mailers(port)
    settings.FOREWARN_DELIVERY = FAST | {"retry_base_seconds": 0.3}
    sender._unreachable_until.clear()
    for i in range(300):
        subscribe(f"user{i}@example.com")
    outbox.queue_notice(
        key="incident:9:update:1",
        thread_key="incident:9",
        kind="incident.update",
        subject="Investigating",
        body="We are looking into it.",
        audience=Audience.PUBLIC,
    )
    sender.send_due()
    assert Delivery.objects.filter(status="sent").count() == 0
    assert DeliveryAttempt.objects.filter(outcome="deferred").exists()
    time.sleep(1)
    sender.send_due()  # still down
    sink = SmtpSink(port=port).start()  # back on its port
    try:
        deadline = time.monotonic() + 20
        while Delivery.objects.exclude(status="sent").exists():
            assert time.monotonic() < deadline, "mail was not delivered after the server came back"
            if not sender.send_due():
                time.sleep(0.1)
    finally:
        sink.stop()
    assert len(sink.per_recipient) == 300
    assert set(sink.per_recipient.values()) == {1}
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}  # deferrals not counted
    sender._unreachable_until.clear()


def test_webhook_answering_500_then_200_gets_the_event_once_validly_signed(receivers, settings):
    settings.FOREWARN_DELIVERY = dict(FAST)
    receiver = receivers([500])
    hook = subscribe(receiver.url, channel=Channel.WEBHOOK)
    outbox.queue_notice(
        key="incident:3:update:2",
        thread_key="incident:3",
        kind="incident.update",
        subject="Resolved",
        body="All good.",
        audience=Audience.PUBLIC,
    )
    deadline = time.monotonic() + 10
    while not Delivery.objects.filter(status="sent").exists():
        assert time.monotonic() < deadline, "the webhook was not retried"
        if not sender.send_due():
            time.sleep(0.05)
    assert [r["status"] for r in receiver.requests] == [500, 200]
    first, second = receiver.requests
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"]
    accepted = Webhook(hook.secret).verify(second["body"], second["headers"])
    assert accepted["type"] == "notice.created"
    assert accepted["data"]["subject"] == "Resolved"
    outcomes = list(DeliveryAttempt.objects.order_by("id").values_list("outcome", flat=True))
    assert outcomes == ["transient", "sent"]
