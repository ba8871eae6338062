"""Webhook subscribers in Statuspage's format get Statuspage's documented payloads, sent by the
real worker to a real HTTP receiver and signed as every webhook is; the payloads read the way
Zulip's Statuspage integration reads them.

``zulip_reads`` is written from zulip/zulip ``zerver/webhooks/statuspage/view.py``: it tells an
incident from a component update by the top-level key, takes ``incident.name``,
``incident.status``, ``incident.incident_updates[0].body`` (the newest update) and
``page.status_description``, or ``component.name`` and ``component_update.old_status`` /
``new_status``, each of which must be a string.
"""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from standardwebhooks import Webhook

from forewarn.catalog.models import Component
from forewarn.catalog.services import save_component, set_status
from forewarn.delivery import sender
from forewarn.delivery.models import Channel, Notice, Subscriber
from forewarn.delivery.operators import add_webhook_subscriber
from forewarn.incidents import configuration, services
from tests.delivery.conftest import FAST, receivers, webhooks_to_loopback  # noqa: F401

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

# The keys Statuspage's documented samples carry (support.atlassian.com, "Enable webhook
# notifications"; the same in Zulip's fixtures), which consumers may read.
META = {"unsubscribe", "documentation"}
PAGE = {"id", "status_indicator", "status_description"}
INCIDENT = {
    "id", "name", "status", "impact", "created_at", "updated_at", "monitoring_at",
    "resolved_at", "shortlink", "page_id", "incident_updates", "components",
}  # fmt: skip
UPDATE = {
    "id", "status", "body", "incident_id", "created_at", "updated_at", "display_at",
    "affected_components", "deliver_notifications",
}  # fmt: skip
COMPONENT_UPDATE = {"id", "component_id", "old_status", "new_status", "created_at"}
COMPONENT = {"id", "name", "status", "created_at", "updated_at", "position", "description",
             "page_id", "group_id"}  # fmt: skip
INCIDENT_STATUSES = {"investigating", "identified", "monitoring", "resolved", "postmortem"}
COMPONENT_STATUSES = {
    "operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance",
}  # fmt: skip
INDICATORS = {"none", "minor", "major", "critical", "maintenance"}


def zulip_reads(payload: dict) -> tuple[str, str]:
    """(topic, message) as Zulip's Statuspage integration would post them."""

    def text(value) -> str:
        assert isinstance(value, str), f"Zulip's check_string refuses {value!r}"
        return value

    description = text(payload["page"]["status_description"])
    if "incident" in payload:
        incident = payload["incident"]
        name = text(incident["name"])
        return (
            f"{name}: {description}",
            f"**{name}**:\n* State: **{text(incident['status'])}**\n"
            f"* Description: {text(incident['incident_updates'][0]['body'])}",
        )
    if "component" in payload:
        name = text(payload["component"]["name"])
        change = payload["component_update"]
        return (
            f"{name}: {description}",
            f"**{name}** has changed status from **{text(change['old_status'])}** to "
            f"**{text(change['new_status'])}**.",
        )
    raise AssertionError("Zulip answers 'unknown-event' to a payload with neither key")


def documented(payload: dict) -> None:
    """``payload`` has the keys and the words of Statuspage's documented samples."""
    assert META <= set(payload["meta"]) and PAGE <= set(payload["page"])
    assert payload["page"]["status_indicator"] in INDICATORS
    if "incident" in payload:
        incident = payload["incident"]
        assert INCIDENT <= set(incident)
        assert incident["status"] in INCIDENT_STATUSES
        for update in incident["incident_updates"]:
            assert UPDATE <= set(update) and update["status"] in INCIDENT_STATUSES
        times = [u["created_at"] for u in incident["incident_updates"]]
        assert times == sorted(times, reverse=True)  # newest first
    else:
        assert COMPONENT_UPDATE <= set(payload["component_update"])
        assert COMPONENT <= set(payload["component"])
        change = payload["component_update"]
        assert {change["old_status"], change["new_status"]} <= COMPONENT_STATUSES
        assert change["component_id"] == payload["component"]["id"]


pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=True) as traveller:
        yield traveller


