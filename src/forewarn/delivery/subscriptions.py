"""Subscribing, confirming, preferences, unsubscribing and webhook subscribers (docs/product.md S6).

Each operation is one transaction that writes the record; mail goes out through the
outbox (a notice with the direct audience), never from here.  ``subscribe`` answers
the caller with an ``Outcome`` for tests and logs only: pages must show the same
thing whatever it returns, so nobody can learn whether an address is subscribed.
"""

import hashlib
import uuid
from collections.abc import Iterable
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.core import signing
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from forewarn import mailboxes
from forewarn.calendars.models import validate_time_zone
from forewarn.catalog.models import Component
from forewarn.record.kinds import Kind
from forewarn.record.services import append

from . import outbox, tokens
from .models import Audience, Channel, Notice, Subscriber

# Abuse limits: confirmation mails per address, subscribe requests per client.
ADDRESS_LIMIT = 3
ADDRESS_WINDOW = timedelta(hours=1)
CLIENT_LIMIT = 20
CLIENT_WINDOW = timedelta(minutes=10)
CONFIRM_MAX_AGE = timedelta(days=7)
CONFIRM_SALT = "forewarn.delivery.confirm"
CONFIRM = "confirm"
# Kinds of the notices this module queues; the per-address limit counts them.
KIND_CONFIRM = "subscription.confirm"
KIND_ALREADY = "subscription.already_subscribed"
KIND_TEST = "test"
# Their bodies carry a subscriber's own links: the log shows that they were sent, not the links.
# The portal's sign-in links ("portal.sign_in_link", forewarn.portal.signin) are personal too.
PERSONAL_KINDS = {KIND_CONFIRM, KIND_ALREADY, "portal.sign_in_link"}


class Outcome(StrEnum):
    CONFIRMATION_SENT = "confirmation_sent"
    ALREADY_SUBSCRIBED = "already_subscribed"  # a mail with the preferences link went out
    RATE_LIMITED = "rate_limited"
    IGNORED = "ignored"  # disabled by an operator: nothing is sent


class InvalidLink(Exception):
    """A confirmation, preferences or unsubscribe link that is forged, expired or no longer valid."""


# --- states -----------------------------------------------------------------

STATES = {
    "pending": Q(confirmed_at__isnull=True, unsubscribed_at__isnull=True, disabled_at__isnull=True),
    "active": Q(confirmed_at__isnull=False, unsubscribed_at__isnull=True, disabled_at__isnull=True),
    "unsubscribed": Q(unsubscribed_at__isnull=False, disabled_at__isnull=True),
    "disabled": Q(disabled_at__isnull=False),
}


def state_of(subscriber: Subscriber) -> str:
    """pending, active, unsubscribed or disabled."""
    if subscriber.disabled_at:
        return "disabled"
    if subscriber.unsubscribed_at:
        return "unsubscribed"
    return "active" if subscriber.confirmed_at else "pending"


# --- input checks -----------------------------------------------------------


def normalized_email(email: str) -> str:
    """One spelling per mailbox (``mailboxes.canonical``: the domain lowercased, IDNA ASCII);
    ValidationError naming the field when it is not an address."""
    address = BaseUserManager.normalize_email((email or "").strip())
    try:
        validate_email(address)
        address = mailboxes.canonical(address)
    except (ValidationError, ValueError):
        raise ValidationError({"email": f"'{email}' is not an email address."}) from None
    if len(address) > 254:
        raise ValidationError({"email": "An email address has at most 254 characters."})
    return address


def check_time_zone(time_zone: str) -> str:
    if time_zone:
        try:
            validate_time_zone(time_zone)
        except ValidationError as exc:
            raise ValidationError({"time_zone": exc.messages}) from None
    return time_zone


# --- rate limits ------------------------------------------------------------


def client_allowed(client_ip: str) -> bool:
    """Count one subscribe request from ``client_ip``; False once it made too many in the window.

    Counted in the "shared" cache (a database table by default), so every web
    process sees the same count.
    """
    cache = caches["shared"]
    if not client_ip:
        return True
    window = int(CLIENT_WINDOW.total_seconds())
    bucket = int(timezone.now().timestamp()) // window
    digest = hashlib.blake2s(client_ip.encode(), digest_size=12).hexdigest()
    key = f"forewarn:subscribe:client:{digest}:{bucket}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return count <= CLIENT_LIMIT


