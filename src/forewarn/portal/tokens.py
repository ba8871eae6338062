"""Authorized contacts' own API tokens (``fwp_…``): created and revoked by the contact in the
portal, the secret shown once, only its digest kept.

A contact token opens the contact operations of the support API (``/api/v1/contact/``), for
its contact's organization only. Staff operations refuse it with 403 saying so
(``refusal_on_staff_operations``, registered with ``api.auth``); a staff token is refused on
the contact operations the same way (``api.ContactTokenAuth``).
"""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from forewarn.catalog.models import AuthorizedContact
from forewarn.record.kinds import Kind
from forewarn.record.services import append

from .models import ContactToken, digest

PREFIX = "fwp_"
NAME_MAX = 100
STAFF_REFUSAL = (
    "This is an authorized contact's token: it opens only the contact operations of the "
    "support API (/api/v1/contact/), for its own organization."
)


@transaction.atomic
def issue(contact: AuthorizedContact, *, name: str = "") -> tuple[ContactToken, str]:
    """A new token for ``contact``; returns it with the raw secret, which is not stored."""
    name = " ".join((name or "").split())
    if len(name) > NAME_MAX:
        raise ValidationError({"name": f"At most {NAME_MAX} characters."})
    if not contact.is_active:
        raise ValidationError({"contact": f"{contact.email} is no longer an active contact."})
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ContactToken.objects.create(
        contact=contact, name=name, prefix=raw[:10], key_digest=digest(raw)
    )
    _record(Kind.CONTACT_TOKEN_CREATED, token, "created")
    return token, raw


@transaction.atomic
def revoke(contact: AuthorizedContact, token_id: int) -> ContactToken:
    """Revoke one of ``contact``'s own tokens (another's is not found: ``DoesNotExist``)."""
    token = ContactToken.objects.select_for_update().get(pk=token_id, contact=contact)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        _record(Kind.CONTACT_TOKEN_REVOKED, token, "revoked")
    return token


def authenticate(raw: str) -> AuthorizedContact | None:
    """The active contact behind a live contact token, or None."""
    if not raw.startswith(PREFIX):
        return None
    token = (
        ContactToken.objects.select_related("contact__organization")
        .filter(key_digest=digest(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.contact.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ContactToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.contact


def refusal_on_staff_operations(raw: str) -> str | None:
    """Why a staff operation refuses this token (a live contact token), else None."""
    return STAFF_REFUSAL if authenticate(raw) is not None else None


def _record(kind: Kind, token: ContactToken, verb: str) -> None:
    contact = token.contact
    append(
        kind,
        subject=token,
        actor=contact.email,
        contact=contact.name,
        description=f"{contact.email} ({contact.organization.name}) {verb} API token {token.prefix}….",
        details={
            "organization": contact.organization.slug,
            "contact": contact.email,
            "prefix": token.prefix,
            "name": token.name,
        },
    )
