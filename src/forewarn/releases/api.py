"""Releases in the JSON API: everything the console does, through the same services.

Reading needs the viewer role; defining products, planning, changing, releasing and
withdrawing versions the communicator role. Slugs are resolved here first; one that does
not exist is a 422 naming its field. A refusal changes nothing: each service is one
transaction.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from forewarn.api.auth import actor_and_role, needs
from forewarn.api.fields import ObjectId, Slug
from forewarn.catalog.models import Organization, ProductCategory, Role
from forewarn.catalog.services import components_by_slug
from forewarn.delivery.models import Subscriber
from forewarn.policies.models import Policy

from . import services, shapes
from .console_data import told
from .models import Announcement, Product, SlaVersion, Version
from .schemas import (
    AnnouncementIn,
    AnnouncementOut,
    DeprecationIn,
    ProductIn,
    ProductOut,
    ProductPatch,
    SlaVersionIn,
    SlaVersionOut,
    VersionImportIn,
    VersionIn,
    VersionOut,
    VersionPatch,
    VersionQuery,
    WithdrawIn,
)

router = Router(tags=["releases"])


def _organizations(slugs, field="organizations") -> list[Organization]:
    found = {o.slug: o for o in Organization.objects.filter(slug__in=slugs)}
    missing = [s for s in slugs if s not in found]
    if missing:
        raise ValidationError({field: f"No organization with slug {', '.join(missing)}."})
    return [found[s] for s in slugs]


def _policy(slug):
    found = Policy.objects.filter(slug=slug).first()
    if found is None:
        raise ValidationError({"policy": f"No policy {slug!r}."})
    return found


def _subscribers(addresses) -> list[Subscriber]:
    found = []
    for address in addresses:
        row = Subscriber.objects.filter(
            address__iexact=address.strip(), confirmed_at__isnull=False
        ).first()
        if row is None:
            raise ValidationError({"subscribers": f"No confirmed subscriber {address!r}."})
        found.append(row)
    return found


def _product_fields(data: dict) -> dict:
    found = {}
    for field, value in data.items():
        if value is None:
            continue
        if field == "organizations":
            value = _organizations(value)
        elif field == "components":
            value = components_by_slug(value)
        elif field == "policy":
            value = _policy(value)
        elif field == "subscribers":
            value = _subscribers(value)
        found[field] = value
    return found


def _product(slug: str) -> Product:
    return get_object_or_404(Product, slug=slug)


@router.get("/releases/products", response=list[ProductOut], auth=needs(Role.VIEWER))
def list_products(request):
    return [
        services.product_json(p) | {"description": p.description} for p in Product.objects.all()
    ]


@router.post("/releases/products", response={201: ProductOut}, auth=needs(Role.COMMUNICATOR))
def create_product(request, payload: ProductIn):
    """Add a product, module or plugin: who uses it (organizations, plans, components), its
    notice policy, and whether its notes are public."""
    product = services.save_product(**actor_and_role(request), **_product_fields(payload.dict()))
    return Status(201, services.product_json(product) | {"description": product.description})


@router.patch("/releases/products/{slug}", response=ProductOut, auth=needs(Role.COMMUNICATOR))
def change_product(request, slug: Slug, payload: ProductPatch):
    product = services.save_product(
        _product(slug),
        **actor_and_role(request),
        **_product_fields(payload.dict(exclude_unset=True)),
    )
    return services.product_json(product) | {"description": product.description}


def version_out(version: Version) -> dict:
    return shapes.version_json(version) | {
        "id": version.pk,
        "kind_overridden": version.kind_overridden,
        "organization": version.organization.slug if version.organization_id else None,
        "planned_work": version.planned_work_id,
        "api_work": version.api_work_id,
        "notices": told(version),
    }


def _version(version_id: int) -> Version:
    return get_object_or_404(
        Version.objects.select_related("product", "organization"), pk=version_id
    )


@router.get("/releases/versions", response=list[VersionOut], auth=needs(Role.VIEWER))
def list_versions(request, filters: Query[VersionQuery]):
    """Versions, by product, newest number first."""
    found = Version.objects.select_related("product", "organization").prefetch_related(
        "deprecations"
    )
    if filters.product:
        found = found.filter(product__slug=filters.product)
    if filters.state:
        found = found.filter(state=filters.state)
    return [version_out(v) for v in found[:500]]


@router.post(
    "/releases/products/{slug}/versions",
    response={201: VersionOut},
    auth=needs(Role.COMMUNICATOR),
)
def plan_version(request, slug: Slug, payload: VersionIn):
    """Plan a version. A major version and an API change are published as planned work at
    once under the product's policy: too little notice is a 422 on release_at."""
    data = payload.dict()
    organization = data.pop("organization")
    if organization:
        (organization,) = _organizations([organization], "organization")
    version = services.plan_version(
        _product(slug),
        **actor_and_role(request),
        organization=organization or None,
        **{k: v for k, v in data.items() if v is not None},
    )
    return Status(201, version_out(_version(version.pk)))


