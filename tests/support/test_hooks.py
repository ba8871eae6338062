"""Inbound mail through django-anymail: its own inbound test helpers (a constructed message
sent through its ``inbound`` signal) and a real provider webhook (Mailgun's raw MIME route,
signed) under /hooks/."""

import hashlib
import hmac
import os
import subprocess
import sys

from anymail.inbound import AnymailInboundMessage
from anymail.signals import AnymailInboundEvent, inbound

from forewarn.delivery.models import Notice
from forewarn.support.models import SupportRequest

from .test_inbound import mail


def test_a_message_from_anymails_inbound_signal_is_filed(world):
    message = AnymailInboundMessage.construct(
        from_email="Anna <anna@acme.example>",
        to="support@forewarn.example",
        subject="Voice quality",
        text="Calls sound robotic.\n\n-- \nAnna",
    )
    inbound.send(
        sender=object,
        event=AnymailInboundEvent(event_type="inbound", message=message),
        esp_name="Test",
    )
    request = SupportRequest.objects.get()
    assert (request.subject, request.requester, request.messages.get().body) == (
        "Voice quality",
        world.anna,
        "Calls sound robotic.",
    )


def test_a_refusal_through_a_webhook_is_a_reply_at_most_once_a_day(world):
    for _ in range(2):
        message = AnymailInboundMessage.construct(
            from_email="mallory@example.com",
            to="support@forewarn.example",
            subject="Hi",
            text="Hello",
        )
        inbound.send(
            sender=object,
            event=AnymailInboundEvent(event_type="inbound", message=message),
            esp_name="Test",
        )
    assert SupportRequest.objects.count() == 0
    assert list(Notice.objects.values_list("key", flat=True)) == [
        "support:refusal:mallory@example.com:2026-12-07"
    ]


def test_mailguns_inbound_webhook_files_the_raw_message(world, client, settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": "test-signing-key"}
    timestamp, token = "1796461200", "a" * 50
    signature = hmac.new(
        b"test-signing-key", f"{timestamp}{token}".encode(), hashlib.sha256
    ).hexdigest()
    response = client.post(
        "/hooks/anymail/mailgun/inbound_mime/",
        {
            "body-mime": mail(subject="Webhook request").decode(),
            "recipient": "support@forewarn.example",
            "sender": "anna@acme.example",
            "timestamp": timestamp,
            "token": token,
            "signature": signature,
        },
    )
    assert response.status_code == 200
    assert SupportRequest.objects.get().subject == "Webhook request"


def test_an_unsigned_webhook_call_files_nothing(world, client, settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": "test-signing-key"}
    response = client.post(
        "/hooks/anymail/mailgun/inbound_mime/",
        {"body-mime": mail().decode(), "timestamp": "1", "token": "t", "signature": "forged"},
    )
    assert response.status_code == 400
    assert SupportRequest.objects.count() == 0


def test_the_web_process_does_not_load_boto3_for_a_webhook_it_may_never_use(tmp_path):
    # anymail's Amazon SES webhook imports boto3 (about 15 MB in every web process): the
    # inbound views are imported at their first request (support/anymail_hooks.py).
    probe = (
        "import sys, django; django.setup(); import forewarn.wsgi; "
        "from django.urls import resolve, reverse; resolve('/'); "
        "reverse('anymail:amazon_ses_inbound_webhook'); print('boto3' in sys.modules)"
    )
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "forewarn.settings",
        "FOREWARN_DATA_DIR": str(tmp_path),
    }
    found = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120
    )
    assert found.stdout.strip() == "False", found.stderr
