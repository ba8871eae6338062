"""Metrics in the JSON API: define them (admins), send points one at a time or in batches
(responders and above: a monitoring script's token), read their downsampled series (viewers).

Thin over ``services``: a bad point refuses its whole batch with a 422 naming it, and nothing
is stored.
"""

from datetime import datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from forewarn import limits
from forewarn.api.auth import actor, needs
from forewarn.api.fields import Instant, Name, Position, Slug, Text, one_of
from forewarn.api.validation import refuse_nulls
from forewarn.catalog.models import Role

from . import series as core
from . import services
from .models import UNIT_MAX, Metric

router = Router(tags=["metrics"])

Mode = one_of(core.DisplayMode)
Visibility = one_of(core.MetricVisibility)
PeriodName = one_of(core.Period)
Unit = Annotated[str, Field(max_length=UNIT_MAX)]
RetentionDays = Annotated[int, Field(ge=1, le=core.RETENTION_DAYS_LIMIT)]
Decimals = Annotated[int, Field(ge=0, le=core.DECIMALS_LIMIT)]
Value = Annotated[float, Field(ge=-core.VALUE_LIMIT, le=core.VALUE_LIMIT)]
Count = Annotated[int, Field(ge=1, le=core.COUNT_LIMIT)]


class MetricIn(Schema):
    name: Name
    slug: Slug
    description: Text = ""
    unit: Unit = ""
    display_mode: Mode = "average"
    visibility: Visibility = "public"
    retention_days: RetentionDays = 90
    decimal_places: Decimals = 2
    default_view: PeriodName = "day"
    default_value: Value | None = None
    position: Position = 0


class MetricPatch(Schema):
    name: Name | None = None
    description: Text | None = None
    unit: Unit | None = None
    display_mode: Mode | None = None
    visibility: Visibility | None = None
    retention_days: RetentionDays | None = None
    decimal_places: Decimals | None = None
    default_view: PeriodName | None = None
    default_value: Value | None = None
    position: Position | None = None


class MetricOut(Schema):
    slug: str
    name: str
    description: str
    unit: str
    display_mode: Mode
    visibility: Visibility
    retention_days: int
    decimal_places: int
    default_view: PeriodName
    default_value: float | None
    position: int
    created_at: datetime
    updated_at: datetime


class PointIn(Schema):
    at: Instant | None = Field(None, description="when it was measured (default: now)")
    value: Value
    count: Count = Field(1, description="how many readings ``value`` is the mean of")


class PointsIn(Schema):
    """One point (``value``, optionally ``at`` and ``count``) or a batch (``points``)."""

    value: Value | None = None
    at: Instant | None = None
    count: Count = 1
    points: Annotated[list[PointIn], Field(max_length=core.BATCH_LIMIT)] | None = None


class StoredOut(Schema):
    stored: int


class BucketOut(Schema):
    start: datetime
    value: float | None
    count: int
    low: float | None
    high: float | None


class SeriesOut(Schema):
    metric: str
    period: PeriodName
    bucket_seconds: int
    buckets: list[BucketOut]


class SeriesQuery(Schema):
    period: PeriodName = "day"


class DeleteQuery(Schema):
    before: Instant = Field(description="delete every point measured before this instant")


class DeletedOut(Schema):
    deleted: int


def _metric(slug: str) -> Metric:
    return get_object_or_404(Metric, slug=slug)


@router.get("/metrics", response=list[MetricOut], auth=needs(Role.VIEWER))
def list_metrics(request):
    return Metric.objects.all()[: limits.PAGE]


@router.post("/metrics", response={201: MetricOut}, auth=needs(Role.ADMIN))
def create_metric(request, payload: MetricIn):
    metric = Metric(**payload.dict())
    return Status(201, services.save_metric(metric, actor=actor(request)))


@router.get("/metrics/{slug}", response=MetricOut, auth=needs(Role.VIEWER))
def get_metric(request, slug: Slug):
    return _metric(slug)


@router.patch("/metrics/{slug}", response=MetricOut, auth=needs(Role.ADMIN))
def update_metric(request, slug: Slug, payload: MetricPatch):
    metric = _metric(slug)
    data = payload.dict(exclude_unset=True)
    refuse_nulls(data, [f for f in data if f != "default_value"])
    for field, value in data.items():
        setattr(metric, field, value)
    return services.save_metric(metric, actor=actor(request))


@router.delete("/metrics/{slug}", response={204: None}, auth=needs(Role.ADMIN))
def delete_metric(request, slug: Slug):
    services.delete_metric(_metric(slug), actor=actor(request))
    return Status(204, None)


@router.post("/metrics/{slug}/points", response={201: StoredOut}, auth=needs(Role.RESPONDER))
def add_points(request, slug: Slug, payload: PointsIn):
    """Send one point (``{"value": 120}``) or a batch (``{"points": [{"at": …, "value": …}]}``)."""
    metric = _metric(slug)
    if payload.points is not None and payload.value is not None:
        raise ValidationError({"points": "Send one point (value) or a batch (points), not both."})
    if payload.points is None and payload.value is None:
        raise ValidationError({"value": "Send a value, or a batch of points."})
    given = payload.points if payload.points is not None else [payload]
    now = timezone.now()
    points = [(p.at or now, p.value, p.count) for p in given]
    return Status(201, {"stored": services.add_points(metric, points, now=now)})


@router.delete("/metrics/{slug}/points", response=DeletedOut, auth=needs(Role.ADMIN))
def delete_points(request, slug: Slug, query: Query[DeleteQuery]):
    deleted = services.delete_points(_metric(slug), actor=actor(request), before=query.before)
    return {"deleted": deleted}


@router.get("/metrics/{slug}/series", response=SeriesOut, auth=needs(Role.VIEWER))
def get_series(request, slug: Slug, query: Query[SeriesQuery]):
    """The metric's buckets for the last day, week or month, as the status page's chart shows."""
    metric = _metric(slug)
    period = core.Period(query.period)
    buckets = services.series(metric, period)
    return {
        "metric": metric.slug,
        "period": period.value,
        "bucket_seconds": int(period.width.total_seconds()),
        "buckets": [
            {"start": b.start, "value": b.value, "count": b.count, "low": b.low, "high": b.high}
            for b in buckets
        ],
    }
