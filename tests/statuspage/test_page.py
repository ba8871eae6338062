"""The public page and the Statuspage v2 JSON follow every change, and answer conditional requests."""

import pytest
import time_machine
from django.test import Client

from forewarn.catalog import services
from forewarn.catalog.models import Component, ComponentGroup, Role
from forewarn.statuspage.models import PageVersion
from forewarn.statuspage.summary import page_status
from forewarn.statuspage.version import current_version
from tests.conftest import make_staff


def _group(**fields) -> ComponentGroup:
    return services.save_group(ComponentGroup(**fields), actor="admin")


def _component(**fields) -> Component:
    return services.save_component(Component(**fields), actor="admin")


@pytest.fixture
def catalog(db):
    """Built as an operator builds it, through the services (which mark the page changed)."""
    messaging = _group(name="Business Messaging", position=0)
    voice = _group(name="Voice", position=1)
    return {
        "sms": _component(slug="sms", name="SMS API", group=messaging, position=0),
        "whatsapp": _component(slug="whatsapp", name="WhatsApp", group=messaging, position=1),
        "sip": _component(slug="sip", name="Voice/SIP", group=voice),
        "portal": _component(slug="portal", name="Customer portal"),
        "internal": _component(slug="internal", name="Build farm", visibility="internal"),
        "private": _component(slug="private", name="Acme dedicated", visibility="private"),
    }


@pytest.mark.parametrize(
    ("statuses", "indicator", "description"),
    [
        ([], "none", "All Systems Operational"),
        (["operational", "operational"], "none", "All Systems Operational"),
        (["operational", "degraded_performance"], "minor", "Partially Degraded Service"),
        (
            ["operational", "partial_outage", "degraded_performance"],
            "minor",
            "Minor Service Outage",
        ),
        (["operational", "major_outage"], "major", "Partial System Outage"),
        (["major_outage", "major_outage"], "critical", "Major System Outage"),
        (["operational", "under_maintenance"], "maintenance", "Service Under Maintenance"),
        (["under_maintenance", "partial_outage"], "minor", "Minor Service Outage"),
    ],
)
def test_overall_status_follows_the_worst_component(statuses, indicator, description):
    status = page_status(statuses)
    assert (status.indicator, status.description) == (indicator, description)


def test_page_lists_public_groups_and_components_only(client, catalog):
    html = client.get("/").content.decode()
    assert "All Systems Operational" in html
    for name in ("Business Messaging", "SMS API", "WhatsApp", "Voice/SIP", "Customer portal"):
        assert name in html
    assert "Build farm" not in html
    assert "Acme dedicated" not in html
    assert '<main id="main"' in html and "<header" in html and "<footer" in html


def test_page_and_json_follow_a_status_change(client, catalog):
    assert client.get("/api/v2/status.json").json()["status"] == {
        "indicator": "none",
        "description": "All Systems Operational",
    }
    client.get("/")  # fill the cache

    services.set_status(catalog["sip"], "major_outage", cause="carrier down")

    html = client.get("/").content.decode()
    assert "Partial System Outage" in html
    assert 'data-status="major_outage"' in html
    summary = client.get("/api/v2/summary.json").json()
    assert summary["status"] == {"indicator": "major", "description": "Partial System Outage"}
    sip = next(c for c in summary["components"] if c["name"] == "Voice/SIP")
    assert sip["status"] == "major_outage"


def test_summary_has_the_statuspage_shape(client, catalog):
    body = client.get("/api/v2/summary.json").json()
    assert set(body) == {"page", "components", "incidents", "scheduled_maintenances", "status"}
    assert set(body["page"]) == {"id", "name", "url", "time_zone", "updated_at"}
    assert body["incidents"] == [] and body["scheduled_maintenances"] == []
    groups = [c for c in body["components"] if c["group"]]
    assert [g["name"] for g in groups] == ["Business Messaging", "Voice"]
    messaging = groups[0]
    members = [c for c in body["components"] if c.get("group_id") == messaging["id"]]
    assert [m["name"] for m in members] == ["SMS API", "WhatsApp"]
    assert messaging["components"] == [m["id"] for m in members]
    sms = members[0]
    assert set(sms) == {
        "id",
        "name",
        "status",
        "created_at",
        "updated_at",
        "position",
        "description",
        "showcase",
        "start_date",
        "group_id",
        "page_id",
        "group",
        "only_show_if_degraded",
    }
    assert len(sms["id"]) == 12
    assert sms["updated_at"].endswith("Z")
    names = [c["name"] for c in body["components"]]
    assert "Build farm" not in names and "Acme dedicated" not in names


