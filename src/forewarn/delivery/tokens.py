"""Signed, unguessable tokens for the links and addresses a recipient gets in a notice.

A token names a row (subscriber or notice) and carries an HMAC of it keyed by
SECRET_KEY with one salt per purpose, so an unsubscribe token cannot be used as
a preferences token, nor a token be made up.  Tokens never expire: an
unsubscribe link in a years-old email must still work (RFC 8058).  They are
lowercase ``[0-9a-z-]`` only, because mail systems may lowercase the local part
of the Reply-To address and URLs are copied by hand.

    unsubscribe:   {SITE_URL}/unsubscribe/<token>
    preferences:   {SITE_URL}/preferences/<token>
    reply-to:      support+n<token>@domain
"""

import hashlib
import hmac
from email.utils import parseaddr
from functools import lru_cache

from django.conf import settings

from forewarn.delivery.models import Notice, Subscriber

SALT = "forewarn.delivery.tokens."
DIGEST_CHARS = 24  # 96 bits of the HMAC, hex
UNSUBSCRIBE = "unsubscribe"
PREFERENCES = "preferences"
REPLY = "reply"


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if number == 0:
            return text


def _digest(purpose: str, value: str) -> str:
    """Django's ``salted_hmac`` (sha256) with the derived key cached: tokens are made per message."""
    if not purpose:
        raise ValueError("A token needs a purpose (e.g. 'unsubscribe').")
    key = _key(SALT + purpose, settings.SECRET_KEY)
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:DIGEST_CHARS]


@lru_cache(maxsize=32)
def _key(key_salt: str, secret: str) -> bytes:
    return hashlib.sha256((key_salt + secret).encode()).digest()


def _parse(token: str) -> tuple[int, str] | None:
    """Split ``<pk base36>-<digest>``; None when the shape is wrong."""
    head, sep, digest = (token or "").strip().lower().partition("-")
    if not sep or not head or len(head) > 13 or len(digest) != DIGEST_CHARS:
        return None
    try:
        return int(head, 36), digest
    except ValueError:
        return None


# Subscribers -------------------------------------------------------------


def subscriber_token(subscriber, purpose: str) -> str:
    """A token for ``purpose`` naming ``subscriber``; bound to its address, so it dies with a re-used id."""
    value = f"{subscriber.pk}:{subscriber.channel}:{subscriber.address.lower()}"
    return f"{_base36(subscriber.pk)}-{_digest(purpose, value)}"


def unsubscribe_token(subscriber) -> str:
    return subscriber_token(subscriber, UNSUBSCRIBE)


def subscriber_from_token(token: str, purpose: str) -> Subscriber | None:
    """The Subscriber the token was made for with this ``purpose``, or None (bad, forged or gone)."""
    parsed = _parse(token)
    if parsed is None:
        return None
    pk, digest = parsed
    subscriber = Subscriber.objects.filter(pk=pk).first()
    if subscriber is None:
        return None
    if not hmac.compare_digest(subscriber_token(subscriber, purpose).partition("-")[2], digest):
        return None
    return subscriber


def unsubscribe_url(subscriber, *, token: str = "") -> str:
    """The one-click unsubscribe link (RFC 8058 target of List-Unsubscribe)."""
    return f"{settings.SITE_URL}/unsubscribe/{token or unsubscribe_token(subscriber)}"


def preferences_url(subscriber) -> str:
    """The link to the subscriber's preferences page (components, time zone)."""
    return f"{settings.SITE_URL}/preferences/{subscriber_token(subscriber, PREFERENCES)}"


def unsubscribe_address(subscriber, *, token: str = "") -> str:
    """``support+u<token>@domain``: the mailto target of List-Unsubscribe (RFC 2369)."""
    local, domain = _support_parts(settings.FOREWARN_SUPPORT_EMAIL)
    return f"{local}+u{token or unsubscribe_token(subscriber)}@{domain}"


def subscriber_from_unsubscribe_address(address: str):
    """The Subscriber an unsubscribe email was sent for (its To address), or None."""
    tag = _tag(address)
    if not tag.lower().startswith("u"):
        return None
    return subscriber_from_token(tag[1:], UNSUBSCRIBE)


# Notices (Reply-To) ------------------------------------------------------


def notice_reply_token(notice_pk: int) -> str:
    return f"{_base36(notice_pk)}-{_digest(REPLY, str(notice_pk))}"


def reply_address(notice_pk: int) -> str:
    """``support+n<token>@domain``: replies to a notice come back to support, naming the notice."""
    local, domain = _support_parts(settings.FOREWARN_SUPPORT_EMAIL)
    return f"{local}+n{notice_reply_token(notice_pk)}@{domain}"


def notice_from_reply_address(address: str) -> Notice | None:
    """The Notice a reply was sent to (from its To/Delivered-To address), or None."""
    tag = _tag(address)
    if not tag.lower().startswith("n"):
        return None
    parsed = _parse(tag[1:])
    if parsed is None:
        return None
    pk, digest = parsed
    if not hmac.compare_digest(_digest(REPLY, str(pk)), digest):
        return None
    return Notice.objects.filter(pk=pk).first()


def _tag(address: str) -> str:
    """The part after '+' in the local part of an address ('' when none)."""
    local = parseaddr(address or "")[1].rpartition("@")[0]
    return local.partition("+")[2]


@lru_cache(maxsize=4)
def _support_parts(support_email: str) -> tuple[str, str]:
    """The local part (without any +tag) and the domain of FOREWARN_SUPPORT_EMAIL."""
    address = parseaddr(support_email)[1]
    if "@" not in address:
        raise ValueError(f"FOREWARN_SUPPORT_EMAIL is not an email address: {support_email!r}")
    local, _, domain = address.rpartition("@")
    return local.partition("+")[0], domain
