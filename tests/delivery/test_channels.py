"""Channels against real servers: Standard Webhooks signing, chat, HTTP and SMTP outcome classes, disabling."""

import json
from datetime import timedelta

import pytest
from anymail.exceptions import AnymailAPIError
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from standardwebhooks import Webhook

from forewarn.delivery import outbox, sender
from forewarn.delivery.channels import _provider_result
from forewarn.delivery.models import (
    Audience,
    Channel,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Notice,
    Subscriber,
)
from forewarn.record.models import Event

from .conftest import FAST, smtp_mailers, subscribe
from .servers import free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fast(settings):
    settings.FOREWARN_DELIVERY = dict(FAST)
    sender._unreachable_until.clear()
    yield
    sender._unreachable_until.clear()


def queue(key="incident:1:update:1", **fields):
    defaults = {
        "thread_key": "incident:1",
        "kind": "incident.update",
        "subject": "Major outage: Voice",
        "body": "Calls fail. We are on it.",
        "audience": Audience.PUBLIC,
        "event_times": {"started": "2026-12-21T09:00:00+00:00"},
    }
    return outbox.queue_notice(key=key, **(defaults | fields))


def delivery() -> Delivery:
    return Delivery.objects.get()


def test_webhook_is_signed_per_standard_webhooks(receivers):
    receiver = receivers()
    hook = subscribe(f"{receiver.url}/hooks/forewarn", channel=Channel.WEBHOOK)
    n = queue()
    assert sender.send_due() == 1
    (request,) = receiver.requests
    assert request["path"] == "/hooks/forewarn"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["headers"]["webhook-id"] == f"msg_fw_d{delivery().pk}"
    payload = Webhook(hook.secret).verify(request["body"], request["headers"])
    assert payload["type"] == "notice.created"
    assert payload["data"]["key"] == n.key
    assert payload["data"]["subject"] == "Major outage: Voice"
    assert payload["data"]["event_times"] == {"started": "2026-12-21T09:00:00+00:00"}
    assert payload["timestamp"].endswith("Z")
    assert delivery().status == DeliveryStatus.SENT
    with pytest.raises(Exception, match="No matching signature"):
        Webhook("whsec_" + "A" * 32).verify(request["body"], request["headers"])


def test_chat_webhook_gets_slack_compatible_text(receivers):
    receiver = receivers()
    subscribe(f"{receiver.url}/services/T0/B0/x", channel=Channel.CHAT)
    queue()
    sender.send_due()
    (request,) = receiver.requests
    text = json.loads(request["body"])["text"]
    assert text.startswith("*Major outage: Voice*\nCalls fail. We are on it.\n")
    assert "Started: Mon 21 Dec 2026 10:00 CET" in text
    assert delivery().status == DeliveryStatus.SENT


def test_direct_notice_posts_to_its_chat_webhook_and_mails_its_address(receivers, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    receiver = receivers()
    hook = f"{receiver.url}/services/T0/B0/responders"
    n = queue(
        key="incident:1:reminder:1",
        audience=Audience.DIRECT,
        direct_addresses=["Oncall@Example.com"],
        direct_chat_webhooks=[hook, hook],
    )
    assert n.direct_addresses == ["oncall@example.com", hook]
    assert sorted(Delivery.objects.values_list("channel", "address")) == [
        (Channel.CHAT, hook),
        (Channel.EMAIL, "oncall@example.com"),
    ]
    sender.send_due()
    (request,) = receiver.requests
    assert request["path"] == "/services/T0/B0/responders"
    assert json.loads(request["body"])["text"].startswith("*Major outage: Voice*\n")
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_direct_chat_webhook_must_be_an_http_url():
    with pytest.raises(ValidationError) as refused:
        queue(audience=Audience.DIRECT, direct_chat_webhooks=["ftp://x.example/hook"])
    assert refused.value.message_dict == {
        "direct_chat_webhooks": ["'ftp://x.example/hook' is not an http(s) URL."]
    }
    assert not Notice.objects.exists()


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (500, DeliveryStatus.RETRYING),
        (503, DeliveryStatus.RETRYING),
        (408, DeliveryStatus.RETRYING),
        (429, DeliveryStatus.RETRYING),
        (400, DeliveryStatus.FAILED),
        (404, DeliveryStatus.FAILED),
        (410, DeliveryStatus.FAILED),
        (301, DeliveryStatus.FAILED),
    ],
)
def test_http_status_decides_retry_or_failure(receivers, status, expected):
    receiver = receivers([status])
    subscribe(receiver.url, channel=Channel.WEBHOOK)
    queue()
    sender.send_due()
    row = delivery()
    assert row.status == expected
    assert row.last_error == f"HTTP {status}"
    assert len(receiver.requests) == 1  # a redirect is not followed
    assert DeliveryAttempt.objects.get().outcome == (
        "transient" if expected == DeliveryStatus.RETRYING else "permanent"
    )


def test_connection_refused_and_timeouts_are_transient(receivers, settings):
    settings.FOREWARN_DELIVERY = FAST | {"http_timeout": 0.3}
    slow = receivers(delay=1.5)
    subscribe(f"http://127.0.0.1:{free_port()}/nobody-listens", channel=Channel.WEBHOOK)
    subscribe(slow.url, channel=Channel.WEBHOOK)
    queue()
    sender.send_due()
    rows = {d.address: d for d in Delivery.objects.all()}
    assert {r.status for r in rows.values()} == {DeliveryStatus.RETRYING}
    refused = rows[next(a for a in rows if "nobody" in a)]
    assert refused.last_error == "connection refused"
    assert rows[slow.url].last_error == "timeout"


