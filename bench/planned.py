"""Benchmark planned work: publishing one maintenance to 20,000 subscribers and 300 contacts, and
one scheduler tick over 10,000 scheduled works.

- ``publish_s``: ``services.publish`` of a seed-000 maintenance window (5 business days'
  notice) on a component with 20,000 confirmed email subscribers, used by 30 organizations
  with 10 authorized contacts each, published at the last instant its policy allows for a
  window from Sat 16 Jan 2027 22:00 CET (its announce-by, which the check answers), so its
  announcement is due at once:
  the time until every delivery row of it is written (the outbox writes them in the
  publication's transaction). Target: under 2 s. The baseline, in the same run, is the outbox
  alone: ``queue_notice`` of a notice of the same size to the same recipients.
- ``tick_s``: one tick of the jobs that move planned work on (``planned_transitions``, then
  ``fan_out_due_notices``) over 10,000 scheduled works, each with its window's start in its
  due-time column and a reminder queued in the outbox, spread over the next 60 days. Since the
  previous tick, 5 seconds earlier, one window came to its start and 20 reminders fell due
  (one batch of the fan-out job), far more than such a spread brings in 5 seconds. Target:
  under 0.2 s. Starting a window costs about 30 queries (holds, statuses, record, notices,
  page) and fanning out a reminder about 8, whatever the number of works. The baseline, in the same run, is a
  watcher without due-time columns: it reads every open window and every waiting notice and
  works out in Python which are due, doing nothing with them.

Run: .venv/bin/python bench/planned.py [--works N] [--subscribers M] [--contacts K]
Uses a file SQLite database in a temporary folder, or a temporary database next to
DATABASE_URL's when that is set (PostgreSQL). The last line is one JSON object.
"""

import sys
from pathlib import Path

# bench/ holds calendar.py: drop this folder from the import path so that `import calendar`
# finds the standard library.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402

SEED = 20270111
NOW = datetime(2027, 1, 11, 7, 30, tzinfo=UTC)  # Mon 08:30 in Amsterdam
START = datetime(2027, 1, 16, 21, 0, tzinfo=UTC)  # Sat 22:00 in Amsterdam
TICK = timedelta(seconds=5)
STARTING, REMINDING = 1, 20  # windows that start, reminders that fall due, in the tick
ORGANIZATIONS = 30
REPEATS = 5


def temporary_postgres(url: str) -> tuple[str, callable]:
    """A fresh database beside DATABASE_URL's, and a function that drops it."""
    import psycopg

    name = f"forewarn_bench_planned_{os.getpid()}"
    base, _, _ = url.rpartition("/")
    maintenance = f"{base}/postgres"
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(maintenance, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{base}/{name}", drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=10_000)
    parser.add_argument("--subscribers", type=int, default=20_000)
    parser.add_argument("--contacts", type=int, default=300)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="forewarn-bench-"))
    drop_database = None
    try:
        os.environ["FOREWARN_DATA_DIR"] = str(workdir)
        os.environ.setdefault("FOREWARN_LOG_LEVEL", "WARNING")
        if os.environ.get("DATABASE_URL"):
            os.environ["DATABASE_URL"], drop_database = temporary_postgres(
                os.environ["DATABASE_URL"]
            )
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forewarn.settings")
        import django

        django.setup()
        run(args)
    finally:
        if drop_database:
            from django.db import connections

            connections.close_all()
            drop_database()
        shutil.rmtree(workdir, ignore_errors=True)


def run(args) -> None:
    import time_machine
    from django.core.management import call_command

    from forewarn.catalog.models import Component
    from forewarn.catalog.services import save_component
    from forewarn.policies.services import load_presets

    call_command("migrate", verbosity=0)
    with time_machine.travel(NOW - timedelta(days=30), tick=True):
        load_presets(actor="bench")
        voice = save_component(Component(slug="voice", name="Voice"), actor="bench")
        others = [
            save_component(Component(slug=f"c{n}", name=f"Component {n}"), actor="bench")
            for n in range(50)
        ]
    publish = measure_publish(args, voice)
    tick = measure_tick(args, others)
    report(args, publish, tick)