def mails_sent_recently(address: str) -> int:
    """Subscription mails queued to ``address`` within the address window (counted in the database)."""
    return Notice.objects.filter(
        thread_key=_thread_key(address),
        kind__in=[KIND_CONFIRM, KIND_ALREADY],
        created_at__gte=timezone.now() - ADDRESS_WINDOW,
    ).count()


# --- public email subscribers ----------------------------------------------


def subscribe(
    email: str,
    *,
    components: Iterable[Component] = (),
    time_zone: str = "",
    client_ip: str = "",
    actor: str = "public",
) -> Outcome:
    """Start (or restart) double opt-in for ``email``; components empty means all of them.

    New, pending and unsubscribed addresses get a link to confirm; an active one gets
    its preferences link instead and keeps its choices, so a stranger cannot change them.
    """
    address = normalized_email(email)
    check_time_zone(time_zone)
    if not client_allowed(client_ip):
        return Outcome.RATE_LIMITED
    with transaction.atomic():
        subscriber = locked_email_subscriber(address)
        if subscriber.disabled_at:
            return Outcome.IGNORED
        if mails_sent_recently(subscriber.address) >= ADDRESS_LIMIT:
            return Outcome.RATE_LIMITED
        if subscriber.is_active:
            _queue_already_subscribed(subscriber, actor)
            return Outcome.ALREADY_SUBSCRIBED
        subscriber.unsubscribed_at = None
        subscriber.confirmed_at = None
        subscriber.time_zone = time_zone
        subscriber.save(update_fields=["unsubscribed_at", "confirmed_at", "time_zone"])
        subscriber.components.set(components)
        _queue_confirmation(subscriber, actor)
        return Outcome.CONFIRMATION_SENT


def locked_email_subscriber(address: str) -> Subscriber:
    found = Subscriber.objects.select_for_update().filter(
        channel=Channel.EMAIL, address__iexact=address
    )
    subscriber = found.first()
    if subscriber is not None:
        return subscriber
    try:
        with transaction.atomic():
            return Subscriber.objects.create(channel=Channel.EMAIL, address=address, secret="")
    except IntegrityError:  # created by a concurrent request since the lookup
        return found.get()


def confirm_token(subscriber: Subscriber) -> str:
    """Signed, bound to the subscriber's id and address, valid for ``CONFIRM_MAX_AGE``."""
    inner = tokens.subscriber_token(subscriber, CONFIRM)
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(inner)


def confirm_url(subscriber: Subscriber) -> str:
    return f"{settings.SITE_URL}/subscribe/confirm/{confirm_token(subscriber)}/"