def test_group_status_is_its_worst_member(client, catalog):
    services.set_status(catalog["whatsapp"], "partial_outage")
    components = client.get("/api/v2/components.json").json()["components"]
    messaging = next(c for c in components if c["name"] == "Business Messaging")
    assert messaging["status"] == "partial_outage"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v2/summary.json",
        "/api/v2/status.json",
        "/api/v2/components.json",
        "/api/v2/incidents.json",
        "/api/v2/incidents/unresolved.json",
        "/api/v2/scheduled-maintenances.json",
        "/api/v2/scheduled-maintenances/upcoming.json",
        "/api/v2/scheduled-maintenances/active.json",
    ],
)
def test_v2_json_allows_any_origin(client, catalog, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Type"] == "application/json"


def test_conditional_requests_get_304_until_something_changes(client, catalog):
    first = client.get("/api/v2/summary.json")
    etag = first["ETag"]
    assert client.get("/api/v2/summary.json", headers={"If-None-Match": etag}).status_code == 304
    assert (
        client.get("/", headers={"If-None-Match": etag}).status_code == 200
    )  # each URL has its own tag
    assert (
        client.get(
            "/api/v2/summary.json", headers={"If-Modified-Since": first["Last-Modified"]}
        ).status_code
        == 304
    )

    services.set_status(catalog["sms"], "degraded_performance")

    changed = client.get("/api/v2/summary.json", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_renaming_a_component_through_the_service_invalidates_the_cache(client, catalog):
    assert "Customer portal" in client.get("/").content.decode()  # now cached
    catalog["portal"].name = "Self-service portal"
    services.save_component(catalog["portal"], actor="admin")
    html = client.get("/").content.decode()
    assert "Self-service portal" in html
    assert "Customer portal" not in html


def test_a_write_outside_the_services_leaves_the_page_version_alone(catalog):
    """The version moves where a service says so, not on any save in the catalog's tables."""
    before = current_version()
    Component.objects.filter(pk=catalog["portal"].pk).update(name="Renamed by a script")
    catalog["sms"].description = "saved without the service"
    catalog["sms"].save()
    assert current_version() == before


def test_saving_a_staff_profile_does_not_bump_the_page_version(catalog):
    before, _ = PageVersion.current()
    user = make_staff("new-viewer", Role.VIEWER)
    user.staff.role = Role.RESPONDER
    user.staff.save()
    assert PageVersion.current()[0] == before


def test_an_unchanged_save_leaves_the_page_version_alone(catalog):
    before, _ = PageVersion.current()
    services.save_component(catalog["sms"], actor="admin")
    services.save_group(catalog["sms"].group, actor="admin")
    assert PageVersion.current()[0] == before


def test_page_is_cacheable_by_proxies(client, catalog):
    response = client.get("/")
    assert response["Cache-Control"] == "public, max-age=10"
    assert response["Last-Modified"]


def test_a_new_day_gives_a_new_etag_so_the_uptime_bars_move_on(db, client, request, settings):
    settings.PROVIDER_TIME_ZONE = "Europe/Amsterdam"
    # The catalog (and with it the page's change time) is written on the travelled day, so the
    # new day, not the real date the suite runs on, is what moves Last-Modified on.
    with time_machine.travel("2026-11-24T09:00:00+00:00", tick=False):
        request.getfixturevalue("catalog")
    with time_machine.travel("2026-11-24T22:30:00+00:00", tick=False):  # 23:30 in Amsterdam
        before = client.get("/")
        assert before["Last-Modified"] == "Tue, 24 Nov 2026 09:00:00 GMT"
        assert client.get("/", headers={"If-None-Match": before["ETag"]}).status_code == 304
    with time_machine.travel("2026-11-24T23:30:00+00:00", tick=False):  # 00:30 the next day
        after = client.get("/", headers={"If-None-Match": before["ETag"]})
        assert after.status_code == 200
        assert after["ETag"] != before["ETag"]
        assert after["Last-Modified"] == "Tue, 24 Nov 2026 23:00:00 GMT"


def test_beta_components_are_marked_as_outside_the_commitment(client, catalog):
    client.get("/")
    catalog["whatsapp"].is_beta = True
    services.save_component(catalog["whatsapp"], actor="admin")
    html = client.get("/").content.decode()
    assert (
        'WhatsApp <abbr class="tag" title="Early access: not covered by the availability commitment">Beta</abbr>'
        in html
    )
    assert html.count(">Beta</abbr>") == 1


def test_one_membership_change_bumps_the_page_version_once(catalog):
    before, _ = PageVersion.current()
    catalog["sip"].min_available_members = 1
    services.save_component(catalog["sip"], members=[catalog["sms"]], actor="admin")
    after, _ = PageVersion.current()
    assert after == before + 1


def test_a_status_change_bumps_the_page_version_once(catalog):
    before, _ = PageVersion.current()
    services.set_status(catalog["sip"], "major_outage", cause="carrier down")
    assert PageVersion.current()[0] == before + 1


def test_a_group_change_bumps_the_page_version_once(catalog):
    before, _ = PageVersion.current()
    voice = catalog["sip"].group
    voice.name = "Voice and SIP"
    services.save_group(voice, actor="admin")
    assert PageVersion.current()[0] == before + 1


# --- the public JSON reads and never writes: other methods are a 405 with Allow ------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "trace"])
@pytest.mark.parametrize("path", ["/api/v2/summary.json", "/api/v2/components.json", "/"])
def test_a_method_other_than_get_head_options_is_a_405_with_allow(db, method, path):
    response = getattr(Client(enforce_csrf_checks=True), method)(path)
    assert (response.status_code, response["Allow"]) == (405, "GET, HEAD, OPTIONS")


def test_options_answers_a_cors_preflight(db):
    response = Client().options(
        "/api/v2/summary.json",
        headers={"Origin": "https://example.com", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 204
    assert {
        name: response[name]
        for name in ("Allow", "Access-Control-Allow-Origin", "Access-Control-Allow-Methods")
    } == {
        "Allow": "GET, HEAD, OPTIONS",
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    }
