"""Benchmark metrics: ingesting 1,000,000 points in batches of 1,000, and drawing a month's chart.

- ``points_per_s``: ``services.add_points`` called with 1,000 batches of 1,000 points each
  (one transaction per batch, as 1,000 API calls would be), every point checked, written
  with one binary ``COPY`` per batch on PostgreSQL. Target: at least 100,000 points/s on
  PostgreSQL. The baseline, measured in the same run on its own metric, is the ordinary
  Django way: the same checks, then ``MetricPoint.objects.bulk_create`` of the batch (one
  multi-row ``INSERT``), over the first ``--baseline-points`` points.
- ``chart_ms``: the month chart of a metric fed one point a minute for 30 days (43,200
  points), uncached: ``series`` (one ``GROUP BY`` in the database into 180 buckets),
  ``chart.draw`` and the chart's template rendered to HTML; the median of 9. Target: under
  50 ms. The baseline, in the same run: every point of the month read through the ORM and
  downsampled in Python (``series.downsample``), then the same drawing and template.

Run: .venv/bin/python bench/metrics.py [--points N] [--batch B] [--baseline-points M]
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
import statistics  # noqa: E402
import time  # noqa: E402
from datetime import timedelta  # noqa: E402

from bench._setup import django_bench  # noqa: E402

CHART_REPEATS = 9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--baseline-points", type=int, default=200_000)
    args = parser.parse_args()
    with django_bench("metrics"):
        run(args)


def batches(now, total: int, size: int):
    """``total`` points a second apart ending at ``now``, in batches of ``size``, oldest first."""
    for first in range(total - 1, -1, -size):
        yield [
            (now - timedelta(seconds=n), float(n % 997), 1)
            for n in range(first, max(first - size, -1), -1)
        ]


def ingest(metric, now, total: int, size: int, insert) -> float:
    """Seconds to store ``total`` points with ``insert(metric, batch)``, a transaction each
    (``add_points`` is one; the baseline makes one)."""
    started = time.perf_counter()
    for batch in batches(now, total, size):
        insert(metric, batch)
    return time.perf_counter() - started


def bulk_create(metric, batch) -> None:
    """The baseline: the same checks, then Django's bulk_create, in a transaction."""
    from django.db import transaction

    from forewarn.metrics import services
    from forewarn.metrics.models import MetricPoint

    with transaction.atomic():
        rows = services.checked_points(metric, batch)
        MetricPoint.objects.bulk_create(
            MetricPoint(metric=metric, at=at, value=value, count=count) for at, value, count in rows
        )


def render(metric, buckets, now, zone) -> str:
    from django.template.loader import render_to_string

    from forewarn.metrics import chart
    from forewarn.metrics.series import Period

    drawn = chart.draw(
        buckets,
        name=metric.name,
        period=Period.MONTH,
        mode=metric.display_mode,
        unit=metric.unit,
        decimals=metric.decimal_places,
        zone=zone,
    )
    return render_to_string("metrics/_chart.html", {"chart": drawn, "slug": metric.slug})


def ours(metric, now, zone) -> str:
    from forewarn.metrics import services
    from forewarn.metrics.series import Period

    return render(metric, services.series(metric, Period.MONTH, now=now), now, zone)


def python_downsampling(metric, now, zone) -> str:
    from forewarn.metrics.models import MetricPoint
    from forewarn.metrics.series import DisplayMode, Period, downsample, window

    win = window(Period.MONTH, now)
    points = MetricPoint.objects.filter(metric=metric, at__gte=win.start, at__lt=win.end)
    buckets = downsample(
        points.values_list("at", "value", "count").iterator(chunk_size=5000),
        win,
        DisplayMode(metric.display_mode),
        metric.default_value,
    )
    return render(metric, buckets, now, zone)


def median_ms(fn, *args) -> tuple[float, str]:
    timings, html = [], ""
    for _ in range(CHART_REPEATS):
        started = time.perf_counter()
        html = fn(*args)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000, html


def run(args) -> None:
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from forewarn.metrics import services
    from forewarn.metrics.models import Metric, MetricPoint

    call_command("migrate", verbosity=0)
    now = timezone.now()
    fed = services.save_metric(Metric(name="Requests", slug="requests"), actor="bench")
    plain = services.save_metric(Metric(name="Baseline", slug="baseline"), actor="bench")
    ours_s = ingest(fed, now, args.points, args.batch, services.add_points)
    base_s = ingest(plain, now, args.baseline_points, args.batch, bulk_create)
    stored = MetricPoint.objects.filter(metric=fed).count()

    monthly = services.save_metric(
        Metric(name="API response time", slug="latency", unit="ms", decimal_places=0),
        actor="bench",
    )
    minutes = 30 * 24 * 60
    for first in range(0, minutes, 5_000):
        services.add_points(
            monthly,
            [
                (now - timedelta(minutes=m), 100.0 + (m * 7919) % 400, 1)
                for m in range(first, min(first + 5_000, minutes))
            ],
            now=now,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    zone = ZoneInfo(settings.PROVIDER_TIME_ZONE)
    chart_ms, html = median_ms(ours, monthly, now, zone)
    base_chart_ms, base_html = median_ms(python_downsampling, monthly, now, zone)
    same = html == base_html
    points_per_s = args.points / ours_s
    base_per_s = args.baseline_points / base_s
    print(f"database             {connection.vendor}")
    print(
        f"ingest               {args.points:,} points in batches of {args.batch:,}: {ours_s:.2f} s, "
        f"{points_per_s:,.0f} points/s (target >= 100,000 on PostgreSQL); {stored:,} stored"
    )
    print(
        f"baseline ingest      bulk_create, {args.baseline_points:,} points: {base_s:.2f} s, "
        f"{base_per_s:,.0f} points/s"
    )
    print(
        f"month chart          {minutes:,} points into 180 buckets, drawn and rendered: "
        f"{chart_ms:.1f} ms (median of {CHART_REPEATS}; target < 50 ms)"
    )
    print(
        f"baseline chart       points read and downsampled in Python: {base_chart_ms:.1f} ms; "
        f"same HTML: {same}"
    )
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "points": args.points,
                "batch": args.batch,
                "points_per_s": round(points_per_s),
                "baseline_points_per_s": round(base_per_s),
                "ingest_ratio": round(points_per_s / base_per_s, 2),
                "stored": stored,
                "chart_points": minutes,
                "chart_ms": round(chart_ms, 2),
                "baseline_chart_ms": round(base_chart_ms, 2),
                "chart_ratio": round(base_chart_ms / chart_ms, 2),
                "same_chart": same,
            }
        )
    )


if __name__ == "__main__":
    main()
