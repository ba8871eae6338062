"""Catalog endpoints of the JSON API for what the status page shows: groups and components.

Thin over ``services``: the endpoints turn references into rows (``lookups``) and the service
validates, saves and records. ``api_contracts`` has categories, regions and organizations.
"""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from forewarn import limits
from forewarn.api.auth import actor, needs
from forewarn.api.fields import (
    Instant,
    Name,
    Position,
    ShortText,
    Slug,
    Slugs,
    Text,
    one_of,
    percent,
)
from forewarn.api.validation import refuse_nulls
from forewarn.availability.reasons import RECORDED

from . import services
from .lookups import by_slug, group_by_id
from .models import (
    Component,
    ComponentGroup,
    ComponentStatus,
    MeasurementPeriod,
    ProductCategory,
    Region,
    Role,
    Visibility,
    default_honoured_reasons,
    role_of,
)

router = Router(tags=["catalog"])
HONOURED = "exclusion reasons the third-party contract honours, any of: " + " | ".join(
    reason.value for reason in RECORDED
)
HonouredReason = one_of(reason.value for reason in RECORDED)


def _assign(obj, fields: dict):
    """Set the plain ``fields`` of ``obj`` from a payload; the service checks them."""
    for field, value in fields.items():
        setattr(obj, field, value)
    return obj


# --- groups -----------------------------------------------------------------


VisibilityName = one_of(Visibility.values)
StatusName = one_of(ComponentStatus.values)
PeriodName = one_of(MeasurementPeriod.values)
GroupId = Annotated[str, Field(max_length=12, description="public id of a component group")]


class GroupIn(Schema):
    name: Name
    description: Text = ""
    position: Position = 0
    visibility: VisibilityName = "public"


class GroupPatch(Schema):
    name: Name | None = None
    description: Text | None = None
    position: Position | None = None
    visibility: VisibilityName | None = None


class GroupOut(Schema):
    id: str = Field(alias="public_id")
    name: str
    description: str
    position: int
    visibility: VisibilityName


@router.get("/component-groups", response=list[GroupOut], auth=needs(Role.VIEWER))
def list_groups(request):
    return ComponentGroup.objects.all()


@router.get("/component-groups/{group_id}", response=GroupOut, auth=needs(Role.VIEWER))
def get_group(request, group_id: GroupId):
    return get_object_or_404(ComponentGroup, public_id=group_id)


@router.post("/component-groups", response={201: GroupOut}, auth=needs(Role.ADMIN))
def create_group(request, payload: GroupIn):
    group = _assign(ComponentGroup(), payload.dict())
    return Status(201, services.save_group(group, actor=actor(request)))


@router.patch("/component-groups/{group_id}", response=GroupOut, auth=needs(Role.ADMIN))
def update_group(request, group_id: GroupId, payload: GroupPatch):
    group = get_object_or_404(ComponentGroup, public_id=group_id)
    data = refuse_nulls(
        payload.dict(exclude_unset=True), ("name", "description", "position", "visibility")
    )
    return services.save_group(_assign(group, data), actor=actor(request))


# --- components -------------------------------------------------------------


class ComponentOut(Schema):
    id: str = Field(alias="public_id")
    slug: str
    name: str
    description: str
    status: StatusName
    status_changed_at: datetime | None
    group: str | None = Field(None, alias="group.public_id")
    position: int
    category: str | None = Field(None, alias="category.slug")
    region: str | None = Field(None, alias="region.slug")
    visibility: VisibilityName
    is_beta: bool
    is_third_party: bool
    third_party_target_pct: Decimal | None
    third_party_period: PeriodName
    restore_objective_minutes: float | None = None
    third_party_honoured_reasons: list[str]
    members: list[str]
    min_available_members: int | None

    @staticmethod
    def resolve_members(obj):
        return [m.slug for m in obj.members.all()]

    @staticmethod
    def resolve_restore_objective_minutes(obj):
        return obj.restore_objective.total_seconds() / 60 if obj.restore_objective else None


ObjectiveMinutes = Annotated[int, Field(ge=1, le=limits.OBJECTIVE_MINUTES)]
MembersNeeded = Annotated[int, Field(ge=1, le=limits.MEMBERS)]
TargetPct = percent(0, 100)


class ComponentIn(Schema):
    slug: Slug
    name: Name
    description: Text = ""
    group: GroupId | None = None
    position: Position = 0
    category: Slug | None = Field(None, description="slug of a product category")
    region: Slug | None = Field(None, description="slug of a region")
    visibility: VisibilityName = "public"
    is_beta: bool = False
    is_third_party: bool = False
    third_party_target_pct: TargetPct | None = None
    third_party_period: PeriodName = "month"
    restore_objective_minutes: ObjectiveMinutes | None = None
    members: Slugs = Field(default_factory=list, description="slugs of member components")
    third_party_honoured_reasons: Annotated[
        list[HonouredReason], Field(max_length=len(RECORDED))
    ] = Field(default_factory=default_honoured_reasons, description=HONOURED)
    min_available_members: MembersNeeded | None = None


