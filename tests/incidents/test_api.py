"""Incidents through the JSON API: everything the console does, the same role rules, 4xx naming
the field, nothing half-saved."""

import csv
import io
from datetime import timedelta

import pytest

from forewarn.api.v1 import api as v1
from forewarn.incidents import postmortems, services
from forewarn.incidents.models import (
    EscalationContact,
    Incident,
    IncidentTemplate,
)
from forewarn.record.models import Event

from .conftest import open_p

BASE = "/api/v1/incidents"


def body(response) -> dict:
    return response.json()


# --- reading ------------------------------------------------------------------------------------


def test_the_priorities_come_with_seed_001s_definitions(api):
    found = body(api("vic").get(f"{BASE}/priorities"))
    assert found[0] == {
        "priority": "P1",
        "name": "Critical",
        "definition": "Multiple products where the majority of the users are not able to use the product",
        "public_by_default": True,
        "update_interval_minutes": 15,
        "escalation": "immediately",
    }
    assert [(p["priority"], p["update_interval_minutes"]) for p in found] == [
        ("P1", 15),
        ("P2", 30),
        ("P3", 120),
        ("P4", None),
        ("P5", None),
    ]


def test_opening_answers_the_incident_with_when_the_next_update_is_due(api, world):
    response = api("rita").post(
        BASE,
        {
            "title": "Calls fail",
            "priority": "P1",
            "message": "Calls to the EU fail. We are investigating.",
            "components": [{"component": "voice", "status": "major_outage"}],
            "responders": ["rita"],
            "reporter": "ann@acme.example",
        },
    )
    assert response.status_code == 201, response.content
    found = body(response)
    incident = Incident.objects.get()
    assert {k: found[k] for k in ("id", "public_id", "title", "priority", "priority_name")} == {
        "id": incident.pk,
        "public_id": incident.public_id,
        "title": "Calls fail",
        "priority": "P1",
        "priority_name": "Critical",
    }
    assert (found["status"], found["impact"], found["is_public"]) == (
        "investigating",
        "critical",
        True,
    )
    assert (
        found["next_update_due_at"],
        found["update_due_in_seconds"],
        found["update_due_text"],
        found["is_update_overdue"],
    ) == ("2026-11-24T09:15:00Z", 900, "15 min left", False)
    assert found["components"] == [
        {
            "component": "voice",
            "name": "Voice",
            "status": "major_outage",
            "status_before": "operational",
            "status_during": "major_outage",
            "restored_at": None,
        }
    ]
    assert (found["responders"], found["reporter"], found["escalation_tier"]) == (
        ["rita"],
        "ann@acme.example",
        "tier_1",
    )
    (update,) = found["updates"]
    assert (update["status"], update["author"], update["body_html"]) == (
        "investigating",
        "rita",
        "<p>Calls to the EU fail. We are investigating.</p>\n",
    )


def test_time_left_runs_down_and_turns_overdue(api, world, clock):
    incident = open_p(world, "P2")
    clock.shift(timedelta(minutes=34))
    found = body(api("vic").get(f"{BASE}/{incident.pk}"))
    assert (
        found["update_due_in_seconds"],
        found["update_due_text"],
        found["is_update_overdue"],
    ) == (-240, "overdue by 4 min", True)


def test_opening_from_a_template_fills_in_what_is_not_given(api, world):
    template = IncidentTemplate.objects.create(
        name="SMS down", title="SMS delayed", body="Messages are delayed.", priority="P3"
    )
    template.components.set([world.sms])
    found = body(api("rita").post(BASE, {"template": template.pk, "title": "SMS to NL delayed"}))
    assert (found["title"], found["priority"], found["updates"][0]["body"]) == (
        "SMS to NL delayed",
        "P3",
        "Messages are delayed.",
    )
    assert [(c["component"], c["status_during"]) for c in found["components"]] == [
        ("sms", "major_outage")
    ]


def test_the_list_filters_by_state_priority_visibility_and_component(api, world):
    p1 = open_p(world, "P1")
    p4 = open_p(world, "P4", components={world.portal: "degraded_performance"}, title="Slow")
    services.resolve(p4, actor="rita", role="responder", message="Fast again.")
    client = api("vic")

    def ids(**params) -> list[int]:
        return [i["id"] for i in body(client.get(BASE, **params))]

    assert ids() == [p4.pk, p1.pk]
    assert ids(open="true") == [p1.pk]
    assert ids(open="false") == [p4.pk]
    assert ids(priority="P4") == [p4.pk]
    assert ids(is_public="true") == [p1.pk]
    assert ids(component="portal") == [p4.pk]
    assert client.get(BASE, component="nope").json() == {
        "message": "component: No component with slug nope.",
        "detail": {"component": ["No component with slug nope."]},
    }


