"""Opening requests and what customers write on them; the one write path for web, API, email
and chat alike.

Each operation is one transaction: it checks that the writer is an authorized contact of the
organization (seed 001 §4: "only authorized users on the Clients account can request
support"; ``NotAuthorized`` otherwise, and nothing is filed), validates (``ValidationError``
naming the field), changes the state, records it (``record.kinds.Kind.SUPPORT_*``), queues
what the customer or the on-call person is told (``notices``) and recomputes the clock
columns (``timing``). Staff operations are in ``handling``; what the jobs do in ``runner``.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from forewarn import mailboxes
from forewarn.catalog.models import AuthorizedContact, Component, Organization
from forewarn.delivery.emails import thread_root_id
from forewarn.delivery.models import Notice
from forewarn.markup import render_markdown
from forewarn.record.kinds import Kind
from forewarn.record.services import append_all

from . import attachments, notices, oncall, timing
from .clocks import clock_starts_at, route
from .lifecycle import MessageKind, Origin, Priority, RequestStatus
from .models import Attachment, OnCallRota, Pause, RequestMessage, SupportRequest, ThreadLink

BODY_MAX = 20_000


class NotAuthorized(PermissionDenied):
    """The writer may not open or add to requests for the organization; says why."""


@dataclass(frozen=True)
class Upload:
    """An attachment as received: the name the sender gave, and the bytes."""

    filename: str
    content: bytes


@dataclass(frozen=True)
class Mail:
    """What inbound mail adds to a message: its id, the whole text and the raw bytes."""

    message_id: str = ""
    original: str = ""
    raw: bytes | None = None
    references: tuple[str, ...] = field(default_factory=tuple)


# Who may write ---------------------------------------------------------------------------


def authorized_contact(email: str, organization: Organization | None = None) -> AuthorizedContact:
    """The active contact with this address who may open requests (for ``organization`` when
    given; else the first of theirs by name); ``NotAuthorized`` naming the reason."""
    address = mailboxes.comparable(email or "")
    if "@" not in address:
        return _authorized(address, None, organization)
    found = AuthorizedContact.objects.select_related("organization", "organization__region")
    found = found.with_mailbox(address).order_by("organization__name", "pk")
    if organization is not None:
        found = found.filter(organization=organization)
    return _authorized(address, found.first(), organization)


def _contacts_of(emails: list[str]) -> dict[str, list[AuthorizedContact]]:
    """The contacts of each address (``mailboxes.comparable``), by organization name: one query
    for a batch of openings."""
    found: dict[str, list[AuthorizedContact]] = {}
    addresses = {mailboxes.comparable(email or "") for email in emails}
    contacts = AuthorizedContact.objects.select_related("organization", "organization__region")
    for contact in contacts.with_mailboxes(addresses).order_by("organization__name", "pk"):
        found.setdefault(mailboxes.comparable(contact.email), []).append(contact)
    return found


def _authorized(
    address: str, contact: AuthorizedContact | None, organization: Organization | None
) -> AuthorizedContact:
    whose = f" of {organization.name}" if organization is not None else ""
    if "@" not in address:
        raise NotAuthorized("Give the email address of an authorized contact.")
    if contact is None:
        raise NotAuthorized(f"{address} is not an authorized contact{whose}.")
    if not contact.is_active:
        raise NotAuthorized(f"{address} is no longer an active contact{whose}.")
    if not contact.may_open_requests:
        raise NotAuthorized(f"{address} is a contact{whose} who may not open support requests.")
    return contact


# Opening ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Opening:
    """A request to open (``open_request``'s arguments, for ``open_requests``)."""

    requester_email: str
    subject: str
    body: str
    origin: str
    actor: str
    organization: Organization | None = None
    priority: str = Priority.UNCLASSIFIED
    component: Component | None = None
    emergency: bool = False
    uploads: tuple[Upload, ...] = ()
    mail: Mail | None = None


def open_request(
    *,
    requester_email: str,
    subject: str,
    body: str,
    origin: str,
    actor: str,
    organization: Organization | None = None,
    priority: str = Priority.UNCLASSIFIED,
    component: Component | None = None,
    emergency: bool = False,
    uploads: tuple[Upload, ...] = (),
    mail: Mail | None = None,
) -> SupportRequest:
    """Open a request for an authorized contact; refused (nothing filed) for anyone else.

    The clock starts at once in opening hours, else at the next opening, which the
    acknowledgement tells the requester; an emergency after hours goes to the on-call rota,
    who is paged (seed 004).
    """
    opened = open_requests([Opening(**locals())])[0]
    if isinstance(opened, Exception):
        raise opened
    return opened


@transaction.atomic
def open_requests(
    openings: list[Opening],
) -> list[SupportRequest | NotAuthorized | ValidationError]:
    """Open many requests at once, one statement per table rather than per request: mail that
    arrives together (the SMTP receiver files it in batches). Each opening is checked as
    ``open_request`` checks it; one that is refused is its error in the list, and writes
    nothing; the others are opened, in the order given."""
    now = timezone.now()
    contacts = _contacts_of([o.requester_email for o in openings])
    rota = timing.active_rota() if any(o.emergency for o in openings) else None
    rules: dict[int, tuple] = {}  # organization id: its targets and calendar
    checked: list[_Checked | NotAuthorized | ValidationError] = []
    for opening in openings:
        try:
            checked.append(_check(opening, contacts, rota, rules, now))
        except (NotAuthorized, ValidationError) as error:
            checked.append(error)
    _write([c for c in checked if isinstance(c, _Checked)], now)
    return [c.request if isinstance(c, _Checked) else c for c in checked]


@dataclass
class _Checked:
    """An opening that passed every check, with what writing it needs."""

    opening: Opening
    request: SupportRequest
    contact: AuthorizedContact
    uploads: list[tuple[str, str, bytes]]
    starts: datetime


def _check(
    opening: Opening, contacts: dict, rota: OnCallRota | None, rules: dict, now: datetime
) -> _Checked:
    address = mailboxes.comparable(opening.requester_email or "")
    wanted = opening.organization
    contact = next(
        (c for c in contacts.get(address, ()) if wanted is None or c.organization_id == wanted.pk),
        None,
    )
    contact = _authorized(address, contact, wanted)
    organization = contact.organization
    subject = required("subject", " ".join((opening.subject or "").split()), "a subject")[:300]
    body = bounded("body", opening.body or "")
    if not body.strip() and not opening.uploads:
        raise ValidationError({"body": "Say what the request is about."})
    emergency, component = opening.emergency, opening.component
    priority = priority_of(Priority.HIGH if emergency else opening.priority)
    if component is not None and not organization.components.filter(pk=component.pk).exists():
        raise ValidationError({"component": f"{organization.name} does not use {component.name}."})
    uploads = checked_uploads(opening.uploads)
    if organization.pk not in rules:
        rules[organization.pk] = (timing.targets_of(organization), timing.calendar_of(organization))
    targets, calendar = rules[organization.pk]
    rota = rota if emergency else None
    routing = route(
        priority=priority,
        emergency=emergency,
        at=now,
        calendar=calendar,
        targets=targets,
        on_call_calendar=rota.business_calendar() if rota else None,
        on_call_target=_minutes(rota.response_minutes) if rota else None,
    )
    request = SupportRequest(
        organization=organization,
        requester=contact,
        requester_email=contact.email,
        subject=subject,
        body=body,
        body_html=render_markdown(body),
        component=component,
        priority=priority,
        emergency=emergency,
        on_call=routing.on_call,
        rota=rota if routing.on_call else None,
        origin=Origin(opening.origin),
        created_at=now,
        created_by=opening.actor,
        clock_started_at=now,
    )
    timing.recompute(request, targets)  # before the insert: a new request has no pauses
    return _Checked(opening, request, contact, uploads, clock_starts_at(routing.calendar, now))


def _write(checked: list[_Checked], now: datetime) -> None:
    """Insert the checked openings: each table's rows in one statement; then page on call,
    and acknowledge."""
    if not checked:
        return
    requests = SupportRequest.objects.bulk_create([c.request for c in checked])
    ThreadLink.objects.bulk_create(
        [ThreadLink(request=r, message_id=thread_root_id(r.ref)) for r in requests]
    )
    messages = RequestMessage.objects.bulk_create(
        [
            new_message(
                c.request,
                MessageKind.CUSTOMER,
                c.request.body,
                c.contact,
                Origin(c.opening.origin),
                c.opening.mail,
                now,
                body_html=c.request.body_html,
            )
            for c in checked
        ]
    )
    Attachment.objects.bulk_create(
        [a for c, m in zip(checked, messages, strict=True) for a in attachments_of(m, c.uploads)]
    )
    ThreadLink.objects.bulk_create(  # a reply that names the mail threads here
        [ThreadLink(request=m.request, message_id=m.message_id) for m in messages if m.message_id],
        ignore_conflicts=True,
    )
    append_all([_opened(c) for c in checked])
    for c in checked:
        if c.request.on_call:
            oncall.page(c.request, c.request.rota, actor=c.opening.actor)
    notices.acknowledge_all([(c.request, c.opening.actor, c.starts) for c in checked])


def _opened(checked: _Checked):
    request, opening = checked.request, checked.opening
    return request.record_entry(
        Kind.SUPPORT_REQUEST_OPENED,
        actor=opening.actor,
        description=(
            f"opened by {request.requester_email} ({opening.origin}), "
            f"{request.priority}: “{request.subject}”."
        ),
        details={
            "organization": request.organization.slug,
            "requester": request.requester_email,
            "priority": request.priority,
            "emergency": request.emergency,
            "on_call": request.on_call,
            "origin": opening.origin,
            "component": request.component.slug if request.component else None,
            "clock_starts_at": checked.starts.isoformat(),
            "first_response_due_at": iso(request.first_response_due_at),
            "attachments": [name for name, _, _ in checked.uploads],
            "body": request.body,
        },
    )


@transaction.atomic
def open_for_notice(
    notice: Notice, organization: Organization, *, actor: str = "system"
) -> SupportRequest:
    """The informational request a contractual notice opens for an organization (seed 003:
    "This also opens a ticket in our support ticketing system"); no clock until the
    customer writes. Once per notice and organization."""
    found = SupportRequest.objects.filter(
        organization=organization, is_informational=True, links__notice=notice
    ).first()
    if found is not None:
        return found
    now = timezone.now()
    request = SupportRequest.objects.create(
        organization=organization,
        subject=notice.subject[:300],
        body=notice.body,
        body_html=render_markdown(notice.body),
        priority=Priority.UNCLASSIFIED,
        status=RequestStatus.SOLVED,
        origin=Origin.NOTICE,
        is_informational=True,
        created_at=now,
        created_by=actor,
    )
    ThreadLink.objects.create(request=request, notice=notice)
    ThreadLink.objects.create(request=request, message_id=thread_root_id(notice.thread_key))
    RequestMessage.objects.create(
        request=request,
        kind=MessageKind.NOTICE,
        origin=Origin.NOTICE,
        author=actor,
        body=notice.body,
        body_html=request.body_html,
        notice=notice,
        created_at=now,
    )
    Pause.objects.create(request=request, status=RequestStatus.SOLVED, started_at=now)
    request.record(
        Kind.SUPPORT_REQUEST_OPENED,
        actor=actor,
        description=f"opened for {organization.name} by notice {notice.key} (informational).",
        details={
            "organization": organization.slug,
            "notice": notice.key,
            "informational": True,
            "origin": Origin.NOTICE.value,
        },
    )
    return request


# The customer writes -----------------------------------------------------------------------


@transaction.atomic
def add_customer_message(
    request: SupportRequest,
    *,
    sender_email: str,
    body: str,
    origin: str,
    actor: str,
    uploads: tuple[Upload, ...] = (),
    mail: Mail | None = None,
) -> RequestMessage:
    """The customer writes on their request: it goes back to *open* (ending a pause) and an
    informational request starts its clock now. Only the organization's authorized contacts."""
    contact = authorized_contact(sender_email, request.organization)
    request = SupportRequest.objects.select_for_update().get(pk=request.pk)
    if request.status == RequestStatus.CLOSED:
        raise ValidationError({"status": f"{request.reference} is closed; open a new request."})
    body = bounded("body", body or "")
    if not body.strip() and not uploads:
        raise ValidationError({"body": "Write something, or attach a file."})
    checked = checked_uploads(uploads)
    now = timezone.now()
    message = add_message(
        request, MessageKind.CUSTOMER, body, contact, Origin(origin), checked, mail, now
    )
    before = RequestStatus(request.status)
    if request.requester_id is None:
        request.requester, request.requester_email = contact, contact.email
    if request.clock_started_at is None:
        request.clock_started_at = now
        request.solved_at = None
        Pause.objects.filter(request=request).delete()  # nothing ran before the customer wrote
    if before.pauses_clock:
        end_pause(request, now)
        request.status = RequestStatus.OPEN
        request.solved_at = None
    timing.recompute(request)
    request.save()
    request.record(
        Kind.SUPPORT_REQUEST_MESSAGE_ADDED,
        actor=actor,
        description=f"{contact.email} wrote ({origin}).",
        details={
            "message_id": message.pk,
            "origin": origin,
            "from": contact.email,
            "status": {"from": before.value, "to": request.status},
            "attachments": [name for name, _, _ in checked],
            "first_response_due_at": iso(request.first_response_due_at),
            "body": body,
        },
        contact=contact,
    )
    return message


@transaction.atomic
def close_by_customer(
    request: SupportRequest, *, sender_email: str, origin: str, actor: str
) -> SupportRequest:
    """The customer closes their request (the portal, the contact API): it is *closed* and
    its clocks stop where they stand; a first response not yet given is neither met nor
    breached. Only the organization's authorized contacts; closed is final."""
    contact = authorized_contact(sender_email, request.organization)
    request = SupportRequest.objects.select_for_update().get(pk=request.pk)
    before = RequestStatus(request.status)
    if before == RequestStatus.CLOSED:
        raise ValidationError({"status": f"{request.reference} is closed already."})
    now = timezone.now()
    start_pause(request, RequestStatus.CLOSED, now)
    request.status = RequestStatus.CLOSED
    request.closed_at = now
    request.solved_at = request.solved_at or now
    timing.recompute(request)
    request.save()
    request.record(
        Kind.SUPPORT_REQUEST_STATUS_CHANGED,
        actor=actor,
        description=f"status {before.value} → closed by {contact.email} ({origin}).",
        details={"from": before.value, "to": "closed", "by": contact.email, "origin": origin},
    )
    return request


# Shared ----------------------------------------------------------------------------------


def add_message(
    request, kind, body, contact, origin, checked, mail, now, author=""
) -> RequestMessage:
    message = new_message(request, kind, body, contact, origin, mail, now, author)
    message.save()
    Attachment.objects.bulk_create(attachments_of(message, checked))
    if message.message_id:  # a reply that names it threads here (the same id twice: kept once)
        ThreadLink.objects.bulk_create(
            [ThreadLink(request=request, message_id=message.message_id)], ignore_conflicts=True
        )
    return message


def new_message(
    request, kind, body, contact, origin, mail, now, author="", body_html=None
) -> RequestMessage:
    """A message of the thread, not yet written."""
    mail = mail or Mail()
    return RequestMessage(
        request=request,
        kind=kind,
        origin=origin,
        author=author or (f"{contact.name} <{contact.email}>" if contact else "system"),
        contact=contact,
        body=body,
        body_html=render_markdown(body) if body_html is None else body_html,
        original=mail.original,
        raw=mail.raw,
        message_id=mail.message_id[:300],
        created_at=now,
    )


def attachments_of(message: RequestMessage, checked) -> list[Attachment]:
    return [
        Attachment(
            message=message,
            filename=name,
            content_type=content_type,
            size=len(content),
            content=content,
        )
        for name, content_type, content in checked
    ]


def end_pause(request: SupportRequest, now: datetime) -> None:
    Pause.objects.filter(request=request, ended_at__isnull=True).update(ended_at=now)


def start_pause(request: SupportRequest, status: str, now: datetime) -> None:
    end_pause(request, now)
    Pause.objects.create(request=request, status=status, started_at=now)


def checked_uploads(uploads) -> list[tuple[str, str, bytes]]:
    try:
        attachments.check_count(len(uploads))
        return [
            (
                attachments.safe_name(u.filename),
                attachments.content_type(u.filename, len(u.content)),
                u.content,
            )
            for u in uploads
        ]
    except attachments.AttachmentRefused as error:
        raise ValidationError({"attachments": str(error)}) from None


def priority_of(value: str) -> Priority:
    try:
        return Priority(value)
    except ValueError:
        raise ValidationError(
            {"priority": f"'{value}' is not a priority; use one of {', '.join(Priority)}."}
        ) from None


def required(name: str, value: str, what: str) -> str:
    if not value.strip():
        raise ValidationError({name: f"Give {what}."})
    return value.strip()


def bounded(name: str, value: str) -> str:
    if len(value) > BODY_MAX:
        raise ValidationError({name: f"At most {BODY_MAX:,} characters."})
    return value


def _minutes(value: int) -> timedelta:
    return timedelta(minutes=value)


def iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None
