"""Chat: what the embeddable widget (``chat_views``, ``static/support/chat.js``) does, on the
same write path as the web, API and email (``services``).

The provider's product signs its user in (``chat_tokens``): the widget's calls carry that
token, checked with the widget's secret, and the user must be an authorized contact of the
organization the token names who may open requests, else ``NotAuthorized`` says why and
nothing is filed. A message continues the contact's current chat request (their latest one
opened by chat that is not closed; a solved one reopens, as any customer message does) or
opens a new one; an emergency after hours always opens its own, which goes on call. Staff
answer from the request's page in the console (``handling.reply``): the widget polls
``conversation`` and shows every public message of the request, whatever its channel.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from forewarn.catalog.models import AuthorizedContact, Organization

from . import services, timing
from .chat_tokens import TokenRefused, verify
from .clocks import Clock
from .lifecycle import MessageKind, Origin, Priority, RequestStatus
from .models import ChatWidget, RequestMessage, SupportRequest
from .services import NotAuthorized

SUBJECT_WORDS = 80  # characters of the first line that make a chat request's subject


class UnknownWidget(LookupError):
    """No active widget has this key."""


class BadToken(NotAuthorized):
    """The chat token does not prove who the user is (expired, forged, malformed)."""


def widget(key: str) -> ChatWidget:
    found = ChatWidget.objects.filter(key=key, is_active=True).first()
    if found is None:
        raise UnknownWidget(f"No active chat widget '{key}'.")
    return found


def script_tag(widget: ChatWidget, *, site: str | None = None, token: str = "") -> str:
    """The script tag a provider adds to its product (``token``: what its backend mints), for
    the console's widget page and preview and the API's answers; ``site`` defaults to
    ``SITE_URL``."""
    site = settings.SITE_URL.rstrip("/") if site is None or site == "" else site
    return (
        f'<script src="{site}/support/chat.js" async\n'
        f'        data-widget="{widget.key}"\n'
        f'        data-token="{token or "TOKEN YOUR BACKEND MINTS FOR THE SIGNED-IN USER"}">'
        "</script>"
    )


def identify(widget: ChatWidget, token: str, *, now: datetime | None = None) -> AuthorizedContact:
    """The authorized contact the token signs in; ``NotAuthorized`` naming the reason."""
    try:
        identity = verify(token, widget.secret, now=now or timezone.now())
    except TokenRefused as error:
        raise BadToken(str(error)) from None
    organization = Organization.objects.filter(slug=identity.organization).first()
    if organization is None:
        raise NotAuthorized(f"No organization '{identity.organization}'.")
    return services.authorized_contact(identity.email, organization)


def current_request(contact: AuthorizedContact) -> SupportRequest | None:
    """The contact's chat request that a new message continues: the latest not closed."""
    return (
        SupportRequest.objects.filter(
            requester=contact, organization=contact.organization, origin=Origin.CHAT
        )
        .exclude(status=RequestStatus.CLOSED)
        .select_related("organization", "rota")
        .order_by("-created_at", "-id")
        .first()
    )


def subject_of(body: str) -> str:
    first = next((line.strip() for line in body.splitlines() if line.strip()), "")
    words = " ".join(first.lstrip("#>*- ").split())
    if len(words) > SUBJECT_WORDS:
        words = words[: SUBJECT_WORDS - 1].rstrip() + "…"
    return f"Chat: {words or 'a question'}"


@dataclass(frozen=True)
class Posted:
    request: SupportRequest
    message: RequestMessage
    opened: bool


@transaction.atomic
def post(contact: AuthorizedContact, *, body: str, emergency: bool = False) -> Posted:
    """The contact writes in the widget: continues their chat request or opens one."""
    if not (body or "").strip():
        raise ValidationError({"body": "Write a message."})
    actor = contact.email
    current = current_request(contact)
    if current is not None and not (emergency and not current.on_call):
        message = services.add_customer_message(
            current, sender_email=contact.email, body=body, origin=Origin.CHAT, actor=actor
        )
        return Posted(current, message, opened=False)
    request = services.open_request(
        requester_email=contact.email,
        organization=contact.organization,
        subject=subject_of(body),
        body=body,
        origin=Origin.CHAT,
        actor=actor,
        emergency=emergency,
    )
    return Posted(request, request.messages.get(), opened=True)


def hours(organization: Organization, request: SupportRequest | None, now: datetime) -> dict:
    """Whether support is open now and, when not, when it opens and when an answer is due:
    the request's first-response due instant while it waits for one, else the due instant
    a new request made now would have (the clock starts at the next opening)."""
    calendar = timing.calendar_of(organization)
    is_open = calendar.is_open(now)
    due = None
    if request is not None and request.first_responded_at is None:
        due = request.first_response_due_at
    elif request is None:
        target = timing.targets_of(organization).first_response_for(Priority.UNCLASSIFIED, calendar)
        due = Clock(now, target, calendar).due_at()
    return {
        "open": is_open,
        "opens_at": None if is_open else calendar.next_open(now),
        "closes_at": calendar.next_close(now) if is_open else None,
        "zone": calendar.zone,
        "answer_due_at": due,
        "emergency_available": not is_open and timing.active_rota() is not None,
    }


def _message(message: RequestMessage) -> dict:
    return {
        "id": message.pk,
        "from": "you" if message.kind == MessageKind.CUSTOMER else "support",
        "author": message.contact.name
        if message.contact_id
        else (message.author if message.kind == MessageKind.REPLY else "Support"),
        "body_html": message.body_html,
        "at": message.created_at,
        "channel": message.origin,
    }


def conversation(contact: AuthorizedContact, *, after: int = 0) -> dict:
    """What the widget shows: who is signed in, the support hours, the current request and its
    public messages after message ``after`` (0: all), oldest first."""
    now = timezone.now()
    request = current_request(contact)
    messages = []
    if request is not None:
        found = (
            request.messages.exclude(kind=MessageKind.NOTE)
            .filter(pk__gt=after)
            .select_related("contact")
            .order_by("created_at", "id")
        )
        messages = [_message(m) for m in found]
    return {
        "contact": {"name": contact.name, "email": contact.email},
        "organization": contact.organization.name,
        "support": hours(contact.organization, request, now),
        "request": None
        if request is None
        else {
            "reference": request.reference,
            "subject": request.subject,
            "status": request.status,
            "status_label": RequestStatus(request.status).label,
            "emergency": request.emergency,
            "on_call": request.on_call,
        },
        "messages": messages,
    }
