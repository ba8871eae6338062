"""Benchmark planned work: publishing one maintenance to 20,000 subscribers and 300 contacts,
and one scheduler tick over 10,000 scheduled works with due reminders among them.

- ``publish_s``: ``services.publish`` of a seed 004 security patch (announced as soon as
  possible, so its announcement is due at once) on a component with 20,000 confirmed email
  subscribers, used by 30 organizations with 10 authorized contacts each, until every delivery
  row is written (the outbox writes them in the publication's transaction). Target: under 2 s.
  The baseline, in the same run, is the outbox alone: ``queue_notice`` of a notice of the same
  size to the same people.
- ``tick_s``: one tick of the jobs that move planned work on (``planned_transitions``, then
  the outbox's ``fan_out_due_notices``) over 10,000 scheduled works, written in bulk as
  publication leaves them (a window with its start as due time, a reminder notice due later),
  of which 5 windows start at the tick and 20 reminders fall due. Target: under 0.2 s. The
  baseline, in the same run, is a watcher without due-time columns: it reads every scheduled
  window and its notices to find the same due ones, doing nothing with them.

Run: .venv/bin/python bench/planned.py [--works N] [--subscribers M] [--profile]
(``--profile``: cProfile around the measured tick, its 25 costliest calls and the tick's query
count on stderr).
Uses a file SQLite database in a temporary folder, or a temporary database next to
DATABASE_URL's when that is set (PostgreSQL). The last line is one JSON object.
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
import time  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402

from bench._setup import django_bench  # noqa: E402

NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)  # Monday 10:00 in Amsterdam
STARTING = 5  # windows whose start comes at the tick
REMINDERS = 20  # reminders due at the tick (one fan-out round)
REPEATS = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=10_000)
    parser.add_argument("--subscribers", type=int, default=20_000)
    parser.add_argument("--organizations", type=int, default=30)
    parser.add_argument("--contacts", type=int, default=10, help="per organization")
    parser.add_argument("--profile", action="store_true", help="profile the tick (stderr)")
    args = parser.parse_args()

    with django_bench("planned"):
        run(args)


def run(args) -> None:
    import time_machine
    from django.core.management import call_command

    from forewarn.catalog.models import Component
    from forewarn.catalog.services import save_component
    from forewarn.policies.services import load_presets

    call_command("migrate", verbosity=0)
    with time_machine.travel(NOW - timedelta(hours=3), tick=True):
        load_presets()
        voice = save_component(Component(slug="voice", name="Voice"), actor="bench")
        sms = save_component(Component(slug="sms", name="SMS API"), actor="bench")
    with time_machine.travel(NOW - timedelta(hours=1), tick=True):
        publish = measure_publish(args, voice)
    tick = measure_tick(args, sms)
    report(args, publish, tick)


def audience(args, component) -> None:
    """Confirmed subscribers of ``component`` and the contacts of organizations using it."""
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
        Organization(slug=f"org{i}", name=f"Org {i}", plan="Enterprise")
        for i in range(args.organizations)
    )
    for organization in organizations:
        organization.components.add(component)
    AuthorizedContact.objects.bulk_create(
        AuthorizedContact(organization=o, name=f"Contact {n}", email=f"c{n}@{o.slug}.example")
        for o in organizations
        for n in range(args.contacts)
    )


def measure_publish(args, component) -> dict:
    """``publish`` to the component's people; then the outbox alone to the same."""
    from django.utils import timezone

    from forewarn.delivery.models import Delivery
    from forewarn.delivery.outbox import queue_notice
    from forewarn.planned import services
    from forewarn.policies.models import Policy

    audience(args, component)
    policy = Policy.objects.get(slug="seed-004")
    now = timezone.now()
    work = services.create_draft(
        actor="bench",
        role="admin",
        title="Security patch of the SIP stack",
        policy=policy,
        work_type=policy.work_types.get(slug="security-patch"),
        start=now + timedelta(hours=2),
        end=now + timedelta(hours=3),
        components={component: "under_maintenance"},
        impact_text="Calls may drop for a minute; no data is affected.",
        description="Patches CVE-2027-0001 in the SIP stack.",
        validated_on_test_environment=True,
    )
    started = time.perf_counter()
    services.publish(work, actor="bench", role="admin")
    publish_s = time.perf_counter() - started
    delivered = Delivery.objects.filter(notice__thread_key=f"planned:{work.pk}").count()
    started = time.perf_counter()
    bare = queue_notice(
        key="bench:bare",
        thread_key="bench",
        kind="planned.announcement",
        subject="Planned: Security patch of the SIP stack",
        body="Patches CVE-2027-0001 in the SIP stack.\n\nCalls may drop for a minute.",
        components=[component.pk],
    )
    outbox_s = time.perf_counter() - started
    return {
        "publish": publish_s,
        "delivered": delivered,
        "outbox": outbox_s,
        "outbox_rows": Delivery.objects.filter(notice=bare).count(),
    }


