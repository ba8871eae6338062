"""Running an incident from the console (/console/), logged in as staff of each role: the same
services as the API, the same refusals, forms only where the role may write."""

import csv
import io
from datetime import timedelta

import pytest

from forewarn.incidents import postmortems, services
from forewarn.incidents.models import CadencePolicy, Incident, IncidentTemplate
from forewarn.record.models import Event
from tests.conftest import make_staff

from .conftest import open_p

LIST = "/console/incidents/incident/"


def page(incident: Incident) -> str:
    return f"{LIST}{incident.pk}/change/"


def act(incident: Incident, name: str) -> str:
    return f"{LIST}{incident.pk}/act/{name}/"


@pytest.fixture
def console(world, client):
    """``console("rita")`` is the Django test client logged in as that member of staff."""
    staff = {"rita": world.responder, "cody": world.communicator, "vic": world.viewer}

    def as_user(username: str):
        if username not in staff:
            staff[username] = make_staff(username, "admin")
        client.force_login(staff[username])
        return client

    return as_user


def text(response) -> str:
    return response.content.decode()


# --- opening ------------------------------------------------------------------------------------


def test_the_priority_choice_shows_seed_001s_definition_next_to_each_p(console):
    html = text(console("rita").get(f"{LIST}add/"))
    for line in [
        "P1 Critical — Multiple products where the majority of the users are not able to use "
        "the product",
        "P2 Major — Majority of the users of a product are not able to use that product",
        "P3 Significant — Breaking issue within a product, but majority of the users are able to "
        "continue using it",
        "P4 Limited — A small incident that impacts use of the product but doesn’t bring it to a "
        "halt.",
        "P5 Minor — A minor bug or issue that does not impact the product.",
    ]:
        assert line in html
    assert "Voice (operational now)" in html  # each component with its status


def test_a_responder_opens_an_incident_with_its_components(console, world):
    response = console("rita").post(
        f"{LIST}add/",
        {
            "title": "Calls fail",
            "priority": "P2",
            "message": "Calls to the EU fail.",
            "component_voice": "major_outage",
            "notify": "on",
            "detected_at": "2026-11-24T09:55",  # 09:55 in Amsterdam: 08:55 UTC
        },
    )
    incident = Incident.objects.get()
    assert response["Location"] == page(incident)
    assert (incident.priority, incident.is_public, incident.created_by) == ("P2", True, "rita")
    assert incident.detected_at.isoformat() == "2026-11-24T08:55:00+00:00"
    world.voice.refresh_from_db()
    assert world.voice.status == "major_outage"


def test_opening_from_a_template(console, world):
    template = IncidentTemplate.objects.create(
        name="SMS", title="SMS delayed", body="Messages are delayed.", priority="P3"
    )
    template.components.set([world.sms])
    console("rita").post(f"{LIST}add/", {"template": template.pk, "notify": "on"})
    incident = Incident.objects.get()
    assert (incident.title, incident.priority) == ("SMS delayed", "P3")
    assert [a.component.slug for a in incident.affected.all()] == ["sms"]


def test_a_refused_opening_shows_the_reason_on_the_form_and_saves_nothing(console):
    response = console("rita").post(f"{LIST}add/", {"priority": "P2", "message": "Down."})
    assert response.status_code == 400
    assert "Give a title." in text(response)
    assert Incident.objects.count() == 0


def test_a_viewer_cannot_open_one(console):
    assert console("vic").get(f"{LIST}add/").status_code == 403
    assert console("vic").post(f"{LIST}add/", {"title": "T"}).status_code == 403


# --- running ------------------------------------------------------------------------------------


def test_the_run_page_shows_the_next_update_due_and_how_long_is_left(console, world, clock):
    incident = open_p(world, "P1")
    html = text(console("vic").get(page(incident)))
    assert "Next update due" in html
    assert "Tue 24 Nov 10:15 CET</time>:\n    <strong>15 min left</strong>" in html
    clock.shift(timedelta(minutes=17))
    html = text(console("vic").get(page(incident)))
    assert '<p class="due overdue" id="next-update" role="status">' in html
    assert "<strong>overdue by 2 min</strong>" in html


def test_the_list_shows_the_time_left_for_each_open_incident(console, world):
    open_p(world, "P2")
    assert "30 min left" in text(console("vic").get(LIST))


