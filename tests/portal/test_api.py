"""Contacts' own API tokens: made and revoked in the portal (the secret shown once), they open
the contact operations for their organization only; staff operations and other
organizations' requests are refused with 403 naming the reason, and nothing changes."""

import json
import re

from django.test import Client

from forewarn.api.models import ApiToken
from forewarn.portal import tokens
from forewarn.portal.api import STAFF_REFUSAL
from forewarn.portal.models import ContactToken, digest
from forewarn.support.models import SupportRequest
from tests.conftest import make_staff

from .conftest import signed_in


def api(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


def post(client: Client, url: str, body: dict | None = None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def token_of(world, side="a") -> str:
    return tokens.issue(getattr(world, side).contact, name="test")[1]


def test_a_contact_opens_lists_writes_on_and_closes_its_requests(world):
    client = api(token_of(world))
    opened = post(
        client,
        "/api/v1/contact/requests",
        {"subject": "Calls drop", "body": "Since 9:00", "priority": "high", "component": "voice"},
    )
    assert opened.status_code == 201, opened.content
    found = opened.json()
    assert (found["organization"], found["requester"], found["priority"]) == (
        "acme",
        "anna@acme.example",
        "high",
    )
    assert found["first_response"]["state"] == "running"
    assert "assignee" not in found
    listed = client.get("/api/v1/contact/requests").json()
    # the notice sent to Acme opened an informational request too (seed 003)
    assert {r["subject"] for r in listed} == {
        "Calls drop",
        "Acme secret request",
        "Acme secret notice",
    }
    written = post(client, f"/api/v1/contact/requests/{found['id']}/messages", {"body": "Still"})
    assert written.status_code == 201 and written.json()["kind"] == "customer"
    closed = post(client, f"/api/v1/contact/requests/{found['id']}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    again = post(client, f"/api/v1/contact/requests/{found['id']}/close")
    assert again.status_code == 422 and "closed already" in again.json()["message"]
    assert SupportRequest.objects.get(pk=found["id"]).origin == "api"


def test_another_organizations_request_is_refused_naming_why(world):
    client = api(token_of(world))
    theirs = world.b.request.pk
    for response in (
        client.get(f"/api/v1/contact/requests/{theirs}"),
        post(client, f"/api/v1/contact/requests/{theirs}/messages", {"body": "Hi"}),
        post(client, f"/api/v1/contact/requests/{theirs}/close"),
    ):
        assert response.status_code == 403
        assert response.json() == {
            "message": f"SR-{theirs} is not a request of Acme: your token opens only your "
            "organization's requests."
        }
    request = SupportRequest.objects.get(pk=theirs)
    assert (request.status, request.messages.count()) == ("new", 1)
    assert client.get("/api/v1/contact/requests/999999").status_code == 404


def test_a_contact_token_is_refused_on_staff_operations(world):
    client = api(token_of(world))
    for response in (
        client.get("/api/v1/support/requests"),
        client.get("/api/v1/components"),
        post(client, "/api/v1/support/requests", {"requester_email": "anna@acme.example"}),
    ):
        assert response.status_code == 403
        assert response.json() == {"message": tokens.STAFF_REFUSAL}


def test_a_staff_token_is_refused_on_contact_operations(world):
    _, raw = ApiToken.issue(make_staff("sam", "admin"))
    response = api(raw).get("/api/v1/contact/requests")
    assert response.status_code == 403 and response.json() == {"message": STAFF_REFUSAL}
    assert Client().get("/api/v1/contact/requests").status_code == 401
    assert api("fwp_unknown").get("/api/v1/contact/requests").status_code == 401


def test_a_contact_who_may_not_open_requests_is_refused(world):
    contact = world.a.contact
    contact.may_open_requests = False
    contact.save()
    client = api(token_of(world))
    response = post(client, "/api/v1/contact/requests", {"subject": "x", "body": "y"})
    assert response.status_code == 403
    assert "may not open support requests" in response.json()["message"]
    assert not SupportRequest.objects.filter(subject="x").exists()


def test_tokens_are_made_and_revoked_in_the_portal_and_shown_once(world):
    client = signed_in(world.a.contact)
    page = client.post("/portal/tokens/", {"name": "CI"}).content.decode()
    raw = re.search(r'<code id="new-token">(fwp_[\w-]+)</code>', page).group(1)
    token = ContactToken.objects.get(key_digest=digest(raw))
    assert (token.contact, token.name) == (world.a.contact, "CI")
    assert raw not in client.get("/portal/tokens/").content.decode()  # shown once
    assert api(raw).get("/api/v1/contact/requests").status_code == 200

    client.post(f"/portal/tokens/{token.pk}/revoke/")
    assert api(raw).get("/api/v1/contact/requests").status_code == 401
    # A deactivated contact's tokens stop working too.
    _, other = tokens.issue(world.a.contact)
    world.a.contact.is_active = False
    world.a.contact.save()
    assert api(other).get("/api/v1/contact/requests").status_code == 401
