"""The public What's new page (per product and over all products), its Atom feeds and JSON,
and the deprecations as JSON with their header values.

Public products only, and never a client-specific hotfix (``queries.public_versions``); a
private product's notes are for the organizations that use it (``queries.visible_to``, for
a customer portal). Cached with the page version like the rest of the status page: every
service that changes a version marks the page changed in its transaction.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from forewarn.statuspage.atom import StableAtom1Feed
from forewarn.statuspage.caching import public_cached

from . import queries, shapes
from .models import Deprecation, Product
from .numbering import KIND_LABELS, ReleaseKind

LATEST = 100  # versions on a page or in a feed


def _product(slug: str | None) -> Product | None:
    if slug is None:
        return None
    found = queries.public_products().filter(slug=slug).first()
    if found is None:
        raise Http404("No such product on this page.")
    return found


def _shown(product: Product | None) -> list[dict]:
    return [
        {
            "version": v,
            "kind_label": KIND_LABELS[ReleaseKind(v.kind)],
            "sections": shapes.notes_html(v),
        }
        for v in queries.public_versions(product)[:LATEST]
    ]


@public_cached
def whats_new(request, slug: str | None = None):
    product = _product(slug)
    return render(
        request,
        "releases/whats_new.html",
        {
            "product": product,
            "products": queries.public_products(),
            "shown": _shown(product),
            "upcoming": queries.upcoming(product).select_related("product")[:LATEST],
        },
    )


@public_cached(cors=True)
def whats_new_json(request, slug: str | None = None):
    product = _product(slug)
    versions = queries.public_versions(product)[:LATEST]
    return JsonResponse(
        {
            "product": product.slug if product else None,
            "versions": [shapes.version_json(v) for v in versions],
        }
    )


@public_cached(cors=True)
def deprecations_json(request):
    """What public API changes deprecate, with the Deprecation/Sunset/Link header values a
    provider copies into its own API's responses."""
    found = (
        Deprecation.objects.filter(
            version__product__is_public=True,
            version__organization__isnull=True,
            version__state__in=["planned", "released"],
        )
        .select_related("version__product")
        .order_by("sunset_at", "pk")
    )
    return JsonResponse(
        {
            "deprecations": [
                {
                    "product": d.version.product.slug,
                    "version": d.version.number,
                    **shapes.deprecation_json(d),
                }
                for d in found
            ]
        }
    )


class WhatsNewFeed(Feed):
    """Released versions, newest first (Atom), over all public products or one."""

    feed_type = StableAtom1Feed
    description_template = "releases/feed_version.html"

    def get_object(self, request, slug: str | None = None):
        return _product(slug)

    def title(self, product):
        return f"{settings.PAGE_NAME}: what's new" + (f" in {product.name}" if product else "")

    def link(self, product):
        if product is None:
            return reverse("releases:whats-new")
        return reverse("releases:whats-new-product", args=[product.slug])

    def subtitle(self, product):
        return "Release notes of every version, newest first."

    def items(self, product):
        return list(queries.public_versions(product)[:LATEST])

    def item_title(self, item):
        label = "Withdrawn" if item.withdrawn_at else KIND_LABELS[ReleaseKind(item.kind)]
        return f"{item.product.name} {item.number} ({label.lower()})"

    def item_link(self, item):
        return reverse("releases:whats-new-product", args=[item.product.slug]) + f"#v{item.number}"

    def item_guid(self, item):
        return f"{settings.SITE_URL}/whats-new/{item.product.slug}/#v{item.number}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.released_at

    def item_updateddate(self, item):
        return item.withdrawn_at or item.released_at

    def item_categories(self, item):
        return [item.kind] + (["security"] if item.security else [])

    def get_context_data(self, **kwargs):
        item = kwargs["item"]
        return {"version": item, "sections": shapes.notes_html(item)}


@public_cached
def feed(request, slug: str | None = None):
    return WhatsNewFeed()(request, slug=slug)
