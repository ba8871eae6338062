"""Incident settings through the JSON API: cadence policies, escalation settings and contacts,
templates; admins change them (the refusals are in test_api.py)."""

from forewarn.incidents.models import CadencePolicy, EscalationContact

BASE = "/api/v1/incidents"


def body(response) -> dict:
    return response.json()


def test_an_admin_sets_a_priority_to_business_time(api, world):
    found = body(
        api("ada").patch(
            f"{BASE}/cadence-policies/P3", {"clock": "business", "interval_minutes": 60}
        )
    )
    assert (found["priority"], found["clock"], found["interval_minutes"], found["calendar"]) == (
        "P3",
        "business",
        60,
        None,
    )
    assert (CadencePolicy.objects.get(priority="P3").clock,) == ("business",)
    refused = api("ada").patch(f"{BASE}/cadence-policies/P3", {"reminder_minutes": 90})
    assert (refused.status_code, body(refused)["message"]) == (
        422,
        "reminder_minutes: the reminder (90 min) must come before the update is due, within "
        "the interval (60 min).",
    )
    assert api("ada").patch(f"{BASE}/cadence-policies/P9", {}).json()["detail"] == {
        "priority": ["'P9' is not a priority; use one of P1, P2, P3, P4, P5."]
    }


def test_an_admin_keeps_escalation_settings_contacts_and_templates(api, world):
    admin = api("ada")
    found = body(admin.patch(f"{BASE}/escalation-settings", {"executive_above_components": 5}))
    assert found["executive_above_components"] == 5
    response = admin.post(
        f"{BASE}/escalation-contacts", {"tier": "tier_2", "user": "rita", "note": "On call"}
    )
    assert response.status_code == 201
    contact = body(response)
    assert {k: contact[k] for k in ("tier", "user", "email", "note")} == {
        "tier": "tier_2",
        "user": "rita",
        "email": "",
        "note": "On call",
    }
    assert (
        body(admin.patch(f"{BASE}/escalation-contacts/{contact['id']}", {"tier": "executive"}))[
            "tier"
        ]
        == "executive"
    )
    assert admin.delete(f"{BASE}/escalation-contacts/{contact['id']}").status_code == 204
    assert EscalationContact.objects.count() == 0

    response = admin.post(
        f"{BASE}/templates",
        {
            "name": "Voice down",
            "title": "Calls fail",
            "body": "We are investigating.",
            "priority": "P1",
            "components": ["voice"],
        },
    )
    template = body(response)
    assert (response.status_code, template["components"]) == (201, ["voice"])
    found = body(
        admin.patch(f"{BASE}/templates/{template['id']}", {"components": ["voice", "sms"]})
    )
    assert found["components"] == ["sms", "voice"]  # in the catalog's order
    assert body(api("vic").get(f"{BASE}/templates"))[0]["name"] == "Voice down"
    assert admin.delete(f"{BASE}/templates/{template['id']}").status_code == 204