def test_backfilling_a_past_incident_keeps_its_times(api, world):
    response = api("rita").post(
        f"{BASE}/backfill",
        {
            "title": "Calls failed",
            "priority": "P2",
            "components": [{"component": "voice", "status": "major_outage"}],
            "updates": [
                {"at": "2026-11-20T10:00:00+01:00", "status": "investigating", "message": "Down."},
                {"at": "2026-11-20T10:45:00+01:00", "status": "resolved", "message": "Up."},
            ],
        },
    )
    assert response.status_code == 201, response.content
    found = body(response)
    assert (found["created_at"], found["resolved_at"], found["status"]) == (
        "2026-11-20T09:00:00Z",
        "2026-11-20T09:45:00Z",
        "resolved",
    )
    assert [u["notify"] for u in found["updates"]] == [False, False]
    refused = api("rita").post(f"{BASE}/backfill", {"title": "T", "priority": "P2", "updates": []})
    assert body(refused)["detail"] == {
        "updates": ["Give the updates as they were posted, oldest first."]
    }


# --- running it ---------------------------------------------------------------------------------


def test_an_update_resolve_and_reopen_move_the_status_and_the_components(api, world, clock):
    incident = open_p(world, "P2")
    client = api("rita")
    clock.shift(timedelta(minutes=10))
    found = body(
        client.post(
            f"{BASE}/{incident.pk}/updates",
            {
                "message": "A carrier dropped our trunks.",
                "status": "identified",
                "components": [{"component": "voice", "status": "partial_outage"}],
            },
        )
    )
    assert (found["status"], found["identified_at"], found["next_update_due_at"]) == (
        "identified",
        "2026-11-24T09:10:00Z",
        "2026-11-24T09:40:00Z",
    )
    assert found["updates"][0]["component_changes"] == [
        {"component": "voice", "name": "Voice", "from": "major_outage", "to": "partial_outage"}
    ]
    clock.shift(timedelta(minutes=10))
    found = body(client.post(f"{BASE}/{incident.pk}/resolve", {"message": "Calls connect."}))
    assert (found["status"], found["resolved_at"], found["next_update_due_at"]) == (
        "resolved",
        "2026-11-24T09:20:00Z",
        None,
    )
    assert found["components"][0]["status"] == "operational"
    found = body(
        client.post(
            f"{BASE}/{incident.pk}/reopen", {"message": "Failing again.", "status": "identified"}
        )
    )
    assert (found["status"], found["resolved_at"]) == ("identified", None)


def test_acknowledging_an_incident_a_hook_opened(api, world, clock):
    incident = open_p(world, "P3", actor="hook:alertmanager", acknowledged=False)
    clock.shift(timedelta(minutes=3))
    found = body(api("rita").post(f"{BASE}/{incident.pk}/acknowledge"))
    assert found["acknowledged_at"] == "2026-11-24T09:03:00Z"
    again = api("rita").post(f"{BASE}/{incident.pk}/acknowledge")
    assert (again.status_code, body(again)["detail"]) == (
        422,
        {"acknowledged_at": ["Acknowledged already, at 2026-11-24T09:03:00+00:00."]},
    )


def test_reclassifying_changes_visibility_and_cadence_from_that_moment(api, world, clock):
    incident = open_p(world, "P2")
    clock.shift(timedelta(minutes=5))
    found = body(
        api("rita").post(
            f"{BASE}/{incident.pk}/reclassify", {"priority": "P4", "reason": "One customer"}
        )
    )
    assert (found["priority"], found["is_public"], found["next_update_due_at"]) == (
        "P4",
        False,
        None,
    )
    found = body(
        api("rita").post(
            f"{BASE}/{incident.pk}/reclassify", {"priority": "P1", "reason": "Everyone now"}
        )
    )
    assert (found["is_public"], found["next_update_due_at"]) == (True, "2026-11-24T09:20:00Z")