@pytest.fixture
def world(clock, settings, receivers):  # noqa: F811
    settings.FOREWARN_DELIVERY = dict(FAST)
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    configuration.load_seed_policies()
    voice = save_component(Component(slug="voice", name="Voice"), actor="alice")
    receiver = receivers()
    statuspage = add_webhook_subscriber(
        f"{receiver.url}/statuspage", owner_email="ops@acme.example", actor="alice",
        payload_format="statuspage",
    )  # fmt: skip
    standard = add_webhook_subscriber(
        f"{receiver.url}/standard", owner_email="ops@acme.example", actor="alice"
    )
    Subscriber.objects.create(address="fan@example.com", confirmed_at=T0, secret="")
    return voice, receiver, statuspage, standard


def _sent(receiver, path: str) -> list[dict]:
    sender.send_due()
    return [r for r in receiver.requests if r["path"] == path]


def test_an_incident_goes_in_statuspage_shape_and_reads_as_zulip_expects(world, clock):
    voice, receiver, statuspage, _ = world
    incident = services.open_incident(
        actor="rita", role="responder", title="Calls to the EU fail", priority="P1",
        message="We are investigating failed calls.", components={voice: "major_outage"},
    )  # fmt: skip
    clock.shift(timedelta(minutes=10))
    services.post_update(
        incident, actor="rita", role="responder", message="A carrier dropped our trunks.",
        status="identified",
    )  # fmt: skip
    clock.shift(timedelta(minutes=10))
    requests = _sent(receiver, "/statuspage")
    bodies = [Webhook(statuspage.secret).verify(r["body"], r["headers"]) for r in requests]
    incidents = [b for b in bodies if "incident" in b]
    assert len(incidents) == 2
    for body in bodies:
        documented(body)
    first, second = sorted(incidents, key=lambda b: len(b["incident"]["incident_updates"]))
    # each as it stood when its notice was made, though both were sent later
    assert [u["status"] for u in first["incident"]["incident_updates"]] == ["investigating"]
    assert [u["status"] for u in second["incident"]["incident_updates"]] == [
        "identified",
        "investigating",
    ]
    assert zulip_reads(second) == (
        "Calls to the EU fail: Major System Outage",
        "**Calls to the EU fail**:\n* State: **identified**\n"
        "* Description: A carrier dropped our trunks.",
    )
    assert second["incident"]["impact"] == "critical"
    assert second["page"] == {
        "id": "forewarn",
        "status_indicator": "critical",
        "status_description": "Major System Outage",
    }
    # the Standard Webhooks subscriber still gets its own envelope for the same notices
    standard_bodies = [json.loads(r["body"]) for r in _sent(receiver, "/standard")]
    assert {b["type"] for b in standard_bodies} == {"notice.created"}
    assert len(standard_bodies) == 2


def test_a_component_status_change_goes_only_to_statuspage_format_webhooks(world):
    voice, receiver, statuspage, _ = world
    set_status(voice, "under_maintenance", cause="Planned: SBC upgrade", actor="alice")
    notice = Notice.objects.get(kind="component.status_changed")
    assert notice.audience == "statuspage_hooks"
    assert list(notice.deliveries.values_list("channel", "subscriber_id")) == [
        (Channel.WEBHOOK, statuspage.pk)
    ]
    (request,) = _sent(receiver, "/statuspage")
    body = Webhook(statuspage.secret).verify(request["body"], request["headers"])
    documented(body)
    assert body["component_update"]["old_status"] == "operational"
    assert body["component"]["status"] == "under_maintenance"
    assert zulip_reads(body) == (
        "Voice: Service Under Maintenance",
        "**Voice** has changed status from **operational** to **under_maintenance**.",
    )
    assert _sent(receiver, "/standard") == []


def test_without_a_statuspage_subscriber_a_status_change_queues_nothing(world):
    voice, _, statuspage, _ = world
    Subscriber.objects.filter(pk=statuspage.pk).update(disabled_at=T0)
    set_status(voice, "degraded_performance", actor="alice")
    assert not Notice.objects.filter(kind="component.status_changed").exists()


def test_a_chat_webhook_cannot_take_the_statuspage_format(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        add_webhook_subscriber(
            "https://chat.example/hook", owner_email="a@example.com", channel="chat",
            actor="alice", payload_format="statuspage",
        )  # fmt: skip
    assert list(refused.value.message_dict) == ["payload_format"]
