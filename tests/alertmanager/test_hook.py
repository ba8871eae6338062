"""``POST /hooks/alertmanager`` over HTTP: the integration's bearer token and nothing else opens
it, bad input gets Alertmanager's error shape (never a 500), and the API manages integrations,
whose token is shown once."""

import json

import pytest
from django.test import Client

from forewarn.api.models import ApiToken, Surface
from forewarn.compat.alertmanager.models import AlertGroup, AlertIntegration
from forewarn.incidents.models import Incident
from tests.conftest import make_staff

from .conftest import alert, notification


def post(body, token=None, content=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = content if content is not None else json.dumps(body)
    return Client().post(
        "/hooks/alertmanager", data, content_type="application/json", headers=headers
    )


def test_a_firing_notification_with_the_token_opens_the_incident(hook):
    response = post(notification(alert(service="voice")), hook.token)
    incident = Incident.objects.get()
    assert (response.status_code, response.json()) == (
        200,
        {"status": "success", "result": "opened", "incident": incident.public_id},
    )


@pytest.mark.parametrize(
    "token",
    [None, "wrong", "fwam_wrong", "Basic dXNlcjpwdw=="],
    ids=["none", "junk", "unknown", "basic"],
)
def test_no_or_a_wrong_token_is_a_401_in_alertmanagers_error_shape(hook, token):
    response = post(notification(alert(service="voice")), token)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="alertmanager"'
    assert response.json()["status"] == "error" and response.json()["errorType"] == "unauthorized"
    assert not AlertGroup.objects.exists()


def test_a_token_of_another_surface_opens_nothing(hook, api_as):
    user = make_staff("ops", "admin")
    _, api_token = ApiToken.issue(user)
    assert post(notification(alert(service="voice")), api_token).status_code == 401
    # and the hook's token is no API token
    api = Client().get(
        "/api/v1/alertmanager/integrations", headers={"Authorization": f"Bearer {hook.token}"}
    )
    assert api.status_code == 401


def test_a_revoked_integration_opens_nothing(hook, api_as):
    admin = api_as("admin")
    revoked = admin.post(f"/api/v1/alertmanager/integrations/{hook.integration.pk}/revoke")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert post(notification(alert(service="voice")), hook.token).status_code == 401
    again = admin.post(f"/api/v1/alertmanager/integrations/{hook.integration.pk}/revoke")
    assert again.status_code == 422


@pytest.mark.parametrize(
    ("content", "status", "message"),
    [
        ("{not json", 400, "The body is not JSON (Alertmanager sends JSON)."),
        (b"\xff\xfe", 400, "The body is not JSON (Alertmanager sends JSON)."),
        ("[]", 400, "body: expected a JSON object (Alertmanager's webhook payload)."),
        (
            '{"version": "4", "status": "firing", "groupKey": "x", "alerts": [1]}',
            400,
            "alerts.0: expected an object.",
        ),
        ("null", 400, "body: expected a JSON object (Alertmanager's webhook payload)."),
    ],
)
def test_bad_input_is_a_400_naming_the_field(hook, content, status, message):
    response = post(None, hook.token, content=content)
    assert (response.status_code, response.json()) == (
        status,
        {"status": "error", "errorType": "bad_data", "error": message},
    )


def test_only_post_is_allowed(hook):
    response = Client().get(
        "/hooks/alertmanager", headers={"Authorization": f"Bearer {hook.token}"}
    )
    assert (response.status_code, response["Allow"]) == (405, "POST")


def test_an_admin_creates_an_integration_and_sees_its_token_once(db, api_as):
    admin = api_as("admin")
    created = admin.post("/api/v1/alertmanager/integrations", {"name": "EU", "quiet_minutes": 5})
    assert created.status_code == 201
    token = created.json()["token"]
    assert token.startswith("fwam_") and created.json()["prefix"] == token[:12]
    listed = admin.get("/api/v1/alertmanager/integrations").json()
    assert [sorted(i) for i in listed] == [sorted(set(created.json()) - {"token"})]
    assert AlertIntegration.authenticate(token).name == "EU"
    assert (
        api_as("communicator").post("/api/v1/alertmanager/integrations", {"name": "X"}).status_code
        == 403
    )


def test_rules_through_the_api_refuse_what_cannot_be_read(hook, api_as):
    admin = api_as("admin")
    path = f"/api/v1/alertmanager/integrations/{hook.integration.pk}/rules"
    bad = admin.post(path, {"name": "R", "components": ["voice"], "matchers": 'service=~"("'})
    assert bad.status_code == 422 and bad.json()["message"].startswith(
        "matchers: service: “(” is not a regular expression"
    )
    missing = admin.post(path, {"name": "R", "components": ["nope"]})
    assert missing.json()["message"] == "components: No component with slug nope."
    made = admin.post(
        path,
        {
            "name": "Portal",
            "components": ["sms", "voice"],
            "matchers": '{team="web", env!~"dev|test"}',
            "by_severity": {"page": {"priority": "P1", "status": "major_outage"}},
        },
    )
    assert made.status_code == 201, made.json()
    rule = made.json()
    assert (rule["components"], rule["by_severity"]) == (
        ["sms", "voice"],
        {"page": {"priority": "P1", "status": "major_outage"}},
    )
    changed = admin.patch(
        f"/api/v1/alertmanager/rules/{rule['id']}", {"components": ["sms"], "priority": "P2"}
    )
    assert (changed.json()["components"], changed.json()["priority"]) == (["sms"], "P2")
    assert (
        admin.patch(
            f"/api/v1/alertmanager/rules/{rule['id']}", {"status": "operational"}
        ).status_code
        == 422
    )
    assert admin.delete(f"/api/v1/alertmanager/rules/{rule['id']}").status_code == 204
    assert len(admin.get(path).json()) == 2


JUNK = [None, "", "x" * 3000, -1, 2**70, 1.5, True, [], {}, ["a", 1], {"a": {"b": 1}}, "yesterday"]
TOP = (
    "version",
    "groupKey",
    "status",
    "receiver",
    "groupLabels",
    "commonLabels",
    "commonAnnotations",
    "externalURL",
    "alerts",
    "truncatedAlerts",
)
PER_ALERT = ("status", "labels", "annotations", "startsAt", "endsAt", "fingerprint")


def test_no_payload_gets_a_500_and_every_refusal_is_alertmanagers(hook):
    """Each field of the notification and of an alert, junk: a 200 or Prometheus' error shape."""
    for where in ("top", "alert", "label"):
        for field in TOP if where == "top" else PER_ALERT if where == "alert" else ("service",):
            for value in JUNK:
                body = notification(alert(service="voice"))
                if where == "top":
                    body[field] = value
                elif where == "alert":
                    body["alerts"][0][field] = value
                else:
                    body["alerts"][0]["labels"][field] = value
                response = post(body, hook.token)
                assert response.status_code < 500, (where, field, value, response.content)
                answer = response.json()
                if response.status_code >= 400:
                    assert (answer["status"], answer["errorType"]) == ("error", "bad_data")
                    assert answer["error"]
                else:
                    assert answer["status"] == "success"


def test_a_cachet_token_opens_nothing_here(hook):
    _, cachet_token = ApiToken.issue(make_staff("scripts", "admin"), surface=Surface.CACHET)
    response = post(notification(alert(service="voice")), cachet_token)
    assert response.status_code == 401
    assert response.json()["errorType"] == "unauthorized"
    assert not AlertGroup.objects.exists()