# --- publishing ---------------------------------------------------------------------------------


def audience(args, component) -> list:
    """The subscribers of ``component`` and the organizations (with contacts) that use it."""
    from django.utils import timezone

    from forewarn.catalog.models import AuthorizedContact, Organization
    from forewarn.delivery.models import Subscriber

    subscribers = Subscriber.objects.bulk_create(
        (
            Subscriber(address=f"user{i}@bench.example", confirmed_at=timezone.now(), secret="")
            for i in range(args.subscribers)
        ),
        batch_size=5000,
    )
    through = Subscriber.components.through
    through.objects.bulk_create(
        (through(subscriber_id=s.pk, component_id=component.pk) for s in subscribers),
        batch_size=5000,
    )
    organizations = Organization.objects.bulk_create(
        Organization(slug=f"client-{n}", name=f"Client {n}", plan="Business")
        for n in range(ORGANIZATIONS)
    )
    uses = Organization.components.through
    uses.objects.bulk_create(uses(organization=o, component=component) for o in organizations)
    AuthorizedContact.objects.bulk_create(
        (
            AuthorizedContact(
                organization=organizations[n % ORGANIZATIONS],
                name=f"Contact {n}",
                email=f"contact{n}@client{n % ORGANIZATIONS}.example",
            )
            for n in range(args.contacts)
        ),
        batch_size=1000,
    )
    return organizations


def measure_publish(args, component) -> dict:
    """``publish`` of the maintenance; then the outbox alone to the same recipients."""
    import time_machine

    from forewarn.delivery.models import Delivery
    from forewarn.delivery.outbox import queue_notice
    from forewarn.planned import api, services
    from forewarn.policies.models import Policy

    organizations = audience(args, component)
    policy = Policy.objects.get(slug="seed-000")
    with time_machine.travel(NOW - timedelta(hours=1), tick=True):
        work = services.create_draft(
            actor="bench",
            role="responder",
            title="Database upgrade",
            policy=policy,
            work_type=policy.work_types.get(slug="maintenance-window"),
            start=START,
            end=START + timedelta(hours=4),
            time_zone="Europe/Amsterdam",
            components={component: "under_maintenance"},
            impact_text="Calls may drop for up to five minutes.",
        )
        (window,) = api.check_work(None, work.pk)["windows"]
        (announce_by,) = {p["announce_by"] for p in window["policies"]}
    # Published at the last instant the policy allows: the announcement is due at once.
    with time_machine.travel(datetime.fromisoformat(announce_by), tick=True):
        started = time.perf_counter()
        services.publish(work, actor="bench", role="communicator")
        publish_s = time.perf_counter() - started
        written = Delivery.objects.filter(notice__thread_key=f"planned:{work.pk}")
        delivered = written.count()
        kinds = sorted(set(written.values_list("notice__kind", flat=True)))
        started = time.perf_counter()
        bare = queue_notice(
            key="bench:bare",
            thread_key="bench",
            kind="planned.announcement",
            subject="Planned: Database upgrade",
            body="We will carry out the following maintenance window in the window below.",
            components=[component.pk],
            organizations=organizations,
            event_times={"start": START, "end": START + timedelta(hours=4)},
        )
        outbox_s = time.perf_counter() - started
    return {
        "publish": publish_s,
        "published_at": announce_by,
        "delivered": delivered,
        "kinds": kinds,
        "outbox": outbox_s,
        "outbox_rows": Delivery.objects.filter(notice=bare).count(),
    }


# --- the scheduler's tick -----------------------------------------------------------------------


