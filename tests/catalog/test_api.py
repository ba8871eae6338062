"""The catalog through Forewarn's JSON API: auth, roles, bad input, happy paths."""

import pytest

from forewarn.catalog.models import (
    Component,
    ComponentGroup,
    Organization,
    Region,
    StatusInterval,
)
from forewarn.catalog.services import ensure_history
from forewarn.record.models import Event


@pytest.fixture
def voice(db):
    group = ComponentGroup.objects.create(name="Voice")
    trunks = [
        Component.objects.create(slug=f"trunk-{n}", name=f"Trunk {n}", group=group) for n in "ab"
    ]
    for trunk in trunks:
        ensure_history(trunk)
    return group


def test_requests_without_a_token_are_refused(api_as, voice):
    response = api_as(None).get("/api/v1/components")
    assert response.status_code == 401
    assert "Bearer" in response.json()["message"]


def test_a_revoked_or_wrong_token_is_refused(db):
    from tests.conftest import ApiClient

    response = ApiClient("fw_not-a-real-token").get("/api/v1/components")
    assert response.status_code == 401


def test_viewer_reads_components(viewer_api, voice):
    response = viewer_api.get("/api/v1/components")
    assert response.status_code == 200
    assert [c["slug"] for c in response.json()] == ["trunk-a", "trunk-b"]
    assert response.json()[0]["group"] == voice.public_id


def test_viewer_may_not_change_status(viewer_api, voice):
    response = viewer_api.post("/api/v1/components/trunk-a/status", {"status": "major_outage"})
    assert response.status_code == 403
    assert response.json()["message"] == "This needs the 'responder' role or above."
    assert Component.objects.get(slug="trunk-a").status == "operational"