def test_a_communicator_overrides_visibility_and_classifies_the_cause(api, world):
    incident = open_p(world, "P4", components={world.portal: "degraded_performance"})
    client = api("cody")
    found = body(
        client.post(
            f"{BASE}/{incident.pk}/visibility", {"is_public": True, "reason": "Customers ask"}
        )
    )
    assert (found["is_public"], found["visibility_overridden"]) == (True, True)
    found = body(
        client.post(
            f"{BASE}/{incident.pk}/cause",
            {"cause": "third_party", "cause_component": "cloud", "note": "Host failed"},
        )
    )
    assert (found["cause"], found["cause_component"]) == ("third_party", "cloud")
    assert [c["component"] for c in found["components"]] == ["cloud", "portal"]
    found = body(client.post(f"{BASE}/{incident.pk}/visibility", {"is_public": False}))
    assert found["is_public"] is False


def test_responders_escalations_and_the_postmortem(api, world):
    incident = open_p(world, "P3")
    client = api("rita")
    found = body(client.put(f"{BASE}/{incident.pk}/responders", {"responders": ["rita"]}))
    assert found["responders"] == ["rita"]
    response = client.post(
        f"{BASE}/{incident.pk}/escalations", {"tier": "executive", "reason": "A big account"}
    )
    assert response.status_code == 201
    assert [(e["tier"], e["actor"], e["reason"]) for e in body(response)["escalations"]] == [
        ("tier_1", "system", "the priority's escalation timing (seed 001 §6)"),
        ("executive", "rita", "A big account"),
    ]
    services.resolve(incident, actor="rita", role="responder", message="Fixed.")
    found = body(client.put(f"{BASE}/{incident.pk}/postmortem", {"body": "A bad *deploy*."}))
    assert (found["body_html"], found["published_at"]) == ("<p>A bad <em>deploy</em>.</p>\n", None)
    found = body(api("cody").post(f"{BASE}/{incident.pk}/postmortem/publish", {"notify": True}))
    assert (found["published_at"], found["notified"]) == ("2026-11-24T09:00:00Z", True)


def test_the_incident_report_as_json_and_csv_and_the_cadence_report(api, world, clock):
    incident = open_p(world, "P1", reporter="ann@acme.example")
    clock.shift(timedelta(minutes=20))
    services.resolve(incident, actor="rita", role="responder", message="Calls connect.")
    client = api("vic")
    report = body(client.get(f"{BASE}/{incident.pk}/report"))
    assert (report["time_to_acknowledge_minutes"], report["time_to_resolve_minutes"]) == (
        0.0,
        20.0,
    )
    assert [e["kind"] for e in report["events"]][:2] == [
        "incident.created",
        "incident.acknowledged",
    ]
    cadence = body(client.get(f"{BASE}/{incident.pk}/cadence"))
    assert cadence == report["cadence"]
    assert [(g["target_minutes"], g["met"], g["late_minutes"]) for g in cadence["gaps"]] == [
        (15.0, False, 5.0)
    ]
    response = client.get(f"{BASE}/{incident.pk}/report.csv")
    assert response["Content-Disposition"] == f'attachment; filename="incident-{incident.pk}.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0] == {
        "section": "summary",
        "at": "",
        "date": "",
        "time": "",
        "kind": "incident",
        "actor": "",
        "contact": "",
        "description": f"incident:{incident.pk} Calls fail",
        "value": "",
    }


# --- refusals -----------------------------------------------------------------------------------


def _write(incident: Incident, template: IncidentTemplate, contact: EscalationContact):
    """Every write of the API: (method, path, body)."""
    i = f"{BASE}/{incident.pk}"
    return {
        "open": ("post", BASE, {"title": "X", "priority": "P2", "message": "Y"}),
        "backfill": (
            "post",
            f"{BASE}/backfill",
            {
                "title": "X",
                "priority": "P2",
                "updates": [{"at": "2026-11-20T10:00:00Z", "status": "resolved", "message": "Y"}],
            },
        ),
        "acknowledge": ("post", f"{i}/acknowledge", None),
        "update": ("post", f"{i}/updates", {"message": "Still on it."}),
        "resolve": ("post", f"{i}/resolve", {"message": "Fixed."}),
        "reopen": ("post", f"{i}/reopen", {"message": "Again."}),
        "reclassify": ("post", f"{i}/reclassify", {"priority": "P1", "reason": "Worse"}),
        "visibility": ("post", f"{i}/visibility", {"is_public": True, "reason": "Ask"}),
        "cause": ("post", f"{i}/cause", {"cause": "force_majeure"}),
        "responders": ("put", f"{i}/responders", {"responders": ["rita"]}),
        "escalate": ("post", f"{i}/escalations", {"tier": "executive", "reason": "Big"}),
        "postmortem": ("put", f"{i}/postmortem", {"body": "What happened."}),
        "publish": ("post", f"{i}/postmortem/publish", {}),
        "cadence policy": ("patch", f"{BASE}/cadence-policies/P3", {"interval_minutes": 60}),
        "escalation settings": (
            "patch",
            f"{BASE}/escalation-settings",
            {"tier_2_after_overdue": 2},
        ),
        "add contact": (
            "post",
            f"{BASE}/escalation-contacts",
            {"tier": "tier_1", "email": "a@b.example"},
        ),
        "change contact": ("patch", f"{BASE}/escalation-contacts/{contact.pk}", {"note": "x"}),
        "remove contact": ("delete", f"{BASE}/escalation-contacts/{contact.pk}", None),
        "add template": (
            "post",
            f"{BASE}/templates",
            {"name": "N", "title": "T", "body": "B", "priority": "P2"},
        ),
        "change template": ("patch", f"{BASE}/templates/{template.pk}", {"title": "T2"}),
        "remove template": ("delete", f"{BASE}/templates/{template.pk}", None),
    }


