"""GET /api/v1/record (+ .csv, .json, /kinds): viewers and up read the record; nobody writes it."""

import json

import pytest
from django.contrib.auth import get_user_model

from forewarn.api.models import ApiToken
from forewarn.record.kinds import Kind
from tests.conftest import ApiClient

PATHS = ["/api/v1/record", "/api/v1/record.csv", "/api/v1/record.json", "/api/v1/record/kinds"]


def pks(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


@pytest.mark.parametrize("path", PATHS)
def test_anonymous_callers_are_refused(api_as, path):
    response = api_as(None).get(path)
    assert (response.status_code, response.json()["message"]) == (
        401,
        "Authentication required: send 'Authorization: Bearer <token>'.",
    )


@pytest.mark.parametrize("path", PATHS)
def test_a_user_without_a_staff_role_is_refused(db, path):
    user = get_user_model().objects.create_user("outsider")
    _, raw = ApiToken.issue(user)
    response = ApiClient(raw).get(path)
    assert (response.status_code, response.json()["message"]) == (
        403,
        "This needs the 'viewer' role or above.",
    )


@pytest.mark.parametrize("path", PATHS)
def test_a_viewer_may_read(viewer_api, record, path):
    assert viewer_api.get(path).status_code == 200


def test_the_list_is_newest_first_with_a_count(viewer_api, record):
    e = record["events"]
    response = viewer_api.get("/api/v1/record")
    assert response.json()["count"] == 5
    assert pks(response) == [e[4].pk, e[3].pk, e[2].pk, e[1].pk, e[0].pk]
    assert response.json()["items"][4] == {
        "id": e[0].pk,
        "at": "2026-03-29T00:30:00Z",
        "entered_at": "2026-03-29T00:30:00Z",
        "kind": "component.status_changed",
        "actor": "alice",
        "contact": "",
        "subject_type": "catalog.component",
        "subject_id": str(record["api"].pk),
        "description": "API: operational → major_outage",
        "details": {"from": "operational", "to": "major_outage"},
    }


def test_filters_order_and_pages(viewer_api, record):
    e = record["events"]
    api = str(record["api"].pk)
    assert pks(
        viewer_api.get(
            "/api/v1/record", subject_type="catalog.component", subject_id=api, order="oldest"
        )
    ) == [e[0].pk, e[4].pk]
    assert pks(viewer_api.get("/api/v1/record", kind=["notice.delivered", "subscriber."])) == [
        e[3].pk,
        e[1].pk,
    ]
    assert pks(
        viewer_api.get(
            "/api/v1/record", since="2026-03-29T01:30:00Z", until="2026-03-29T05:00:00+02:00"
        )
    ) == [e[2].pk, e[1].pk]
    assert pks(viewer_api.get("/api/v1/record", contact="ANN@example.com")) == [e[1].pk]
    assert pks(viewer_api.get("/api/v1/record", actor="alice")) == [e[4].pk, e[0].pk]
    page = viewer_api.get("/api/v1/record", limit=2, offset=2)
    assert (page.json()["count"], pks(page)) == (5, [e[2].pk, e[1].pk])


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"kind": "incident.opened"},
            "kind: 'incident.opened': not a kind of event nor a subject followed by a dot such "
            "as 'component.'; GET /api/v1/record/kinds lists them.",
        ),
        (
            {"subject_id": "1"},
            "subject_id: Give subject_type too: ids are only unique within a type.",
        ),
        (
            {"since": "2026-03-29T01:00:00"},
            "since: '2026-03-29T01:00:00' has no UTC offset; add one, such as +01:00 or Z, so "
            "the instant is exact",
        ),
        (
            {"until": "yesterday"},
            "until: 'yesterday' is not an ISO 8601 date and time such as 2026-12-28T10:00:00+01:00",
        ),
        ({"limit": 501}, "limit: Input should be less than or equal to 500"),
        ({"order": "random"}, "order: Input should be 'newest' or 'oldest'"),
    ],
)
def test_bad_filters_are_refused_naming_the_field(viewer_api, params, message):
    response = viewer_api.get("/api/v1/record", **params)
    assert (response.status_code, response.json()["message"]) == (422, message)


def test_bad_filters_refuse_an_export_too(viewer_api):
    response = viewer_api.get("/api/v1/record.csv", kind="component")
    assert response.status_code == 422
    assert response.json()["message"].startswith("kind: 'component': not a kind of event")


def test_csv_export_is_the_filtered_record_oldest_first(viewer_api, record):
    e = record["events"]
    response = viewer_api.get("/api/v1/record.csv", kind="notice.")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="record.csv"'
    assert response.getvalue().decode() == (
        "id,at,at_local,entered_at,kind,actor,contact,subject,description,details\r\n"
        f"{e[3].pk},2026-03-29T03:30:00Z,2026-03-29T05:30:00+02:00,2026-03-29T03:30:05Z,notice.delivered,"
        "system,,,sent 3 of 3,{}\r\n"
    )


def test_json_export_follows_the_order_asked(viewer_api, record):
    e = record["events"]
    response = viewer_api.get("/api/v1/record.json", actor="alice", order="newest")
    assert response["Content-Type"] == "application/json"
    exported = json.loads(response.getvalue())
    assert [(row["id"], row["at"], row["at_local"]) for row in exported] == [
        (e[4].pk, "2026-03-29T04:30:00Z", "2026-03-29T06:30:00+02:00"),
        (e[0].pk, "2026-03-29T00:30:00Z", "2026-03-29T01:30:00+01:00"),
    ]


def test_kinds_lists_the_registry_with_what_each_records(viewer_api):
    kinds = viewer_api.get("/api/v1/record/kinds").json()
    assert [k["kind"] for k in kinds] == [k.value for k in Kind]
    assert kinds[2] == {
        "kind": "component.status_changed",
        "subject": "component",
        "verb": "status_changed",
        "description": "A component's status changed: from, to, the cause and what caused it (cause_ref).",
    }


@pytest.mark.parametrize("method", ["post", "patch", "delete"])
def test_nothing_writes_the_record_through_the_api(admin_api, record, method):
    call = getattr(admin_api, method)
    response = call("/api/v1/record") if method == "delete" else call("/api/v1/record", {})
    assert response.status_code == 405
