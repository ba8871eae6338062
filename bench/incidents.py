"""Benchmark incidents: the cadence watcher's tick over 2,000 open incidents, and an update that
tells 20,000 subscribers.

- ``tick_s``: one tick of the scheduler's incident jobs (``incident_cadence`` and
  ``incident_escalations``) over 2,000 open incidents of mixed priorities (P1 10 %, P2 20 %,
  P3 30 %, P4 25 %, P5 15 %), each last updated at a seeded moment within its interval. The
  tick comes 5 seconds after the previous one, so it finds what came due since: the reminders
  whose time fell in those 5 seconds, plus a few incidents whose update is overdue (a miss to
  record, Tier 2 to tell). Target: under 0.1 s. The baseline, measured in the same run, is a
  watcher without due-time columns: it reads every open incident and works out its deadline
  (``timing.watched_deadline``) to find the same due ones, doing nothing with them.
- ``update_s``: ``services.post_update`` on a public P2 whose component has 20,000 confirmed
  email subscribers, until every delivery row is written (the outbox writes them in the
  update's transaction). Target: under 2 s. The baseline, in the same run, is the outbox alone:
  ``queue_notice`` of a notice of the same size to the same 20,000.

Run: .venv/bin/python bench/incidents.py [--incidents N] [--subscribers M]
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
import random  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402

from bench._setup import django_bench  # noqa: E402

SEED = 20261124
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Amsterdam: business hours
MIX = {"P1": 0.10, "P2": 0.20, "P3": 0.30, "P4": 0.25, "P5": 0.15}
TICK = timedelta(seconds=5)
OVERDUE = 5  # incidents whose update is overdue at the tick
REPEATS = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=2_000)
    parser.add_argument("--subscribers", type=int, default=20_000)
    args = parser.parse_args()

    with django_bench("incidents"):
        run(args)


def open_incidents(count: int, now, component) -> list:
    """``count`` open incidents, as the services leave them after their last update.

    Written in bulk (opening 2,000 one by one would only slow the set-up): each has its
    priority's due-time columns, computed by the same ``timing`` functions the services use,
    and P1–P3 have told Tier 1, as they do on opening. The first ``OVERDUE`` with a cadence
    were last updated one interval and a second ago, so their update falls due just before the
    measured tick.
    """
    from forewarn.incidents import timing
    from forewarn.incidents.models import AffectedComponent, Escalation, Incident

    rng = random.Random(SEED)
    policies = {p: timing.policy_for(p) for p in MIX}
    rows, overdue = [], 0
    for n, priority in enumerate(rng.choices(list(MIX), weights=list(MIX.values()), k=count)):
        policy = policies[priority]
        interval = policy.rule.interval
        if interval is None:
            last = now - timedelta(hours=2)
        elif overdue < OVERDUE:
            overdue += 1
            last = now - interval - timedelta(seconds=1)
        else:
            last = now - timedelta(seconds=rng.uniform(0, interval.total_seconds()))
        incident = Incident(
            title=f"Bench incident {n}",
            priority=priority,
            is_public=policy.is_public_by_default,
            detected_at=last - timedelta(minutes=5),
            created_at=last,
            acknowledged_at=last,
            priority_set_at=last,
            last_update_at=last,
            escalation_tier="tier_1" if policy.timing != "planned" else "",
        )
        timing.restart_cadence(incident, last, policy)
        rows.append(incident)
    made = Incident.objects.bulk_create(rows, batch_size=500)
    AffectedComponent.objects.bulk_create(
        (
            AffectedComponent(
                incident=i,
                component=component,
                status_before="operational",
                status_during="degraded_performance",
                added_at=i.created_at,
            )
            for i in made
        ),
        batch_size=500,
    )
    Escalation.objects.bulk_create(
        (
            Escalation(incident=i, tier="tier_1", at=i.created_at, actor="system", reason="bench")
            for i in made
            if i.escalation_tier
        ),
        batch_size=500,
    )
    return made


def naive_scan(now) -> int:
    """The baseline watcher: every open incident's deadline worked out in Python."""
    from forewarn.incidents import timing
    from forewarn.incidents.cadence import reminder_at
    from forewarn.incidents.models import Incident

    due = 0
    policies = {}
    for incident in Incident.objects.filter(resolved_at__isnull=True):
        policy = policies.get(incident.priority) or timing.policy_for(incident.priority)
        policies[incident.priority] = policy
        deadline = timing.watched_deadline(incident, policy)
        if deadline is None:
            continue
        reminded = incident.reminded_for == deadline
        if deadline <= now or (not reminded and reminder_at(deadline) <= now):
            due += 1
    return due


def run(args) -> None:
    import time_machine
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from forewarn.catalog.models import Component, StaffProfile
    from forewarn.catalog.services import save_component
    from forewarn.incidents import configuration

    call_command("migrate", verbosity=0)
    with time_machine.travel(NOW - timedelta(hours=3), tick=True):
        configuration.load_seed_policies()
        rita = get_user_model().objects.create_user(
            "rita", "rita@bench.example", "x", is_staff=True
        )
        StaffProfile.objects.create(user=rita, role="responder")
        voice = save_component(Component(slug="voice", name="Voice"), actor="bench")
        sms = save_component(Component(slug="sms", name="SMS API"), actor="bench")
    tick = measure_tick(args, rita, sms)
    with time_machine.travel(NOW + timedelta(minutes=1), tick=True):
        update = measure_update(args, voice)
    report(args, tick, update)