class ComponentPatch(Schema):
    name: Name | None = None
    description: Text | None = None
    group: GroupId | None = None
    position: Position | None = None
    category: Slug | None = None
    region: Slug | None = None
    visibility: VisibilityName | None = None
    is_beta: bool | None = None
    is_third_party: bool | None = None
    third_party_target_pct: TargetPct | None = None
    third_party_period: PeriodName | None = None
    restore_objective_minutes: ObjectiveMinutes | None = None
    members: Slugs | None = None
    third_party_honoured_reasons: (
        Annotated[list[HonouredReason], Field(max_length=len(RECORDED))] | None
    ) = Field(None, description=HONOURED)
    min_available_members: MembersNeeded | None = None


class StatusIn(Schema):
    status: StatusName
    cause: ShortText = ""
    at: Instant | None = Field(
        None,
        description="when the change happened (default: now); up to a minute ahead of the "
        "server's clock is taken as now, later is refused; more than a minute back needs "
        "backdate_reason, more than 24 hours back is refused",
    )
    backdate_reason: ShortText = Field(
        "", description="why the change is dated earlier than now (see at)"
    )


class IntervalOut(Schema):
    status: StatusName
    started_at: datetime = Field(description="when the status began, as the change claims")
    ended_at: datetime | None
    cause: str
    cause_ref: str
    actor: str
    entered_at: datetime | None = Field(
        description="when the change was entered (the server's clock); null for old history"
    )
    backdate_reason: str = Field(description="why it was dated earlier than entered, if it was")


def _component_fields(component: Component, data: dict) -> list[Component] | None:
    """Set the payload's fields, references turned into rows; returns the members, if given."""
    if "group" in data:
        component.group = group_by_id(data.pop("group"))
    if "category" in data:
        component.category = by_slug(ProductCategory, data.pop("category"), "category")
    if "region" in data:
        component.region = by_slug(Region, data.pop("region"), "region")
    if "restore_objective_minutes" in data:
        minutes = data.pop("restore_objective_minutes")
        component.restore_objective = timedelta(minutes=minutes) if minutes else None
    members = data.pop("members", None)
    _assign(component, data)
    return None if members is None else services.components_by_slug(members, field="members")


def _components():
    return Component.objects.select_related("group", "category", "region").prefetch_related(
        "members"
    )


@router.get("/components", response=list[ComponentOut], auth=needs(Role.VIEWER))
def list_components(request):
    return _components()


@router.get("/components/{slug}", response=ComponentOut, auth=needs(Role.VIEWER))
def get_component(request, slug: Slug):
    return get_object_or_404(_components(), slug=slug)


@router.post("/components", response={201: ComponentOut}, auth=needs(Role.ADMIN))
def create_component(request, payload: ComponentIn):
    """Create a component; its history starts in its status, and the page shows it at once."""
    component = Component()
    members = _component_fields(component, payload.dict())
    services.save_component(component, members=members, actor=actor(request))
    return Status(201, _components().get(pk=component.pk))


@router.patch("/components/{slug}", response=ComponentOut, auth=needs(Role.ADMIN))
def update_component(request, slug: Slug, payload: ComponentPatch):
    """Change a component's fields (its status has its own endpoint, which keeps the history)."""
    component = get_object_or_404(Component, slug=slug)
    data = refuse_nulls(
        payload.dict(exclude_unset=True),
        (
            "name",
            "description",
            "position",
            "visibility",
            "is_beta",
            "is_third_party",
            "third_party_honoured_reasons",
            "members",
        ),
    )
    members = _component_fields(component, data)
    services.save_component(component, members=members, actor=actor(request))
    return _components().get(pk=component.pk)


@router.post("/components/{slug}/status", response=ComponentOut, auth=needs(Role.RESPONDER))
def change_status(request, slug: Slug, payload: StatusIn):
    """Change a component's current status; the history and the record follow."""
    component = get_object_or_404(Component, slug=slug)
    services.set_status(
        component,
        payload.status,
        cause=payload.cause,
        actor=actor(request),
        at=payload.at,
        backdate_reason=payload.backdate_reason,
    )
    return _components().get(pk=component.pk)


@router.get("/components/{slug}/history", response=list[IntervalOut], auth=needs(Role.VIEWER))
def component_history(request, slug: Slug):
    component = get_object_or_404(Component, slug=slug)
    return component.status_history.order_by("started_at")


class MeOut(Schema):
    username: str
    role: one_of(Role.values) | None


@router.get("/me", response=MeOut, tags=["auth"])
def me(request):
    user = request.auth if not isinstance(request.auth, bool) else request.user
    return {"username": user.get_username(), "role": role_of(user)}
