"""Bodies as Cachet's clients send them: form-encoded with True/False and 1/0, repeated keys
and ``name[]``, ``meta[key]``, fields in the query string, and DELETE with a body."""

from forewarn.catalog.models import Component, ComponentGroup
from forewarn.delivery.models import Subscriber
from forewarn.incidents.models import Incident


def test_a_form_creates_a_component_with_cachet_booleans(cachet_as):
    admin = cachet_as("admin")
    made = admin.post(
        "components",
        {"name": "Voice", "status": "2", "enabled": "False", "order": "3"},
        form=True,
    ).json()["data"]
    assert (made["status"], made["enabled"], made["order"]) == (2, False, 3)
    assert Component.objects.get(pk=made["id"]).visibility == "internal"
    again = admin.put(f"components/{made['id']}", {"enabled": "True"}, form=True).json()["data"]
    assert again["enabled"] is True
    one = admin.put(f"components/{made['id']}", {"enabled": "0"}, form=True).json()["data"]
    assert one["enabled"] is False


def test_a_group_from_a_form_with_visible_1(cachet_as):
    made = cachet_as("admin").post("components/groups", {"name": "Core", "visible": "1"}, form=True)
    assert made.status_code == 200
    assert ComponentGroup.objects.get().visibility == "public"


def test_repeated_keys_and_brackets_are_lists(cachet_as):
    admin = cachet_as("admin")
    ids = [admin.post("components", {"name": n, "status": 1}).json()["data"]["id"] for n in "ab"]
    admin.post(
        "subscribers",
        {"email": "one@customer.example", "components": ids, "verify": "1"},
        form=True,
    )
    admin.post(
        "subscribers",
        {"email": "two@customer.example", "components[]": ids[:1], "verify": "true"},
        form=True,
    )
    one, two = Subscriber.objects.order_by("address")
    assert sorted(c.pk for c in one.components.all()) == ids
    assert [c.pk for c in two.components.all()] == ids[:1]
    assert one.confirmed_at is not None


def test_meta_priority_from_a_form_and_fields_in_the_query_string(cachet_as):
    responder = cachet_as("responder")
    answer = responder.client.post(
        "/cachet/api/v1/incidents?name=Calls+drop&status=1",
        "message=Calls+drop+in+the+EU&meta%5Bpriority%5D=P1&notify=False",
        content_type="application/x-www-form-urlencoded",
        headers=responder.headers,
    )
    assert answer.status_code == 200, answer.content
    incident = Incident.objects.get()
    assert (incident.title, incident.priority) == ("Calls drop", "P1")
    assert incident.updates.get().notify is False
    assert answer.json()["data"]["meta"] == {"priority": "P1"}


def test_delete_may_carry_a_body(cachet_as):
    admin = cachet_as("admin")
    made = admin.post("components/groups", {"name": "Old"}).json()["data"]
    gone = admin.delete(f"components/groups/{made['id']}", {"reason": "unused"})
    assert gone.status_code == 204
    assert not ComponentGroup.objects.exists()
