"""The operations on metrics: save and delete them (recorded), add points in bulk, read series.

``save_metric`` and ``delete_metric`` are the console's and the API's one write path: they
validate, save, record (``metric.created`` / ``changed`` / ``deleted``) and move the page
version when a public chart appears, changes or goes. Points are measurements, not events:
``add_points`` records nothing and does not move the page version on each batch, or a metric
fed every second would empty the page cache (and re-publish the static copy) every second.
A batch sets its metric's ``points_changed_until`` to the end of the minute it arrived in (one
conditional UPDATE, which writes at most once a minute per metric); the page and its static
copy follow through their metrics stamp (``public.page_stamp``): at most once a minute.

``add_points`` checks every point before writing any (a bad point refuses the batch, naming
it) and hands the batch to ``storage`` (one ``COPY`` on PostgreSQL, the 5-minute rollups
updated in the same transaction). ``series`` reads a period's buckets from those rollups.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from forewarn.catalog import snapshots
from forewarn.record.kinds import Kind
from forewarn.record.services import append
from forewarn.statuspage.version import page_changed

from . import series as core
from . import storage
from .models import Metric, MetricPoint

FIELDS = (
    "name",
    "slug",
    "description",
    "unit",
    "display_mode",
    "visibility",
    "retention_days",
    "decimal_places",
    "default_view",
    "default_value",
    "position",
)
# What the status page shows of a public metric.
SHOWN = set(FIELDS) - {"retention_days"}
KINDS = (Kind.METRIC_CREATED, Kind.METRIC_CHANGED)
EXPIRY_EVERY = timedelta(hours=1)
EXPIRY_BATCH = 50_000

Point = tuple[datetime, float] | tuple[datetime, float, int]


# --- metrics ----------------------------------------------------------------------------------


@transaction.atomic
def save_metric(metric: Metric, *, actor: str, contact: str = "") -> Metric:
    """Create or change a metric; the status page follows when a public chart changes."""
    created = metric.pk is None
    metric.full_clean()
    was_public = not created and Metric.objects.filter(pk=metric.pk, visibility="public").exists()
    diff, _ = snapshots.compare(metric, FIELDS)
    if not (created or diff):
        return metric
    now = timezone.now()
    metric.updated_at = now
    if created:
        metric.created_at = now
        metric.next_expiry_at = now + EXPIRY_EVERY
    elif "retention_days" in diff:
        metric.next_expiry_at = now  # a shorter retention applies at the job's next round
    metric.save()
    snapshots.record_saved(metric, diff, created=created, kinds=KINDS, actor=actor, contact=contact)
    if (metric.is_public or was_public) and (created or set(diff) & SHOWN):
        page_changed()
    return metric


@transaction.atomic
def delete_metric(metric: Metric, *, actor: str, contact: str = "") -> None:
    """Remove a metric and all its points."""
    metric = Metric.objects.select_for_update().get(pk=metric.pk)  # waits for batches in flight
    points = MetricPoint.objects.filter(metric=metric).count()
    append(
        Kind.METRIC_DELETED,
        subject=metric,
        actor=actor,
        contact=contact,
        description=f"Metric {metric} removed with its {points:,} points.",
        details={"was": snapshots.state(metric, FIELDS), "points": points},
    )
    public = metric.is_public
    metric.delete()
    if public:
        page_changed()


# --- points -----------------------------------------------------------------------------------


def checked_points(
    metric: Metric, points: Iterable[Point], *, now: datetime | None = None
) -> list[tuple[datetime, float, int]]:
    """``points`` as ``(at, value, count)``; ValidationError naming the first bad one.

    The loop runs for every point of every batch, so a point that is plainly fine passes a few
    cheap comparisons; anything else is judged by ``series.point_problem``, which says why.
    """
    now = now or timezone.now()
    skew = timedelta(seconds=settings.FOREWARN_CLOCK_SKEW_SECONDS)
    oldest, latest = now - metric.retention, now + skew
    low, high, most = -core.VALUE_LIMIT, core.VALUE_LIMIT, core.COUNT_LIMIT
    found = []
    keep = found.append
    for number, point in enumerate(points):
        if number >= core.BATCH_LIMIT:
            raise ValidationError(
                {"points": f"At most {core.BATCH_LIMIT:,} points at once; send the rest after."}
            )
        at, value, count = (*point, 1) if len(point) == 2 else point
        try:
            plain = (
                type(at) is datetime
                and (type(value) is float or type(value) is int)
                and type(count) is int
                and low <= value <= high  # False for NaN
                and 1 <= count <= most
                and oldest <= at <= latest  # TypeError for a naive instant
            )
        except TypeError:
            plain = False
        if not plain:
            problem = core.point_problem(at, value, count, now=now, oldest=oldest, skew=skew)
            if problem:
                raise ValidationError({"points": f"Point {number}: {problem}"})
        keep((at if at <= now else now, float(value), count))
    return found


@transaction.atomic
def add_points(metric: Metric, points: Iterable[Point], *, now: datetime | None = None) -> int:
    """Store a batch of points (all or none); how many were stored.

    Each point is ``(at, value)`` or ``(at, value, count)``. An instant up to the allowed
    clock skew ahead is stored as now. Raises ``Metric.DoesNotExist`` if the metric was
    deleted meanwhile.
    """
    rows = checked_points(metric, points, now=now)
    if rows:
        storage.relax_commit()
        storage.hold(metric)
        storage.insert(metric.pk, rows)
        points_moved(metric, timezone.now())
    return len(rows)


def points_moved(metric: Metric, now: datetime) -> None:
    """Mark the metric's charts changed until the end of ``now``'s minute. The UPDATE matches
    only the first time in each minute (later batches of that minute write nothing)."""
    until = core.changed_until(now)
    Metric.objects.filter(
        Q(points_changed_until__isnull=True) | Q(points_changed_until__lt=until), pk=metric.pk
    ).update(points_changed_until=until)


@transaction.atomic
def delete_points(
    metric: Metric, *, actor: str, ids: Iterable[int] = (), before: datetime | None = None
) -> int:
    """Delete some points (by id) or all points before an instant; recorded with the count."""
    ids = list(ids)
    found = MetricPoint.objects.filter(metric=metric)
    if ids:
        found = found.filter(pk__in=ids)
        slots = {core.slot_of(at) for at in found.values_list("at", flat=True)}
    elif before is not None:
        found = found.filter(at__lt=before)
    else:
        raise ValidationError({"points": "Name the points to delete, or an instant before which."})
    deleted, _ = found.delete()
    if ids:
        storage.recount(metric.pk, slots)
    else:
        storage.forget_before(metric.pk, before)
    if deleted:
        _record_deleted(metric, deleted, actor=actor, ids=ids, before=before)
        if metric.is_public:
            page_changed()
    return deleted


@transaction.atomic
def change_point(
    metric: Metric,
    point_id: int,
    *,
    value: float,
    actor: str,
    at: datetime | None = None,
    now: datetime | None = None,
) -> MetricPoint:
    """Give one stored point another value (and instant, if ``at``), checked as a new point
    would be; recorded with what it was. Raises ``MetricPoint.DoesNotExist``."""
    now = now or timezone.now()
    point = MetricPoint.objects.select_for_update().get(metric=metric, pk=point_id)
    ((new_at, new_value, _),) = checked_points(
        metric, [(at or point.at, value, point.count)], now=now
    )
    if (new_at, new_value) == (point.at, point.value):
        return point
    was = {"at": point.at.isoformat(), "value": point.value}
    slots = {core.slot_of(point.at), core.slot_of(new_at)}
    MetricPoint.objects.filter(pk=point.pk).update(at=new_at, value=new_value)
    storage.recount(metric.pk, slots)
    append(
        Kind.METRIC_POINT_CHANGED,
        subject=metric,
        actor=actor,
        description=f"A point of metric {metric} changed from {point.value:g} to {new_value:g}.",
        details={
            "point": point.pk,
            "was": was,
            "now": {"at": new_at.isoformat(), "value": new_value},
        },
    )
    points_moved(metric, now)
    point.at, point.value = new_at, new_value
    return point


def _record_deleted(metric, deleted: int, *, actor: str, ids, before, reason: str = "request"):
    details = {"points": deleted, "reason": reason}
    if ids:
        details["ids"] = sorted(ids)
    if before is not None:
        details["before"] = before.isoformat()
    append(
        Kind.METRIC_POINTS_DELETED,
        subject=metric,
        actor=actor,
        description=f"{deleted:,} points of metric {metric} deleted ({reason}).",
        details=details,
    )


def expire_points(metric: Metric, now: datetime) -> bool:
    """Delete the oldest points past retention, up to about EXPIRY_BATCH; True when none are
    left to expire. The job calls it with the metric claimed; recorded (actor ``system``)."""
    cutoff = now - metric.retention
    old = MetricPoint.objects.filter(metric=metric, at__lt=cutoff).order_by("at")
    instants = old.values_list("at", flat=True)
    edge = instants[EXPIRY_BATCH : EXPIRY_BATCH + 1].first()
    upto = cutoff if edge is None else edge
    if edge is not None and edge == instants.first():
        upto += timedelta(microseconds=1)  # more than a batch at one instant: take them all
    deleted, _ = MetricPoint.objects.filter(metric=metric, at__lt=upto).delete()
    storage.forget_before(metric.pk, upto)
    if deleted:
        points_moved(metric, now)  # a retention under a month: the month chart loses them
        _record_deleted(metric, deleted, actor="system", ids=(), before=upto, reason="retention")
    return edge is None


# --- reading ----------------------------------------------------------------------------------


def series(
    metric: Metric, period: core.Period, *, now: datetime | None = None
) -> list[core.Bucket]:
    """The buckets of ``period`` ending now, from the metric's 5-minute rollups."""
    win = core.window(core.Period(period), now or timezone.now())
    return core.from_sums(
        storage.bucket_sums(metric.pk, win),
        win,
        core.DisplayMode(metric.display_mode),
        metric.default_value,
    )
