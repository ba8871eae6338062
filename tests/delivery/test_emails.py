"""Notice emails: headers, threading, RFC 8058 unsubscribe, times in two zones, Markdown, .ics, tokens."""

from datetime import datetime
from email import message_from_bytes, policy

import pytest
from django.core import mail as django_mail

from forewarn.delivery import outbox, sender, tokens
from forewarn.delivery.emails import (
    CONTACT,
    PUBLIC,
    NoticeMail,
    Recipient,
    SubscriberRef,
    format_instant,
    sender_for,
    thread_root_id,
)
from forewarn.delivery.models import Audience, Delivery
from forewarn.markup import render_markdown

from .conftest import contact, subscribe

pytestmark = pytest.mark.django_db

ICS_REQUEST = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:planned-1@forewarn.example\r\nSEQUENCE:0\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
ICS_CANCEL = ICS_REQUEST.replace("METHOD:REQUEST", "METHOD:CANCEL").replace(
    "SEQUENCE:0", "SEQUENCE:1"
)


def queue(key="planned:1:v1", thread_key="planned:1", **fields):
    defaults = {
        "kind": "planned.announcement",
        "subject": "Planned maintenance: SMS API",
        "body": "We will **upgrade** the database.",
        "audience": Audience.DIRECT,
        "direct_addresses": ["nobody@example.com"],
        "event_times": {"start": "2026-12-21T09:00:00+00:00"},
    }
    return outbox.queue_notice(key=key, thread_key=thread_key, **(defaults | fields))


def parse(raw: bytes):
    return message_from_bytes(raw, policy=policy.default)


def parts(message) -> dict[str, str]:
    found = {}
    for part in message.walk():
        if part.get_content_maintype() != "multipart":
            name = part.get_filename() or part.get_content_type()
            content = part.get_content()
            found[name] = content if part.get_filename() else content.replace("\r\n", "\n")
    return found


def public_recipient(subscriber, delivery_id=7) -> Recipient:
    ref = SubscriberRef(subscriber.pk, subscriber.channel, subscriber.address)
    return Recipient(subscriber.address, PUBLIC, subscriber.time_zone, ref, delivery_id)


# Times and Markdown --------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "recipient_zone", "expected"),
    [
        (
            "2026-12-21T09:00:00+00:00",
            "America/New_York",
            "Mon 21 Dec 2026 10:00 CET (04:00 EST for you)",
        ),
        ("2026-12-21T09:00:00+00:00", "Europe/Amsterdam", "Mon 21 Dec 2026 10:00 CET"),
        ("2026-12-21T09:00:00+00:00", "", "Mon 21 Dec 2026 10:00 CET"),
        ("2026-12-21T09:00:00+00:00", "Nowhere/Special", "Mon 21 Dec 2026 10:00 CET"),
        (
            "2026-12-20T23:30:00+00:00",
            "Asia/Tokyo",
            "Mon 21 Dec 2026 00:30 CET (08:30 JST for you)",
        ),
        (
            "2026-12-20T16:30:00+00:00",
            "Asia/Tokyo",
            "Sun 20 Dec 2026 17:30 CET (Mon 21 Dec 01:30 JST for you)",
        ),
        (
            "2026-12-21T01:00:00+00:00",
            "America/Los_Angeles",
            "Mon 21 Dec 2026 02:00 CET (Sun 20 Dec 17:00 PST for you)",
        ),
        (
            "2026-07-01T08:00:00+00:00",
            "Europe/London",
            "Wed 1 Jul 2026 10:00 CEST (09:00 BST for you)",
        ),
    ],
)
def test_times_are_shown_in_the_providers_zone_and_the_recipients(
    settings, at, recipient_zone, expected
):
    settings.PROVIDER_TIME_ZONE = "Europe/Amsterdam"
    assert (
        format_instant(datetime.fromisoformat(at), "Europe/Amsterdam", recipient_zone) == expected
    )


def test_markdown_is_rendered_and_sanitised():
    html = render_markdown(
        "**Bold** and [docs](https://docs.example.com)\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))"
    )
    assert "<strong>Bold</strong>" in html
    assert 'href="https://docs.example.com"' in html
    assert "<script>" not in html
    assert 'href="javascript:' not in html


# The message ---------------------------------------------------------------------