def scheduled_works(count: int, components: list, organization) -> None:
    """``count`` published works as the services leave them, written in bulk (publishing 10,000
    one by one would only slow the set-up): each window scheduled with its start in
    ``next_transition_at``, each work a reminder waiting in the outbox. In each of the
    ``REPEATS`` 5-second spans before the measured ticks (NOW, NOW + 5 s, …), ``STARTING``
    windows start and ``REMINDING`` reminders fall due."""
    from forewarn.delivery.models import Audience, Notice
    from forewarn.planned.models import AffectedComponent, PlannedWork, Window
    from forewarn.policies.models import Policy

    rng = random.Random(SEED)
    policy = Policy.objects.get(slug="seed-001")
    work_type = policy.work_types.get(slug="scheduled-maintenance")
    works = PlannedWork.objects.bulk_create(
        (
            PlannedWork(
                title=f"Bench work {n}",
                policy=policy,
                work_type=work_type,
                time_zone="Europe/Amsterdam",
                state="scheduled",
                created_by="bench",
                created_at=NOW - timedelta(days=20),
                published_at=NOW - timedelta(days=20),
            )
            for n in range(count)
        ),
        batch_size=1000,
    )
    AffectedComponent.objects.bulk_create(
        (AffectedComponent(work=w, component=rng.choice(components)) for w in works),
        batch_size=1000,
    )
    starts, reminders = [], []
    for n in range(len(works)):
        if n < STARTING * REPEATS:
            start = NOW + TICK * (n // STARTING - 1) + timedelta(seconds=rng.uniform(0.1, 4.9))
        else:
            start = NOW + timedelta(seconds=rng.uniform(3600, 60 * 86400))
        starts.append(start)
        if n < REMINDING * REPEATS:
            due = NOW + TICK * (n // REMINDING - 1) + timedelta(seconds=rng.uniform(0.1, 4.9))
        else:
            due = start - timedelta(days=1) if start - timedelta(days=1) > NOW else start
        reminders.append(due)
    Window.objects.bulk_create(
        (
            Window(
                work=w,
                index=0,
                start_at=s,
                end_at=s + timedelta(hours=2),
                rule_start_at=s,
                state="scheduled",
                next_transition_at=s,
            )
            for w, s in zip(works, starts, strict=True)
        ),
        batch_size=1000,
    )
    notices = Notice.objects.bulk_create(
        (
            Notice(
                key=f"planned:{w.pk}:0:reminder:1440m:v0",
                thread_key=f"planned:{w.pk}",
                kind="planned.reminder",
                subject=f"Reminder: {w.title}",
                body="A reminder: the scheduled maintenance below begins in 1 day.",
                audience=Audience.CONTACTS,
                due_at=due,
                created_at=NOW - timedelta(days=20),
            )
            for w, due in zip(works, reminders, strict=True)
        ),
        batch_size=1000,
    )
    through = Notice.organizations.through
    through.objects.bulk_create(
        (through(notice_id=n.pk, organization_id=organization.pk) for n in notices),
        batch_size=2000,
    )


def naive_scan(now) -> int:
    """The baseline watcher: every open window's next move and every waiting notice's due time
    worked out in Python."""
    from forewarn.delivery.models import Notice
    from forewarn.planned.lifecycle import next_transition_at
    from forewarn.planned.models import Window

    due = 0
    for state, start, end, extension in Window.objects.exclude(
        state__in=["draft", "completed", "cancelled"]
    ).values_list("state", "start_at", "end_at", "next_extension_at"):
        at = next_transition_at(state, start, end, now=now, next_extension_at=extension)
        due += at is not None and at <= now
    for (at,) in Notice.objects.filter(
        fanned_out_at__isnull=True, cancelled_at__isnull=True
    ).values_list("due_at"):
        due += at <= now
    return due


def measure_tick(args, components) -> dict:
    """The tick at NOW, after the previous one at NOW - 5 s; and the scan baseline."""
    import time_machine

    from forewarn.catalog.models import AuthorizedContact, Organization
    from forewarn.delivery import outbox
    from forewarn.delivery.models import Delivery
    from forewarn.planned import jobs
    from forewarn.planned.models import Window
    from forewarn.record.models import Event

    client = Organization.objects.create(slug="tick-client", name="Tick client", plan="Business")
    client.components.set(components)
    for n in range(3):
        AuthorizedContact.objects.create(
            organization=client, name=f"Ops {n}", email=f"ops{n}@tick-client.example"
        )
    scheduled_works(args.works, components, client)
    # The previous tick, 5 seconds earlier, did everything due until then (and warmed up the
    # worker's process, as a running worker is).
    with time_machine.travel(NOW - TICK, tick=False):
        jobs.planned_transitions()
        outbox.fan_out_due()
    with time_machine.travel(NOW, tick=False):
        scans = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            found = naive_scan(NOW)
            scans.append(time.perf_counter() - started)
    ticks, parts, moved = [], [], []
    events, deliveries = Event.objects.count(), Delivery.objects.count()
    for k in range(REPEATS):  # a tick every 5 seconds, each finding its span's due work
        with time_machine.travel(NOW + TICK * k, tick=False):
            started = time.perf_counter()
            moved.append(jobs.planned_transitions())
            middle = time.perf_counter()
            outbox.fan_out_due()
            ticks.append(time.perf_counter() - started)
            parts.append((middle - started, ticks[-1] - (middle - started)))
    written = (Event.objects.count() - events) / REPEATS
    delivered = (Delivery.objects.count() - deliveries) / REPEATS
    with time_machine.travel(NOW + TICK * REPEATS, tick=False):
        started = time.perf_counter()
        idle = jobs.planned_transitions() + outbox.fan_out_due()  # nothing came due
        idle_tick = time.perf_counter() - started
    running = Window.objects.filter(state="in_progress").count()
    return {
        "works": args.works,
        "tick": statistics.median(ticks),
        "tick_best": min(ticks),
        "tick_parts": parts[ticks.index(sorted(ticks)[len(ticks) // 2])],
        "moved": moved[0],
        "running": running,
        "written": written,
        "delivered": delivered,
        "idle_tick": idle_tick,
        "idle": idle,
        "scan": min(scans),
        "scan_found": found,
    }


def report(args, publish: dict, tick: dict) -> None:
    from django.db import connection

    result = {
        "database": connection.vendor,
        "subscribers": args.subscribers,
        "contacts": args.contacts,
        "publish_s": round(publish["publish"], 3),
        "deliveries": publish["delivered"],
        "outbox_baseline_s": round(publish["outbox"], 3),
        "works": tick["works"],
        "tick_s": round(tick["tick"], 4),
        "tick_started": tick["moved"],
        "tick_deliveries": round(tick["delivered"]),
        "idle_tick_s": round(tick["idle_tick"], 4),
        "scan_baseline_s": round(tick["scan"], 4),
    }
    print(f"database            {connection.vendor}")
    print(
        f"publish             {publish['publish']:.3f} s: {publish['delivered']:,} deliveries "
        f"written ({', '.join(publish['kinds'])}) to {args.subscribers:,} subscribers and "
        f"{args.contacts} contacts, published at {publish['published_at']} (target < 2 s)"
    )
    print(
        f"baseline outbox     {publish['outbox']:.3f} s: queue_notice alone to "
        f"{publish['outbox_rows']:,}"
    )
    print(
        f"tick                {tick['tick']:.4f} s (median of {REPEATS}, best "
        f"{tick['tick_best']:.4f} s) over {tick['works']:,} scheduled works: {tick['moved']} "
        f"window started ({tick['running']} in progress after all), {tick['delivered']:.0f} "
        f"deliveries of due reminders, {tick['written']:.0f} events written (target < 0.2 s)"
    )
    transitions, fan_out = tick["tick_parts"]
    print(
        f"  of which           planned_transitions {transitions:.4f} s, "
        f"fan_out_due_notices {fan_out:.4f} s"
    )
    print(f"idle tick           {tick['idle_tick']:.4f} s ({tick['idle']} due)")
    print(
        f"baseline scan       {tick['scan']:.4f} s to find {tick['scan_found']} due by reading "
        f"every open window and waiting notice (best of {REPEATS})"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
