"""The catalog's rows of the permission matrix: viewers read, responders change a status,
admins manage the rest (and staff accounts)."""

from django.contrib.auth import get_user_model

from forewarn.catalog import services
from forewarn.catalog.models import (
    AuthorizedContact,
    Component,
    ComponentGroup,
    Organization,
    ProductCategory,
    Region,
)
from tests.permission_rows import ADMIN, RESPONDER, SIGNED_IN, VIEWER, Console, Page

API = {
    "GET /api/v1/component-groups": VIEWER,
    "POST /api/v1/component-groups": ADMIN,
    "GET /api/v1/component-groups/{group_id}": VIEWER,
    "PATCH /api/v1/component-groups/{group_id}": ADMIN,
    "GET /api/v1/components": VIEWER,
    "POST /api/v1/components": ADMIN,
    "GET /api/v1/components/{slug}": VIEWER,
    "PATCH /api/v1/components/{slug}": ADMIN,
    "POST /api/v1/components/{slug}/status": RESPONDER,
    "GET /api/v1/components/{slug}/history": VIEWER,
    "GET /api/v1/me": SIGNED_IN,
    "GET /api/v1/categories": VIEWER,
    "POST /api/v1/categories": ADMIN,
    "GET /api/v1/categories/{slug}": VIEWER,
    "PATCH /api/v1/categories/{slug}": ADMIN,
    "GET /api/v1/regions": VIEWER,
    "POST /api/v1/regions": ADMIN,
    "GET /api/v1/regions/{slug}": VIEWER,
    "PATCH /api/v1/regions/{slug}": ADMIN,
    "GET /api/v1/organizations": VIEWER,
    "POST /api/v1/organizations": ADMIN,
    "GET /api/v1/organizations/{slug}": VIEWER,
    "PATCH /api/v1/organizations/{slug}": ADMIN,
    "GET /api/v1/organizations/{slug}/contacts": VIEWER,
    "POST /api/v1/organizations/{slug}/contacts": ADMIN,
    "GET /api/v1/contacts/{contact_id}": VIEWER,
    "PATCH /api/v1/contacts/{contact_id}": ADMIN,
    "DELETE /api/v1/contacts/{contact_id}": ADMIN,
}


def _organization() -> Organization:
    return services.save_organization(Organization(slug="acme", name="Acme"), actor="test")


CONSOLE = {
    "catalog.component": Console(
        add=ADMIN,
        change=ADMIN,
        fields={RESPONDER: frozenset({"status"})},
        make=lambda: services.save_component(Component(slug="api", name="API"), actor="test"),
    ),
    "catalog.componentgroup": Console(
        add=ADMIN,
        change=ADMIN,
        delete=ADMIN,
        make=lambda: services.save_group(ComponentGroup(name="Voice"), actor="test"),
    ),
    "catalog.productcategory": Console(
        add=ADMIN,
        change=ADMIN,
        delete=ADMIN,
        make=lambda: services.save_category(
            ProductCategory(slug="voice", name="Voice", target_pct=99), actor="test"
        ),
    ),
    "catalog.region": Console(
        add=ADMIN,
        change=ADMIN,
        delete=ADMIN,
        make=lambda: services.save_region(
            Region(slug="eu", name="Europe", time_zone="Europe/Amsterdam"), actor="test"
        ),
    ),
    "catalog.organization": Console(add=ADMIN, change=ADMIN, delete=ADMIN, make=_organization),
    "catalog.authorizedcontact": Console(
        add=ADMIN,
        change=ADMIN,
        delete=ADMIN,
        make=lambda: services.save_contact(
            AuthorizedContact(organization=_organization(), name="Ann", email="ann@acme.example"),
            actor="test",
        ),
    ),
    "auth.user": Console(
        view=ADMIN,
        add=ADMIN,
        change=ADMIN,
        make=lambda: get_user_model().objects.create_user("someone"),
    ),
}

# Setting another user's password: the user's page links to it.
PAGES = {"admin:auth_user_password_change": Page(ADMIN, {"id": "1"})}
