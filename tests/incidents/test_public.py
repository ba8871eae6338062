"""Incidents on the public status page, its Statuspage v2 JSON and its Atom feed, during and
after an incident; and following one incident from its page."""

import re
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.test import Client

from forewarn.catalog import services as catalog
from forewarn.delivery import outbox
from forewarn.delivery.models import Delivery
from forewarn.incidents import classification, followers, postmortems, services
from forewarn.incidents.models import IncidentSubscription

from .conftest import T0, open_p

ATOM = "{http://www.w3.org/2005/Atom}"


def during(world, clock):
    """A P2 on Voice: opened 10:00, identified and eased to degraded 10:10 (Amsterdam)."""
    incident = open_p(world, "P2")
    clock.shift(timedelta(minutes=10))
    services.post_update(
        incident,
        actor="rita",
        role="responder",
        message="A carrier dropped *our* trunks.",
        status="identified",
        components={world.voice: "degraded_performance"},
    )
    incident.refresh_from_db()
    return incident


def voice_json(world) -> dict:
    world.voice.refresh_from_db()
    return {
        "id": world.voice.public_id,
        "name": "Voice",
        "status": world.voice.status,
        "created_at": "2026-11-24T09:00:00.000Z",
        "updated_at": world.voice.updated_at.isoformat(timespec="milliseconds").replace(
            "+00:00", "Z"
        ),
        "position": 0,
        "description": None,
        "showcase": True,
        "start_date": "2026-11-24",
        "group_id": None,
        "page_id": "forewarn",
        "group": False,
        "only_show_if_degraded": False,
    }


# --- the v2 JSON --------------------------------------------------------------------------------


def test_an_unresolved_incident_in_statuspages_shape_field_by_field(client, world, clock):
    incident = during(world, clock)
    first, second = incident.updates.order_by("posted_at")
    found = client.get("/api/v2/incidents/unresolved.json").json()
    assert list(found) == ["page", "incidents"]
    assert found["incidents"] == [
        {
            "id": incident.public_id,
            "name": "Calls fail",
            "status": "identified",
            "created_at": "2026-11-24T09:00:00.000Z",
            "updated_at": "2026-11-24T09:10:00.000Z",
            "monitoring_at": None,
            "resolved_at": None,
            "impact": "major",
            "shortlink": f"http://127.0.0.1:8000/incidents/{incident.public_id}/",
            "started_at": "2026-11-24T09:00:00.000Z",
            "page_id": "forewarn",
            "incident_updates": [
                {
                    "id": second.public_id,
                    "status": "identified",
                    "body": "A carrier dropped *our* trunks.",
                    "incident_id": incident.public_id,
                    "created_at": "2026-11-24T09:10:00.000Z",
                    "updated_at": "2026-11-24T09:10:00.000Z",
                    "display_at": "2026-11-24T09:10:00.000Z",
                    "affected_components": [
                        {
                            "code": world.voice.public_id,
                            "name": "Voice",
                            "old_status": "major_outage",
                            "new_status": "degraded_performance",
                        }
                    ],
                    "deliver_notifications": True,
                },
                {
                    "id": first.public_id,
                    "status": "investigating",
                    "body": "Calls to the EU fail. We are investigating.",
                    "incident_id": incident.public_id,
                    "created_at": "2026-11-24T09:00:00.000Z",
                    "updated_at": "2026-11-24T09:00:00.000Z",
                    "display_at": "2026-11-24T09:00:00.000Z",
                    "affected_components": [
                        {
                            "code": world.voice.public_id,
                            "name": "Voice",
                            "old_status": "operational",
                            "new_status": "major_outage",
                        }
                    ],
                    "deliver_notifications": True,
                },
            ],
            "components": [voice_json(world)],
        }
    ]


def test_after_the_incident_it_is_resolved_then_postmortem_in_incidents_json(client, world, clock):
    incident = during(world, clock)
    clock.shift(timedelta(minutes=5))
    services.post_update(
        incident, actor="rita", role="responder", message="Watching.", status="monitoring"
    )
    clock.shift(timedelta(minutes=5))
    services.resolve(incident, actor="rita", role="responder", message="Calls connect.")
    assert client.get("/api/v2/incidents/unresolved.json").json()["incidents"] == []
    (found,) = client.get("/api/v2/incidents.json").json()["incidents"]
    assert (found["status"], found["monitoring_at"], found["resolved_at"]) == (
        "resolved",
        "2026-11-24T09:15:00.000Z",
        "2026-11-24T09:20:00.000Z",
    )
    assert [u["status"] for u in found["incident_updates"]] == [
        "resolved",
        "monitoring",
        "identified",
        "investigating",
    ]
    assert found["incident_updates"][0]["affected_components"] == [
        {
            "code": world.voice.public_id,
            "name": "Voice",
            "old_status": "degraded_performance",
            "new_status": "operational",
        }
    ]
    assert found["incident_updates"][1]["affected_components"] is None
    postmortems.save_postmortem(incident, "A carrier.", actor="rita", role="responder")
    postmortems.publish_postmortem(incident, actor="cody", role="communicator")
    (found,) = client.get("/api/v2/incidents.json").json()["incidents"]
    assert found["status"] == "postmortem"


