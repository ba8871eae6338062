"""What operators do with subscribers: add webhooks and addresses, disable, enable, delete, test.

One transaction each, written to the record with the operator as actor.
"""

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone

from forewarn.catalog.models import Component
from forewarn.record.kinds import Kind
from forewarn.record.services import append

from . import destinations, outbox, subscriptions
from .channels import webhook_rules
from .models import Audience, Channel, Notice, Subscriber, WebhookFormat


def webhook_url(url: str) -> str:
    """``url`` if a webhook may be sent there: https to a name whose every address is public.

    The name is resolved here, and again before every request (``destinations``), so a
    name that resolves to a loopback, private, link-local or metadata address is refused
    now and cannot be sent to later.  Plain http and this machine's addresses only with
    ``FOREWARN_WEBHOOKS_TO_LOOPBACK`` (tests and development).
    """
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
        destination = destinations.parse(url)
    except ValidationError:
        raise ValidationError({"url": f"'{url}' is not an http(s) URL."}) from None
    except ValueError as exc:
        raise ValidationError({"url": str(exc)}) from None
    rules = webhook_rules()
    local = rules.allow_loopback and destinations.is_this_machine(destination.host)
    if destination.scheme != "https" and not local:
        raise ValidationError(
            {
                "url": "Webhook URLs must use https (http only to this machine, "
                "with FOREWARN_WEBHOOKS_TO_LOOPBACK on)."
            }
        )
    try:
        destinations.resolve(destination, rules)
    except destinations.NotAllowed as exc:
        raise ValidationError({"url": str(exc)}) from None
    except OSError:
        raise ValidationError(
            {"url": f"'{destination.host}' does not resolve to an address; check the name."}
        ) from None
    return url


def add_email_subscriber(
    email: str,
    *,
    components: Iterable[Component] = (),
    time_zone: str = "",
    confirmed: bool = False,
    reason: str = "",
    actor: str,
) -> tuple[Subscriber, bool]:
    """An operator adds an address: double opt-in, unless ``confirmed`` with a recorded reason.

    Returns the subscriber and whether it was created.
    """
    address = subscriptions.normalized_email(email)
    subscriptions.check_time_zone(time_zone)
    reason = (reason or "").strip()
    if confirmed and not reason:
        raise ValidationError(
            {
                "reason": "Say why the address may skip double opt-in (e.g. 'signed contract 2024-17')."
            }
        )
    existed = Subscriber.objects.filter(channel=Channel.EMAIL, address__iexact=address).exists()
    if not confirmed:
        subscriptions.subscribe(address, components=components, time_zone=time_zone, actor=actor)
        return Subscriber.objects.get(channel=Channel.EMAIL, address__iexact=address), not existed
    with transaction.atomic():
        subscriber = subscriptions.locked_email_subscriber(address)
        subscriber.confirmed_at = timezone.now()
        subscriber.unsubscribed_at = None
        subscriber.disabled_at = None
        subscriber.disabled_reason = ""
        subscriber.time_zone = time_zone
        subscriber.save()
        subscriber.components.set(components)
        subscriptions.record(
            Kind.SUBSCRIBER_CONFIRMED_BY_OPERATOR,
            subscriber,
            actor,
            f"Added as confirmed by {actor}: {reason}",
            {"reason": reason},
        )
    return subscriber, not existed