NEEDS = {
    "open": "responder",
    "backfill": "responder",
    "acknowledge": "responder",
    "update": "responder",
    "resolve": "responder",
    "reopen": "responder",
    "reclassify": "responder",
    "visibility": "communicator",
    "cause": "communicator",
    "responders": "responder",
    "escalate": "responder",
    "postmortem": "responder",
    "publish": "communicator",
    "cadence policy": "admin",
    "escalation settings": "admin",
    "add contact": "admin",
    "change contact": "admin",
    "remove contact": "admin",
    "add template": "admin",
    "change template": "admin",
    "remove template": "admin",
}
BELOW = {"responder": "vic", "communicator": "rita", "admin": "cody"}


@pytest.fixture
def targets(world):
    incident = open_p(world, "P4", components={}, acknowledged=False)
    template = IncidentTemplate.objects.create(name="T", title="T", body="B", priority="P2")
    contact = EscalationContact.objects.create(tier="tier_1", email="x@provider.example")
    return _write(incident, template, contact)


@pytest.mark.parametrize("operation", list(NEEDS))
def test_a_role_below_the_one_an_operation_needs_is_refused_and_nothing_changes(
    api, targets, operation
):
    method, path, payload = targets[operation]
    who = BELOW[NEEDS[operation]]
    client = api(who)
    events = Event.objects.count()
    response = client.delete(path) if method == "delete" else getattr(client, method)(path, payload)
    # The route checks the role before it reads the input (``needs``); the services check it
    # again, with the caller's role in the message, for the console.
    assert response.status_code == 403, response.content
    assert body(response)["message"] == f"This needs the '{NEEDS[operation]}' role or above."
    assert Event.objects.count() == events


@pytest.mark.parametrize("operation", list(NEEDS))
def test_without_a_token_every_write_is_401(api, targets, operation):
    method, path, payload = targets[operation]
    client = api(None)
    response = client.delete(path) if method == "delete" else getattr(client, method)(path, payload)
    assert response.status_code == 401


@pytest.mark.parametrize(
    "path",
    [
        BASE,
        f"{BASE}/priorities",
        f"{BASE}/cadence-policies",
        f"{BASE}/escalation-settings",
        f"{BASE}/escalation-contacts",
        f"{BASE}/templates",
    ],
)
def test_reading_needs_a_token(api, world, path):
    assert api(None).get(path).status_code == 401
    assert api("vic").get(path).status_code == 200


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "detail"),
    [
        ({"priority": "P2", "message": "M"}, {"title": ["Give a title."]}),
        (
            {"title": "T", "priority": "P7", "message": "M"},
            {"priority": ["'P7' is not a priority; use one of P1, P2, P3, P4, P5."]},
        ),
        ({"title": "T", "priority": "P2"}, {"message": ["Give the first update's message."]}),
        (
            {
                "title": "T",
                "priority": "P2",
                "message": "M",
                "components": [{"component": "fax", "status": "major_outage"}],
            },
            {"components": ["No component with slug fax."]},
        ),
        (
            {
                "title": "T",
                "priority": "P2",
                "message": "M",
                "components": [{"component": "voice", "status": "on_fire"}],
            },
            {
                "components": [
                    "voice: 'on_fire' is not a component status; use one of operational, "
                    "under_maintenance, degraded_performance, partial_outage, major_outage."
                ]
            },
        ),
        (
            {"title": "T", "priority": "P2", "message": "M", "detected_at": "2026-11-24T08:00:00"},
            {"detected_at": ["The time must carry a time zone offset."]},
        ),
        (
            {"title": "T", "priority": "P2", "message": "M", "responders": ["nobody"]},
            {"responders": ["No active user named nobody."]},
        ),
        (
            {"title": "T", "priority": "P2", "message": "M", "template": 999},
            {"template": ["No incident template with id 999."]},
        ),
    ],
)
def test_bad_input_to_open_is_a_422_naming_the_field_and_nothing_is_saved(
    api, world, payload, detail
):
    events = Event.objects.count()
    response = api("rita").post(BASE, payload)
    assert (response.status_code, body(response)["detail"]) == (422, detail)
    assert (Incident.objects.count(), Event.objects.count()) == (0, events)


