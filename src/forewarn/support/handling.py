"""What staff do with requests: reply, add a note, move the status, reclassify, assign,
escalate, log a call or meeting. The console and the API call these, nothing else.

Each is one transaction that checks the caller's role (a responder handles requests; a
viewer reads), validates (``ValidationError`` naming the field, nothing changed), changes
the state, records it, queues the customer's or staff's notices, and recomputes the clocks.
"""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from forewarn.catalog.models import ROLE_ORDER, AuthorizedContact, Organization, Role
from forewarn.delivery.models import Notice
from forewarn.incidents.escalation import Tier
from forewarn.incidents.models import Incident
from forewarn.record.kinds import Kind
from forewarn.record.services import append

from . import notices, runner, timing
from .lifecycle import (
    ConversationKind,
    MessageKind,
    Origin,
    Priority,
    RequestStatus,
    TransitionError,
    check_transition,
)
from .models import Conversation, RequestMessage, SupportRequest
from .services import (
    Upload,
    add_message,
    bounded,
    checked_uploads,
    end_pause,
    iso,
    priority_of,
    required,
    start_pause,
)


def allow(role: str | None, needed: str = Role.RESPONDER) -> None:
    if role is None or ROLE_ORDER.index(role) < ROLE_ORDER.index(needed):
        raise PermissionDenied(f"This needs the '{needed}' role or above.")


def _locked(request: SupportRequest) -> SupportRequest:
    return (
        SupportRequest.objects.select_for_update(of=("self",))
        .select_related("organization", "requester")
        .get(pk=request.pk)
    )


@transaction.atomic
def reply(
    request: SupportRequest,
    *,
    body: str,
    actor: str,
    role: str | None,
    status: str | None = None,
    uploads: tuple[Upload, ...] = (),
) -> RequestMessage:
    """Answer the customer: the reply goes out through the outbox in the request's thread; the
    first one ends the first-response clock. ``status`` moves the request on at the same time
    (default: *open*; *waiting_on_customer* when asking them something)."""
    allow(role)
    request = _locked(request)
    body = required("body", bounded("body", body or ""), "the reply")
    checked = checked_uploads(uploads)
    if request.status == RequestStatus.CLOSED:
        raise ValidationError({"status": f"{request.reference} is closed."})
    now = timezone.now()
    message = add_message(
        request, MessageKind.REPLY, body, None, Origin.WEB, checked, None, now, actor
    )
    first = request.first_responded_at is None and request.clock_started_at is not None
    details = {"message_id": message.pk, "body": body}
    if first:
        details |= _first_response(request, now)
    notice = notices.send_reply(request, message, actor=actor)
    message.notice = notice
    message.save(update_fields=["notice"])
    details["key"] = notice.key if notice else None
    wanted = status or (
        RequestStatus.OPEN if request.status == RequestStatus.NEW else request.status
    )
    if wanted != request.status:
        _move(request, wanted, actor=actor, now=now)
    timing.recompute(request)
    request.save()
    request.record(
        Kind.SUPPORT_REQUEST_REPLIED,
        actor=actor,
        description="answered." + (" First response." if first else ""),
        details=details,
    )
    return message


def _first_response(request: SupportRequest, now: datetime) -> dict:
    clock = timing.first_response_clock(request)
    request.first_responded_at = now
    return {
        "first_response": True,
        "business_minutes": round(clock.elapsed(now).total_seconds() / 60, 1),
        "target_minutes": round(clock.target.total_seconds() / 60, 1),
        "met": clock.met_by(now),
    }


@transaction.atomic
def add_note(request: SupportRequest, *, body: str, actor: str, role: str | None) -> RequestMessage:
    """An internal note: staff only, the clocks do not move."""
    allow(role)
    request = _locked(request)
    body = required("body", bounded("body", body or ""), "the note")
    message = add_message(
        request, MessageKind.NOTE, body, None, Origin.WEB, [], None, timezone.now(), actor
    )
    request.record(
        Kind.SUPPORT_REQUEST_NOTE_ADDED,
        actor=actor,
        description="note added.",
        details={"message_id": message.pk, "body": body},
    )
    return message


@transaction.atomic
def set_status(
    request: SupportRequest, status: str, *, actor: str, role: str | None, reason: str = ""
) -> SupportRequest:
    """Move the request on. *Out of scope* needs a reason (seed 001 §4) and counts as the
    answer: the response clock ends met or breached by when it was given, never left running."""
    allow(role)
    request = _locked(request)
    _move(request, status, actor=actor, now=timezone.now(), reason=reason)
    timing.recompute(request)
    request.save()
    return request


def _move(
    request: SupportRequest, status: str, *, actor: str, now: datetime, reason: str = ""
) -> None:
    before = RequestStatus(request.status)
    try:
        new = check_transition(before, status)
    except TransitionError as error:
        raise ValidationError({"status": str(error)}) from None
    details = {"from": before.value, "to": new.value}
    if new is RequestStatus.OUT_OF_SCOPE:
        reason = required(
            "reason", reason or "", "the reason it is out of scope (it is sent to the customer)"
        )
        request.out_of_scope_reason = reason
        details["reason"] = reason
    if new in (RequestStatus.SOLVED, RequestStatus.OUT_OF_SCOPE):
        if request.first_responded_at is None and request.clock_started_at is not None:
            details |= _first_response(request, now)
        request.solved_at = now
    if new.pauses_clock:
        start_pause(request, new, now)
    elif before.pauses_clock:
        end_pause(request, now)
        request.solved_at = None
    if new is RequestStatus.CLOSED:
        request.closed_at = now
    request.status = new
    request.record(
        Kind.SUPPORT_REQUEST_STATUS_CHANGED,
        actor=actor,
        description=f"status {before.value} → {new.value}."
        + (f" Reason: {reason}" if reason else ""),
        details=details,
    )