def test_summary_lists_open_incidents_and_their_impact_raises_the_indicator(client, world, clock):
    incident = open_p(world, "P1", components={world.sms: "degraded_performance"})
    found = client.get("/api/v2/summary.json").json()
    assert [i["id"] for i in found["incidents"]] == [incident.public_id]
    assert found["incidents"][0]["impact"] == "critical"
    # The components alone say "Partially Degraded Service" (minor); a P1 says critical.
    assert found["status"] == {"indicator": "critical", "description": "Major System Outage"}
    assert client.get("/api/v2/status.json").json()["status"]["indicator"] == "critical"
    services.resolve(incident, actor="rita", role="responder", message="Fixed.")
    found = client.get("/api/v2/summary.json").json()
    assert (found["incidents"], found["status"]) == (
        [],
        {"indicator": "none", "description": "All Systems Operational"},
    )


def test_an_internal_incident_shows_nowhere_public(client, world):
    incident = open_p(world, "P4", components={}, title="Slow admin export")
    assert client.get("/api/v2/incidents.json").json()["incidents"] == []
    assert client.get("/api/v2/summary.json").json()["incidents"] == []
    assert "Slow admin export" not in client.get("/").content.decode()
    assert client.get(f"/incidents/{incident.public_id}/").status_code == 404
    assert b"Slow admin export" not in client.get("/history.atom").content


def test_reclassifying_to_p4_takes_it_off_the_page_and_back_to_p2_puts_it_on(client, world):
    incident = open_p(world, "P2")
    classification.reclassify(incident, "P4", reason="One client", actor="rita", role="responder")
    assert client.get("/api/v2/incidents.json").json()["incidents"] == []
    classification.reclassify(incident, "P2", reason="Spreads", actor="rita", role="responder")
    assert [i["id"] for i in client.get("/api/v2/incidents.json").json()["incidents"]] == [
        incident.public_id
    ]


def test_a_component_not_on_the_page_is_left_out_of_the_json(client, world):
    world.portal.visibility = "internal"
    catalog.save_component(world.portal, actor="alice")
    open_p(world, "P2", components={world.voice: "major_outage", world.portal: "major_outage"})
    (found,) = client.get("/api/v2/incidents.json").json()["incidents"]
    assert [c["name"] for c in found["components"]] == ["Voice"]
    assert [c["name"] for c in found["incident_updates"][0]["affected_components"]] == ["Voice"]


# --- the page, the history, the feed ------------------------------------------------------------


def test_during_an_incident_the_page_shows_it_at_the_top_with_its_updates(client, world, clock):
    incident = during(world, clock)
    html = client.get("/").content.decode()
    assert html.index("Active incidents") < html.index("Components")
    assert f'<a href="/incidents/{incident.public_id}/">Calls fail</a>' in html
    assert "<p>A carrier dropped <em>our</em> trunks.</p>" in html
    assert "Tue 24 Nov 2026 10:10 CET" in html
    assert '<h1 id="overall">Partial System Outage</h1>' in html  # P2: major impact
    services.resolve(incident, actor="rita", role="responder", message="Calls connect.")
    html = client.get("/").content.decode()
    assert "Active incidents" not in html
    assert '<a href="/history/">Incident history</a>' in html


def test_the_incident_page_shows_every_update_and_a_way_to_follow_it(client, world, clock):
    incident = during(world, clock)
    html = client.get(f"/incidents/{incident.public_id}/").content.decode()
    assert re.findall(r'<span class="status">(\w+)</span>', html) == ["Identified", "Investigating"]
    assert f'action="/incidents/{incident.public_id}/follow/"' in html
    services.resolve(incident, actor="rita", role="responder", message="Calls connect.")
    postmortems.save_postmortem(incident, "A **carrier**.", actor="rita", role="responder")
    postmortems.publish_postmortem(incident, actor="cody", role="communicator")
    html = client.get(f"/incidents/{incident.public_id}/").content.decode()
    assert "<p>A <strong>carrier</strong>.</p>" in html
    assert "follow/" not in html  # a resolved incident is not followed