def test_an_update_on_a_resolved_incident_is_refused_naming_the_status(api, world):
    incident = open_p(world, "P2")
    services.resolve(incident, actor="rita", role="responder", message="Fixed.")
    updates = incident.updates.count()
    response = api("rita").post(f"{BASE}/{incident.pk}/updates", {"message": "More."})
    assert (response.status_code, list(body(response)["detail"])) == (422, ["status"])
    assert incident.updates.count() == updates


def test_a_cause_naming_an_upstream_that_is_not_third_party_is_refused(api, world):
    incident = open_p(world, "P2")
    response = api("cody").post(
        f"{BASE}/{incident.pk}/cause", {"cause": "third_party", "cause_component": "sms"}
    )
    assert body(response)["detail"] == {
        "cause_component": ["sms is not marked as a third-party component."]
    }
    incident.refresh_from_db()
    assert (incident.cause, incident.cause_component) == ("own", None)


def test_publishing_before_writing_is_refused(api, world):
    incident = open_p(world, "P2")
    services.resolve(incident, actor="rita", role="responder", message="Fixed.")
    response = api("cody").post(f"{BASE}/{incident.pk}/postmortem/publish", {})
    assert body(response)["detail"] == {"postmortem": ["Write the postmortem first."]}
    postmortems.save_postmortem(incident, "Text.", actor="rita", role="responder")
    assert api("cody").post(f"{BASE}/{incident.pk}/postmortem/publish", {}).status_code == 200


def test_a_missing_incident_is_404(api, world):
    assert api("vic").get(f"{BASE}/999").status_code == 404
    assert api("rita").post(f"{BASE}/999/updates", {"message": "M"}).status_code == 404


def test_the_openapi_document_lists_every_incident_operation(api, world):
    paths = body(api("vic").get("/api/v1/openapi.json"))["paths"]
    incident_paths = sorted(p.removeprefix("/api/v1") for p in paths if "/incidents" in p)
    assert incident_paths == sorted(
        [
            "/incidents",
            "/incidents/priorities",
            "/incidents/backfill",
            "/incidents/{incident_id}",
            "/incidents/{incident_id}/acknowledge",
            "/incidents/{incident_id}/updates",
            "/incidents/{incident_id}/resolve",
            "/incidents/{incident_id}/reopen",
            "/incidents/{incident_id}/reclassify",
            "/incidents/{incident_id}/visibility",
            "/incidents/{incident_id}/cause",
            "/incidents/{incident_id}/responders",
            "/incidents/{incident_id}/escalations",
            "/incidents/{incident_id}/postmortem",
            "/incidents/{incident_id}/postmortem/publish",
            "/incidents/{incident_id}/report",
            "/incidents/{incident_id}/report.csv",
            "/incidents/{incident_id}/cadence",
            "/incidents/cadence-policies",
            "/incidents/cadence-policies/{priority}",
            "/incidents/escalation-settings",
            "/incidents/escalation-contacts",
            "/incidents/escalation-contacts/{contact_id}",
            "/incidents/templates",
            "/incidents/templates/{template_id}",
        ]
    )


def test_the_openapi_document_lists_the_words_each_field_takes():
    schemas = v1.get_openapi_schema()["components"]["schemas"]
    assert schemas["ReclassifyIn"]["properties"]["priority"]["enum"] == [
        "P1",
        "P2",
        "P3",
        "P4",
        "P5",
    ]
    assert "major_outage" in schemas["ComponentStatusIn"]["properties"]["status"]["enum"]
    assert "third_party" in schemas["CauseIn"]["properties"]["cause"]["enum"]