def add_webhook_subscriber(
    url: str,
    *,
    owner_email: str,
    channel: str = Channel.WEBHOOK,
    components: Iterable[Component] = (),
    actor: str,
    payload_format: str = WebhookFormat.STANDARD,
) -> Subscriber:
    """A webhook (signed, Standard Webhooks) or chat webhook, active at once; the secret is on it.

    A webhook's ``payload_format`` is Standard Webhooks' own or Statuspage's (``WebhookFormat``).
    """
    if channel not in (Channel.WEBHOOK, Channel.CHAT):
        raise ValidationError({"channel": "Use 'webhook' or 'chat'."})
    if payload_format not in WebhookFormat.values:
        raise ValidationError({"payload_format": f"Use one of {', '.join(WebhookFormat.values)}."})
    if channel == Channel.CHAT and payload_format != WebhookFormat.STANDARD:
        raise ValidationError(
            {
                "payload_format": "A chat webhook takes the chat's own format; formats are for webhooks."
            }
        )
    url = webhook_url(url)
    try:
        validate_email(owner_email)
    except ValidationError:
        raise ValidationError(
            {"owner_email": f"'{owner_email}' is not an email address."}
        ) from None
    if Subscriber.objects.filter(channel=channel, address__iexact=url).exists():
        raise ValidationError({"url": f"A {channel} subscriber with this URL exists already."})
    with transaction.atomic():
        subscriber = Subscriber(
            channel=channel,
            address=url,
            owner_email=owner_email,
            confirmed_at=timezone.now(),
            payload_format=payload_format,
        )
        if channel == Channel.CHAT:
            subscriber.secret = ""  # Slack-compatible chat webhooks are not signed.
        subscriber.save()
        subscriber.components.set(components)
        subscriptions.record(
            Kind.SUBSCRIBER_WEBHOOK_ADDED, subscriber, actor, f"{channel} subscriber {url} added."
        )
    return subscriber


def disable(subscriber: Subscriber, *, reason: str, actor: str) -> Subscriber:
    """Stop sending to the subscriber until an operator enables it again."""
    reason = (reason or "").strip() or f"Disabled by {actor}."
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.disabled_at is None:
            subscriber.disabled_at = timezone.now()
            subscriber.disabled_reason = reason[:300]
            subscriber.save(update_fields=["disabled_at", "disabled_reason"])
            subscriptions.record(Kind.SUBSCRIBER_DISABLED, subscriber, actor, reason)
    return subscriber


def enable(subscriber: Subscriber, *, actor: str) -> Subscriber:
    """Send to the subscriber again, with its failure count reset."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.disabled_at is not None:
            subscriber.disabled_at = None
            subscriber.disabled_reason = ""
            subscriber.consecutive_failures = 0
            subscriber.save(
                update_fields=["disabled_at", "disabled_reason", "consecutive_failures"]
            )
            subscriptions.record(
                Kind.SUBSCRIBER_ENABLED, subscriber, actor, f"Enabled again by {actor}."
            )
    return subscriber


def delete(subscriber: Subscriber, *, actor: str) -> None:
    """Remove the subscriber; its deliveries stay in the log with their address."""
    with transaction.atomic():
        subscriptions.record(Kind.SUBSCRIBER_DELETED, subscriber, actor, f"{subscriber} deleted.")
        subscriber.delete()


def send_test_notice(
    *,
    subject: str = "",
    body: str = "",
    addresses: Iterable[str] = (),
    subscribers: Iterable[Subscriber] = (),
    actor: str,
) -> Notice:
    """Queue a test notice to the given addresses and email subscribers, or to every active subscriber.

    With neither, it goes to the public audience with no component: every active
    subscriber on every channel, with their unsubscribe links, as a real notice would.
    """
    try:
        addresses = [subscriptions.normalized_email(a) for a in addresses]
    except ValidationError as exc:
        raise ValidationError({"addresses": exc.message_dict["email"]}) from None
    direct = [*addresses, *(s.address for s in subscribers if s.channel == Channel.EMAIL)]
    audience = Audience.DIRECT if direct else Audience.PUBLIC
    if (
        audience == Audience.PUBLIC
        and not Subscriber.objects.filter(subscriptions.STATES["active"]).exists()
    ):
        raise ValidationError(
            {"addresses": "Nobody to send to: give addresses, or wait for an active subscriber."}
        )
    with transaction.atomic():
        notice = outbox.queue_notice(
            key=f"test:{uuid.uuid4().hex}",
            thread_key=f"test:{uuid.uuid4().hex}",
            kind=subscriptions.KIND_TEST,
            subject=subject or f"Test notice from {settings.PAGE_NAME}",
            body=body
            or f"This is a test of the notices of {settings.PAGE_NAME}, sent by {actor}. "
            "Nothing has happened.",
            audience=audience,
            components=[],
            direct_addresses=direct,
            created_by=actor,
        )
        recipients = notice.deliveries.count()
        append(
            Kind.NOTICE_TEST_QUEUED,
            subject=notice,
            actor=actor,
            description=f"Test notice queued to {recipients} recipient(s).",
            details={"audience": audience, "recipients": recipients},
        )
    return notice
