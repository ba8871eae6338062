"""Benchmark the delivery fan-out: one notice to N email subscribers, end to end, against a local SMTP sink.

Ours: ``queue_notice`` (fan-out to N rows in one transaction), then the
worker's scheduler jobs (``scheduler.run_once``: claim in batches, send on
parallel kept-open SMTP connections, record outcomes in bulk) until every row
is recorded.  The clock runs from the call to ``queue_notice`` to the last
recorded outcome.

The limit, measured in the same run against the same sink: plain ``smtplib``
senders on 8 parallel persistent connections sending a message of the same
size.  The sink (aiosmtpd, in its own process) is the practical ceiling: it
takes about one core at ~3,000 messages/s.

Run: .venv/bin/python bench/fanout.py [--subscribers N] [--limit-messages M] [--threads T]
Uses a file SQLite database in a temporary folder, or a temporary database next
to DATABASE_URL's when that is set (PostgreSQL).  The last line is one JSON object.
"""

import sys
from pathlib import Path

# bench/ holds calendar.py, which would shadow the standard library's: the repository's root
# takes its place on the import path (see bench/_setup.py).
HERE = Path(__file__).resolve().parent
sys.path = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

from bench._setup import django_bench  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SINK = ROOT / "tests" / "delivery" / "servers.py"


class Sink:
    """The SMTP sink in its own process, driven over stdin/stdout."""

    def __init__(self):
        self.process = subprocess.Popen(
            [sys.executable, str(SINK), "smtp"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = self.process.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"The SMTP sink did not start: {line!r}")
        self.port = int(line.split()[1])

    def ask(self, command: str) -> dict:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        try:
            self.process.stdin.write("quit\n")
            self.process.stdin.flush()
            self.process.wait(timeout=5)
        except Exception:
            self.process.kill()
            self.process.wait(timeout=5)


def limit_rate(port: int, message: bytes, count: int, connections: int = 8) -> float:
    """Plain smtplib on ``connections`` persistent connections: messages per second."""
    import smtplib

    per_connection = [count // connections + (i < count % connections) for i in range(connections)]
    barrier = threading.Barrier(connections + 1)

    def send(n: int, index: int) -> None:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
            smtp.ehlo()
            barrier.wait()
            for i in range(n):
                smtp.sendmail("status@bench.example", [f"limit{index}-{i}@bench.example"], message)

    threads = [threading.Thread(target=send, args=(n, i)) for i, n in enumerate(per_connection)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started, cpu = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    print(
        f"limit CPU           {(time.process_time() - cpu) / count * 1e6:.0f} µs per message in the senders' process"
    )
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument(
        "--limit-messages", type=int, default=10_000, help="messages for the smtplib limit"
    )
    parser.add_argument(
        "--threads", type=int, default=None, help="sending threads (default: the product's)"
    )
    args = parser.parse_args()

    sink = Sink()
    try:
        os.environ["EMAIL_HOST"], os.environ["EMAIL_PORT"] = "127.0.0.1", str(sink.port)
        os.environ.pop("ANYMAIL_BACKEND", None)
        if args.threads:
            os.environ["FOREWARN_DELIVERY_THREADS"] = str(args.threads)
        with django_bench("fanout"):
            run(args, sink)
    finally:
        sink.close()


def run(args, sink: Sink) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from forewarn import scheduler
    from forewarn.delivery import outbox
    from forewarn.delivery.emails import PUBLIC, NoticeMail, Recipient, SubscriberRef
    from forewarn.delivery.models import Delivery, DeliveryStatus, Subscriber
    from forewarn.ops.jobs import load_jobs

    call_command("migrate", verbosity=0)
    load_jobs()
    now = timezone.now()
    Subscriber.objects.bulk_create(
        (
            Subscriber(address=f"user{i}@bench.example", confirmed_at=now, secret="")
            for i in range(args.subscribers)
        ),
        batch_size=5000,
    )
    body = (
        "We will upgrade the **SMS API** database cluster. Sending continues; the API may "
        "answer slowly for up to 5 minutes during the switch-over.\n\n"
        "- Start: see below\n- Expected impact: slower responses\n"
    )
    fields = {
        "thread_key": "planned:bench",
        "kind": "planned.announcement",
        "subject": "Planned maintenance: SMS API database upgrade",
        "body": body,
        "audience": "public",
        "event_times": {"start": "2026-12-21T09:00:00+00:00", "end": "2026-12-21T11:00:00+00:00"},
    }

    # The limit: a message of our size, on 8 plain smtplib connections.
    sample = outbox.queue_notice(
        key="bench:sample", due_at=now + timezone.timedelta(days=365), **fields
    )
    recipient = Recipient(
        "limit@bench.example", PUBLIC, "", SubscriberRef(1, "email", "user0@bench.example"), 1
    )
    message = NoticeMail(sample).as_bytes(recipient)
    limit = limit_rate(sink.port, message, args.limit_messages)
    sink.ask("reset")

    # Ours: fan-out, sending, recording — the worker's scheduler jobs until nothing is pending.
    started, cpu = time.perf_counter(), time.process_time()
    started_monotonic = time.monotonic()
    notice = outbox.queue_notice(key="bench:notice", **fields)
    fanned_out = time.perf_counter() - started
    pending = [DeliveryStatus.QUEUED, DeliveryStatus.RETRYING, DeliveryStatus.SENDING]
    deadline = time.monotonic() + max(120, args.subscribers / 50)
    while Delivery.objects.filter(notice=notice, status__in=pending).exists():
        if time.monotonic() > deadline:
            raise SystemExit("The benchmark did not finish in time.")
        scheduler.run_once()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu
    stats = sink.ask("stats")
    sent = Delivery.objects.filter(notice=notice, status=DeliveryStatus.SENT).count()
    to_last = (stats["last_at"] - started_monotonic) if stats["last_at"] else float("nan")

    ours = sent / elapsed
    result = {
        "messages": sent,
        "ours_per_s": round(ours),
        "limit_per_s": round(limit),
        "ratio": round(ours / limit, 2),
        "lost": args.subscribers - stats["recipients"],
        "duplicates": stats["count"] - stats["recipients"],
    }
    print(f"database            {connection.vendor}")
    print(f"message size        {len(message):,} bytes, {len(message) // 1024} KiB")
    print(f"fan-out             {args.subscribers:,} rows in {fanned_out:.2f} s")
    print(f"time to last mail   {to_last:.2f} s at the sink; all recorded after {elapsed:.2f} s")
    print(f"ours                {ours:,.0f} messages/s end to end (fan-out + sending + recording)")
    print(
        f"ours CPU            {cpu / max(sent, 1) * 1e6:.0f} µs per message in the worker's process"
    )
    print(
        f"limit               {limit:,.0f} messages/s (smtplib, 8 persistent connections, same sink)"
    )
    print(f"sink                {stats['count']:,} messages on {stats['connections']} connections")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
