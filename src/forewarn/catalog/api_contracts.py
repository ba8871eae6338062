"""Catalog endpoints for what contracts are made of: categories, regions, organizations, contacts.

Thin over ``services``, like ``api``: references become rows (``lookups``), the service
validates, saves and records.
"""

from decimal import Decimal
from typing import Annotated, Any

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from pydantic import PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from forewarn import limits
from forewarn.api.auth import actor, needs
from forewarn.api.fields import (
    Email,
    Name,
    ObjectId,
    Slug,
    Slugs,
    TimeZoneName,
    one_of,
    percent,
)
from forewarn.api.validation import refuse_nulls
from forewarn.calendars.api import calendar_or_422

from . import services
from .lookups import by_slug
from .models import (
    AuthorizedContact,
    MeasurementPeriod,
    Organization,
    ProductCategory,
    Region,
    Role,
)
from .peak_hours import PeakHoursError, parse_peak_hours

router = Router(tags=["catalog"])


def _assign(obj, fields: dict):
    """Set the plain ``fields`` of ``obj`` from a payload; the service checks them."""
    for field, value in fields.items():
        setattr(obj, field, value)
    return obj


# --- categories and regions -------------------------------------------------


PeriodName = one_of(MeasurementPeriod.values)
Pct = percent(0, 100)
Weight = percent(0, 1)


class CategoryIn(Schema):
    slug: Slug
    name: Name
    target_pct: Pct
    period: PeriodName = "quarter"
    time_zone: TimeZoneName = "Europe/Amsterdam"
    partial_outage_weight: Weight = Decimal(0)


class CategoryPatch(Schema):
    name: Name | None = None
    target_pct: Pct | None = None
    period: PeriodName | None = None
    time_zone: TimeZoneName | None = None
    partial_outage_weight: Weight | None = None


class CategoryOut(Schema):
    slug: str
    name: str
    target_pct: Decimal
    period: PeriodName
    time_zone: str
    partial_outage_weight: Decimal


@router.get("/categories", response=list[CategoryOut], auth=needs(Role.VIEWER))
def list_categories(request):
    return ProductCategory.objects.all()


@router.get("/categories/{slug}", response=CategoryOut, auth=needs(Role.VIEWER))
def get_category(request, slug: Slug):
    return get_object_or_404(ProductCategory, slug=slug)


@router.post("/categories", response={201: CategoryOut}, auth=needs(Role.ADMIN))
def create_category(request, payload: CategoryIn):
    category = _assign(ProductCategory(), payload.dict())
    return Status(201, services.save_category(category, actor=actor(request)))


@router.patch("/categories/{slug}", response=CategoryOut, auth=needs(Role.ADMIN))
def update_category(request, slug: Slug, payload: CategoryPatch):
    data = refuse_nulls(
        payload.dict(exclude_unset=True),
        ("name", "target_pct", "period", "time_zone", "partial_outage_weight"),
    )
    category = _assign(get_object_or_404(ProductCategory, slug=slug), data)
    return services.save_category(category, actor=actor(request))


HH_MM = "^([01][0-9]|2[0-3]):[0-5][0-9]$"


def _peak_hours(value: Any) -> Any:
    """Peak hours as ``catalog.peak_hours`` reads them, with its message naming the range."""
    if isinstance(value, list) and len(value) > limits.RANGES:
        raise PydanticCustomError(
            "peak_hours",
            "At most {most} ranges, not {count}.",
            {"most": limits.RANGES, "count": len(value)},
        )
    try:
        parse_peak_hours(value)
    except PeakHoursError as error:
        raise PydanticCustomError("peak_hours", "{message}", {"message": str(error)}) from None
    return value


PeakHours = Annotated[
    list[dict[str, Any]],
    PlainValidator(_peak_hours),
    WithJsonSchema(
        {
            "type": "array",
            "maxItems": limits.RANGES,
            "description": "Weekly ranges in the region's zone. An end at or before the start "
            "runs past midnight (22:00–02:00); 00:00 is midnight, 24:00 is refused.",
            "items": {
                "type": "object",
                "properties": {
                    "weekday": {"type": "integer", "minimum": 0, "maximum": 6},
                    "start": {"type": "string", "maxLength": 5, "pattern": HH_MM},
                    "end": {"type": "string", "maxLength": 5, "pattern": HH_MM},
                },
                "required": ["weekday", "start", "end"],
                "additionalProperties": False,
            },
            "example": [
                *({"weekday": day, "start": "08:00", "end": "20:00"} for day in range(5)),
                {"weekday": 5, "start": "22:00", "end": "02:00"},
            ],
        }
    ),
]


class RegionIn(Schema):
    slug: Slug
    name: Name
    time_zone: TimeZoneName
    peak_hours: PeakHours = Field(default_factory=list)
    calendar: Slug | None = Field(None, description="slug of a calendar")


class RegionPatch(Schema):
    name: Name | None = None
    time_zone: TimeZoneName | None = None
    peak_hours: PeakHours | None = None
    calendar: Slug | None = None


class RegionOut(Schema):
    slug: str
    name: str
    time_zone: str
    peak_hours: list[dict]
    calendar: str | None = Field(None, alias="calendar.slug")


@router.get("/regions", response=list[RegionOut], auth=needs(Role.VIEWER))
def list_regions(request):
    return Region.objects.select_related("calendar")


