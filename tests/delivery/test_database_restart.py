"""Nothing lost, nothing repeated when PostgreSQL restarts in the middle of a fan-out.

Real `forewarn worker` processes send one notice to many subscribers through a real SMTP
server; the database they share (a private PostgreSQL started for this test, never the
machine's shared one) is stopped and started again while they send.
"""

import os
import subprocess
import sys

import pytest

from .servers import PrivatePostgres, SmtpSink
from .test_faults import start_worker, stop, wait_until

pytestmark = pytest.mark.slow

RECIPIENTS = 3000
SEED = f"""
from datetime import timedelta
from django.utils import timezone
from forewarn.delivery import outbox
from forewarn.delivery.models import Audience, Subscriber
now = timezone.now()
Subscriber.objects.bulk_create(
    Subscriber(address=f"user{{i}}@example.com", confirmed_at=now) for i in range({RECIPIENTS})
)
outbox.queue_notice(
    key="incident:5:update:1", thread_key="incident:5", kind="incident.update",
    subject="Investigating", body="The database is restarting.", audience=Audience.PUBLIC,
    due_at=now + timedelta(seconds=1),
)
"""


@pytest.fixture
def postgres():
    server = PrivatePostgres()
    if reason := server.missing():
        pytest.skip(reason)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def scalar(server: PrivatePostgres, sql: str):
    import psycopg

    try:
        with psycopg.connect(
            server.url.replace("postgres://", "postgresql://"), connect_timeout=2
        ) as db:
            return db.execute(sql).fetchone()[0]
    except psycopg.OperationalError:
        return None  # down at the moment


def test_a_postgresql_restart_mid_fan_out_loses_and_repeats_nothing(postgres, tmp_path):
    sink = SmtpSink().start()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_URL", "EMAIL_", "ANYMAIL_", "FOREWARN_DELIVERY_"))
    } | {
        "DATABASE_URL": postgres.url,
        "FOREWARN_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "restart-test-secret",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.port),
        "FOREWARN_LOG_LEVEL": "WARNING",
        "FOREWARN_DELIVERY_THREADS": "4",
        "FOREWARN_DELIVERY_ROUND_SECONDS": "2",
        "FOREWARN_DELIVERY_RETRY_BASE_SECONDS": "0.5",
        "PYTHONUNBUFFERED": "1",
    }
    for args in (["migrate", "-v", "0"], ["shell", "-c", SEED]):
        done = subprocess.run(
            [sys.executable, "-m", "forewarn.cli", *args],
            env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    workers = [start_worker(env, tmp_path, "first"), start_worker(env, tmp_path, "second")]
    try:
        wait_until(lambda: sink.count >= 500, 120, "the workers to send 500 messages")
        postgres.restart(down_for=1.5)
        sent_during_outage = sink.count
        assert sent_during_outage < RECIPIENTS, "the fan-out ended before the restart"
        pending = "SELECT COUNT(*) FROM delivery_delivery WHERE status IN ('queued', 'retrying', 'sending')"
        wait_until(
            lambda: len(sink.per_recipient) == RECIPIENTS and scalar(postgres, pending) == 0,
            # What is checked is 0 lost and 0 repeated, not speed: alone the whole test takes
            # ~35 s, but beside a parallel suite 2,500 messages took more than 90 s (CI).
            240,
            "every recipient to get the notice and every row to be recorded",
        )
        wait_until(
            lambda: scalar(
                postgres, "SELECT COUNT(*) FROM record_event WHERE kind = 'notice.delivered'"
            ),
            20,
            "notice.delivered in the record",
        )
    finally:
        for worker in workers:
            stop(worker)
        sink.stop()
    lost = RECIPIENTS - len(sink.per_recipient)
    repeated = sum(n - 1 for n in sink.per_recipient.values())
    print(f"\nrestarted after {sent_during_outage} sent; lost {lost}, repeated {repeated}")
    assert (lost, repeated) == (0, 0)
    assert (
        scalar(postgres, "SELECT COUNT(*) FROM delivery_delivery WHERE status = 'sent'")
        == RECIPIENTS
    )
    assert (
        scalar(postgres, "SELECT COUNT(*) FROM record_event WHERE kind = 'notice.delivered'") == 1
    )
    assert all(worker.returncode == 0 for worker in workers)
    logs = "".join((tmp_path / f"{name}.log").read_text() for name in ("first", "second"))
    assert "failed" in logs, "the restart went unnoticed: nothing was tested"
