"""Visitors following one incident by email, as Statuspage allows: double opt-in, a link to stop.

The flow is the status page's subscribe flow (``delivery.subscriptions``) for one
incident: ``follow`` queues a confirmation with a signed link valid for 7 days;
``confirm`` activates it; every later customer notice of the incident reaches the
follower (``notices``) with a signed link to ``stop``, which never expires. The page
shows the same answer whatever ``follow`` returns, so nobody learns who follows.
The links are ``/incidents/follow/confirm/<token>/`` and ``/incidents/follow/stop/<token>/``
on the status page.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from forewarn.delivery import outbox
from forewarn.delivery.models import Audience, Notice
from forewarn.delivery.subscriptions import (
    ADDRESS_LIMIT,
    ADDRESS_WINDOW,
    InvalidLink,
    Outcome,
    check_time_zone,
    client_allowed,
    normalized_email,
)
from forewarn.record.kinds import Kind
from forewarn.record.services import append

from .models import Incident, IncidentSubscription

CONFIRM_MAX_AGE = timedelta(days=7)
SALT = "forewarn.incidents.follow"
KIND_CONFIRM = "incident.follow_confirm"


def confirm_url(follower: IncidentSubscription) -> str:
    token = signing.TimestampSigner(salt=f"{SALT}.confirm").sign(str(follower.pk))
    return f"{settings.SITE_URL}/incidents/follow/confirm/{token}/"


def stop_url(follower: IncidentSubscription) -> str:
    """A follower's own link to stop, signed and never expiring (like an unsubscribe link)."""
    token = signing.Signer(salt=f"{SALT}.stop").sign(str(follower.pk))
    return f"{settings.SITE_URL}/incidents/follow/stop/{token}/"


def follow(incident: Incident, email: str, *, time_zone: str = "", client_ip: str = "") -> Outcome:
    """Start double opt-in for ``email`` on one open public incident."""
    if not incident.is_public or not incident.is_open:
        raise ValidationError(
            {"incident": "Only an open incident on the status page can be followed."}
        )
    address = normalized_email(email)
    check_time_zone(time_zone)
    if not client_allowed(client_ip):
        return Outcome.RATE_LIMITED
    with transaction.atomic():
        follower = _locked_follower(incident, address)
        if follower.is_active:
            return Outcome.ALREADY_SUBSCRIBED  # nothing is sent: the page says the same
        if _confirmations_sent_recently(follower) >= ADDRESS_LIMIT:
            return Outcome.RATE_LIMITED
        follower.confirmed_at, follower.unsubscribed_at = None, None
        follower.time_zone = time_zone
        follower.save(update_fields=["confirmed_at", "unsubscribed_at", "time_zone"])
        outbox.queue_notice(
            key=f"{_thread(follower)}:confirm:{uuid.uuid4().hex}",
            thread_key=_thread(follower),
            kind=KIND_CONFIRM,
            subject=f"Confirm you want updates on “{incident.title}”",
            body=(
                f"Someone, hopefully you, asked to receive the updates of {settings.PAGE_NAME} "
                f"about the incident “{incident.title}” at this address.\n\n"
                f"To confirm, open this link within 7 days:\n\n<{confirm_url(follower)}>\n\n"
                "If you did not ask for this, ignore this message: you will receive nothing else."
            ),
            audience=Audience.DIRECT,
            direct_addresses=[follower.email],
            created_by="public",
        )
        _record(Kind.INCIDENT_FOLLOW_REQUESTED, follower, "confirmation link sent.")
    return Outcome.CONFIRMATION_SENT


def _confirm_pk(token: str) -> str:
    try:
        return signing.TimestampSigner(salt=f"{SALT}.confirm").unsign(
            token, max_age=CONFIRM_MAX_AGE
        )
    except signing.SignatureExpired:
        raise InvalidLink(
            "This confirmation link has expired: links are valid for 7 days. Follow the "
            "incident again to get a new one."
        ) from None
    except signing.BadSignature:
        raise InvalidLink(
            "This confirmation link is not valid; check it was copied whole."
        ) from None


def _stop_pk(token: str) -> str:
    try:
        return signing.Signer(salt=f"{SALT}.stop").unsign(token)
    except signing.BadSignature:
        raise InvalidLink("This link is not valid; check it was copied whole.") from None


def follower_to_confirm(token: str) -> IncidentSubscription:
    """The follower a confirmation link names, changing nothing (the page asks first)."""
    follower = IncidentSubscription.objects.filter(pk=_confirm_pk(token)).first()
    if follower is None or follower.unsubscribed_at is not None:
        raise InvalidLink("This link is no longer valid; follow the incident again.")
    return follower


def follower_to_stop(token: str) -> IncidentSubscription:
    """The follower a stop link names, changing nothing (the page asks first)."""
    follower = IncidentSubscription.objects.filter(pk=_stop_pk(token)).first()
    if follower is None:
        raise InvalidLink("This link is no longer valid: the incident is gone.")
    return follower


def confirm(token: str) -> IncidentSubscription:
    """Activate the follower the token names; confirming twice changes nothing."""
    pk = _confirm_pk(token)
    with transaction.atomic():
        follower = IncidentSubscription.objects.select_for_update().filter(pk=pk).first()
        if follower is None or follower.unsubscribed_at is not None:
            raise InvalidLink("This link is no longer valid; follow the incident again.")
        if follower.confirmed_at is None:
            follower.confirmed_at = timezone.now()
            follower.save(update_fields=["confirmed_at"])
            _record(Kind.INCIDENT_FOLLOW_CONFIRMED, follower, "confirmed by the link sent.")
    return follower


def stop(token: str) -> IncidentSubscription:
    """Stop the updates to a follower; stopping twice changes nothing."""
    pk = _stop_pk(token)
    with transaction.atomic():
        follower = IncidentSubscription.objects.select_for_update().filter(pk=pk).first()
        if follower is None:
            raise InvalidLink("This link is no longer valid: the incident is gone.")
        if follower.unsubscribed_at is None:
            follower.unsubscribed_at = timezone.now()
            follower.save(update_fields=["unsubscribed_at"])
            _record(Kind.INCIDENT_FOLLOW_STOPPED, follower, "stopped following.")
    return follower


def _locked_follower(incident: Incident, address: str) -> IncidentSubscription:
    found = IncidentSubscription.objects.select_for_update().filter(
        incident=incident, email__iexact=address
    )
    follower = found.first()
    if follower is not None:
        return follower
    try:
        with transaction.atomic():
            return IncidentSubscription.objects.create(incident=incident, email=address)
    except IntegrityError:  # created by a concurrent request since the lookup
        return found.get()


def _thread(follower: IncidentSubscription) -> str:
    return f"incident:{follower.incident_id}:follow:{follower.pk}"


def _confirmations_sent_recently(follower: IncidentSubscription) -> int:
    return Notice.objects.filter(
        thread_key=_thread(follower),
        kind=KIND_CONFIRM,
        created_at__gte=timezone.now() - ADDRESS_WINDOW,
    ).count()


def _record(kind: Kind, follower: IncidentSubscription, what: str) -> None:
    append(
        kind,
        subject=follower.incident,
        actor="public",
        contact=follower.email,
        description=f"incident:{follower.incident_id} follower {follower.email}: {what}",
        details={"follower_id": follower.pk},
    )