@router.get("/regions/{slug}", response=RegionOut, auth=needs(Role.VIEWER))
def get_region(request, slug: Slug):
    return get_object_or_404(Region.objects.select_related("calendar"), slug=slug)


@router.post("/regions", response={201: RegionOut}, auth=needs(Role.ADMIN))
def create_region(request, payload: RegionIn):
    region = _region_fields(Region(), payload.dict())
    return Status(201, services.save_region(region, actor=actor(request)))


@router.patch("/regions/{slug}", response=RegionOut, auth=needs(Role.ADMIN))
def update_region(request, slug: Slug, payload: RegionPatch):
    region = get_object_or_404(Region, slug=slug)
    data = refuse_nulls(payload.dict(exclude_unset=True), ("name", "time_zone", "peak_hours"))
    return services.save_region(_region_fields(region, data), actor=actor(request))


def _region_fields(region: Region, data: dict) -> Region:
    if "calendar" in data:
        slug = data.pop("calendar")
        region.calendar = None if slug is None else calendar_or_422(slug)
    return _assign(region, data)


# --- organizations and authorized contacts ----------------------------------


Plan = Annotated[str, Field(max_length=100)]
Licences = Annotated[int, Field(ge=0, le=limits.COUNT)]


class OrganizationIn(Schema):
    slug: Slug
    name: Name
    plan: Plan = ""
    licences: Licences = 0
    region: Slug | None = None
    components: Slugs = Field(default_factory=list)


class OrganizationPatch(Schema):
    name: Name | None = None
    plan: Plan | None = None
    licences: Licences | None = None
    region: Slug | None = None
    components: Slugs | None = None


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


Phone = Annotated[str, Field(max_length=limits.PHONE)]


class ContactIn(Schema):
    name: Name
    email: Email = Field(min_length=3)
    phone: Phone = ""
    time_zone: TimeZoneName = ""
    receives_notices: bool = True
    may_open_requests: bool = True


class ContactPatch(Schema):
    name: Name | None = None
    email: Email | None = None
    phone: Phone | None = None
    time_zone: TimeZoneName | None = None
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


def _organization_fields(org: Organization, data: dict) -> list | None:
    """Set the payload's fields, the region turned into a row; returns the components, if given."""
    if "region" in data:
        org.region = by_slug(Region, data.pop("region"), "region")
    components = data.pop("components", None)
    _assign(org, data)
    return None if components is None else services.components_by_slug(components)


def _organizations():
    return Organization.objects.select_related("region").prefetch_related("components")


@router.get("/organizations", response=list[OrganizationOut], auth=needs(Role.VIEWER))
def list_organizations(request):
    return _organizations()


@router.get("/organizations/{slug}", response=OrganizationOut, auth=needs(Role.VIEWER))
def get_organization(request, slug: Slug):
    return get_object_or_404(_organizations(), slug=slug)


@router.post("/organizations", response={201: OrganizationOut}, auth=needs(Role.ADMIN))
def create_organization(request, payload: OrganizationIn):
    org = Organization()
    components = _organization_fields(org, payload.dict())
    services.save_organization(org, components=components, actor=actor(request))
    return Status(201, _organizations().get(pk=org.pk))


@router.patch("/organizations/{slug}", response=OrganizationOut, auth=needs(Role.ADMIN))
def update_organization(request, slug: Slug, payload: OrganizationPatch):
    org = get_object_or_404(Organization, slug=slug)
    data = refuse_nulls(
        payload.dict(exclude_unset=True), ("name", "plan", "licences", "components")
    )
    components = _organization_fields(org, data)
    services.save_organization(org, components=components, actor=actor(request))
    return _organizations().get(pk=org.pk)


@router.get("/organizations/{slug}/contacts", response=list[ContactOut], auth=needs(Role.VIEWER))
def list_contacts(request, slug: Slug):
    org = get_object_or_404(Organization, slug=slug)
    return org.contacts.select_related("organization")


@router.post("/organizations/{slug}/contacts", response={201: ContactOut}, auth=needs(Role.ADMIN))
def create_contact(request, slug: Slug, payload: ContactIn):
    org = get_object_or_404(Organization, slug=slug)
    contact = _assign(AuthorizedContact(organization=org), payload.dict())
    return Status(201, services.save_contact(contact, actor=actor(request)))


@router.get("/contacts/{contact_id}", response=ContactOut, auth=needs(Role.VIEWER))
def get_contact(request, contact_id: ObjectId):
    return get_object_or_404(
        AuthorizedContact.objects.select_related("organization"), pk=contact_id
    )


@router.patch("/contacts/{contact_id}", response=ContactOut, auth=needs(Role.ADMIN))
def update_contact(request, contact_id: ObjectId, payload: ContactPatch):
    contact = get_object_or_404(
        AuthorizedContact.objects.select_related("organization"), pk=contact_id
    )
    data = refuse_nulls(payload.dict(exclude_unset=True))
    return services.save_contact(_assign(contact, data), actor=actor(request))


@router.delete("/contacts/{contact_id}", response={204: None}, auth=needs(Role.ADMIN))
def delete_contact(request, contact_id: ObjectId):
    """Remove an authorized contact; the record keeps who it was."""
    contact = get_object_or_404(AuthorizedContact, pk=contact_id)
    services.delete_contact(contact, actor=actor(request))
    return Status(204, None)
