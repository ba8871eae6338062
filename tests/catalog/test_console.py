"""The operator console: roles decide what staff may see and change."""

import pytest

from forewarn.catalog import services
from forewarn.catalog.models import Component, Role, StatusInterval
from tests.conftest import make_staff


@pytest.fixture
def api_component(db):
    component = Component.objects.create(slug="api", name="API")
    services.ensure_history(component)
    return component


def _login(client, role):
    user = make_staff(f"{role}-person", role)
    client.force_login(user)
    return user


def test_viewer_sees_components_but_cannot_change_them(client, api_component):
    _login(client, Role.VIEWER)
    assert client.get("/console/catalog/component/").status_code == 200
    response = client.post(
        f"/console/catalog/component/{api_component.pk}/change/", {"status": "major_outage"}
    )
    assert response.status_code == 403
    assert Component.objects.get(pk=api_component.pk).status == "operational"


def test_responder_changes_status_in_the_console_and_history_follows(client, api_component):
    _login(client, Role.RESPONDER)
    page = client.get(f"/console/catalog/component/{api_component.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form.initial.get(name, "") for name in form.fields}
    data.update({"status": "partial_outage", "members": [], "visible_to": []})
    data = {k: v for k, v in data.items() if v is not None}
    for prefix in ("status_history",):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "1",
                f"{prefix}-INITIAL_FORMS": "1",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "0",
            }
        )
        interval = StatusInterval.objects.get(component=api_component)
        data.update({f"{prefix}-0-id": interval.pk, f"{prefix}-0-component": api_component.pk})
    response = client.post(f"/console/catalog/component/{api_component.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    api_component.refresh_from_db()
    assert api_component.status == "partial_outage"
    latest = StatusInterval.objects.filter(component=api_component).order_by("-started_at").first()
    assert (latest.status, latest.cause, latest.actor) == (
        "partial_outage",
        "changed in the console",
        "responder-person",
    )


def test_responder_cannot_create_components(client, db):
    _login(client, Role.RESPONDER)
    assert client.get("/console/catalog/component/add/").status_code == 403


def test_admin_role_manages_the_catalog(client, db):
    _login(client, Role.ADMIN)
    assert client.get("/console/catalog/component/add/").status_code == 200
    assert client.get("/console/catalog/organization/add/").status_code == 200


def test_console_requires_login(client, db):
    response = client.get("/console/catalog/component/")
    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/")


def test_changing_a_role_replaces_the_group(db):
    user = make_staff("switch", Role.ADMIN)
    user.staff.role = Role.VIEWER
    user.staff.save()
    assert [g.name for g in user.groups.all()] == ["forewarn viewer"]
    assert user.has_perm("catalog.view_component")
    user = type(user).objects.get(pk=user.pk)  # permissions are cached per instance
    assert not user.has_perm("catalog.add_component")


def test_role_groups_hold_permissions_of_every_forewarn_app(db):
    from django.contrib.auth.models import Group

    viewer = Group.objects.get(name="forewarn viewer")
    apps_with_view = set(viewer.permissions.values_list("content_type__app_label", flat=True))
    assert {
        "catalog",
        "record",
        "calendars",
        "policies",
        "delivery",
        "availability",
        "api",
    } <= apps_with_view