@transaction.atomic
def reclassify(
    request: SupportRequest, priority: str, *, reason: str, actor: str, role: str | None
) -> SupportRequest:
    """Change the priority (seed 001 §5: "The services team is allowed to reclassify"); the
    targets are recomputed from the request's creation and the change recorded with its reason."""
    allow(role)
    request = _locked(request)
    new = priority_of(priority)
    reason = required("reason", reason or "", "the reason for the new priority")
    if new == request.priority:
        raise ValidationError({"priority": f"The request is {new.value} already."})
    before = Priority(request.priority)
    due_before = request.first_response_due_at
    request.priority = new
    timing.recompute(request)
    request.save()
    request.record(
        Kind.SUPPORT_REQUEST_RECLASSIFIED,
        actor=actor,
        description=f"reclassified {before.value} → {new.value}: {reason}",
        details={
            "from": before.value,
            "to": new.value,
            "reason": reason,
            "first_response_due_at": {
                "from": iso(due_before),
                "to": iso(request.first_response_due_at),
            },
            "resolution_due_at": iso(request.resolution_due_at),
        },
    )
    return request


@transaction.atomic
def assign(request: SupportRequest, user, *, actor: str, role: str | None) -> SupportRequest:
    """Give the request to a staff member (None: nobody); they get its warnings."""
    allow(role)
    request = _locked(request)
    if user is not None and (not user.is_active or not user.is_staff):
        raise ValidationError({"assignee": f"{user.get_username()} is not an active staff member."})
    if request.assignee_id == (user.pk if user else None):
        raise ValidationError({"assignee": "The request is assigned so already."})
    before = request.assignee.get_username() if request.assignee_id else None
    request.assignee = user
    if user is not None and request.status == RequestStatus.NEW:
        _move(request, RequestStatus.OPEN, actor=actor, now=timezone.now())
    request.save()
    after = user.get_username() if user else None
    request.record(
        Kind.SUPPORT_REQUEST_ASSIGNED,
        actor=actor,
        description=f"assigned to {after or 'nobody'}.",
        details={"from": before, "to": after},
    )
    return request


@transaction.atomic
def escalate(
    request: SupportRequest, tier: str, *, reason: str, actor: str, role: str | None
) -> SupportRequest:
    """Escalate to a tier by hand; each tier is told once (the incidents' tiers, seed 004)."""
    allow(role)
    request = _locked(request)
    try:
        tier = Tier(tier)
    except ValueError:
        raise ValidationError(
            {"tier": f"'{tier}' is not a tier; use one of {', '.join(Tier)}."}
        ) from None
    reason = required("reason", reason or "", "the reason for the escalation")
    if not runner.escalate_to(request, tier, actor=actor, reason=reason, now=timezone.now()):
        raise ValidationError({"tier": f"{tier.label} was told already."})
    return request


@transaction.atomic
def log_conversation(
    *,
    kind: str,
    organization: Organization,
    summary: str,
    at: datetime,
    actor: str,
    role: str | None,
    contact: AuthorizedContact | None = None,
    minutes: int | None = None,
    request: SupportRequest | None = None,
    incident: Incident | None = None,
    notice: Notice | None = None,
) -> Conversation:
    """Log a phone call or meeting with a contact (seed 002; seed 004's contact of each event)."""
    allow(role)
    try:
        kind = ConversationKind(kind)
    except ValueError:
        raise ValidationError({"kind": f"Use one of {', '.join(ConversationKind)}."}) from None
    if contact is not None and contact.organization_id != organization.pk:
        raise ValidationError(
            {"contact": f"{contact.email} is not a contact of {organization.name}."}
        )
    if request is not None and request.organization_id != organization.pk:
        raise ValidationError({"request": f"{request.reference} is not {organization.name}'s."})
    if at > timezone.now():
        raise ValidationError(
            {"at": "A conversation that is logged has happened: give a past instant."}
        )
    summary = required("summary", bounded("summary", summary or ""), "what was said")
    conversation = Conversation.objects.create(
        kind=kind,
        organization=organization,
        contact=contact,
        request=request,
        incident=incident,
        notice=notice,
        at=at,
        minutes=minutes,
        summary=summary,
        logged_by=actor,
    )
    about = [
        f"request {request.reference}" if request else "",
        f"incident {incident.pk}" if incident else "",
        f"notice {notice.key}" if notice else "",
    ]
    append(
        Kind.CONVERSATION_LOGGED,
        subject=request or organization,
        actor=actor,
        contact=contact.name if contact else "",
        description=f"{kind.value} with {contact.name if contact else organization.name}: {summary[:200]}",
        details={
            "conversation_id": conversation.pk,
            "kind": kind.value,
            "organization": organization.slug,
            "contact": contact.email if contact else None,
            "about": [a for a in about if a],
            "at": at.isoformat(),
            "minutes": minutes,
            "summary": summary,
        },
        at=at,
    )
    return conversation


def staff_user(username: str):
    found = get_user_model().objects.filter(username=username, is_active=True).first()
    if found is None:
        raise ValidationError({"assignee": f"No active user named {username}."})
    return found
