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

from . import attachments, notices, oncall, timing
from .clocks import clock_starts_at, route
from .lifecycle import MessageKind, Origin, Priority, RequestStatus
from .models import Attachment, Pause, RequestMessage, SupportRequest, ThreadLink

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
        raise NotAuthorized("Give the email address of an authorized contact.")
    found = AuthorizedContact.objects.select_related("organization", "organization__region")
    found = found.with_mailbox(address).order_by("organization__name")
    if organization is not None:
        found = found.filter(organization=organization)
    contact = found.first()
    whose = f" of {organization.name}" if organization is not None else ""
    if contact is None:
        raise NotAuthorized(f"{address} is not an authorized contact{whose}.")
    if not contact.is_active:
        raise NotAuthorized(f"{address} is no longer an active contact{whose}.")
    if not contact.may_open_requests:
        raise NotAuthorized(f"{address} is a contact{whose} who may not open support requests.")
    return contact


# Opening ---------------------------------------------------------------------------------


@transaction.atomic
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
    contact = authorized_contact(requester_email, organization)
    organization = contact.organization
    subject = required("subject", " ".join((subject or "").split()), "a subject")[:300]
    body = bounded("body", body or "")
    if not body.strip() and not uploads:
        raise ValidationError({"body": "Say what the request is about."})
    priority = priority_of(Priority.HIGH if emergency else priority)
    if component is not None and not organization.components.filter(pk=component.pk).exists():
        raise ValidationError({"component": f"{organization.name} does not use {component.name}."})
    checked = checked_uploads(uploads)
    now = timezone.now()
    rota = timing.active_rota() if emergency else None
    targets = timing.targets_of(organization)
    routing = route(
        priority=priority,
        emergency=emergency,
        at=now,
        calendar=timing.calendar_of(organization),
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
        origin=Origin(origin),
        created_at=now,
        created_by=actor,
        clock_started_at=now,
    )
    timing.recompute(request, targets)  # before the insert: a new request has no pauses
    request.save()
    ThreadLink.objects.create(request=request, message_id=thread_root_id(request.ref))
    add_message(request, MessageKind.CUSTOMER, body, contact, Origin(origin), checked, mail, now)
    starts = clock_starts_at(routing.calendar, now)
    request.record(
        Kind.SUPPORT_REQUEST_OPENED,
        actor=actor,
        description=f"opened by {contact.email} ({origin}), {priority}: “{subject}”.",
        details={
            "organization": organization.slug,
            "requester": contact.email,
            "priority": priority.value,
            "emergency": emergency,
            "on_call": routing.on_call,
            "origin": origin,
            "component": component.slug if component else None,
            "clock_starts_at": starts.isoformat(),
            "first_response_due_at": iso(request.first_response_due_at),
            "attachments": [name for name, _, _ in checked],
            "body": body,
        },
    )
    if routing.on_call:
        oncall.page(request, rota, actor=actor)
    notices.acknowledge(request, actor=actor, clock_starts_at=starts)
    return request


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
    mail = mail or Mail()
    message = RequestMessage.objects.create(
        request=request,
        kind=kind,
        origin=origin,
        author=author or (f"{contact.name} <{contact.email}>" if contact else "system"),
        contact=contact,
        body=body,
        body_html=render_markdown(body),
        original=mail.original,
        raw=mail.raw,
        message_id=mail.message_id[:300],
        created_at=now,
    )
    for name, content_type, content in checked:
        Attachment.objects.create(
            message=message,
            filename=name,
            content_type=content_type,
            size=len(content),
            content=content,
        )
    if mail.message_id:  # a reply that names it threads here (the same id twice: kept once)
        ThreadLink.objects.bulk_create(
            [ThreadLink(request=request, message_id=mail.message_id[:300])], ignore_conflicts=True
        )
    return message


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
