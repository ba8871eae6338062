"""Availability endpoints of the JSON API: the report (viewer) and exclusions (communicator writes)."""

from datetime import datetime
from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from forewarn.api.auth import actor, needs
from forewarn.api.fields import Day, Instant, ObjectId, Reference, Slug, Slugs, Text, one_of
from forewarn.api.validation import refuse_nulls
from forewarn.catalog.models import Role
from forewarn.catalog.services import components_by_slug

from . import exports, reports, services
from .models import Exclusion, ExclusionReason
from .periods import requested as requested_period

router = Router(tags=["availability"])


PeriodText = Annotated[str, Field(max_length=24)]
ReasonName = one_of(ExclusionReason.values)


class ReportQuery(Schema):
    period: PeriodText | None = Field(
        None, description="2026-Q3, 2026-09 or 2026; default: this quarter"
    )
    start: Day | None = Field(None, description="first day of a custom range")
    end: Day | None = Field(None, description="last day (included) of a custom range")
    component: Slug | None = Field(None, description="slug: only this component")
    category: Slug | None = Field(None, description="slug: only this product category")
    organization: Slug | None = Field(None, description="slug: the components it uses")


@router.get("/availability", auth=needs(Role.VIEWER))
def availability(request, filters: Query[ReportQuery]):
    """Figures per category, component and third party, with exclusions and unavailable intervals."""
    params = filters.dict()
    period = requested_period(params)
    narrowed = reports.scope(params)
    found = reports.build(
        period,
        narrowed.components,
        organization=narrowed.organization,
        scope=narrowed.filters,
    )
    return exports.as_json(found)


# --- exclusions ------------------------------------------------------------------------------


class ExclusionIn(Schema):
    reason: ReasonName
    starts_at: Instant
    ends_at: Instant
    components: Slugs = Field(default_factory=list, description="slugs; empty: every component")
    description: Text = ""
    ref: Reference = ""


class ExclusionPatch(Schema):
    reason: ReasonName | None = None
    starts_at: Instant | None = None
    ends_at: Instant | None = None
    components: Slugs | None = None
    description: Text | None = None
    ref: Reference | None = None


class ExclusionOut(Schema):
    id: int
    reason: ReasonName
    starts_at: datetime
    ends_at: datetime
    components: list[str] = Field(description="slugs; empty: every component")
    applies_to_all: bool
    description: str
    ref: str
    created_by: str
    created_at: datetime

    @staticmethod
    def resolve_components(obj):
        return [c.slug for c in obj.components.all()]

    @staticmethod
    def resolve_applies_to_all(obj):
        return not obj.components.all()


class ExclusionFilter(Schema):
    period: PeriodText | None = Field(None, description="only those overlapping this period (UTC)")
    start: Day | None = None
    end: Day | None = None
    reason: ReasonName | None = None


def _exclusions():
    return Exclusion.objects.prefetch_related("components")


@router.get("/availability/exclusions", response=list[ExclusionOut], auth=needs(Role.VIEWER))
def list_exclusions(request, filters: Query[ExclusionFilter]):
    rows = _exclusions()
    if filters.period or filters.start or filters.end:
        bounds = requested_period(filters.dict()).bounds("UTC")
        rows = rows.filter(starts_at__lt=bounds.end, ends_at__gt=bounds.start)
    if filters.reason:
        rows = rows.filter(reason=filters.reason)
    return rows


@router.get(
    "/availability/exclusions/{exclusion_id}", response=ExclusionOut, auth=needs(Role.VIEWER)
)
def get_exclusion(request, exclusion_id: ObjectId):
    return get_object_or_404(_exclusions(), pk=exclusion_id)


@router.post(
    "/availability/exclusions", response={201: ExclusionOut}, auth=needs(Role.COMMUNICATOR)
)
def create_exclusion(request, payload: ExclusionIn):
    """Record time not counted against the SLA; the creation is written to the record."""
    data = payload.dict()
    components = components_by_slug(data.pop("components"))
    exclusion = services.save_exclusion(Exclusion(**data), components, actor=actor(request))
    return Status(201, _exclusions().get(pk=exclusion.pk))


@router.patch(
    "/availability/exclusions/{exclusion_id}", response=ExclusionOut, auth=needs(Role.COMMUNICATOR)
)
def update_exclusion(request, exclusion_id: ObjectId, payload: ExclusionPatch):
    exclusion = get_object_or_404(Exclusion, pk=exclusion_id)
    data = refuse_nulls(payload.dict(exclude_unset=True))
    slugs = data.pop("components", None)
    components = None if slugs is None else components_by_slug(slugs)
    for name, value in data.items():
        setattr(exclusion, name, value)
    services.save_exclusion(exclusion, components, actor=actor(request))
    return _exclusions().get(pk=exclusion.pk)


@router.delete(
    "/availability/exclusions/{exclusion_id}", response={204: None}, auth=needs(Role.COMMUNICATOR)
)
def delete_exclusion(request, exclusion_id: ObjectId):
    services.delete_exclusion(get_object_or_404(Exclusion, pk=exclusion_id), actor=actor(request))
    return Status(204, None)
