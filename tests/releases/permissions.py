"""Releases' rows of the permission matrix: viewers read; communicators define products, plan,
change, release and withdraw versions (seed 002's notes are published by a communicator)."""

from django.utils import timezone

from forewarn.releases.models import Product
from tests.permission_rows import COMMUNICATOR, VIEWER, Console, Page

API = {
    "GET /api/v1/releases/products": VIEWER,
    "POST /api/v1/releases/products": COMMUNICATOR,
    "PATCH /api/v1/releases/products/{slug}": COMMUNICATOR,
    "GET /api/v1/releases/versions": VIEWER,
    "POST /api/v1/releases/products/{slug}/versions": COMMUNICATOR,
    "POST /api/v1/releases/products/{slug}/history": COMMUNICATOR,
    "GET /api/v1/releases/versions/{version_id}": VIEWER,
    "PATCH /api/v1/releases/versions/{version_id}": COMMUNICATOR,
    "POST /api/v1/releases/versions/{version_id}/release": COMMUNICATOR,
    "POST /api/v1/releases/versions/{version_id}/withdraw": COMMUNICATOR,
    "POST /api/v1/releases/versions/{version_id}/deprecations": COMMUNICATOR,
    "GET /api/v1/releases/announcements": VIEWER,
    "POST /api/v1/releases/announcements": COMMUNICATOR,
    "GET /api/v1/releases/sla-versions": VIEWER,
    "POST /api/v1/releases/sla-versions": COMMUNICATOR,
}


def _product():
    return Product.objects.create(slug="docs", name="Docs", created_at=timezone.now())


CONSOLE = {
    "releases.product": Console(add=COMMUNICATOR, change=COMMUNICATOR, make=_product),
    # The change page is the version's page (its forms go through the services).
    "releases.version": Console(add=COMMUNICATOR),
    "releases.announcement": Console(add=COMMUNICATOR),
    "releases.slaversion": Console(add=COMMUNICATOR),
}
PAGES = {
    "admin:releases_version_act": Page(COMMUNICATOR, {"pk": "999999", "name": "nothing"}),
}