def test_posting_an_update_from_the_console(console, world, clock):
    incident = open_p(world, "P1")
    clock.shift(timedelta(minutes=10))
    response = console("rita").post(
        act(incident, "update"),
        {
            "update-message": "A carrier dropped our trunks.",
            "update-status": "identified",
            "update-notify": "on",
            "update-component_voice": "partial_outage",
        },
    )
    assert response["Location"] == page(incident)
    incident.refresh_from_db()
    assert (incident.status, incident.next_update_due_at.isoformat()) == (
        "identified",
        "2026-11-24T09:25:00+00:00",
    )
    world.voice.refresh_from_db()
    assert world.voice.status == "partial_outage"


def test_resolving_reopening_and_the_postmortem_from_the_console(console, world):
    incident = open_p(world, "P2")
    console("rita").post(act(incident, "resolve"), {"resolve-message": "Fixed."})
    incident.refresh_from_db()
    assert incident.status == "resolved"
    html = text(console("rita").get(page(incident)))
    assert 'id="step-reopen"' in html and 'id="step-update"' not in html
    console("rita").post(act(incident, "postmortem"), {"postmortem-body": "A bad deploy."})
    console("cody").post(act(incident, "publish"), {"publish-notify": "on"})
    incident.refresh_from_db()
    assert (incident.postmortem.body, incident.postmortem.notified) == ("A bad deploy.", True)


def test_reclassifying_needs_a_reason_and_keeps_it(console, world):
    incident = open_p(world, "P2")
    refused = console("rita").post(act(incident, "reclassify"), {"reclassify-priority": "P4"})
    assert refused.status_code == 400
    assert "This field is required." in text(refused)
    console("rita").post(
        act(incident, "reclassify"),
        {"reclassify-priority": "P4", "reclassify-reason": "One customer only"},
    )
    incident.refresh_from_db()
    assert (incident.priority, incident.is_public) == ("P4", False)
    assert Event.objects.get(kind="incident.reclassified").details["reason"] == "One customer only"


def test_a_service_refusal_lands_on_the_form_it_came_from(console, world):
    incident = open_p(world, "P2")
    response = console("rita").post(
        act(incident, "reclassify"), {"reclassify-priority": "P2", "reclassify-reason": "Same"}
    )
    assert response.status_code == 400
    assert "The incident is P2 already." in text(response)


def test_a_communicator_sets_visibility_cause_and_responders_escalate(console, world):
    incident = open_p(world, "P4", components={world.portal: "degraded_performance"})
    client = console("cody")
    client.post(act(incident, "visibility"), {"visibility-is_public": "true"})
    client.post(
        act(incident, "cause"),
        {"cause-cause": "third_party", "cause-cause_component": world.cloud.pk},
    )
    client.post(act(incident, "responders"), {"responders-responders": [world.responder.pk]})
    client.post(act(incident, "escalate"), {"escalate-tier": "tier_2", "escalate-reason": "DB"})
    incident.refresh_from_db()
    assert (incident.is_public, incident.cause, incident.cause_component) == (
        True,
        "third_party",
        world.cloud,
    )
    assert [u.username for u in incident.responders.all()] == ["rita"]
    assert incident.escalation_tier == "tier_2"


def test_acknowledging_an_incident_a_hook_opened(console, world):
    incident = open_p(world, "P3", actor="hook:alertmanager", acknowledged=False)
    console("rita").post(act(incident, "acknowledge"), {})
    incident.refresh_from_db()
    assert incident.acknowledged_at is not None
    assert Event.objects.get(kind="incident.acknowledged").actor == "rita"


# --- refusals mirror the API --------------------------------------------------------------------

FORMS = {
    "acknowledge": ({}, "responder"),
    "update": ({"update-message": "M", "update-status": "investigating"}, "responder"),
    "resolve": ({"resolve-message": "M"}, "responder"),
    "reopen": ({"reopen-message": "M", "reopen-status": "investigating"}, "responder"),
    "reclassify": ({"reclassify-priority": "P1", "reclassify-reason": "R"}, "responder"),
    "responders": ({}, "responder"),
    "escalate": ({"escalate-tier": "executive", "escalate-reason": "R"}, "responder"),
    "postmortem": ({"postmortem-body": "B"}, "responder"),
    "visibility": ({"visibility-is_public": "true"}, "communicator"),
    "cause": ({"cause-cause": "force_majeure"}, "communicator"),
    "publish": ({}, "communicator"),
}
BELOW = {"responder": "vic", "communicator": "rita"}


