"""Catalog endpoints of the JSON API: thin over the models and ``services``."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from forewarn.api.auth import actor, require
from forewarn.api.validation import refuse_nulls

from . import services
from .models import (
    Component,
    ComponentGroup,
    ComponentStatus,
    ProductCategory,
    Region,
    Role,
    role_of,
)

router = Router(tags=["catalog"])


def _save(obj, **changes):
    """Apply changes, validate the whole object, save; nothing is written when invalid."""
    for field, value in changes.items():
        setattr(obj, field, value)
    obj.full_clean()
    obj.save()
    return obj


def _by_slug(model, slug: str | None, field: str):
    if slug is None:
        return None
    found = model.objects.filter(slug=slug).first()
    if found is None:
        raise ValidationError({field: f"No {model._meta.verbose_name} with slug '{slug}'."})
    return found


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
    return Status(201, _save(ComponentGroup(), **payload.dict()))


@router.patch("/component-groups/{group_id}", response=GroupOut)
def update_group(request, group_id: str, payload: GroupPatch):
    require(request, Role.ADMIN)
    group = get_object_or_404(ComponentGroup, public_id=group_id)
    data = refuse_nulls(
        payload.dict(exclude_unset=True), ("name", "description", "position", "visibility")
    )
    return _save(group, **data)


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
    """Turn the API's references into model values; returns the members to set, if given."""
    if "group" in data:
        group_id = data.pop("group")
        component.group = None
        if group_id is not None:
            component.group = ComponentGroup.objects.filter(public_id=group_id).first()
            if component.group is None:
                raise ValidationError({"group": f"No component group with id '{group_id}'."})
    if "category" in data:
        component.category = _by_slug(ProductCategory, data.pop("category"), "category")
    if "region" in data:
        component.region = _by_slug(Region, data.pop("region"), "region")
    if "restore_objective_minutes" in data:
        minutes = data.pop("restore_objective_minutes")
        component.restore_objective = timedelta(minutes=minutes) if minutes else None
    members = None
    if "members" in data:
        slugs = data.pop("members")
        members = services.components_by_slug(slugs, field="members")
        if component.slug in slugs:
            raise ValidationError({"members": "A component cannot be its own member."})
    for field, value in data.items():
        setattr(component, field, value)
    k = component.min_available_members
    count = (
        len(members) if members is not None else (component.members.count() if component.pk else 0)
    )
    if k and k > count:
        raise ValidationError(
            {"min_available_members": f"K = {k} but the component has only {count} members."}
        )
    return members


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
    require(request, Role.ADMIN)
    with transaction.atomic():
        component = Component()
        members = _component_fields(component, payload.dict())
        _save(component)
        if members is not None:
            component.members.set(members)
        services.ensure_history(component)
    return Status(201, _components().get(pk=component.pk))


@router.patch("/components/{slug}", response=ComponentOut)
def update_component(request, slug: str, payload: ComponentPatch):
    require(request, Role.ADMIN)
    with transaction.atomic():
        component = get_object_or_404(Component.objects.select_for_update(), slug=slug)
        data = refuse_nulls(
            payload.dict(exclude_unset=True),
            (
                "name",
                "description",
                "position",
                "visibility",
                "is_beta",
                "is_third_party",
                "members",
            ),
        )
        members = _component_fields(component, data)
        _save(component)
        if members is not None:
            component.members.set(members)
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