def measure_tick(args, rita, component) -> dict:
    """The tick at NOW, after the previous one at NOW - 5 s; and the scan baseline."""
    import time_machine

    from forewarn.incidents import jobs
    from forewarn.incidents.models import Escalation, Incident
    from forewarn.record.models import Event

    with time_machine.travel(NOW - timedelta(hours=2), tick=True):
        made = open_incidents(args.incidents, NOW, component)
        for incident in made[:: max(1, len(made) // 200)]:
            incident.responders.add(rita)
    # The previous tick, 5 seconds earlier, did everything due until then (and warmed up the
    # worker's process, as a running worker is).
    with time_machine.travel(NOW - TICK, tick=False):
        jobs.watch_cadence()
        jobs.escalate_due()
    came_due = Incident.objects.filter(
        next_reminder_at__gt=NOW - TICK, next_reminder_at__lte=NOW
    ).count()
    with time_machine.travel(NOW, tick=False):
        scans = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            found = naive_scan(NOW)
            scans.append(time.perf_counter() - started)
        events, escalations = Event.objects.count(), Escalation.objects.count()
        started = time.perf_counter()
        watched = jobs.watch_cadence() + jobs.escalate_due()
        tick = time.perf_counter() - started
        written = Event.objects.count() - events
        escalated = Escalation.objects.count() - escalations
        started = time.perf_counter()
        idle = jobs.watch_cadence() + jobs.escalate_due()  # the next tick: nothing left to do
        idle_tick = time.perf_counter() - started
    return {
        "incidents": len(made),
        "tick": tick,
        "watched": watched,
        "came_due": came_due,
        "written": written,
        "escalated": escalated,
        "idle_tick": idle_tick,
        "idle": idle,
        "scan": min(scans),
        "scan_found": found,
    }


def measure_update(args, component) -> dict:
    """``post_update`` to the component's subscribers; then the outbox alone to the same."""
    from django.utils import timezone

    from forewarn.delivery.models import Delivery, Subscriber
    from forewarn.delivery.outbox import queue_notice
    from forewarn.incidents import services

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
    incident = services.open_incident(
        actor="rita",
        role="responder",
        title="Calls fail",
        priority="P2",
        message="Calls to the EU fail. We are investigating.",
        components={component: "major_outage"},
        notify=False,
    )
    message = "A carrier dropped our SIP trunks in Amsterdam. Calls are rerouted via Frankfurt."
    started = time.perf_counter()
    update = services.post_update(
        incident, actor="rita", role="responder", message=message, status="identified"
    )
    update_s = time.perf_counter() - started
    delivered = Delivery.objects.filter(
        notice__key=f"incident:{incident.pk}:update:{update.pk}"
    ).count()
    started = time.perf_counter()
    bare = queue_notice(
        key="bench:bare",
        thread_key="bench",
        kind="incident.update",
        subject="Identified: Calls fail",
        body=message,
        components=[component.pk],
    )
    outbox_s = time.perf_counter() - started
    return {
        "update": update_s,
        "delivered": delivered,
        "outbox": outbox_s,
        "outbox_rows": Delivery.objects.filter(notice=bare).count(),
    }


def report(args, tick: dict, update: dict) -> None:
    from django.db import connection

    result = {
        "database": connection.vendor,
        "incidents": tick["incidents"],
        "tick_s": round(tick["tick"], 4),
        "tick_due": tick["watched"],
        "idle_tick_s": round(tick["idle_tick"], 4),
        "scan_baseline_s": round(tick["scan"], 4),
        "subscribers": args.subscribers,
        "update_s": round(update["update"], 3),
        "deliveries": update["delivered"],
        "outbox_baseline_s": round(update["outbox"], 3),
    }
    mix = ", ".join(f"{p} {w:.0%}" for p, w in MIX.items())
    print(f"database            {connection.vendor}")
    print(f"open incidents      {tick['incidents']:,} ({mix})")
    print(
        f"tick                {tick['tick']:.4f} s: {tick['watched']} incidents due "
        f"({tick['came_due']} came due in the last {TICK.seconds} s, {OVERDUE} of them overdue), "
        f"{tick['escalated']} escalations, {tick['written']} events written (target < 0.1 s)"
    )
    print(f"idle tick           {tick['idle_tick']:.4f} s ({tick['idle']} due)")
    print(
        f"baseline scan       {tick['scan']:.4f} s to find {tick['scan_found']} due by reading "
        f"every open incident (best of {REPEATS})"
    )
    print(
        f"update              {update['update']:.3f} s: post_update to "
        f"{update['delivered']:,} deliveries written (target < 2 s)"
    )
    print(
        f"baseline outbox     {update['outbox']:.3f} s: queue_notice alone to "
        f"{update['outbox_rows']:,}"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
