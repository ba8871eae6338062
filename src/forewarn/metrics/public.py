"""What the status page shows of metrics: a chart of each public metric, and how fresh it is.

The page's cache key and ETag follow the page version (``statuspage.version``); points do not
move it (a metric fed every second would then re-render the page every second, for every
visitor's first request). Instead the page adds ``page_stamp()``: while any metric is public,
the start of the current finest bucket (5 minutes). So the page, its charts included, renders
afresh at most once per 5 minutes per web process because of metrics, however many points
arrive, and a new point is on the page within 5 minutes (the day chart's bucket, the finest
thing a chart can show). A metric that appears, changes or goes moves the page version itself.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from forewarn.statuspage.version import current_version

from . import chart, services
from .models import Metric
from .series import FINEST, MetricVisibility, Period, aligned


@dataclass(frozen=True)
class MetricCharts:
    metric: Metric
    shown: chart.Chart  # the metric's default view, open
    others: list[chart.Chart]  # the other periods, a click away


def public_metrics():
    return Metric.objects.filter(visibility=MetricVisibility.PUBLIC)


def page_stamp() -> datetime | None:
    """The current finest bucket's start while any metric is public (else None)."""
    version, changed_at = current_version()
    key = f"metrics:public:{version}:{changed_at.timestamp()}"
    any_public = cache.get(key)
    if any_public is None:
        any_public = public_metrics().exists()
        cache.set(key, any_public, 300)
    return aligned(timezone.now(), FINEST) if any_public else None


def draw(metric: Metric, period: Period, now: datetime, zone) -> chart.Chart:
    return chart.draw(
        services.series(metric, period, now=now),
        name=metric.name,
        period=period,
        mode=metric.display_mode,
        unit=metric.unit,
        decimals=metric.decimal_places,
        zone=zone,
    )


def charts(now: datetime | None = None) -> list[MetricCharts]:
    """Every public metric with its three charts, the default view first."""
    now = now or timezone.now()
    zone = ZoneInfo(settings.PROVIDER_TIME_ZONE)
    found = []
    for metric in public_metrics():
        shown = Period(metric.default_view)
        others = [p for p in Period if p != shown]
        found.append(
            MetricCharts(
                metric=metric,
                shown=draw(metric, shown, now, zone),
                others=[draw(metric, p, now, zone) for p in others],
            )
        )
    return found