def test_the_history_pages_by_month(client, world, clock):
    open_p(world, "P3", title="October trouble", detected_at=T0 - timedelta(days=40))
    november = open_p(world, "P2", title="November trouble")
    html = client.get("/history/").content.decode()
    assert "Incident history: November 2026" in html
    assert "November trouble" in html and "October trouble" not in html
    assert '<a href="?month=2026-10" rel="prev">← October 2026</a>' in html
    assert 'rel="next"' not in html  # no month after this one
    html = client.get("/history/", {"month": "2026-10"}).content.decode()
    assert "October trouble" in html and "November trouble" not in html
    assert 'rel="prev"' not in html  # nothing earlier
    assert client.get("/history/", {"month": "2026-13"}).status_code == 404
    assert november.public_id in client.get("/history/").content.decode()


def test_the_atom_feed_has_an_entry_per_update_newest_first(client, world, clock):
    incident = during(world, clock)
    response = client.get("/history.atom")
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ElementTree.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "Identified: Calls fail",
        "Investigating: Calls fail",
    ]
    assert entries[0].find(f"{ATOM}link").get("href") == (
        f"http://testserver/incidents/{incident.public_id}/"
    )
    assert entries[0].find(f"{ATOM}updated").text == "2026-11-24T09:10:00+00:00"


def test_the_page_and_json_change_with_the_page_version(client, world, clock):
    incident = open_p(world, "P2")
    before = client.get("/api/v2/incidents.json")
    services.post_update(incident, actor="rita", role="responder", message="Still on it.")
    after = client.get("/api/v2/incidents.json", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert len(after.json()["incidents"][0]["incident_updates"]) == 2


# --- following one incident ---------------------------------------------------------------------


def test_a_visitor_follows_an_incident_from_its_page_and_gets_its_updates(client, world, settings):
    incident = open_p(world, "P2")
    # As a browser: the cached page sets no CSRF cookie and its form carries no token.
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(f"/incidents/{incident.public_id}/")
    assert "csrfmiddlewaretoken" not in page.content.decode()
    response = browser.post(
        f"/incidents/{incident.public_id}/follow/", {"email": "kim@example.org"}
    )
    assert response["Location"] == f"/incidents/{incident.public_id}/follow/sent/"
    follower = IncidentSubscription.objects.get()
    confirm = followers.confirm_url(follower).removeprefix(settings.SITE_URL)
    assert "Confirm" in client.get(confirm).content.decode()
    follower.refresh_from_db()
    assert follower.confirmed_at is None  # a GET (a mail scanner) confirms nothing
    client.post(confirm)
    follower.refresh_from_db()
    assert follower.is_active
    services.post_update(incident, actor="rita", role="responder", message="Identified.")
    outbox.fan_out_due()
    assert Delivery.objects.filter(address="kim@example.org").count() == 2  # confirm + update
    stop = followers.stop_url(follower).removeprefix(settings.SITE_URL)
    client.post(stop)
    follower.refresh_from_db()
    assert follower.unsubscribed_at is not None


def test_following_with_a_bad_address_names_it_and_saves_nothing(client, world):
    incident = open_p(world, "P2")
    response = client.post(f"/incidents/{incident.public_id}/follow/", {"email": "kim@"})
    assert response.status_code == 400
    assert "&#x27;kim@&#x27; is not an email address." in response.content.decode()
    assert IncidentSubscription.objects.count() == 0


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("confirm", 400, "This confirmation link is not valid; check it was copied whole."),
        ("stop", 404, "This link is not valid; check it was copied whole."),
    ],
)
def test_a_forged_follow_link_is_refused(client, world, path, status, message):
    response = client.post(f"/incidents/follow/{path}/forged:token/")
    assert (response.status_code, message in response.content.decode()) == (status, True)
    assert IncidentSubscription.objects.count() == 0


def test_the_page_and_the_json_read_incidents_in_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries
):
    for n in range(3):
        incident = open_p(world, "P2", title=f"Trouble {n}")
        services.post_update(incident, actor="rita", role="responder", message="More.")
    # The page's own (version twice, groups, components, bars) plus the open incidents, their
    # postmortems, updates and affected components, planned work's windows, and the public
    # system metrics (their stamp, read with the version: one when there are none): the same for
    # 3 incidents as for 30. Tests read the version afresh each time (freshness 0); a web process
    # reads it once a second at most.
    with django_assert_max_num_queries(18):
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/api/v2/summary.json").status_code == 200
