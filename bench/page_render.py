"""Benchmark: rendering the status page from scratch, 200 components in 15 groups, 90 days.

Builds a seeded page (Europe/Amsterdam): 15 groups of 13 or 14 public components, each with
90 days of history (about 12 non-operational stretches of mixed statuses), operators'
exclusions over some of them and over all, and 3 open public incidents with their updates.
Then renders `/` through Django's test client with every cache cold (the page cache and the
per-component uptime cache emptied):

- ``cold_ms``: the page from nothing (median of 5), every component's bars worked out; the
  baseline. Target: under 150 ms.
- ``one_change_ms``: the page after one component's status changed (median of 5, each a new
  change): the page cache misses (the page version moved), the other components' past bars
  come from their cache.

Each figure is wall-clock and CPU time of this process (on a busy machine the two part).
Run: .venv/bin/python bench/page_render.py. Uses a file SQLite database in a temporary folder.
Last line: one JSON object.
"""

import sys
from pathlib import Path

# bench/ holds calendar.py, which would shadow the standard library's: the repository's root
# takes its place on the import path (see bench/_setup.py).
HERE = Path(__file__).resolve().parent
sys.path = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

import json  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402

from bench._setup import django_bench  # noqa: E402

SEED = 20261124
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # Tuesday 10:00 in Amsterdam
GROUPS, COMPONENTS, DAYS, STRETCHES = 15, 200, 90, 12
STATUSES = ["degraded_performance", "partial_outage", "major_outage", "under_maintenance"]
REPEATS = 5


def build(rng: random.Random) -> list:
    """Groups, components and their history, written in bulk; the incidents through services."""
    from forewarn.availability.models import Exclusion
    from forewarn.catalog.models import Component, ComponentGroup, StatusInterval
    from forewarn.incidents import configuration, services

    start = NOW - timedelta(days=DAYS + 10)
    groups = ComponentGroup.objects.bulk_create(
        ComponentGroup(name=f"Group {g:02d}", position=g) for g in range(GROUPS)
    )
    components = Component.objects.bulk_create(
        Component(slug=f"c{n:03d}", name=f"Component {n:03d}", group=groups[n % GROUPS], position=n)
        for n in range(COMPONENTS)
    )
    Component.objects.update(created_at=start)
    intervals = []
    for component in components:
        moments = sorted(rng.uniform(0, DAYS * 86400) for _ in range(STRETCHES))
        at = start
        for moment in moments:
            down = NOW - timedelta(seconds=moment)
            if down <= at:
                continue
            up = down + timedelta(minutes=rng.uniform(5, 240))
            intervals.append(StatusInterval(component=component, status="operational",
                                            started_at=at, ended_at=down))  # fmt: skip
            intervals.append(StatusInterval(component=component, status=rng.choice(STATUSES),
                                            started_at=down, ended_at=min(up, NOW)))  # fmt: skip
            at = min(up, NOW)
        intervals.append(StatusInterval(component=component, status="operational", started_at=at))
    StatusInterval.objects.bulk_create(intervals, batch_size=1000)
    for n in range(10):
        starts = NOW - timedelta(days=rng.uniform(1, DAYS))
        exclusion = Exclusion.objects.create(
            reason="scheduled_maintenance", starts_at=starts, ends_at=starts + timedelta(hours=2)
        )
        if n % 3:  # a third of them for every component
            exclusion.components.set(rng.sample(components, 20))
    configuration.load_seed_policies()
    for n, component in enumerate(components[:3]):
        services.open_incident(
            actor="bench",
            role="responder",
            priority="P2",
            title=f"Bench incident {n}",
            message="We are investigating.",
            components={component: "major_outage"},
        )
    return components


def render_ms(client) -> tuple[float, float]:
    """Wall-clock and CPU milliseconds of one request for the page."""
    started, cpu = time.perf_counter(), time.process_time()
    answer = client.get("/")
    elapsed = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
    assert answer.status_code == 200 and b"Component 199" in answer.content
    return elapsed


def run() -> None:
    import time_machine
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    from forewarn.availability.bars import forget_kept
    from forewarn.catalog.services import set_status
    from forewarn.statuspage.version import forget_version, page_changed

    call_command("migrate", verbosity=0)
    rng = random.Random(SEED)
    with time_machine.travel(NOW - timedelta(minutes=5), tick=False):
        components = build(rng)
    client = Client()
    with time_machine.travel(NOW, tick=False):
        render_ms(client)  # templates loaded, connections open
        cold = []
        for _ in range(REPEATS):
            cache.clear()
            forget_kept()
            page_changed()
            forget_version()
            cold.append(render_ms(client))
        one_change = []
        for n in range(REPEATS):
            set_status(components[100 + n], "degraded_performance", actor="bench")
            forget_version()
            one_change.append(render_ms(client))
    figures = {"components": COMPONENTS, "groups": GROUPS, "days": DAYS}
    for name, runs in (("cold", cold), ("one_change", one_change)):
        figures[f"{name}_ms"] = round(statistics.median(wall for wall, _ in runs), 1)
        figures[f"{name}_cpu_ms"] = round(statistics.median(cpu for _, cpu in runs), 1)
    figures["speedup"] = round(figures["cold_ms"] / figures["one_change_ms"], 2)
    print("wall-clock ms (CPU ms of this process; they part when the machine is busy)")
    print(f"  page from nothing (baseline): {figures['cold_ms']:7.1f} ({figures['cold_cpu_ms']:.1f})"
          "  target < 150 ms")  # fmt: skip
    print(f"  after one component's change: {figures['one_change_ms']:7.1f}"
          f" ({figures['one_change_cpu_ms']:.1f})")  # fmt: skip
    print(json.dumps(figures))


def main() -> None:
    with django_bench("page_render", postgres=False):
        run()


if __name__ == "__main__":
    main()
