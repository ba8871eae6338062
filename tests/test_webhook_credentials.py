"""A chat webhook's URL is the credential that posts to its channel (Slack: "your webhook URL
contains a secret"). Admins set them and see them whole; viewers, responders and
communicators read the settings that hold them (the on-call rota, escalation contacts, the
responders' chat) but see only where they go, in the API and in the console; and the record,
which every staff role reads, says that one changed, never to what."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from forewarn.incidents import configuration as incident_configuration
from forewarn.incidents.models import EscalationContact, EscalationSettings
from forewarn.record.models import Event
from forewarn.support import configuration as support_configuration
from forewarn.support.models import OnCallRota

from .conftest import make_staff

ROTA_HOOK = "https://hooks.chat.example/services/T01/B01/rota-secret"
CONTACT_HOOK = "https://hooks.chat.example/services/T01/B02/contact-secret"
RESPONDER_HOOK = "https://hooks.chat.example/services/T01/B03/responder-secret"
SHOWN = "https://hooks.chat.example/…"
SECRETS = ("rota-secret", "contact-secret", "responder-secret")


@pytest.fixture
def hooks(db, settings, clock):
    settings.FOREWARN_WEBHOOKS_TO_LOOPBACK = False
    rota = support_configuration.save_rota(
        OnCallRota(name="Night desk", chat_webhook_url=ROTA_HOOK), actor="ada", role="admin"
    )
    contact = incident_configuration.save_escalation_contact(
        EscalationContact(tier="tier_2", chat_webhook_url=CONTACT_HOOK), actor="ada", role="admin"
    )
    rules = EscalationSettings.current()
    rules.responder_chat_webhook = RESPONDER_HOOK
    incident_configuration.save_escalation_settings(rules, actor="ada", role="admin")
    return rota, contact


@pytest.fixture(autouse=True)
def clock():
    """Everything the tests build, at one instant (nothing here reads the real date)."""
    with time_machine.travel(datetime(2027, 3, 1, 9, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def resolvable(monkeypatch):
    """hooks.chat.example resolves to a public address, as a real chat service's name would."""
    from forewarn.delivery import destinations

    monkeypatch.setattr(
        destinations.socket,
        "getaddrinfo",
        lambda *a, **k: [(2, 1, 6, "", ("93.184.215.14", 443))],
    )


@pytest.mark.parametrize("role", ["viewer", "responder", "communicator", "admin"])
def test_the_api_shows_webhooks_whole_to_admins_only(hooks, api_as, role):
    rota, _ = hooks
    api = api_as(role)
    whole = role == "admin"
    rotas = api.get("/api/v1/support/rotas").json()
    assert [r["chat_webhook_url"] for r in rotas] == [ROTA_HOOK if whole else SHOWN]
    one = api.get(f"/api/v1/support/rotas/{rota.pk}").json()
    assert one["chat_webhook_url"] == (ROTA_HOOK if whole else SHOWN)
    contacts = api.get("/api/v1/incidents/escalation-contacts").json()
    assert [c["chat_webhook_url"] for c in contacts] == [CONTACT_HOOK if whole else SHOWN]
    rules = api.get("/api/v1/incidents/escalation-settings").json()
    assert rules["responder_chat_webhook"] == (RESPONDER_HOOK if whole else SHOWN)


def _console(role: str) -> Client:
    client = Client()
    client.force_login(make_staff(f"{role}-user", role))
    return client


@pytest.mark.parametrize("role", ["viewer", "responder", "communicator"])
def test_the_console_shows_other_staff_where_a_webhook_goes_not_its_url(hooks, role):
    rota, contact = hooks
    console = _console(role)
    pages = [
        reverse("admin:support_oncallrota_change", args=[rota.pk]),
        reverse("admin:incidents_escalationcontact_changelist"),
        reverse("admin:incidents_escalationcontact_change", args=[contact.pk]),
        reverse("admin:incidents_escalationsettings_change", args=[1]),
        reverse("admin:record_event_changelist"),
    ]
    for url in pages:
        response = console.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert not [s for s in SECRETS if s in page], url
    assert SHOWN in console.get(pages[0]).content.decode()
    assert SHOWN in console.get(pages[1]).content.decode()
    # nothing they read was saved masked
    rota.refresh_from_db()
    assert rota.chat_webhook_url == ROTA_HOOK


def test_admins_see_and_keep_the_whole_url_in_the_console(hooks):
    rota, _ = hooks
    console = _console("admin")
    page = console.get(reverse("admin:support_oncallrota_change", args=[rota.pk])).content
    assert ROTA_HOOK.encode() in page
    listing = console.get(reverse("admin:incidents_escalationcontact_changelist")).content
    assert CONTACT_HOOK.encode() in listing


def test_the_record_says_a_webhook_changed_never_what_it_is(hooks):
    rota, contact = hooks
    rota.chat_webhook_url = ROTA_HOOK + "-2"
    support_configuration.save_rota(rota, actor="ada", role="admin")
    rota.chat_webhook_url = ""
    support_configuration.save_rota(rota, actor="ada", role="admin")
    support_configuration.delete_rota(rota, actor="ada", role="admin")
    incident_configuration.delete_escalation_contact(contact, actor="ada", role="admin")
    details = [e.details for e in Event.objects.order_by("id")]
    assert not [s for s in SECRETS if s in repr(details)]
    rota_changes = [
        d["changes"]["chat_webhook_url"]
        for d in details
        if "chat_webhook_url" in d.get("changes", {})
    ]
    assert rota_changes == ["changed", "changed", "changed", "cleared"]  # rota, contact, then rota
    assert [d["was"]["chat_webhook_url"] for d in details if "was" in d] == ["", "set"]