def test_failing_webhook_is_disabled_and_its_owner_told(receivers, settings):
    settings.FOREWARN_DELIVERY = FAST | {"disable_after_failures": 2}
    receiver = receivers([410, 410])
    hook = subscribe(receiver.url, channel=Channel.WEBHOOK, owner_email="dev@acme.example")
    queue("n1")
    sender.send_due()
    hook.refresh_from_db()
    assert (hook.consecutive_failures, hook.disabled_at) == (1, None)
    queue("n2")
    queue("n3", due_at=timezone.now() + timedelta(hours=1))
    sender.send_due()
    hook.refresh_from_db()
    assert hook.disabled_at is not None
    assert hook.disabled_reason == "2 deliveries in a row failed."
    told = Notice.objects.get(kind="subscriber.disabled")
    assert (told.audience, told.direct_addresses) == (Audience.DIRECT, ["dev@acme.example"])
    assert Delivery.objects.filter(notice=told, address="dev@acme.example").exists()
    assert Event.objects.filter(kind="subscriber.disabled", contact="dev@acme.example").count() == 1
    outbox.fan_out(Notice.objects.get(key="n3"))  # a later notice no longer goes to it
    assert not Delivery.objects.filter(notice__key="n3").exists()


def test_webhook_failing_for_a_day_is_disabled_on_its_next_failure(receivers):
    receiver = receivers([503])
    hook = subscribe(receiver.url, channel=Channel.WEBHOOK)
    Subscriber.objects.filter(pk=hook.pk).update(failing_since=timezone.now() - timedelta(hours=25))
    queue()
    sender.send_due()
    hook.refresh_from_db()
    assert hook.disabled_at is not None
    assert hook.disabled_reason.startswith("Failing since ")
    assert delivery().status == DeliveryStatus.SKIPPED


def test_a_success_resets_the_failure_streak(receivers):
    receiver = receivers([200])
    hook = subscribe(receiver.url, channel=Channel.WEBHOOK)
    Subscriber.objects.filter(pk=hook.pk).update(
        consecutive_failures=7, failing_since=timezone.now()
    )
    queue()
    sender.send_due()
    hook.refresh_from_db()
    assert (hook.consecutive_failures, hook.failing_since) == (0, None)


def test_smtp_replies_decide_retry_or_failure(smtp):
    smtp.refuse_recipients = {
        "gone@example.com": "550 5.1.1 No such user here",
        "full@example.com": "452 4.2.2 Mailbox full",
    }
    for address in ("ok@example.com", "gone@example.com", "full@example.com"):
        subscribe(address)
    queue()
    sender.send_due()
    rows = {d.address: d for d in Delivery.objects.all()}
    assert rows["ok@example.com"].status == DeliveryStatus.SENT
    assert rows["gone@example.com"].status == DeliveryStatus.FAILED
    assert rows["gone@example.com"].last_error == "Recipient refused: 550 5.1.1 No such user here"
    assert rows["full@example.com"].status == DeliveryStatus.RETRYING
    assert smtp.stats()["count"] == 1


def test_a_server_closing_the_connection_after_n_messages_costs_no_retry(smtp, settings):
    settings.FOREWARN_DELIVERY = FAST | {"threads": 1}
    smtp.max_per_connection = 3
    for i in range(10):
        subscribe(f"u{i}@example.com")
    queue()
    sender.send_due()
    assert set(Delivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.SENT, 1)}
    assert (smtp.stats()["count"], smtp.stats()["connections"]) == (10, 4)


def test_idn_address_is_sent_with_the_standard_encoder(smtp):
    subscribe("anna@bücher.example")
    queue()
    sender.send_due()
    assert delivery().status == DeliveryStatus.SENT
    assert smtp.messages[0][1] == ["anna@xn--bcher-kva.example"]


def test_unreachable_mail_server_defers_without_counting_and_holds_mail_back(settings):
    settings.FOREWARN_DELIVERY = FAST | {"retry_base_seconds": 60}
    settings.MAILERS = smtp_mailers(free_port())  # nobody listens there
    for i in range(5):
        subscribe(f"u{i}@example.com")
    queue()
    assert sender.send_due() == 5
    rows = list(Delivery.objects.all())
    assert {(r.status, r.attempts) for r in rows} == {(DeliveryStatus.RETRYING, 0)}
    assert all(r.last_error.startswith(("Mail server unreachable", "Not tried")) for r in rows)
    assert set(DeliveryAttempt.objects.values_list("outcome", flat=True)) == {"deferred"}
    # Held back for a retry period: the next round does not even claim email rows.
    Delivery.objects.update(next_attempt_at=timezone.now())
    assert sender.send_due() == 0


def test_django_anymail_backends_get_the_same_email(settings):
    """An ESP through anymail is just the mailer's BACKEND; anymail's test backend stands in for one."""
    settings.MAILERS = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}
    subscribe("ann@example.com")
    queue(ics="BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n")
    assert sender.send_due() == 1
    (sent,) = mail.outbox
    params = sent.anymail_test_params
    assert [e.addr_spec for e in params["to"]] == ["ann@example.com"]
    assert params["extra_headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Message-ID" in params["extra_headers"]
    assert params["html_body"].startswith("<!DOCTYPE html>")
    (invite,) = params["attachments"]
    assert (invite.name, invite.mimetype) == ("invite.ics", "text/calendar")
    assert delivery().status == DeliveryStatus.SENT


@pytest.mark.parametrize(
    ("status_code", "expected"), [(503, "transient"), (429, "transient"), (422, "permanent")]
)
def test_email_service_api_errors_are_classed_by_http_status(status_code, expected):
    assert (
        _provider_result(AnymailAPIError("ESP said no", status_code=status_code)).status == expected
    )
