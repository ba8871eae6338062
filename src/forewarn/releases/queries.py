"""Who uses a product, and which release notes each reader may see.

``visible_to(organization)`` is what a customer portal shows an organization: the released
versions of public products and of the private products it uses, its own client-specific
hotfixes but nobody else's. ``public_versions()`` is what the What's new page shows.
"""

from django.db.models import Q, QuerySet

from forewarn.catalog.models import Organization

from .models import Product, Version
from .numbering import State


def users(product: Product) -> QuerySet[Organization]:
    """The organizations that use ``product``: named, on one of its plans, or using one of
    its components."""
    by_plan = Q(pk__in=[])
    for plan in product.plans or []:
        if plan.strip():
            by_plan |= Q(plan__iexact=plan.strip())
    return Organization.objects.filter(
        Q(products=product) | Q(components__products=product) | by_plan
    ).distinct()


def uses(product: Product, organization: Organization) -> bool:
    return users(product).filter(pk=organization.pk).exists()


def products_used_by(organization: Organization) -> QuerySet[Product]:
    plan = organization.plan.strip().casefold()
    ids = set(
        Product.objects.filter(
            Q(organizations=organization) | Q(components__organizations=organization)
        ).values_list("pk", flat=True)
    )
    if plan:
        ids |= {
            p.pk
            for p in Product.objects.exclude(plans=[])
            if plan in {x.strip().casefold() for x in p.plans}
        }
    return Product.objects.filter(pk__in=ids)


def shown() -> QuerySet[Version]:
    """Versions once released (withdrawn ones too, marked so), newest first."""
    return (
        Version.objects.filter(released_at__isnull=False)
        .select_related("product", "organization")
        .prefetch_related("deprecations")
        .order_by("-released_at", "-pk")
    )


def public_versions(product: Product | None = None) -> QuerySet[Version]:
    """What the public What's new page shows: public products, no client-specific hotfix."""
    found = shown().filter(product__is_public=True, organization__isnull=True)
    return found.filter(product=product) if product is not None else found


def visible_to(organization: Organization, product: Product | None = None) -> QuerySet[Version]:
    """The release notes ``organization`` may read (for the customer portal)."""
    used = products_used_by(organization)
    found = shown().filter(
        (Q(product__is_public=True) | Q(product__in=used))
        & (Q(organization__isnull=True) | Q(organization=organization))
    )
    return found.filter(product=product) if product is not None else found


def public_products() -> QuerySet[Product]:
    return Product.objects.filter(is_public=True)


def upcoming(product: Product | None = None) -> QuerySet[Version]:
    found = Version.objects.filter(
        state=State.PLANNED, product__is_public=True, organization__isnull=True
    )
    return found.filter(product=product) if product is not None else found
