"""Refusals in Cachet's error shape, never a 500; tokens of one surface open no other."""

import json

import pytest
from django.test import Client

from forewarn.api.models import ApiToken, Surface
from forewarn.catalog.models import Component
from forewarn.compat.alertmanager import services as alertmanager
from forewarn.incidents.models import Incident
from forewarn.policies.services import load_presets
from forewarn.record.models import Event
from tests.conftest import make_staff


def errors(response) -> list[dict]:
    found = response.json()["errors"]
    assert [e["status"] for e in found] == [response.status_code]
    assert set(found[0]) >= {"id", "status", "title", "detail"}
    return found


def test_bad_input_is_a_400_naming_the_field_and_saves_nothing(cachet_as):
    admin = cachet_as("admin")
    answer = admin.post("components", {"name": "API"})
    assert answer.status_code == 400
    assert errors(answer)[0]["meta"]["details"] == ["status: is required: a number from 0 to 4."]
    answer = admin.post("components", {"name": "API", "status": 1, "group_id": 9})
    assert errors(answer)[0]["detail"] == "group_id: there is no component group 9."
    answer = admin.post("incidents", {"name": "", "message": "x", "status": 1})
    assert errors(answer)[0]["detail"] == "name: Give a title."
    answer = admin.post("incidents", {"name": "Down", "message": "x", "status": 0})
    assert "planned work is a schedule" in errors(answer)[0]["detail"]
    assert not Component.objects.exists() and not Incident.objects.exists()


def test_an_incident_keeps_its_title(cachet_as):
    admin = cachet_as("admin")
    made = admin.post("incidents", {"name": "Down", "message": "x", "status": 1}).json()["data"]
    answer = admin.put(f"incidents/{made['id']}", {"name": "Renamed", "status": 4})
    assert errors(answer)[0]["detail"] == "name: an incident keeps the title it was opened with."
    assert Incident.objects.get().status == "investigating"  # nothing half-saved


def test_a_responder_cannot_override_visibility(cachet_as):
    answer = cachet_as("responder").post(
        "incidents",
        {"name": "Down", "message": "x", "status": 1, "visible": 1, "meta": {"priority": "P5"}},
    )
    assert answer.status_code == 403
    assert "communicator" in errors(answer)[0]["detail"]


def test_not_found_and_not_allowed(cachet_as):
    guest = cachet_as("guest")
    assert errors(guest.get("components/77"))[0]["title"] == "Not Found"
    answer = guest.call("patch", "components/77", {})
    assert errors(answer)[0]["title"] == "Method Not Allowed"
    assert answer["Allow"] == "DELETE, GET, PUT"
    assert cachet_as("guest").get("components/99999999999999999999999").status_code == 404


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b"\xff\xfe", "application/x-www-form-urlencoded", 400),
        (b"<xml/>", "text/xml", 415),
        (b"[" * 5000 + b"]" * 5000, "application/json", 400),
        (b"a=" + b"x" * 300_000, "application/x-www-form-urlencoded", 413),
    ],
)
def test_unreadable_bodies(cachet_as, body, content_type, status):
    admin = cachet_as("admin")
    answer = admin.client.post(
        "/cachet/api/v1/components", body, content_type=content_type, headers=admin.headers
    )
    assert answer.status_code == status
    errors(answer)


JUNK = [
    None,
    "",
    "x" * 300,
    -1,
    2**70,
    1.5,
    True,
    [],
    {},
    ["1", "a"],
    {"a": {"b": 1}},
    "2026-13-45",
]
WRITES = [
    ("post", "components", ("name", "description", "status", "order", "group_id", "enabled")),
    ("post", "components/groups", ("name", "order", "collapsed", "visible")),
    (
        "post",
        "incidents",
        (
            "name",
            "message",
            "status",
            "visible",
            "component_id",
            "component_status",
            "notify",
            "occurred_at",
            "template",
            "meta",
        ),
    ),
    ("post", "subscribers", ("email", "components", "verify")),
]


