"""Catalog endpoints of the JSON API for what the status page shows: groups and components.

Thin over ``services``: the endpoints turn references into rows (``lookups``) and the service
validates, saves and records. ``api_contracts`` has categories, regions and organizations.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from forewarn.api.auth import actor, require
from forewarn.api.validation import refuse_nulls
from forewarn.availability.reasons import RECORDED

from . import services
from .lookups import by_slug, group_by_id
from .models import (
    Component,
    ComponentGroup,
    ComponentStatus,
    ProductCategory,
    Region,
    Role,
    default_honoured_reasons,
    role_of,
)

router = Router(tags=["catalog"])
HONOURED = "exclusion reasons the third-party contract honours, any of: " + " | ".join(
    reason.value for reason in RECORDED
)


def _assign(obj, fields: dict):
    """Set the plain ``fields`` of ``obj`` from a payload; the service checks them."""
    for field, value in fields.items():
        setattr(obj, field, value)
    return obj


# --- groups -----------------------------------------------------------------


class GroupIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    position: int = Field(0, ge=0)
    visibility: str = "public"


class GroupPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    position: int | None = Field(None, ge=0)
    visibility: str | None = None


class GroupOut(Schema):
    id: str = Field(alias="public_id")
    name: str
    description: str
    position: int
    visibility: str


@router.get("/component-groups", response=list[GroupOut])
def list_groups(request):
    require(request, Role.VIEWER)
    return ComponentGroup.objects.all()


@router.get("/component-groups/{group_id}", response=GroupOut)
def get_group(request, group_id: str):
    require(request, Role.VIEWER)
    return get_object_or_404(ComponentGroup, public_id=group_id)


@router.post("/component-groups", response={201: GroupOut})
def create_group(request, payload: GroupIn):
    require(request, Role.ADMIN)
    group = _assign(ComponentGroup(), payload.dict())
    return Status(201, services.save_group(group, actor=actor(request)))


@router.patch("/component-groups/{group_id}", response=GroupOut)
def update_group(request, group_id: str, payload: GroupPatch):
    require(request, Role.ADMIN)
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
    status: str
    status_changed_at: datetime | None
    group: str | None = Field(None, alias="group.public_id")
    position: int
    category: str | None = Field(None, alias="category.slug")
    region: str | None = Field(None, alias="region.slug")
    visibility: str
    is_beta: bool
    is_third_party: bool
    third_party_target_pct: Decimal | None
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


class ComponentIn(Schema):
    slug: str = Field(min_length=1, max_length=50)
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    group: str | None = Field(None, description="public id of a component group")
    position: int = Field(0, ge=0)
    category: str | None = Field(None, description="slug of a product category")
    region: str | None = Field(None, description="slug of a region")
    visibility: str = "public"
    is_beta: bool = False
    is_third_party: bool = False
    third_party_target_pct: Decimal | None = Field(None, ge=0, le=100)
    restore_objective_minutes: int | None = Field(None, ge=1)
    third_party_honoured_reasons: list[str] = Field(
        default_factory=default_honoured_reasons, description=HONOURED
    )
    members: list[str] = Field(default_factory=list, description="slugs of member components")
    min_available_members: int | None = Field(None, ge=1)


class ComponentPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    group: str | None = None
    position: int | None = Field(None, ge=0)
    category: str | None = None
    region: str | None = None
    visibility: str | None = None
    is_beta: bool | None = None
    is_third_party: bool | None = None
    third_party_target_pct: Decimal | None = Field(None, ge=0, le=100)
    restore_objective_minutes: int | None = Field(None, ge=1)
    third_party_honoured_reasons: list[str] | None = Field(None, description=HONOURED)
    members: list[str] | None = None
    min_available_members: int | None = Field(None, ge=1)


class StatusIn(Schema):
    status: str = Field(description=" | ".join(ComponentStatus.values))
    cause: str = Field("", max_length=300)
    at: datetime | None = Field(None, description="when the change happened (default: now)")


class IntervalOut(Schema):
    status: str
    started_at: datetime
    ended_at: datetime | None
    cause: str
    cause_ref: str
    actor: str


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


@router.get("/components", response=list[ComponentOut])
def list_components(request):
    require(request, Role.VIEWER)
    return _components()


@router.get("/components/{slug}", response=ComponentOut)
def get_component(request, slug: str):
    require(request, Role.VIEWER)
    return get_object_or_404(_components(), slug=slug)


@router.post("/components", response={201: ComponentOut})
def create_component(request, payload: ComponentIn):
    """Create a component; its history starts in its status, and the page shows it at once."""
    require(request, Role.ADMIN)
    component = Component()
    members = _component_fields(component, payload.dict())
    services.save_component(component, members=members, actor=actor(request))
    return Status(201, _components().get(pk=component.pk))


@router.patch("/components/{slug}", response=ComponentOut)
def update_component(request, slug: str, payload: ComponentPatch):
    """Change a component's fields (its status has its own endpoint, which keeps the history)."""
    require(request, Role.ADMIN)
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


@router.post("/components/{slug}/status", response=ComponentOut)
def change_status(request, slug: str, payload: StatusIn):
    """Change a component's current status; the history and the record follow."""
    require(request, Role.RESPONDER)
    component = get_object_or_404(Component, slug=slug)
    services.set_status(
        component, payload.status, cause=payload.cause, actor=actor(request), at=payload.at
    )
    return _components().get(pk=component.pk)


@router.get("/components/{slug}/history", response=list[IntervalOut])
def component_history(request, slug: str):
    require(request, Role.VIEWER)
    component = get_object_or_404(Component, slug=slug)
    return component.status_history.order_by("started_at")


class MeOut(Schema):
    username: str
    role: str | None


@router.get("/me", response=MeOut, tags=["auth"])
def me(request):
    user = request.auth if not isinstance(request.auth, bool) else request.user
    return {"username": user.get_username(), "role": role_of(user)}
