"""Benchmark support: the clocks of 100,000 open requests, and mail filed through the built-in
SMTP receiver.

clock_s: the due instant and the business time left of 100,000 open requests spread over
three calendars (seed 001's nl-business, seed 004's us-support across two zones, and a
calendar with split days), a third of them with a pause (waiting on the customer): what the
queue in the console and the API compute (``clocks.Clock.due_at`` and ``left``). Target
under 1 s. Baseline in the same run: the same answers by walking each calendar minute by
minute (``is_open``), for 300 of the requests, scaled to 100,000; the answers of the sample are
compared (they must agree to the minute).

inbound_per_s: 8 parallel ``smtplib`` clients on kept-open connections send messages from
authorized contacts to the built-in receiver as ``forewarn inbound-smtp`` runs it: the SMTP
conversations in this process, the filing in a process forked from it (``FilerProcess``), on
a file SQLite database in a temporary folder; the clients run in a process of their own and
compose their mails before the clock starts (composing is the senders' work, on their
machines). Each message is parsed, checked, filed as a request with its first message,
recorded, and its acknowledgement queued, before the client gets its 250. Target at least 200
per second. Baseline in the same run: the same clients against an aiosmtpd receiver that
files nothing (the SMTP transport's own ceiling).

inbound_sqlite_processes_per_s: the same clients against ``forewarn inbound-smtp --processes 2``
(two receivers on one port, each with its filing process, taking turns at the database) on a
SQLite file in another temporary folder.

inbound_pg_per_s (with DATABASE_URL set): the same clients against ``forewarn inbound-smtp``
on a fresh PostgreSQL database beside DATABASE_URL's, dropped afterwards; and
inbound_pg_2_per_s with ``--processes 2``.

Each receiver files the mails arriving together in one transaction (group commit).

Run: .venv/bin/python bench/support.py [--requests N] [--messages M]. The last line is one
JSON object.
"""

import sys
from pathlib import Path

# bench/ holds calendar.py, which would shadow the standard library's: the repository's root
# takes its place on the import path (see bench/_setup.py).
HERE = Path(__file__).resolve().parent
sys.path = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

import argparse  # noqa: E402
import contextlib  # noqa: E402
import json  # noqa: E402
import multiprocessing  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import smtplib  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from datetime import UTC, date, datetime, timedelta  # noqa: E402
from datetime import time as clock_time  # noqa: E402
from email.message import EmailMessage  # noqa: E402

from bench._setup import django_bench, temporary_postgres  # noqa: E402

CLIENTS = 8
MINUTE = timedelta(minutes=1)


def calendars():
    from forewarn.calendars.engine import BusinessCalendar, OpeningRange, preset
    from forewarn.calendars.holiday_sets import HolidaySet

    split = BusinessCalendar(
        "Asia/Tokyo",
        tuple(
            r
            for d in range(5)
            for r in (
                OpeningRange(d, clock_time(9), clock_time(12)),
                OpeningRange(d, clock_time(13), clock_time(18)),
            )
        ),
        HolidaySet("JP"),
    )
    return [preset("nl-business"), preset("us-support"), split]


def open_requests(count: int):
    """(clock, now) for ``count`` open requests opened over the last weeks, seeded."""
    from forewarn.support.clocks import Clock

    rng = random.Random(12)
    now = datetime(2027, 3, 29, 13, 17, tzinfo=UTC)  # the Monday after the spring DST change
    found = []
    cals = calendars()
    targets = [timedelta(hours=1), timedelta(hours=8), timedelta(hours=16)]
    for n in range(count):
        calendar = cals[n % 3]
        opened = now - timedelta(minutes=rng.randrange(1, 14 * 24 * 60))
        pauses = ()
        if n % 3 == 0:
            paused = opened + timedelta(minutes=rng.randrange(1, 600))
            pauses = ((paused, min(now, paused + timedelta(minutes=rng.randrange(1, 3000)))),)
        found.append((Clock(opened, targets[n % 3], calendar, pauses), now))
    return found


def walked(clock, now) -> tuple[datetime, timedelta]:
    """The baseline: due instant and time left by stepping minute by minute."""
    paused = [(a, b) for a, b in clock.pauses]

    def counts(t):
        return clock.calendar.is_open(t) and not any(a <= t < b for a, b in paused)

    t, ran, left_at_now = clock.started_at, timedelta(0), None
    while ran < clock.target:
        if left_at_now is None and t >= now:
            left_at_now = clock.target - ran
        if counts(t):
            ran += MINUTE
        t += MINUTE
    if left_at_now is None:
        elapsed = timedelta(0)
        probe = clock.started_at
        while probe < now:
            elapsed += MINUTE if counts(probe) else timedelta(0)
            probe += MINUTE
        left_at_now = clock.target - elapsed
    return t, left_at_now


