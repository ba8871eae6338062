"""Who may call the API: 401 for no caller, 403 for a role too low, both before the input is read."""

import json

from django.test import Client

from forewarn.catalog.models import Component, Role
from tests.conftest import make_staff

UNAUTHENTICATED = {"message": "Authentication required: send 'Authorization: Bearer <token>'."}


def test_an_anonymous_write_is_a_401_not_a_csrf_403(db):
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/components",
        json.dumps({"slug": "api", "name": "API"}),
        content_type="application/json",
    )
    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)
    assert not Component.objects.exists()


def test_an_unknown_token_is_a_401(db):
    response = Client().get("/api/v1/components", headers={"Authorization": "Bearer fw_nope"})
    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)


def test_a_role_too_low_is_refused_before_its_input_is_read(viewer_api):
    response = viewer_api.post("/api/v1/components", {"slug": 7})
    assert (response.status_code, response.json()) == (
        403,
        {"message": "This needs the 'admin' role or above."},
    )


def test_a_console_session_writes_only_with_its_csrf_token(db):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_staff("sam", Role.ADMIN))
    body = json.dumps({"slug": "api", "name": "API"})
    refused = client.post("/api/v1/components", body, content_type="application/json")
    assert (refused.status_code, refused.json()) == (403, {"message": "CSRF check Failed"})
    client.get("/console/")  # the console page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    done = client.post(
        "/api/v1/components", body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert done.status_code == 201
    assert Component.objects.get().name == "API"


def test_a_session_below_the_role_is_refused(db):
    client = Client()
    client.force_login(make_staff("vic", Role.VIEWER))
    response = client.get("/api/v1/subscribers")
    assert (response.status_code, response.json()) == (
        403,
        {"message": "This needs the 'admin' role or above."},
    )
