"""The availability API: figures for viewers, exclusions written by communicators and admins."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from forewarn.availability.models import Exclusion
from forewarn.availability.services import save_exclusion
from forewarn.catalog.models import Role
from forewarn.record.models import Event

from .conftest import Q3_MINUTES

URL = "/api/v1/availability"
EXCLUSIONS = "/api/v1/availability/exclusions"

MAINTENANCE = {
    "reason": "emergency_maintenance",
    "starts_at": "2026-09-02T08:00:00+02:00",
    "ends_at": "2026-09-02T09:30:00+02:00",
    "components": ["sms-api"],
    "description": "Certificate renewal",
    "ref": "CHG-9",
}


def test_figures_need_a_token(api_as, seed001):
    response = api_as(None).get(URL, period="2026-Q3")
    assert response.status_code == 401
    assert response.json()["message"].startswith("Authentication required")


def test_viewer_reads_figures_exclusions_by_reason_and_unavailable_intervals(viewer_api, seed001):
    response = viewer_api.get(URL, period="2026-Q3", component="sms-api")
    assert response.status_code == 200
    body = response.json()
    assert body["scope"] == {"component": "sms-api"}
    [category] = body["categories"]
    [sms] = category["components"]
    assert {k: sms[k] for k in ("total_minutes", "excluded_minutes", "unavailable_minutes")} == {
        "total_minutes": Q3_MINUTES,
        "excluded_minutes": 45,
        "unavailable_minutes": 15,
    }
    assert sms["excluded_minutes_by_reason"] == {
        "beta": 0,
        "scheduled_maintenance": 45,
        "emergency_maintenance": 0,
        "instance_resize_migration": 0,
        "force_majeure": 0,
        "third_party": 0,
        "client_caused": 0,
    }
    # 132,420 / 132,435 × 100, cut to six decimals.
    assert (sms["availability_pct"], sms["target_pct"], sms["target_met"]) == (
        99.988673,
        "99.99",
        False,
    )
    assert (sms["error_budget_minutes"], sms["error_budget_left_minutes"]) == (13.2435, -1.7565)
    assert sms["unavailable_intervals"] == [
        {
            "component": "sms-api",
            "start": "2026-08-12T10:00:00+02:00",
            "end": "2026-08-12T10:15:00+02:00",
            "status": "major_outage",
            "weight": 1.0,
            "minutes": 15,
            "unavailable_minutes": 15,
            "causes": ["Gateway down (INC-1)"],
            "backdated_changes": [],
        }
    ]
    ref = f"exclusion:{seed001['maintenance'].pk}"
    assert sms["exclusions"] == [
        {
            "ref": ref,
            "reason": "scheduled_maintenance",
            "start": "2026-08-12T10:15:00+02:00",
            "end": "2026-08-12T11:00:00+02:00",
            "minutes": 45,
            "status": None,
            "causes": [],
        }
    ]
    assert [
        (x["ref"], x["reference"], x["components"], x["applies_to_all"]) for x in body["exclusions"]
    ] == [(ref, "CHG-7", ["sms-api"], False)]


def test_filters_by_category_and_organization(viewer_api, seed001, hosting):
    voice = viewer_api.get(URL, period="2026-Q3", category="voice").json()
    assert [c["slug"] for c in voice["categories"]] == ["voice"]
    assert voice["categories"][0]["unavailable_minutes"] == 20
    assert voice["third_party"] == []

    acme = viewer_api.get(URL, period="2026-Q3", organization="acme").json()
    assert acme["organization"]["components"] == ["sms-api", "voice-sip"]
    assert acme["overall"]["unavailable_minutes"] == 35

    everything = viewer_api.get(URL, period="2026-Q3").json()
    [network] = everything["third_party"]
    assert [(p["label"], p["target_met"]) for p in network["periods"]] == [
        ("2026-07", True),
        ("2026-08", False),
        ("2026-09", False),
    ]
    assert [(r["minutes_to_restore"], r["within_objective"]) for r in network["restores"]] == [
        (40, True),
        (90, False),
    ]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"period": "2026-Q9"}, "period: '2026-Q9' is not a period"),
        ({"period": "Q3"}, "period: 'Q3' is not a period"),
        ({"start": "2026-07-01", "end": "soon"}, "end: "),
        ({"start": "2026-07-01"}, "end: Give the last day of the range too."),
        ({"period": "2026-Q3", "end": "2026-09-30"}, "period: Give either a period or start"),
        ({"organization": "nobody"}, "organization: No organization with slug 'nobody'."),
        ({"category": "nothing"}, "category: No product category with slug 'nothing'."),
    ],
)
def test_bad_input_is_refused_with_the_field_named(viewer_api, seed001, query, message):
    response = viewer_api.get(URL, **query)
    assert response.status_code == 422
    assert response.json()["message"].startswith(message)


def test_viewer_reads_exclusions_but_may_not_write_them(viewer_api, seed001):
    listed = viewer_api.get(EXCLUSIONS, period="2026-08")
    assert listed.status_code == 200
    assert [(x["ref"], x["components"], x["applies_to_all"]) for x in listed.json()] == [
        ("CHG-7", ["sms-api"], False)
    ]
    assert viewer_api.get(EXCLUSIONS, period="2026-07").json() == []
    response = viewer_api.post(EXCLUSIONS, MAINTENANCE)
    assert response.status_code == 403
    assert response.json()["message"] == "This needs the 'communicator' role or above."
    assert Exclusion.objects.count() == 1


@pytest.mark.parametrize("role", [Role.COMMUNICATOR, Role.ADMIN])
def test_communicator_and_admin_record_an_exclusion(api_as, seed001, role):
    api = api_as(role)
    response = api.post(EXCLUSIONS, MAINTENANCE)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["reason"], created["components"], created["created_by"]) == (
        "emergency_maintenance",
        ["sms-api"],
        f"{role}-user",
    )
    event = Event.objects.get(kind="exclusion.created")
    assert (event.actor, event.subject_id, event.details["ref"]) == (
        f"{role}-user",
        str(created["id"]),
        "CHG-9",
    )
    sms = api.get(URL, period="2026-09", component="sms-api").json()["categories"][0]
    assert sms["excluded_minutes_by_reason"]["emergency_maintenance"] == 90


def test_an_exclusion_without_components_applies_to_all(api_as, seed001):
    api = api_as(Role.COMMUNICATOR)
    body = MAINTENANCE | {"components": [], "reason": "force_majeure"}
    assert api.post(EXCLUSIONS, body).json()["applies_to_all"] is True
    voice = api.get(URL, period="2026-09", category="voice").json()["categories"][0]
    assert [c["excluded_minutes_by_reason"]["force_majeure"] for c in voice["components"]] == [
        90,
        90,
        90,
    ]


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        (
            {"reason": "beta"},
            422,
            "reason: Input should be 'scheduled_maintenance', 'emergency_maintenance', "
            "'instance_resize_migration', 'force_majeure', 'third_party' or 'client_caused'",
        ),
        (
            {"starts_at": "2026-09-02T08:00:00"},
            422,
            "starts_at: '2026-09-02T08:00:00' has no UTC offset; add one",
        ),
        (
            {"ends_at": "2026-09-02T07:00:00+02:00"},
            422,
            "ends_at: The exclusion must end after it starts (2026-09-02T08:00:00+02:00).",
        ),
        ({"components": ["sms-api", "ghost"]}, 422, "components: No component with slug ghost."),
        ({"starts_at": "tomorrow"}, 422, "starts_at: "),
    ],
)
def test_bad_exclusions_change_nothing(api_as, seed001, change, status, message):
    response = api_as(Role.COMMUNICATOR).post(EXCLUSIONS, MAINTENANCE | change)
    assert response.status_code == status
    assert message in response.json()["message"]
    assert Exclusion.objects.count() == 1
    assert not Event.objects.filter(kind__startswith="exclusion.").exists()


def test_changing_and_deleting_an_exclusion_are_recorded(api_as, seed001):
    api = api_as(Role.COMMUNICATOR)
    pk = seed001["maintenance"].pk
    changed = api.patch(f"{EXCLUSIONS}/{pk}", {"ends_at": "2026-08-12T10:30:00+02:00"})
    assert changed.status_code == 200
    sms = api.get(URL, period="2026-Q3", component="sms-api").json()["categories"][0]
    assert (sms["excluded_minutes"], sms["unavailable_minutes"]) == (15, 15)
    # Only the end changed: the same start, sent in another offset, is no change.
    assert api.patch(f"{EXCLUSIONS}/{pk}", {"starts_at": "2026-08-12T08:15:00Z"}).status_code == 200
    assert Event.objects.get(kind="exclusion.changed").details["changes"] == {
        "ends_at": {"from": "2026-08-12T09:00:00+00:00", "to": "2026-08-12T08:30:00+00:00"}
    }
    assert api.delete(f"{EXCLUSIONS}/{pk}").status_code == 204
    assert list(
        Event.objects.filter(kind__startswith="exclusion.").values_list("kind", flat=True)
    ) == ["exclusion.deleted", "exclusion.changed"]
    assert api.get(f"{EXCLUSIONS}/{pk}").status_code == 404


def test_null_in_an_exclusion_patch_is_refused_as_in_every_patch(api_as, seed001):
    pk = seed001["maintenance"].pk
    response = api_as(Role.COMMUNICATOR).patch(f"{EXCLUSIONS}/{pk}", {"ends_at": None})
    assert response.status_code == 422
    assert response.json()["message"] == (
        "ends_at: may not be null; omit the field to leave it unchanged."
    )
    assert not Event.objects.filter(kind__startswith="exclusion.").exists()


def test_an_exclusion_in_a_year_out_of_range_is_refused_by_the_model_too(seed001):
    """The console's form reaches the model without the API's bounds."""
    far = Exclusion(
        reason="scheduled_maintenance",
        starts_at=datetime(9999, 12, 31, tzinfo=UTC),
        ends_at=datetime(9999, 12, 31, 1, tzinfo=UTC),
    )
    with pytest.raises(ValidationError) as refused:
        save_exclusion(far, [], actor="alice")
    assert refused.value.message_dict == {"starts_at": ["Give an instant in the years 1900–2199."]}