def test_responder_changes_status_and_history_follows(api_as, voice):
    response = api_as("responder").post(
        "/api/v1/components/trunk-a/status", {"status": "major_outage", "cause": "carrier down"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "major_outage"
    history = api_as("viewer").get("/api/v1/components/trunk-a/history").json()
    assert [h["status"] for h in history] == ["operational", "major_outage"]
    assert history[1]["cause"] == "carrier down"
    assert history[1]["actor"] == "responder-user"


def test_unknown_status_gets_422_naming_the_field_and_changes_nothing(api_as, voice):
    response = api_as("responder").post("/api/v1/components/trunk-a/status", {"status": "kaputt"})
    assert response.status_code == 422
    assert response.json()["message"] == (
        "status: Input should be 'operational', 'under_maintenance', 'degraded_performance', "
        "'partial_outage' or 'major_outage'"
    )
    assert StatusInterval.objects.filter(component__slug="trunk-a").count() == 1
    assert not Event.objects.exists()


def test_missing_component_is_404(api_as, voice):
    response = api_as("responder").post(
        "/api/v1/components/nope/status", {"status": "major_outage"}
    )
    assert response.status_code == 404


def test_admin_creates_a_redundant_component(admin_api, voice):
    response = admin_api.post(
        "/api/v1/components",
        {
            "slug": "voice-sip",
            "name": "Voice/SIP",
            "group": voice.public_id,
            "members": ["trunk-a", "trunk-b"],
            "min_available_members": 1,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["members"], body["min_available_members"], body["status"]) == (
        ["trunk-a", "trunk-b"],
        1,
        "operational",
    )
    assert (
        StatusInterval.objects.filter(component__slug="voice-sip", ended_at__isnull=True).count()
        == 1
    )


def test_k_larger_than_members_is_refused(admin_api, voice):
    response = admin_api.post(
        "/api/v1/components",
        {
            "slug": "voice-sip",
            "name": "Voice/SIP",
            "members": ["trunk-a"],
            "min_available_members": 2,
        },
    )
    assert response.status_code == 422
    assert (
        response.json()["message"]
        == "min_available_members: K = 2 but the component has only 1 member."
    )
    assert not Component.objects.filter(slug="voice-sip").exists()


def test_unknown_member_is_refused(admin_api, voice):
    response = admin_api.post(
        "/api/v1/components", {"slug": "x", "name": "X", "members": ["ghost"]}
    )
    assert response.status_code == 422
    assert "members: No component with slug ghost." == response.json()["message"]


def test_bad_visibility_and_missing_name_are_explained(admin_api, db):
    response = admin_api.post(
        "/api/v1/components", {"slug": "x", "name": "X", "visibility": "secret"}
    )
    assert response.status_code == 422
    assert "visibility" in response.json()["message"]
    response = admin_api.post("/api/v1/components", {"slug": "x"})
    assert response.status_code == 422
    assert response.json()["message"] == "name: Field required"


def test_duplicate_slug_is_refused(admin_api, voice):
    response = admin_api.post("/api/v1/components", {"slug": "trunk-a", "name": "Again"})
    assert response.status_code == 422
    assert "slug" in response.json()["message"]


def test_responder_may_not_create_components(api_as, db):
    response = api_as("responder").post("/api/v1/components", {"slug": "x", "name": "X"})
    assert response.status_code == 403


def test_admin_updates_a_component(admin_api, voice):
    response = admin_api.patch(
        "/api/v1/components/trunk-a", {"name": "Trunk Amsterdam", "is_beta": True}
    )
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["is_beta"]) == ("Trunk Amsterdam", True)


def test_category_target_out_of_range_is_refused(admin_api, db):
    response = admin_api.post(
        "/api/v1/categories", {"slug": "voice", "name": "Voice", "target_pct": "100.5"}
    )
    assert response.status_code == 422
    assert response.json()["message"].startswith("target_pct:")


def test_region_with_unknown_time_zone_is_refused(admin_api, db):
    response = admin_api.post(
        "/api/v1/regions", {"slug": "eu", "name": "EU", "time_zone": "Europe/Atlantis"}
    )
    assert response.status_code == 422
    assert "Europe/Atlantis" in response.json()["message"]


def test_organization_with_contacts(admin_api, voice):
    response = admin_api.post(
        "/api/v1/organizations",
        {"slug": "acme", "name": "Acme", "plan": "Enterprise", "components": ["trunk-a"]},
    )
    assert response.status_code == 201, response.content
    response = admin_api.post(
        "/api/v1/organizations/acme/contacts", {"name": "Anna", "email": "anna@acme.example"}
    )
    assert response.status_code == 201
    again = admin_api.post(
        "/api/v1/organizations/acme/contacts", {"name": "Anna 2", "email": "anna@acme.example"}
    )
    assert again.status_code == 422
    assert Organization.objects.get(slug="acme").contacts.count() == 1
    contacts = admin_api.get("/api/v1/organizations/acme/contacts").json()
    assert [(c["name"], c["organization"]) for c in contacts] == [("Anna", "acme")]


def test_invalid_json_gets_a_4xx_not_a_500(admin_api, db):
    response = admin_api.client.post(
        "/api/v1/components",
        data="{not json",
        content_type="application/json",
        headers=admin_api.headers,
    )
    assert 400 <= response.status_code < 500


def test_openapi_is_served(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/components/{slug}/status" in paths


def test_me_reports_the_role(api_as):
    assert api_as("communicator").get("/api/v1/me").json() == {
        "username": "communicator-user",
        "role": "communicator",
    }


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/components/trunk-a", {"members": None}, "members"),
        ("/api/v1/components/trunk-a", {"is_beta": None}, "is_beta"),
        ("/api/v1/organizations/acme", {"components": None}, "components"),
        ("/api/v1/organizations/acme", {"name": None}, "name"),
    ],
)
def test_explicit_null_for_a_field_that_cannot_be_empty_is_a_422(
    admin_api, voice, path, body, field
):
    Organization.objects.create(slug="acme", name="Acme")
    response = admin_api.patch(path, body)
    assert response.status_code == 422
    assert (
        response.json()["message"]
        == f"{field}: may not be null; omit the field to leave it unchanged."
    )


def test_null_clears_a_nullable_reference(admin_api, voice):
    response = admin_api.patch("/api/v1/components/trunk-a", {"group": None})
    assert response.status_code == 200
    assert response.json()["group"] is None


def test_every_catalog_item_can_be_read_on_its_own(admin_api, voice):
    from forewarn.catalog.models import AuthorizedContact, ProductCategory

    ProductCategory.objects.create(slug="voice", name="Voice", target_pct="99.99")
    Region.objects.create(slug="eu", name="EU", time_zone="Europe/Amsterdam")
    org = Organization.objects.create(slug="acme", name="Acme")
    contact = AuthorizedContact.objects.create(
        organization=org, name="Anna", email="anna@acme.example"
    )

    assert admin_api.get(f"/api/v1/component-groups/{voice.public_id}").json()["name"] == "Voice"
    assert admin_api.get("/api/v1/categories/voice").json()["target_pct"] == "99.9900"
    assert admin_api.get("/api/v1/regions/eu").json()["time_zone"] == "Europe/Amsterdam"
    assert admin_api.get(f"/api/v1/contacts/{contact.pk}").json()["email"] == "anna@acme.example"
    assert admin_api.get("/api/v1/regions/nowhere").status_code == 404


def test_admin_updates_a_region_and_bad_input_changes_nothing(admin_api, db):
    Region.objects.create(slug="eu", name="EU", time_zone="Europe/Amsterdam")
    peak = [{"weekday": 0, "start": "08:00", "end": "20:00"}]
    response = admin_api.patch("/api/v1/regions/eu", {"name": "Europe", "peak_hours": peak})
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["peak_hours"]) == ("Europe", peak)

    end_of_day = admin_api.patch(
        "/api/v1/regions/eu", {"peak_hours": [{"weekday": 0, "start": "20:00", "end": "24:00"}]}
    )
    assert end_of_day.status_code == 422
    assert end_of_day.json()["message"] == (
        "peak_hours: Range 1: end '24:00' is not a time of day; write 00:00 to end at midnight "
        "(an end at or before the start runs past midnight)."
    )
    unknown = admin_api.patch("/api/v1/regions/eu", {"calendar": "mars"})
    assert unknown.status_code == 422
    assert unknown.json()["message"] == "calendar: No calendar 'mars'; there are none yet."
    assert Region.objects.get(slug="eu").peak_hours == peak
    assert Region.objects.get(slug="eu").calendar is None