@pytest.mark.parametrize("name", list(FORMS))
def test_a_role_below_the_one_an_action_needs_is_refused_and_nothing_changes(console, world, name):
    incident = open_p(world, "P4", components={}, acknowledged=False)
    data, needed = FORMS[name]
    events = Event.objects.count()
    response = console(BELOW[needed]).post(act(incident, name), data)
    assert response.status_code == 403
    assert Event.objects.count() == events


def test_a_viewer_reads_the_incident_without_a_single_form(console, world):
    incident = open_p(world, "P1")
    html = text(console("vic").get(page(incident)))
    assert 'class="step"' not in html
    assert "your role takes no action on it now" in html
    assert "Calls to the EU fail. We are investigating." in html


def test_a_responder_sees_no_visibility_cause_or_publish_form(console, world):
    incident = open_p(world, "P1")
    html = text(console("rita").get(page(incident)))
    assert 'id="step-update"' in html
    assert 'id="step-visibility"' not in html and 'id="step-cause"' not in html


# --- settings, read-only below admin ------------------------------------------------------------


def test_only_an_admin_changes_a_cadence_policy_in_the_console(console):
    policy = CadencePolicy.objects.get(priority="P3")
    url = f"/console/incidents/cadencepolicy/{policy.pk}/change/"
    form = {
        "interval_minutes": "60",
        "clock": "business",
        "escalation": "business_hours",
        "is_public_by_default": "on",
        "reminder_minutes": "5",
    }
    read = text(console("cody").get(url))
    assert 'name="_save"' not in read
    assert console("cody").post(url, form).status_code == 403
    assert console("ada").post(url, form).status_code == 302
    policy.refresh_from_db()
    assert (policy.interval_minutes, policy.clock) == (60, "business")
    assert Event.objects.get(kind="cadence_policy.changed").actor == "ada"


def test_a_template_saved_in_the_console_keeps_its_components_and_is_recorded(console, world):
    response = console("ada").post(
        "/console/incidents/incidenttemplate/add/",
        {
            "name": "Voice down",
            "title": "Calls fail",
            "body": "We are investigating.",
            "priority": "P1",
            "components": [world.voice.pk],
            "component_status": "major_outage",
        },
    )
    assert response.status_code == 302
    template = IncidentTemplate.objects.get()
    assert [c.slug for c in template.components.all()] == ["voice"]
    assert Event.objects.get(kind="incident_template.created").details["changes"]["components"] == {
        "from": [],
        "to": ["voice"],
    }


def test_a_chat_webhook_the_delivery_rules_refuse_is_a_form_error(console):
    response = console("ada").post(
        "/console/incidents/escalationcontact/add/",
        {"tier": "tier_1", "chat_webhook_url": "http://chat.example/hook"},
    )
    assert response.status_code == 200  # the form again, with the error
    assert "Webhook URLs must use https" in text(response)
    assert Event.objects.filter(kind="escalation_contact.created").count() == 0


# --- the report ---------------------------------------------------------------------------------


def test_the_report_page_and_its_downloads(console, world, clock):
    incident = open_p(world, "P1", reporter="ann@acme.example")
    clock.shift(timedelta(minutes=20))
    services.resolve(incident, actor="rita", role="responder", message="Calls connect.")
    postmortems.save_postmortem(incident, "A carrier.", actor="rita", role="responder")
    client = console("vic")
    url = f"{LIST}{incident.pk}/report/"
    html = text(client.get(url))
    assert "incident.created" in html and "ann@acme.example" in html
    assert "missed" in html  # the first update came 20 minutes after a 15-minute deadline
    rows = list(csv.DictReader(io.StringIO(text(client.get(url, {"format": "csv"})))))
    assert [r["kind"] for r in rows if r["section"] == "step"] == ["investigating", "resolved"]
    found = client.get(url, {"format": "json"}).json()
    assert found["time_to_resolve_minutes"] == 20.0