def subscriber_for_confirmation(token: str) -> Subscriber:
    """The subscriber a confirmation token names; InvalidLink saying why when it cannot be used."""
    try:
        inner = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(token, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        raise InvalidLink(
            "This confirmation link has expired: links are valid for 7 days. "
            "Subscribe again to get a new one."
        ) from None
    except signing.BadSignature:
        raise InvalidLink(
            "This confirmation link is not valid; check it was copied whole."
        ) from None
    subscriber = tokens.subscriber_from_token(inner, CONFIRM)
    if subscriber is None:
        raise InvalidLink("This confirmation link is no longer valid; subscribe again.")
    if subscriber.unsubscribed_at or subscriber.disabled_at:
        raise InvalidLink(
            "This subscription was cancelled since the link was sent; subscribe again."
        )
    return subscriber


def confirm(token: str) -> Subscriber:
    """Activate the subscriber the token names; confirming twice changes nothing."""
    with transaction.atomic():
        subscriber = subscriber_for_confirmation(token)
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.confirmed_at is None:
            subscriber.confirmed_at = timezone.now()
            subscriber.save(update_fields=["confirmed_at"])
            record(Kind.SUBSCRIBER_CONFIRMED, subscriber, "public", "Confirmed by the link sent.")
    return subscriber


def subscriber_from_link(token: str, purpose: str) -> Subscriber:
    """The subscriber of a preferences or unsubscribe link; InvalidLink when forged or gone."""
    subscriber = tokens.subscriber_from_token(token, purpose)
    if subscriber is None:
        raise InvalidLink(
            "This link is not valid: it may have been copied incompletely, "
            "or the subscription no longer exists."
        )
    return subscriber


def update_preferences(
    subscriber: Subscriber,
    *,
    components: Iterable[Component],
    time_zone: str,
    actor: str = "subscriber",
) -> Subscriber:
    """Change what the subscriber hears about (empty: all components) and in which zone."""
    check_time_zone(time_zone)
    components = list(components)
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        subscriber.time_zone = time_zone
        subscriber.save(update_fields=["time_zone"])
        subscriber.components.set(components)
        record(
            Kind.SUBSCRIBER_PREFERENCES_CHANGED,
            subscriber,
            actor,
            "Preferences changed.",
            {"components": sorted(c.slug for c in components), "time_zone": time_zone},
        )
    return subscriber


def unsubscribe(subscriber: Subscriber, *, via: str, actor: str = "subscriber") -> Subscriber:
    """Stop all notices to the subscriber; unsubscribing twice changes nothing."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.unsubscribed_at is None:
            subscriber.unsubscribed_at = timezone.now()
            subscriber.save(update_fields=["unsubscribed_at"])
            record(
                Kind.SUBSCRIBER_UNSUBSCRIBED,
                subscriber,
                actor,
                f"Unsubscribed ({via}).",
                {"via": via},
            )
    return subscriber


def purge_unconfirmed(older_than: timedelta = timedelta(days=30)) -> int:
    """Delete email subscribers who never confirmed; returns how many went."""
    stale = Subscriber.objects.filter(
        STATES["pending"], channel=Channel.EMAIL, created_at__lt=timezone.now() - older_than
    )
    return stale.delete()[1].get("delivery.Subscriber", 0)


# --- helpers ----------------------------------------------------------------


def shown_body(notice: Notice) -> str:
    """The body as staff may read it: personal links of subscription mails are withheld."""
    if notice.kind in PERSONAL_KINDS:
        return "(Withheld: this email carries the recipient's personal links: to confirm, to change preferences or to sign in.)"
    return notice.body


def _thread_key(address: str) -> str:
    """One thread per address (hashed: notices are listed to viewers), kept across re-subscribing."""
    digest = hashlib.blake2s(address.lower().encode(), digest_size=10).hexdigest()
    return f"subscription:{digest}"


def _queue(subscriber: Subscriber, kind: str, subject: str, body: str, actor: str) -> None:
    thread_key = _thread_key(subscriber.address)
    outbox.queue_notice(
        key=f"{thread_key}:{kind}:{uuid.uuid4().hex}",
        thread_key=thread_key,
        kind=kind,
        subject=subject,
        body=body,
        audience=Audience.DIRECT,
        components=[],
        direct_addresses=[subscriber.address],
        created_by=actor,
    )


def _what(subscriber: Subscriber) -> str:
    names = [c.name for c in subscriber.components.all()]
    return "all components" if not names else ", ".join(names)


def _queue_confirmation(subscriber: Subscriber, actor: str) -> None:
    page = settings.PAGE_NAME
    body = (
        f"Someone, hopefully you, asked to receive status updates from {page} "
        f"about {_what(subscriber)} at this address.\n\n"
        f"To confirm, open this link within 7 days:\n\n<{confirm_url(subscriber)}>\n\n"
        "If you did not ask for this, ignore this message: you will receive nothing else."
    )
    _queue(
        subscriber, KIND_CONFIRM, f"Confirm your subscription to {page} status updates", body, actor
    )


def _queue_already_subscribed(subscriber: Subscriber, actor: str) -> None:
    page = settings.PAGE_NAME
    body = (
        f"Someone asked to subscribe this address to {page} status updates. "
        "It is subscribed already, so nothing has changed.\n\n"
        f"To change the components you hear about or your time zone, open your preferences:\n\n"
        f"<{tokens.preferences_url(subscriber)}>\n\n"
        f"To stop receiving updates:\n\n<{tokens.unsubscribe_url(subscriber)}>"
    )
    _queue(subscriber, KIND_ALREADY, f"You are subscribed to {page} status updates", body, actor)


def record(kind: str, subscriber: Subscriber, actor: str, description: str, details=None) -> None:
    append(
        kind,
        subject=subscriber,
        actor=actor,
        contact=subscriber.address
        if subscriber.channel == Channel.EMAIL
        else subscriber.owner_email,
        description=description,
        details={"channel": subscriber.channel, **(details or {})},
    )
