"""Chat: what the embeddable widget (``chat_views``, ``static/support/chat.js``) does, on the
same write path as the web, API and email (``services``).

The provider's product signs its user in (``chat_tokens``): the widget's calls carry that
token, checked with the widget's secret, and the user must be an authorized contact of the
organization the token names who may open requests, else ``NotAuthorized`` says why and
nothing is filed. A message goes to the request the user chose in the widget: any request
of their organization that is not closed (by reference, ``SR-12``, as in the portal; the
widget lists the contact's own), or ``new`` for a new one. Without a choice it continues the
contact's current chat request (their latest one opened by chat that is not closed; a solved
one reopens, as any customer message does) or opens a new one; an emergency after hours
always opens its own, which goes on call. Staff answer from the request's page in the console
(``handling.reply``): the widget polls ``conversation`` and shows every public message of the
request, whatever its channel.
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


NEW = "new"  # the choice of a new request
LISTED = 20  # the contact's own requests the widget lists, newest first


def own_requests(contact: AuthorizedContact) -> list[SupportRequest]:
    """The requests the widget lists to choose from: the contact's own, not closed, any channel."""
    return list(
        SupportRequest.objects.filter(requester=contact, organization=contact.organization)
        .exclude(status=RequestStatus.CLOSED)
        .order_by("-created_at", "-id")[:LISTED]
    )


def chosen_request(contact: AuthorizedContact, reference: str) -> SupportRequest:
    """The request ``reference`` (``SR-12``) names, if it is the contact's organization's and
    not closed (a contact may write on any of them, as in the portal); else ValidationError."""
    number = SupportRequest.id_of(reference)
    found = (
        SupportRequest.objects.filter(pk=number, organization=contact.organization)
        .select_related("organization", "rota")
        .first()
        if number is not None
        else None
    )
    if found is None:
        raise ValidationError(
            {"request": f"{reference} is not a request of {contact.organization.name}."}
        )
    if found.status == RequestStatus.CLOSED:
        raise ValidationError(
            {"request": f"{found.reference} is closed; write without choosing one to open another."}
        )
    return found


def _target(contact: AuthorizedContact, reference: str | None) -> SupportRequest | None:
    """The request a message goes to or the conversation shows: the chosen one, none for a
    new one, else the current chat request."""
    if reference == NEW:
        return None
    if reference:
        return chosen_request(contact, reference)
    return current_request(contact)


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
def post(
    contact: AuthorizedContact,
    *,
    body: str,
    emergency: bool = False,
    request: str | None = None,
) -> Posted:
    """The contact writes in the widget: on the request they chose (``request``: a reference,
    or ``NEW``), else on their current chat request, or on a new one."""
    if not (body or "").strip():
        raise ValidationError({"body": "Write a message."})
    actor = contact.email
    current = _target(contact, request)
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


def _message(message: RequestMessage, reader: AuthorizedContact) -> dict:
    if message.kind != MessageKind.CUSTOMER:
        sender = "support"
    else:  # on a request chosen by reference, a colleague's messages too
        sender = "you" if message.contact_id in (None, reader.pk) else "colleague"
    return {
        "id": message.pk,
        "from": sender,
        "author": message.contact.name
        if message.contact_id
        else (message.author if message.kind == MessageKind.REPLY else "Support"),
        "body_html": message.body_html,
        "at": message.created_at,
        "channel": message.origin,
    }


def _listed(request: SupportRequest) -> dict:
    return {
        "reference": request.reference,
        "subject": request.subject,
        "status": request.status,
        "status_label": RequestStatus(request.status).label,
        "channel": request.origin,
        "emergency": request.emergency,
        "on_call": request.on_call,
    }


def conversation(contact: AuthorizedContact, *, after: int = 0, request: str | None = None) -> dict:
    """What the widget shows: who is signed in, the support hours, the contact's requests to
    choose from, and the chosen request (``request``: a reference or ``NEW``; else the current
    chat request) with its public messages after message ``after`` (0: all), oldest first."""
    now = timezone.now()
    requests = own_requests(contact)
    request = _target(contact, request)
    if request is not None and request.pk not in {r.pk for r in requests}:
        requests.insert(0, request)  # another contact's, chosen by reference
    messages = []
    if request is not None:
        found = (
            request.messages.exclude(kind=MessageKind.NOTE)
            .filter(pk__gt=after)
            .select_related("contact")
            .order_by("created_at", "id")
        )
        messages = [_message(m, contact) for m in found]
    return {
        "contact": {"name": contact.name, "email": contact.email},
        "organization": contact.organization.name,
        "support": hours(contact.organization, request, now),
        "requests": [_listed(r) for r in requests],
        "request": None if request is None else _listed(request),
        "messages": messages,
    }