def bench_clocks(count: int, sample: int) -> dict:
    requests = open_requests(count)
    for clock, now in requests[:30]:  # warm the calendars' tables
        clock.due_at(), clock.left(now)
    started = time.perf_counter()
    answers = [(clock.due_at(), clock.left(now)) for clock, now in requests]
    ours = time.perf_counter() - started
    chosen = requests[:: max(1, count // sample)][:sample]
    started = time.perf_counter()
    slow = [walked(clock, now) for clock, now in chosen]
    baseline = (time.perf_counter() - started) * count / len(chosen)
    step = max(1, count // sample)
    differences = sum(
        1
        for (due, left), (walked_due, walked_left) in zip(answers[::step], slow, strict=False)
        if abs(due - walked_due) > MINUTE or abs(left - walked_left) > MINUTE
    )
    return {
        "clock_s": round(ours, 3),
        "clock_baseline_s": round(baseline, 1),
        "clock_differences": differences,
    }


def message(sender: str, n: int) -> bytes:
    found = EmailMessage()
    found["From"], found["To"] = sender, "support@forewarn.example"
    found["Subject"] = f"Calls drop on trunk {n}"
    found["Message-ID"] = f"<bench-{n}-{sender.partition('@')[0]}@acme.example>"
    found.set_content("Every call drops after 30 seconds.\n\n-- \nA customer\n")
    return found.as_bytes()


def send_all(port: int, senders: list[str], per_client: int) -> tuple[float, int]:
    """``clients`` in a process of their own, as a receiver's clients are other machines: they
    must not take the receiver's interpreter lock. (seconds, accepted)."""
    spawn = multiprocessing.get_context("spawn")
    with spawn.Pool(1) as pool:
        return pool.apply(clients, (port, senders, per_client))


def clients(port: int, senders: list[str], per_client: int) -> tuple[float, int]:
    """Each client sends ``per_client`` messages on one connection; (seconds, accepted)."""
    accepted = [0] * len(senders)
    barrier = threading.Barrier(len(senders) + 1)

    def client(index: int, sender: str) -> None:
        # Written before the clock starts: composing mail is the senders' work, on their machines.
        mails = [message(sender, index * 100_000 + n) for n in range(per_client)]
        with smtplib.SMTP("127.0.0.1", port, timeout=60) as smtp:
            barrier.wait()
            for mail in mails:
                smtp.sendmail(sender, ["support@forewarn.example"], mail)
                accepted[index] += 1

    threads = [threading.Thread(target=client, args=(i, s)) for i, s in enumerate(senders)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=300)
    return time.perf_counter() - started, sum(accepted)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bench_inbound(per_client: int, *, filer_process: bool = True) -> dict:
    from aiosmtpd.controller import Controller
    from django.core.management import call_command

    from forewarn.catalog.models import AuthorizedContact, Organization
    from forewarn.support.models import SupportRequest
    from forewarn.support.smtp import controller

    call_command("migrate", verbosity=0)
    acme = Organization.objects.create(slug="acme", name="Acme")
    senders = [f"contact{i}@acme.example" for i in range(CLIENTS)]
    for address in senders:
        AuthorizedContact.objects.create(organization=acme, name=address, email=address)

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            return "250 OK"

    sink = Controller(Sink(), hostname="127.0.0.1", port=free_port())
    sink.start()
    try:
        sink_seconds, sink_count = send_all(sink.port, senders, per_client)
    finally:
        sink.stop()
    receiver = controller("127.0.0.1", free_port(), filer_process=filer_process)
    receiver.start()
    try:
        seconds, accepted = send_all(receiver.port, senders, per_client)
    finally:
        receiver.stop()
    filed = SupportRequest.objects.count()
    batches = receiver.handler.filer.batch_sizes
    return {
        "inbound_per_s": round(accepted / seconds, 1),
        "inbound_mean_batch": round(sum(k * n for k, n in batches.items()) / batches.total(), 1),
        "inbound_baseline_per_s": round(sink_count / sink_seconds, 1),
        "inbound_messages": accepted,
        "inbound_filed": filed,
    }


def run_receiver(
    env: dict, senders: list[str], per_client: int, processes: int
) -> tuple[float, int]:
    """``forewarn inbound-smtp --processes`` as a command of its own on the database ``env``
    names, migrated and given Acme with ``senders`` as its contacts; (seconds, accepted)."""
    command = [sys.executable, "-m", "forewarn.cli"]
    setup = (
        "from forewarn.catalog.models import AuthorizedContact, Organization;"
        "acme = Organization.objects.create(slug='acme', name='Acme');"
        f"[AuthorizedContact.objects.create(organization=acme, name=a, email=a) for a in {senders!r}]"
    )
    env = env | {"FOREWARN_SUPPORT_EMAIL": "support@forewarn.example"}
    for args in (["migrate", "-v0"], ["shell", "-c", setup]):
        subprocess.run([*command, *args], env=env, check=True, capture_output=True, timeout=300)
    port = free_port()
    receiver = subprocess.Popen(
        [*command, "inbound-smtp", "--port", str(port), "--processes", str(processes)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        receiver.stdout.readline()  # listening
        return send_all(port, senders, per_client)
    finally:
        receiver.terminate()
        receiver.wait(timeout=60)


def bench_inbound_postgres(url: str, per_client: int, processes: int = 1) -> dict:
    """The receiver as production runs it: ``--processes`` on PostgreSQL, a command of its own."""
    import psycopg

    database, drop = temporary_postgres(url, f"forewarn_bench_inbound_{processes}_{os.getpid()}")
    senders = [f"contact{i}@acme.example" for i in range(CLIENTS)]
    try:
        seconds, accepted = run_receiver(
            os.environ | {"DATABASE_URL": database}, senders, per_client, processes
        )
        with psycopg.connect(database) as db:
            filed = db.execute("SELECT count(*) FROM support_supportrequest").fetchone()[0]
    finally:
        drop()
    key = "inbound_pg" if processes == 1 else f"inbound_pg_{processes}"
    return {f"{key}_per_s": round(accepted / seconds, 1), f"{key}_filed": filed}


def bench_inbound_sqlite_processes(per_client: int, processes: int = 2) -> dict:
    """``--processes`` on SQLite, a command of its own on a database file in a folder of the
    bench's. The folder is FOREWARN_DATA_DIR, as a self-hosted SQLite install sets it: a
    ``sqlite://`` DATABASE_URL would leave out the settings' WAL journal and immediate
    transactions."""
    import sqlite3

    data_dir = Path(os.environ["FOREWARN_DATA_DIR"]) / "processes"
    data_dir.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    senders = [f"contact{i}@acme.example" for i in range(CLIENTS)]
    seconds, accepted = run_receiver(
        env | {"FOREWARN_DATA_DIR": str(data_dir)}, senders, per_client, processes
    )
    with contextlib.closing(sqlite3.connect(data_dir / "forewarn.sqlite3")) as db:
        filed = db.execute("SELECT count(*) FROM support_supportrequest").fetchone()[0]
    return {
        "inbound_sqlite_processes_per_s": round(accepted / seconds, 1),
        "inbound_sqlite_processes": processes,
        "inbound_sqlite_processes_filed": filed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--messages", type=int, default=60, help="per client (8 clients)")
    args = parser.parse_args()
    if os.environ.get("DATABASE_URL"):  # django_bench(postgres=False) drops it for SQLite
        os.environ["DATABASE_URL_FOR_BENCH"] = os.environ["DATABASE_URL"]
    with django_bench("support", postgres=False, prefix="forewarn-bench-support-"):
        figures = bench_clocks(args.requests, args.sample)
        print(
            f"clocks: {args.requests:,} open requests in {figures['clock_s']} s; walking minute by "
            f"minute would take ~{figures['clock_baseline_s']} s; {figures['clock_differences']} differences"
        )
        figures |= bench_inbound(args.messages)
        print(
            f"inbound: {figures['inbound_messages']} messages from {CLIENTS} clients filed at "
            f"{figures['inbound_per_s']}/s ({figures['inbound_filed']} requests, "
            f"{figures['inbound_mean_batch']} a transaction on average); an SMTP sink takes "
            f"{figures['inbound_baseline_per_s']}/s"
        )
        sink = f"an SMTP sink takes {figures['inbound_baseline_per_s']}/s"
        figures |= bench_inbound_sqlite_processes(args.messages)
        print(
            f"inbound on SQLite, {figures['inbound_sqlite_processes']} receiver processes: "
            f"{figures['inbound_sqlite_processes_per_s']}/s "
            f"({figures['inbound_sqlite_processes_filed']} requests); {sink}"
        )
        if url := os.environ.get("DATABASE_URL_FOR_BENCH"):
            for processes in (1, 2):
                figures |= bench_inbound_postgres(url, args.messages, processes)
                key = "inbound_pg" if processes == 1 else f"inbound_pg_{processes}"
                print(
                    f"inbound on PostgreSQL, {processes} receiver process(es): "
                    f"{figures[key + '_per_s']}/s ({figures[key + '_filed']} requests); {sink}"
                )
        figures["date"] = date.today().isoformat()
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
