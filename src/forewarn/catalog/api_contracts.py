"""Catalog endpoints for what contracts are made of: categories, regions, organizations, contacts."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from forewarn.api.auth import require
from forewarn.api.validation import refuse_nulls
from forewarn.calendars.models import Calendar

from .api import _by_slug, _save
from .models import AuthorizedContact, Organization, ProductCategory, Region, Role
from .services import components_by_slug

router = Router(tags=["catalog"])


# --- categories and regions -------------------------------------------------


class CategoryIn(Schema):
    slug: str = Field(min_length=1, max_length=50)
    name: str = Field(min_length=1, max_length=200)
    target_pct: Decimal = Field(ge=0, le=100)
    period: str = "quarter"
    time_zone: str = "Europe/Amsterdam"
    partial_outage_weight: Decimal = Field(Decimal(0), ge=0, le=1)


class CategoryPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    target_pct: Decimal | None = Field(None, ge=0, le=100)
    period: str | None = None
    time_zone: str | None = None
    partial_outage_weight: Decimal | None = Field(None, ge=0, le=1)


class CategoryOut(Schema):
    slug: str
    name: str
    target_pct: Decimal
    period: str
    time_zone: str
    partial_outage_weight: Decimal


@router.get("/categories", response=list[CategoryOut])
def list_categories(request):
    require(request, Role.VIEWER)
    return ProductCategory.objects.all()


@router.get("/categories/{slug}", response=CategoryOut)
def get_category(request, slug: str):
    require(request, Role.VIEWER)
    return get_object_or_404(ProductCategory, slug=slug)


@router.post("/categories", response={201: CategoryOut})
def create_category(request, payload: CategoryIn):
    require(request, Role.ADMIN)
    return Status(201, _save(ProductCategory(), **payload.dict()))


@router.patch("/categories/{slug}", response=CategoryOut)
def update_category(request, slug: str, payload: CategoryPatch):
    require(request, Role.ADMIN)
    data = refuse_nulls(
        payload.dict(exclude_unset=True),
        ("name", "target_pct", "period", "time_zone", "partial_outage_weight"),
    )
    return _save(get_object_or_404(ProductCategory, slug=slug), **data)


class PeakRange(Schema):
    weekday: int = Field(ge=0, le=6, description="0 = Monday")
    start: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    end: str = Field(pattern=r"^([01]\d|2[0-4]):[0-5]\d$")


class RegionIn(Schema):
    slug: str = Field(min_length=1, max_length=50)
    name: str = Field(min_length=1, max_length=200)
    time_zone: str
    peak_hours: list[PeakRange] = Field(default_factory=list)
    calendar: str | None = None


class RegionPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    time_zone: str | None = None
    peak_hours: list[PeakRange] | None = None
    calendar: str | None = None


class RegionOut(Schema):
    slug: str
    name: str
    time_zone: str
    peak_hours: list[dict]
    calendar: str | None = Field(None, alias="calendar.slug")


def _check_ranges(ranges: list[dict]) -> None:
    for r in ranges:
        if r["end"] <= r["start"]:
            raise ValidationError(
                {"peak_hours": f"Range {r['start']}–{r['end']} ends before it starts."}
            )


@router.get("/regions", response=list[RegionOut])
def list_regions(request):
    require(request, Role.VIEWER)
    return Region.objects.select_related("calendar")


@router.get("/regions/{slug}", response=RegionOut)
def get_region(request, slug: str):
    require(request, Role.VIEWER)
    return get_object_or_404(Region.objects.select_related("calendar"), slug=slug)


@router.post("/regions", response={201: RegionOut})
def create_region(request, payload: RegionIn):
    require(request, Role.ADMIN)
    data = payload.dict()
    _check_ranges(data["peak_hours"])
    data["calendar"] = _by_slug(Calendar, data["calendar"], "calendar")
    return Status(201, _save(Region(), **data))


@router.patch("/regions/{slug}", response=RegionOut)
def update_region(request, slug: str, payload: RegionPatch):
    require(request, Role.ADMIN)
    region = get_object_or_404(Region, slug=slug)
    data = refuse_nulls(payload.dict(exclude_unset=True), ("name", "time_zone", "peak_hours"))
    if "peak_hours" in data:
        _check_ranges(data["peak_hours"])
    if "calendar" in data:
        data["calendar"] = _by_slug(Calendar, data["calendar"], "calendar")
    return _save(region, **data)


# --- organizations and authorized contacts ----------------------------------


class OrganizationIn(Schema):
    slug: str = Field(min_length=1, max_length=50)
    name: str = Field(min_length=1, max_length=200)
    plan: str = ""
    licences: int = Field(0, ge=0)
    region: str | None = None
    components: list[str] = Field(default_factory=list)


class OrganizationPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    plan: str | None = None
    licences: int | None = Field(None, ge=0)
    region: str | None = None
    components: list[str] | None = None


class OrganizationOut(Schema):
    slug: str
    name: str
    plan: str
    licences: int
    region: str | None = Field(None, alias="region.slug")
    components: list[str]

    @staticmethod
    def resolve_components(obj):
        return [c.slug for c in obj.components.all()]


class ContactIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=254)
    phone: str = ""
    time_zone: str = ""
    receives_notices: bool = True
    may_open_requests: bool = True


class ContactPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    email: str | None = None
    phone: str | None = None
    time_zone: str | None = None
    receives_notices: bool | None = None
    may_open_requests: bool | None = None
    is_active: bool | None = None


class ContactOut(Schema):
    id: int
    organization: str = Field(alias="organization.slug")
    name: str
    email: str
    phone: str
    time_zone: str
    receives_notices: bool
    may_open_requests: bool
    is_active: bool


def _organization_fields(org: Organization, data: dict):
    if "region" in data:
        org.region = _by_slug(Region, data.pop("region"), "region")
    components = None
    if "components" in data:
        components = components_by_slug(data.pop("components"))
    for field, value in data.items():
        setattr(org, field, value)
    return components


def _organizations():
    return Organization.objects.select_related("region").prefetch_related("components")


@router.get("/organizations", response=list[OrganizationOut])
def list_organizations(request):
    require(request, Role.VIEWER)
    return _organizations()


@router.get("/organizations/{slug}", response=OrganizationOut)
def get_organization(request, slug: str):
    require(request, Role.VIEWER)
    return get_object_or_404(_organizations(), slug=slug)


@router.post("/organizations", response={201: OrganizationOut})
def create_organization(request, payload: OrganizationIn):
    require(request, Role.ADMIN)
    with transaction.atomic():
        org = Organization()
        components = _organization_fields(org, payload.dict())
        _save(org)
        if components is not None:
            org.components.set(components)
    return Status(201, _organizations().get(pk=org.pk))


@router.patch("/organizations/{slug}", response=OrganizationOut)
def update_organization(request, slug: str, payload: OrganizationPatch):
    require(request, Role.ADMIN)
    with transaction.atomic():
        org = get_object_or_404(Organization.objects.select_for_update(), slug=slug)
        data = refuse_nulls(
            payload.dict(exclude_unset=True), ("name", "plan", "licences", "components")
        )
        components = _organization_fields(org, data)
        _save(org)
        if components is not None:
            org.components.set(components)
    return _organizations().get(pk=org.pk)


@router.get("/organizations/{slug}/contacts", response=list[ContactOut])
def list_contacts(request, slug: str):
    require(request, Role.VIEWER)
    org = get_object_or_404(Organization, slug=slug)
    return org.contacts.select_related("organization")


@router.post("/organizations/{slug}/contacts", response={201: ContactOut})
def create_contact(request, slug: str, payload: ContactIn):
    require(request, Role.ADMIN)
    org = get_object_or_404(Organization, slug=slug)
    return Status(201, _save(AuthorizedContact(organization=org), **payload.dict()))


@router.get("/contacts/{contact_id}", response=ContactOut)
def get_contact(request, contact_id: int):
    require(request, Role.VIEWER)
    return get_object_or_404(
        AuthorizedContact.objects.select_related("organization"), pk=contact_id
    )


@router.patch("/contacts/{contact_id}", response=ContactOut)
def update_contact(request, contact_id: int, payload: ContactPatch):
    require(request, Role.ADMIN)
    contact = get_object_or_404(
        AuthorizedContact.objects.select_related("organization"), pk=contact_id
    )
    return _save(contact, **payload.dict(exclude_unset=True))