def test_public_subscriber_gets_both_parts_list_unsubscribe_and_a_preferences_link(settings):
    settings.SITE_URL = "https://status.example.com"
    subscriber = subscribe("ann@example.com", time_zone="America/New_York")
    n = queue(ics=ICS_REQUEST)
    message = parse(NoticeMail(n).as_bytes(public_recipient(subscriber)))
    assert message["From"] == "Forewarn Demo Cloud <status@forewarn.example>"
    assert message["To"] == "ann@example.com"
    assert message["Subject"] == "Planned maintenance: SMS API"
    assert message["Reply-To"] == tokens.reply_address(n.pk)
    unsubscribe = tokens.unsubscribe_url(subscriber)
    assert unsubscribe.startswith("https://status.example.com/unsubscribe/")
    assert message["List-Unsubscribe"] == (
        f"<{unsubscribe}>, <mailto:{tokens.unsubscribe_address(subscriber)}?subject=unsubscribe>"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = parts(message)
    text, html = body["text/plain"], body["text/html"]
    assert "We will **upgrade** the database." in text
    assert "Start: Mon 21 Dec 2026 10:00 CET (04:00 EST for you)" in text
    assert f"Choose what you receive: {tokens.preferences_url(subscriber)}" in text
    assert f"Unsubscribe: {unsubscribe}" in text
    assert "<strong>upgrade</strong>" in html
    assert f'href="{tokens.preferences_url(subscriber)}"' in html
    assert body["invite.ics"] == ICS_REQUEST
    (invite,) = [p for p in message.walk() if p.get_filename() == "invite.ics"]
    assert invite.get_content_type() == "text/calendar"
    assert invite.get_param("method") == "REQUEST"


def test_contacts_get_no_unsubscribe_links():
    n = queue()
    recipient = Recipient("ops@acme.example", CONTACT, "Asia/Tokyo", None, 9)
    message = parse(NoticeMail(n).as_bytes(recipient))
    assert message["List-Unsubscribe"] is None
    text = parts(message)["text/plain"]
    assert "authorized contact of your organization" in text
    assert "Unsubscribe" not in text
    assert "Start: Mon 21 Dec 2026 10:00 CET (18:00 JST for you)" in text


def test_the_fast_smtp_bytes_say_what_the_django_email_says():
    subscriber = subscribe("ann@example.com", time_zone="Europe/London")
    queue("first")
    n = queue("second", subject="Update: maintenance moved ✓", ics=ICS_CANCEL)
    mail = NoticeMail(n)
    recipient = public_recipient(subscriber, delivery_id=42)
    fast = parse(mail.as_bytes(recipient))
    slow = mail.email_message(recipient).message(policy=policy.SMTP)
    slow = parse(slow.as_bytes())
    for header in (
        "From", "To", "Subject", "Reply-To", "Message-ID", "In-Reply-To", "References",
        "List-Unsubscribe", "List-Unsubscribe-Post", "List-Id", "Auto-Submitted",
    ):  # fmt: skip
        assert " ".join(str(fast[header]).split()) == " ".join(str(slow[header]).split()), header
    assert parts(fast) == parts(slow)
    (invite,) = [p for p in slow.walk() if p.get_filename() == "invite.ics"]
    assert invite.get_param("method") == "CANCEL"


def test_notices_of_one_thread_share_a_thread_root_message_id():
    first, second = queue("planned:1:v1"), queue("planned:1:v2", subject="Reminder")
    other = queue("planned:2:v1", thread_key="planned:2")
    root = thread_root_id("planned:1")
    a = Recipient("a@example.com", CONTACT, "", None, 101)
    b = Recipient("b@example.com", CONTACT, "", None, 102)
    first_a = parse(NoticeMail(first).as_bytes(a))
    second_a, second_b = (
        parse(NoticeMail(second).as_bytes(a)),
        parse(NoticeMail(second).as_bytes(b)),
    )
    assert first_a["Message-ID"] == root
    assert first_a["In-Reply-To"] is None
    assert second_a["In-Reply-To"] == second_a["References"] == root
    assert second_a["Message-ID"] != second_b["Message-ID"]
    assert second_a["Message-ID"].startswith("<d101.")
    assert parse(NoticeMail(other).as_bytes(a))["Message-ID"] == thread_root_id("planned:2") != root


def test_operators_can_override_the_templates(settings, tmp_path):
    folder = tmp_path / "delivery" / "email"
    folder.mkdir(parents=True)
    (folder / "notice.txt").write_text(
        "ACME NOTICE: {{ subject }}{% if unsubscribe_url %} | {{ unsubscribe_url }}{% endif %}"
    )
    (folder / "notice.html").write_text("<p>ACME: {{ subject }}</p>")
    settings.TEMPLATES = [
        settings.TEMPLATES[0] | {"DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    subscriber = subscribe("ann@example.com")
    n = queue()
    body = parts(parse(NoticeMail(n).as_bytes(public_recipient(subscriber))))
    assert (
        body["text/plain"]
        == f"ACME NOTICE: Planned maintenance: SMS API | {tokens.unsubscribe_url(subscriber)}\n"
    )
    assert body["text/html"] == "<p>ACME: Planned maintenance: SMS API</p>\n"


# Tokens --------------------------------------------------------------------------


def test_subscriber_tokens_name_their_subscriber_and_purpose_only():
    ann, bob = subscribe("ann@example.com"), subscribe("bob@example.com")
    token = tokens.unsubscribe_token(ann)
    assert tokens.subscriber_from_token(token, "unsubscribe") == ann
    assert tokens.subscriber_from_token(token.upper(), "unsubscribe") == ann
    assert tokens.subscriber_from_token(token, "preferences") is None
    bob_token = tokens.unsubscribe_token(bob)
    forged = f"{bob_token.split('-')[0]}-{token.split('-')[1]}"  # bob's id, ann's signature
    assert tokens.subscriber_from_token(forged, "unsubscribe") is None
    assert tokens.subscriber_from_token("garbage", "unsubscribe") is None
    assert tokens.subscriber_from_token("", "unsubscribe") is None
    prefs = tokens.preferences_url(ann).rsplit("/", 1)[1]
    assert tokens.subscriber_from_token(prefs, "preferences") == ann
    ann.address = "ann.new@example.com"
    ann.save()
    assert tokens.subscriber_from_token(token, "unsubscribe") is None  # bound to the address
    assert tokens.subscriber_from_unsubscribe_address(tokens.unsubscribe_address(ann)) == ann


def test_reply_to_names_the_notice_even_lowercased_and_cannot_be_forged(settings):
    settings.FOREWARN_SUPPORT_EMAIL = "Help Desk <help+desk@acme.example>"
    n = queue()
    address = tokens.reply_address(n.pk)
    assert address.startswith("help+n") and address.endswith("@acme.example")
    assert tokens.notice_from_reply_address(address) == n
    assert tokens.notice_from_reply_address(f"Support <{address.upper()}>") == n
    assert tokens.notice_from_reply_address(address.replace("+n", "+n1")) is None
    assert tokens.notice_from_reply_address("help@acme.example") is None


# End to end over SMTP -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_notice_reaches_everyone_over_one_kept_open_smtp_connection_per_thread(smtp, components):
    voice = components["voice"]
    for i in range(40):
        subscribe(f"user{i}@example.com", components=[voice])
    contact("ops@acme.example", components=[voice], time_zone="Asia/Tokyo")
    n = outbox.queue_notice(
        key="incident:5:update:1",
        thread_key="incident:5",
        kind="incident.update",
        subject="Degraded performance: Voice",
        body="Calls may drop.",
        audience=Audience.EVERYONE,
        components=[voice],
    )
    assert sender.send_due() == 41
    assert smtp.stats()["count"] == 41
    assert smtp.stats()["connections"] <= 4  # FAST tuning: 4 sending threads
    by_address = {m["To"]: m for m in smtp.parsed()}
    assert by_address["ops@acme.example"]["List-Unsubscribe"] is None
    assert by_address["user3@example.com"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert set(Delivery.objects.filter(notice=n).values_list("status", flat=True)) == {"sent"}
    assert (
        Delivery.objects.get(address="user3@example.com").message_id
        == by_address["user3@example.com"]["Message-ID"]
    )


def test_other_email_backends_get_a_django_email(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    subscriber = subscribe("ann@example.com")
    n = outbox.queue_notice(
        key="k",
        thread_key="t",
        kind="k",
        subject="Hello",
        body="Hi",
        audience=Audience.PUBLIC,
        ics=ICS_REQUEST,
    )
    assert sender.send_due() == 1
    (email,) = django_mail.outbox
    assert email.to == ["ann@example.com"]
    assert email.reply_to == [tokens.reply_address(n.pk)]
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email.extra_headers["Message-ID"] == thread_root_id("t")
    assert email.alternatives[0].mimetype == "text/html"
    assert tokens.unsubscribe_url(subscriber) in email.body
    message = parse(email.message().as_bytes())
    assert parts(message)["invite.ics"] == ICS_REQUEST


def test_each_kind_of_notice_may_have_its_own_sender(settings):
    settings.FOREWARN_NOTICE_SENDERS = {
        "release": "Releases <releases@example.com>",
        "release.security": "Security <security@example.com>",
    }
    assert sender_for("release.minor") == "Releases <releases@example.com>"
    assert sender_for("release.security") == "Security <security@example.com>"
    assert sender_for("planned.announcement") == settings.DEFAULT_FROM_EMAIL
