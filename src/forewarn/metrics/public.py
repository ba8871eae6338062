"""What the status page shows of metrics: a chart of each public metric, and how fresh it is.

The page's cache key and ETag follow the page version (``statuspage.version``); points do not
move it (a metric fed every second would then re-render the page, and re-publish its static
copy, every second). Instead the page and its static copy (``statuspage.publish.page_state``)
add ``page_stamp()``: while any metric is public, when the public charts last changed
(``series.charts_stamp``): the start of the current 5-minute bucket, or the end of the latest
minute in which points arrived. So they render afresh at most once a minute because of
metrics however many points arrive, not at all for a quiet metric until its charts' window
moves on, and a new point is on the page by the end of the minute after it arrived. A metric
that appears, changes or goes moves the page version itself.

The charts are drawn once per page state and stamp (``page_charts``), shared by every URL and
process-local cache entry of the page that shows them. ``remembered_stamp`` gives the stamp
without a query (from what ``page_stamp`` last read, under the page version this process still
remembers), so the fast path (``statuspage.fastpath``) replays the page with charts too.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone

from forewarn.statuspage.version import current_version, remembered_version

from . import chart, services
from .models import Metric
from .series import MetricVisibility, Period, charts_stamp


@dataclass(frozen=True)
class MetricCharts:
    metric: Metric
    shown: chart.Chart  # the metric's default view, open
    others: list[chart.Chart]  # the other periods, a click away


def public_metrics():
    return Metric.objects.filter(visibility=MetricVisibility.PUBLIC)


def read_stamp(now: datetime | None = None) -> datetime | None:
    """``page_stamp`` read from the database now (one query), for the static copy's state."""
    found = public_metrics().aggregate(
        public=Count("pk"), changed_until=Max("points_changed_until")
    )
    if not found["public"]:
        return None
    return charts_stamp(now or timezone.now(), found["changed_until"])


# What page_stamp last read, and under which page version (the object current_version returned).
_read: dict[str, object] = {"version": None, "public": False, "until": None}


def page_stamp() -> datetime | None:
    """When the public charts last changed while any metric is public (else None).

    The database is asked again whenever the page version is read again (at most every
    ``FOREWARN_PAGE_FRESHNESS_SECONDS``, and after a change this process made): between, the
    stamp follows the clock alone.
    """
    version = current_version()
    if _read["version"] is not version:
        found = public_metrics().aggregate(
            public=Count("pk"), changed_until=Max("points_changed_until")
        )
        _read.update(version=version, public=bool(found["public"]), until=found["changed_until"])
    return charts_stamp(timezone.now(), _read["until"]) if _read["public"] else None


def remembered_stamp() -> datetime | None:
    """``page_stamp`` without asking the database: None unless this process read the public
    metrics under the page version it still remembers (``version.remembered_version``)."""
    version = remembered_version()
    if version is None or _read["version"] is not version or not _read["public"]:
        return None
    return charts_stamp(timezone.now(), _read["until"])


def page_charts() -> list["MetricCharts"]:
    """``charts()`` drawn once per page state and metrics stamp (kept in the page cache)."""
    stamp = page_stamp()
    number, changed_at = current_version()
    key = f"metrics:charts:{number}:{changed_at.timestamp()}:{stamp and stamp.timestamp()}"
    found = cache.get(key)
    if found is None:
        found = charts() if stamp is not None else []
        cache.set(key, found, 300)
    return found


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