def test_no_input_gets_a_500(cachet_as):
    admin = cachet_as("admin")
    for method, path, fields in WRITES:
        for field in fields:
            for value in JUNK:
                body = {
                    "name": "N",
                    "message": "m",
                    "status": 1,
                    "email": "a@b.example",
                    field: value,
                }
                answer = admin.call(method, path, body)
                assert answer.status_code < 500, (path, field, value, answer.content)
    for query in (
        {"per_page": "0"},
        {"per_page": "x"},
        {"page": "-3"},
        {"sort": "drop"},
        {"status": "9"},
    ):
        for path in ("components", "components/groups", "incidents", "subscribers"):
            assert admin.get(path, **query).status_code < 500


def test_tokens_open_only_their_own_surface(db):
    user = make_staff("both", "admin")
    _, cachet = ApiToken.issue(user, surface=Surface.CACHET)
    _, forewarn = ApiToken.issue(user)
    client = Client()

    def create(token: str):
        return client.post(
            "/cachet/api/v1/components",
            json.dumps({"name": "API", "status": 1}),
            content_type="application/json",
            headers={"X-Cachet-Token": token},
        )

    def forewarn_api(token: str):
        return client.get("/api/v1/components", headers={"Authorization": f"Bearer {token}"})

    assert create(forewarn).status_code == 401
    assert forewarn_api(cachet).status_code == 401
    assert forewarn_api(forewarn).status_code == 200
    assert create(cachet).status_code == 200
    assert Event.objects.filter(kind="component.created").get().actor == "both"


def test_a_revoked_cachet_token_is_refused(cachet_as):
    admin = cachet_as("admin")
    ApiToken.objects.update(revoked_at="2026-11-24T09:00:00Z")
    assert admin.post("components", {"name": "API", "status": 1}).status_code == 401


def test_no_input_to_any_other_write_gets_a_500_and_every_refusal_is_cachets(cachet_as):
    """The writes on existing rows, updates, metrics, points and schedules, each field junk."""
    load_presets()
    admin = cachet_as("admin")
    component = admin.post("components", {"name": "API", "status": 1}).json()["data"]["id"]
    group = admin.post("components/groups", {"name": "Core"}).json()["data"]["id"]
    incident = admin.post("incidents", {"name": "Down", "message": "m", "status": 1}).json()
    incident = incident["data"]["id"]
    metric = admin.post("metrics", {"name": "Latency", "suffix": "ms", "description": ""}).json()
    metric = metric["data"]["id"]
    base = {"name": "N", "message": "m", "status": 1, "value": 1, "suffix": "ms"}
    schedule_base = {
        "name": "Upgrade",
        "status": 0,
        "scheduled_at": "2026-12-27 02:00",
        "completed_at": "2026-12-27 04:00",
    }
    writes = [
        ("put", f"components/{component}", base, ("name", "status", "order", "group_id", "link")),
        ("put", f"components/groups/{group}", base, ("name", "order", "collapsed", "visible")),
        ("put", f"incidents/{incident}", base, ("status", "visible", "component_id", "message")),
        ("post", f"incidents/{incident}/updates", base, ("status", "message", "component_status")),
        ("post", "metrics", base, ("name", "suffix", "calc_type", "default_view", "threshold")),
        ("put", f"metrics/{metric}", base, ("places", "visible", "display_chart", "order")),
        ("post", f"metrics/{metric}/points", base, ("value", "timestamp")),
        ("post", "schedules", schedule_base, ("name", "status", "scheduled_at", "completed_at")),
        ("post", "schedules", schedule_base, ("components", "policy", "work_type", "notify")),
    ]
    for method, path, body, fields in writes:
        for field in fields:
            for value in JUNK:
                answer = admin.call(method, path, body | {field: value})
                assert answer.status_code < 500, (path, field, value, answer.content)
                if answer.status_code >= 400:
                    errors(answer)
    for path in (
        f"metrics/{metric}/points",
        "metrics",
        "schedules",
        f"incidents/{incident}/updates",
    ):
        for query in ({"per_page": "x"}, {"page": "-3"}, {"sort": "drop"}, {"order": "sideways"}):
            assert admin.get(path, **query).status_code < 500


def test_an_alertmanager_token_opens_nothing_here(cachet_as):
    _, hook_token = alertmanager.create_integration("Prometheus", actor="alice")
    answer = Client().post(
        "/cachet/api/v1/components",
        json.dumps({"name": "API", "status": 1}),
        content_type="application/json",
        headers={"X-Cachet-Token": hook_token},
    )
    assert answer.status_code == 401
    assert errors(answer)[0]["title"] == "Unauthorized"
    assert not Component.objects.exists()
