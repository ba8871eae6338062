"""The support API for staff: open on a contact's behalf (403 naming the reason for anyone
else, nothing filed), the queue, a request's thread and clocks, and each action by role."""

from datetime import timedelta

import pytest

from forewarn.support.models import SupportRequest

from .conftest import T0, open_as_anna

BASE = "/api/v1/support/requests"


@pytest.fixture
def responder(world, api_as):
    return api_as("responder")


def test_a_responder_opens_a_request_for_a_contact(responder, world):
    response = responder.post(
        BASE,
        {
            "requester_email": "anna@acme.example",
            "subject": "Calls drop",
            "body": "All of them",
            "priority": "high",
            "component": "voice",
        },
    )
    assert response.status_code == 201, response.content
    found = response.json()
    assert (found["reference"], found["organization"], found["origin"], found["component"]) == (
        f"SR-{SupportRequest.objects.get().pk}",
        "acme",
        "api",
        "voice",
    )
    assert found["first_response"] == {
        "state": "running",
        "due_at": "2026-12-07T10:00:00Z",
        "business_minutes_left": 60.0,
        "target_minutes": 60.0,
    }
    assert [m["kind"] for m in found["messages"]] == ["customer"]


def test_someone_who_is_not_an_authorized_contact_is_refused_with_the_reason(responder, world):
    response = responder.post(
        BASE, {"requester_email": "mallory@example.com", "subject": "Hi", "body": "x"}
    )
    assert (response.status_code, response.json()) == (
        403,
        {"message": "mallory@example.com is not an authorized contact."},
    )
    assert SupportRequest.objects.count() == 0


def test_bad_input_names_the_field_and_changes_nothing(responder, world):
    request = open_as_anna(world)
    response = responder.post(f"{BASE}/{request.pk}/status", {"status": "out_of_scope"})
    assert response.status_code == 422
    assert response.json()["detail"] == {
        "reason": ["Give the reason it is out of scope (it is sent to the customer)."]
    }
    response = responder.post(
        f"{BASE}/{request.pk}/reclassify", {"priority": "urgent", "reason": "x"}
    )
    assert response.status_code == 422 and "priority" in response.json()["message"]
    request.refresh_from_db()
    assert (request.status, request.priority) == ("new", "unclassified")


def test_the_queue_and_a_request_with_its_thread_and_time_left(responder, world, clock):
    request = open_as_anna(world, priority="normal")
    clock.move_to(T0 + timedelta(hours=2))
    assert responder.post(f"{BASE}/{request.pk}/notes", {"body": "Looking."}).status_code == 201
    queue = responder.get(BASE, awaiting_response="true").json()
    assert [(r["id"], r["first_response"]["business_minutes_left"]) for r in queue] == [
        (request.pk, 360.0)
    ]
    detail = responder.get(f"{BASE}/{request.pk}").json()
    assert [m["kind"] for m in detail["messages"]] == ["customer", "note"]
    assert detail["first_response"]["due_at"] == "2026-12-08T08:30:00Z"  # Tue 09:30 CET
    reply = responder.post(f"{BASE}/{request.pk}/replies", {"body": "Fixed.", "status": "solved"})
    assert reply.status_code == 201 and reply.json()["kind"] == "reply"
    detail = responder.get(f"{BASE}/{request.pk}").json()
    assert (detail["status"], detail["first_response"]["state"]) == ("solved", "met")


def test_assign_escalate_and_log_a_call(responder, world):
    request = open_as_anna(world)
    assert (
        responder.put(f"{BASE}/{request.pk}/assignee", {"assignee": "sam"}).json()["assignee"]
        == "sam"
    )
    assert responder.put(f"{BASE}/{request.pk}/assignee", {"assignee": "ghost"}).status_code == 422
    escalated = responder.post(
        f"{BASE}/{request.pk}/escalations", {"tier": "tier_1", "reason": "VIP"}
    )
    assert escalated.status_code == 200
    again = responder.post(f"{BASE}/{request.pk}/escalations", {"tier": "tier_1", "reason": "VIP"})
    assert again.status_code == 422
    call = responder.post(
        "/api/v1/support/conversations",
        {
            "kind": "call",
            "organization": "acme",
            "contact_email": "anna@acme.example",
            "request_id": request.pk,
            "at": "2026-12-07T09:30:00+01:00",
            "minutes": 10,
            "summary": "Walked through the fix.",
        },
    )
    assert call.status_code == 201, call.content
    assert (call.json()["contact"], call.json()["minutes"]) == ("anna@acme.example", 10)


def test_a_viewer_reads_but_may_not_act(world, api_as):
    request = open_as_anna(world)
    viewer = api_as("viewer")
    assert viewer.get(f"{BASE}/{request.pk}").status_code == 200
    response = viewer.post(f"{BASE}/{request.pk}/replies", {"body": "Hi"})
    assert (response.status_code, response.json()) == (
        403,
        {"message": "This needs the 'responder' role or above."},
    )


def test_admins_set_targets_per_organization(world, api_as):
    admin = api_as("admin")
    response = admin.post("/api/v1/support/targets", {"organization": "acme", "high_minutes": 30})
    assert response.status_code == 201, response.content
    request = open_as_anna(world, priority="high")
    assert request.first_response_due_at == T0 + timedelta(minutes=30)
    assert admin.post("/api/v1/support/targets", {"high_minutes": 30}).status_code == 422