def scheduled_works(count: int, component) -> None:
    """``count`` published works as publication leaves them, written in bulk: one window each
    with its start as due time and one reminder notice. The first ``STARTING`` start at NOW,
    the next ``REMINDERS`` have their reminder due at NOW; the rest come later."""
    from forewarn.delivery.models import Notice
    from forewarn.planned.models import AffectedComponent, PlannedWork, Window
    from forewarn.policies.models import Policy

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
        (AffectedComponent(work=w, component=component) for w in works), batch_size=1000
    )
    windows, notices = [], []
    for n, work in enumerate(works):
        start = NOW if n < STARTING else NOW + timedelta(days=1, minutes=n)
        reminder = NOW if STARTING <= n < STARTING + REMINDERS else start - timedelta(hours=1)
        # The reminders of the windows starting now went out an hour ago.
        sent = reminder if n < STARTING else None
        windows.append(
            Window(
                work=work,
                index=0,
                start_at=start,
                end_at=start + timedelta(hours=2),
                rule_start_at=start,
                state="scheduled",
                next_transition_at=start,
            )
        )
        notices.append(
            Notice(
                key=f"planned:{work.pk}:0:reminder:60m:v0",
                thread_key=f"planned:{work.pk}",
                kind="planned.reminder",
                subject=f"Reminder: Bench work {n}",
                body="A reminder.",
                audience="public",
                due_at=reminder,
                fanned_out_at=sent,
                created_at=NOW - timedelta(days=20),
            )
        )
    Window.objects.bulk_create(windows, batch_size=1000)
    made = Notice.objects.bulk_create(notices, batch_size=1000)
    through = Notice.components.through
    through.objects.bulk_create(
        (through(notice_id=n.pk, component_id=component.pk) for n in made), batch_size=1000
    )


def naive_scan(now) -> int:
    """The baseline: every scheduled window and every unsent notice read, what is due found
    in Python."""
    from forewarn.delivery.models import Notice
    from forewarn.planned.models import Window

    due = sum(1 for w in Window.objects.filter(state="scheduled") if w.start_at <= now)
    due += sum(
        1
        for n in Notice.objects.filter(fanned_out_at__isnull=True, cancelled_at__isnull=True)
        if n.due_at <= now
    )
    return due


@contextmanager
def profiled(enabled: bool):
    """cProfile and the query count of the block, printed to stderr, when ``enabled``."""
    if not enabled:
        yield
        return
    import cProfile
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    profile = cProfile.Profile()
    with CaptureQueriesContext(connection) as queries:
        profile.enable()
        try:
            yield
        finally:
            profile.disable()
    print(f"{len(queries.captured_queries)} queries", file=sys.stderr)
    pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(25)


def measure_tick(args, component) -> dict:
    import time_machine

    from forewarn.delivery import outbox
    from forewarn.delivery.models import Notice
    from forewarn.planned import jobs
    from forewarn.planned.models import Window

    with time_machine.travel(NOW - timedelta(minutes=30), tick=True):
        scheduled_works(args.works, component)
    with time_machine.travel(NOW, tick=False):
        scans = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            found = naive_scan(NOW)
            scans.append(time.perf_counter() - started)
        before = Notice.objects.filter(fanned_out_at__isnull=False).count()
        with profiled(args.profile):
            started = time.perf_counter()
            moved = jobs.planned_transitions()
            transitions = time.perf_counter() - started
            outbox.fan_out_due()
            tick = time.perf_counter() - started
        fanned = Notice.objects.filter(fanned_out_at__isnull=False).count() - before
        started_windows = Window.objects.filter(state="in_progress").count()
        started = time.perf_counter()
        idle = jobs.planned_transitions() + outbox.fan_out_due()
        idle_tick = time.perf_counter() - started
    return {
        "works": args.works,
        "tick": tick,
        "transitions": transitions,
        "moved": moved,
        "started": started_windows,
        "fanned": fanned,
        "idle_tick": idle_tick,
        "idle": idle,
        "scan": min(scans),
        "scan_found": found,
    }


def report(args, publish: dict, tick: dict) -> None:
    from django.db import connection

    contacts = args.organizations * args.contacts
    result = {
        "database": connection.vendor,
        "subscribers": args.subscribers,
        "contacts": contacts,
        "publish_s": round(publish["publish"], 3),
        "deliveries": publish["delivered"],
        "outbox_baseline_s": round(publish["outbox"], 3),
        "works": tick["works"],
        "tick_s": round(tick["tick"], 4),
        "tick_moved": tick["moved"],
        "transitions_s": round(tick["transitions"], 4),
        "idle_tick_s": round(tick["idle_tick"], 4),
        "scan_baseline_s": round(tick["scan"], 4),
    }
    print(f"database            {connection.vendor}")
    print(
        f"publish             {publish['publish']:.3f} s: {publish['delivered']:,} deliveries "
        f"written ({args.subscribers:,} subscribers, {contacts} contacts; target < 2 s)"
    )
    print(
        f"baseline outbox     {publish['outbox']:.3f} s: queue_notice alone to "
        f"{publish['outbox_rows']:,}"
    )
    print(
        f"tick                {tick['tick']:.4f} s over {tick['works']:,} scheduled works: "
        f"{tick['started']} windows started ({tick['transitions']:.4f} s), {tick['fanned']} due "
        f"notices fanned out (target < 0.2 s)"
    )
    print(f"idle tick           {tick['idle_tick']:.4f} s ({tick['idle']} due)")
    print(
        f"baseline scan       {tick['scan']:.4f} s to find {tick['scan_found']} due by reading "
        f"every scheduled window and unsent notice (best of {REPEATS})"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