@router.post(
    "/releases/products/{slug}/history",
    response={201: VersionOut},
    auth=needs(Role.COMMUNICATOR),
)
def import_version(request, slug: Slug, payload: VersionImportIn):
    """Add a version released before Forewarn kept the history: in the past, nobody is told."""
    data = payload.dict()
    organization = data.pop("organization")
    if organization:
        (organization,) = _organizations([organization], "organization")
    version = services.import_version(
        _product(slug),
        **actor_and_role(request),
        organization=organization or None,
        **{k: v for k, v in data.items() if v is not None},
    )
    return Status(201, version_out(_version(version.pk)))


@router.get("/releases/versions/{version_id}", response=VersionOut, auth=needs(Role.VIEWER))
def get_version(request, version_id: ObjectId):
    """A version with its notes and the notices it sent: who was told, and when."""
    return version_out(_version(version_id))


@router.patch("/releases/versions/{version_id}", response=VersionOut, auth=needs(Role.COMMUNICATOR))
def change_version(request, version_id: ObjectId, payload: VersionPatch):
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    services.change_version(_version(version_id), **actor_and_role(request), **data)
    return version_out(_version(version_id))


@router.post(
    "/releases/versions/{version_id}/release", response=VersionOut, auth=needs(Role.COMMUNICATOR)
)
def release_version(request, version_id: ObjectId):
    """Release it: the notes go public, the release notices go out now, once."""
    services.release(_version(version_id), **actor_and_role(request))
    return version_out(_version(version_id))


@router.post(
    "/releases/versions/{version_id}/withdraw",
    response=VersionOut,
    auth=needs(Role.COMMUNICATOR),
)
def withdraw_version(request, version_id: ObjectId, payload: WithdrawIn):
    services.withdraw(_version(version_id), **actor_and_role(request), reason=payload.reason)
    return version_out(_version(version_id))


@router.post(
    "/releases/versions/{version_id}/deprecations",
    response={201: VersionOut},
    auth=needs(Role.COMMUNICATOR),
)
def add_deprecation(request, version_id: ObjectId, payload: DeprecationIn):
    """Record what an API change deprecates and its sunset date."""
    services.deprecate(_version(version_id), **actor_and_role(request), **payload.dict())
    return Status(201, version_out(_version(version_id)))


def announcement_out(found: Announcement) -> dict:
    return {
        "id": found.pk,
        "title": found.title,
        "body": found.body,
        "topic": found.topic,
        "organizations": sorted(found.organizations.values_list("slug", flat=True)),
        "products": sorted(found.products.values_list("slug", flat=True)),
        "told": sorted(
            Organization.objects.filter(pk__in=found.told).values_list("slug", flat=True)
        ),
        "published_at": found.published_at.isoformat(),
        "notice": found.notice.key if found.notice_id else None,
    }


@router.get("/releases/announcements", response=list[AnnouncementOut], auth=needs(Role.VIEWER))
def list_announcements(request):
    return [announcement_out(a) for a in Announcement.objects.select_related("notice")[:500]]


@router.post(
    "/releases/announcements", response={201: AnnouncementOut}, auth=needs(Role.COMMUNICATOR)
)
def create_announcement(request, payload: AnnouncementIn):
    """Tell the authorized contacts of chosen organizations, or of the users of chosen
    products, once: documentation, manuals, rates, integrations, policies, new products."""
    data = payload.dict()
    products = []
    for slug in data.pop("products"):
        found = Product.objects.filter(slug=slug).first()
        if found is None:
            raise ValidationError({"products": f"No product {slug!r}."})
        products.append(found)
    found = services.announce(
        **actor_and_role(request),
        title=data["title"],
        body=data["body"],
        topic=data["topic"],
        organizations=_organizations(data["organizations"]),
        products=products,
    )
    return Status(201, announcement_out(found))


def sla_out(found: SlaVersion) -> dict:
    return {
        "id": found.pk,
        "category": found.category.slug,
        "label": found.label,
        "target_pct": found.target_pct,
        "effective_from": found.effective_from.isoformat(),
        "summary": found.summary,
        "published_at": found.published_at.isoformat(),
        "notice": found.notice.key if found.notice_id else None,
    }


@router.get("/releases/sla-versions", response=list[SlaVersionOut], auth=needs(Role.VIEWER))
def list_sla_versions(request):
    return [sla_out(v) for v in SlaVersion.objects.select_related("category", "notice")[:500]]


@router.post("/releases/sla-versions", response={201: SlaVersionOut}, auth=needs(Role.COMMUNICATOR))
def publish_sla_version(request, payload: SlaVersionIn):
    """Publish a new version of a product category's SLA from its effective date; the contacts
    of the organizations using the category are told, and reports measure each period against
    the version in force when it began."""
    data = payload.dict()
    category = ProductCategory.objects.filter(slug=data.pop("category")).first()
    if category is None:
        raise ValidationError({"category": f"No product category {payload.category!r}."})
    found = services.publish_sla_version(category, **actor_and_role(request), **data)
    return Status(201, sla_out(found))