def test_overnight_peak_hours_are_accepted_as_the_notice_check_reads_them(admin_api, db):
    overnight = [
        {"weekday": 4, "start": "22:00", "end": "02:00"},
        {"weekday": 5, "start": "20:00", "end": "00:00"},
    ]
    response = admin_api.post(
        "/api/v1/regions",
        {"slug": "eu", "name": "EU", "time_zone": "Europe/Amsterdam", "peak_hours": overnight},
    )
    assert response.status_code == 201, response.content
    assert response.json()["peak_hours"] == overnight


@pytest.mark.parametrize(
    ("peak_hours", "message"),
    [
        (
            [
                {"weekday": 0, "start": "08:00", "end": "20:00"},
                {"weekday": 9, "start": "08:00", "end": "20:00"},
            ],
            "peak_hours: Range 2: weekday must be 0 (Monday) to 6 (Sunday), not 9.",
        ),
        (
            [{"weekday": 1, "start": "25:99", "end": "20:00"}],
            "peak_hours: Range 1: start must be a wall-clock time HH:MM such as 08:00 (00:00 for "
            "midnight), not '25:99'.",
        ),
        (
            [{"weekday": 1, "start": "08:00", "end": "20:00", "tz": "UTC"}],
            "peak_hours: Range 1: unknown key 'tz'; use weekday, start, end.",
        ),
        (
            [{"weekday": 1, "start": "08:00"}],
            "peak_hours: Range 1: end is missing; give all of weekday, start, end.",
        ),
        (
            {"weekday": 1},
            'peak_hours: Give a list of ranges such as [{"weekday": 0, "start": "08:00", "end": "20:00"}], not {\'weekday\': 1}.',
        ),
    ],
)
def test_bad_peak_hours_are_refused_naming_the_range(admin_api, db, peak_hours, message):
    response = admin_api.post(
        "/api/v1/regions",
        {"slug": "eu", "name": "EU", "time_zone": "Europe/Amsterdam", "peak_hours": peak_hours},
    )
    assert response.status_code == 422
    assert response.json()["message"] == message
    assert not Region.objects.exists()


def test_catalog_writes_through_the_api_are_recorded(admin_api, voice):
    admin_api.post("/api/v1/components", {"slug": "sms", "name": "SMS API"})
    admin_api.patch("/api/v1/components/trunk-a", {"name": "Trunk Amsterdam"})
    admin_api.patch("/api/v1/components/trunk-b", {"name": "Trunk b"})  # unchanged
    admin_api.post("/api/v1/organizations", {"slug": "acme", "name": "Acme"})
    admin_api.post(
        "/api/v1/organizations/acme/contacts", {"name": "Anna", "email": "a@acme.example"}
    )

    events = Event.objects.order_by("id")
    assert [(e.kind, e.actor, e.contact) for e in events] == [
        ("component.created", "admin-user", ""),
        ("component.changed", "admin-user", ""),
        ("organization.created", "admin-user", ""),
        ("contact.created", "admin-user", "a@acme.example"),
    ]
    assert events[1].details == {"changes": {"name": {"from": "Trunk a", "to": "Trunk Amsterdam"}}}


def test_admin_removes_a_contact_and_the_record_keeps_who_it_was(admin_api, db):
    from forewarn.catalog.models import AuthorizedContact

    admin_api.post("/api/v1/organizations", {"slug": "acme", "name": "Acme"})
    contact_id = admin_api.post(
        "/api/v1/organizations/acme/contacts", {"name": "Anna", "email": "a@acme.example"}
    ).json()["id"]
    assert admin_api.delete(f"/api/v1/contacts/{contact_id}").status_code == 204
    assert not AuthorizedContact.objects.exists()
    deleted = Event.objects.get(kind="contact.deleted")
    assert (deleted.contact, deleted.details["was"]["name"]) == ("a@acme.example", "Anna")


def test_viewer_may_not_update_a_region(viewer_api, db):
    Region.objects.create(slug="eu", name="EU", time_zone="Europe/Amsterdam")
    assert viewer_api.patch("/api/v1/regions/eu", {"name": "x"}).status_code == 403
