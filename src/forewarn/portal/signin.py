"""Signing in to the portal with an emailed one-time link, and the portal's own sessions.

``request_link`` answers the caller with an ``Outcome`` for tests and logs only: the page
shows the same words whatever it returns, so nobody learns whether an address belongs to a
contact. A link is a random secret of which only the SHA-256 digest is kept; it expires after
``LINK_MINUTES`` and works once: ``sign_in`` claims it with one conditional UPDATE, so two
clicks racing each other cannot both sign in. The mail goes through the outbox (a direct
notice), like every mail Forewarn sends; its body is withheld from staff, and the link in it
is struck out once it is used or expired (``purge``).

A portal session is a second random secret in its own cookie (``COOKIE``, path ``/portal/``),
kept as a digest in ``PortalSession``: nothing of it is in Django's staff session, and
signing out of one does nothing to the other.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

from forewarn import mailboxes
from forewarn.catalog.models import AuthorizedContact
from forewarn.delivery.models import Audience, Notice
from forewarn.delivery.outbox import queue_notice
from forewarn.record.kinds import Kind
from forewarn.record.services import append

from .models import PortalSession, SignInLink, digest

LINK_MINUTES = 15
# Links per address within the window; more are refused quietly (the page says the same).
ADDRESS_LIMIT = 5
ADDRESS_WINDOW = timedelta(hours=1)
# Requests per client address (any email) within the window, counted in the shared cache.
CLIENT_LIMIT = 20
CLIENT_WINDOW = timedelta(minutes=10)
SESSION_HOURS = 8
IDLE_MINUTES = 60
SEEN_EVERY = timedelta(minutes=1)
COOKIE = "forewarn_portal"
KIND_LINK = "portal.sign_in_link"
STRUCK = "(This sign-in link was used or has expired.)"


class Outcome(StrEnum):
    SENT = "sent"
    UNKNOWN = "unknown"  # no active contact has this address: nothing is sent
    RATE_LIMITED = "rate_limited"


class InvalidLink(Exception):
    """A sign-in link that is unknown, used or expired; the message says which and what to do."""


@dataclass(frozen=True)
class Started:
    session: PortalSession
    raw: str  # the cookie's value: shown once, never stored


def _address_key(address: str) -> str:
    return hashlib.blake2s(address.encode(), digest_size=10).hexdigest()


def client_allowed(client_ip: str) -> bool:
    """Count one link request from ``client_ip``; False once it made too many in the window
    (the "shared" cache, so every web process sees the same count)."""
    if not client_ip:
        return True
    cache = caches["shared"]
    window = int(CLIENT_WINDOW.total_seconds())
    bucket = int(timezone.now().timestamp()) // window
    key = f"forewarn:portal:client:{_address_key(client_ip)}:{bucket}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return count <= CLIENT_LIMIT


def request_link(email: str, *, client_ip: str = "") -> Outcome:
    """Mail a sign-in link to ``email`` if it is an active contact's (one per organization it
    is a contact of), at most ``ADDRESS_LIMIT`` an hour per address and ``CLIENT_LIMIT`` requests
    per client in ``CLIENT_WINDOW``."""
    address = mailboxes.comparable(email or "")
    if "@" not in address:
        return Outcome.UNKNOWN
    if not client_allowed(client_ip):
        return Outcome.RATE_LIMITED
    now = timezone.now()
    with transaction.atomic():
        # Locking the contacts serialises two requests for one address (the limit holds).
        contacts = list(
            AuthorizedContact.objects.select_for_update(of=("self",))
            .select_related("organization")
            .with_mailbox(address)
            .filter(is_active=True)
            .order_by("organization__name", "pk")
        )
        if not contacts:
            return Outcome.UNKNOWN
        recent = SignInLink.objects.filter(
            contact__in=contacts, created_at__gte=now - ADDRESS_WINDOW
        ).count()
        if recent >= ADDRESS_LIMIT:
            return Outcome.RATE_LIMITED
        expires = now + timedelta(minutes=LINK_MINUTES)
        lines = []
        for contact in contacts:
            raw = secrets.token_urlsafe(32)
            SignInLink.objects.create(
                contact=contact, key_digest=digest(raw), created_at=now, expires_at=expires
            )
            lines.append(f"{contact.organization.name}:\n\n<{link_url(raw)}>")
        key = _address_key(address)
        notice = queue_notice(
            key=f"portal:signin:{key}:{secrets.token_hex(8)}",
            thread_key=f"portal:signin:{key}",
            kind=KIND_LINK,
            subject=f"Your sign-in link to the {settings.PAGE_NAME} customer portal",
            body=(
                f"Someone, hopefully you, asked to sign in to the {settings.PAGE_NAME} customer "
                f"portal with this address. Open the link within {LINK_MINUTES} minutes; it "
                "works once.\n\n"
                + "\n\n".join(lines)
                + "\n\nIf you did not ask for this, ignore this message: nobody can sign in "
                "without the link."
            ),
            audience=Audience.DIRECT,
            direct_addresses=[contacts[0].email],
            created_by="portal",
        )
        SignInLink.objects.filter(contact__in=contacts, created_at=now, notice__isnull=True).update(
            notice=notice
        )
    return Outcome.SENT


def link_url(raw: str) -> str:
    return f"{settings.SITE_URL}/portal/sign-in/{raw}/"


def issue_link(contact: AuthorizedContact) -> str:
    """A link for ``contact`` without mail (the demo prints it); the raw link is returned."""
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    SignInLink.objects.create(
        contact=contact,
        key_digest=digest(raw),
        created_at=now,
        expires_at=now + timedelta(minutes=LINK_MINUTES),
    )
    return link_url(raw)


def check_link(raw: str) -> SignInLink:
    """The link ``raw`` names if it can still be used; ``InvalidLink`` saying why not."""
    link = (
        SignInLink.objects.select_related("contact__organization")
        .filter(key_digest=digest(raw or ""))
        .first()
    )
    if link is None:
        raise InvalidLink("This sign-in link is not valid; check it was copied whole.")
    if link.used_at is not None:
        raise InvalidLink("This sign-in link was used already: each link works once.")
    if link.expires_at <= timezone.now():
        raise InvalidLink(f"This sign-in link has expired: links work for {LINK_MINUTES} minutes.")
    if not link.contact.is_active:
        raise InvalidLink("This address is no longer an active contact.")
    return link


@transaction.atomic
def sign_in(raw: str) -> Started:
    """Use the link once and start a portal session; ``InvalidLink`` when it cannot be used."""
    link = check_link(raw)
    now = timezone.now()
    claimed = SignInLink.objects.filter(
        pk=link.pk, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if not claimed:  # used by a concurrent click between the check and the claim
        raise InvalidLink("This sign-in link was used already: each link works once.")
    _strike(link)
    contact = link.contact
    session_key = secrets.token_urlsafe(32)
    session = PortalSession.objects.create(
        contact=contact,
        key_digest=digest(session_key),
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=SESSION_HOURS),
    )
    append(
        Kind.PORTAL_SESSION_STARTED,
        subject=session,
        actor=contact.email,
        contact=contact.name,
        description=f"{contact.email} ({contact.organization.name}) signed in to the portal.",
        details={"organization": contact.organization.slug, "contact": contact.email},
    )
    return Started(session, session_key)


def session_of(raw: str | None) -> PortalSession | None:
    """The live session the cookie names (its idle clock moved on), or None."""
    if not raw:
        return None
    session = (
        PortalSession.objects.select_related("contact__organization")
        .filter(key_digest=digest(raw), ended_at__isnull=True)
        .first()
    )
    now = timezone.now()
    if (
        session is None
        or session.expires_at <= now
        or now - session.last_seen_at > timedelta(minutes=IDLE_MINUTES)
        or not session.contact.is_active
    ):
        return None
    if now - session.last_seen_at >= SEEN_EVERY:
        PortalSession.objects.filter(pk=session.pk).update(last_seen_at=now)
    return session


@transaction.atomic
def sign_out(session: PortalSession) -> None:
    if PortalSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(
        ended_at=timezone.now()
    ):
        contact = session.contact
        append(
            Kind.PORTAL_SESSION_ENDED,
            subject=session,
            actor=contact.email,
            contact=contact.name,
            description=f"{contact.email} ({contact.organization.name}) signed out of the portal.",
            details={"organization": contact.organization.slug, "contact": contact.email},
        )


def _strike(link: SignInLink) -> None:
    """Take the link out of its mail's stored body (the outbox keeps the rest as evidence)."""
    if link.notice_id is None:
        return
    notice = Notice.objects.select_for_update().get(pk=link.notice_id)
    body = notice.body
    start = body.find("/portal/sign-in/")
    while start != -1:
        end = body.find(">", start)
        begin = body.rfind("<", 0, start)
        body = body[:begin] + STRUCK + body[end + 1 :]
        start = body.find("/portal/sign-in/")
    Notice.objects.filter(pk=notice.pk).update(body=body)


def purge(now=None) -> int:
    """Strike expired links out of their mails and forget links and sessions a day after they
    ended; returns how many rows went."""
    now = now or timezone.now()
    stale = now - timedelta(days=1)
    for link in SignInLink.objects.filter(expires_at__lt=now, used_at__isnull=True).exclude(
        notice=None
    ):
        with transaction.atomic():
            _strike(link)
            # Its mail is struck: the links it carried need not be looked at again.
            SignInLink.objects.filter(notice_id=link.notice_id).update(notice=None)
    links = SignInLink.objects.filter(expires_at__lt=stale).delete()[0]
    sessions = PortalSession.objects.filter(expires_at__lt=stale).delete()[0]
    return links + sessions
