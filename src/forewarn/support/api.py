"""Support requests in the JSON API, for staff: the queue, each request with its thread and
clocks (time left in business hours and as an instant), and everything the console does, through
the same services.

Viewers read (and the response-time report); responders open requests on a contact's behalf, answer, move and reclassify
them; admins keep the targets (on-call rotas are in ``api_rotas``, chat widgets in
``api_widgets``). Opening for someone who is not an authorized contact is a 403
naming the reason, and nothing is filed.
"""

from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from forewarn.api.auth import actor, actor_and_role, needs
from forewarn.api.fields import Day, ObjectId, Slug
from forewarn.catalog.models import AuthorizedContact, Organization, Role
from forewarn.catalog.services import components_by_slug
from forewarn.delivery.models import Notice
from forewarn.incidents.models import Incident

from . import configuration, handling, reporting, services
from .clocks import ClockState, clock_starts_at, state
from .lifecycle import Origin
from .models import RequestMessage, ResponseTarget, SupportRequest
from .schemas import (
    SupportAssigneeIn,
    SupportConversationIn,
    SupportConversationOut,
    SupportCustomerMessageIn,
    SupportEscalateIn,
    SupportMessageOut,
    SupportNoteIn,
    SupportOpenIn,
    SupportReclassifyIn,
    SupportReplyIn,
    SupportRequestDetailOut,
    SupportRequestOut,
    SupportRequestQuery,
    SupportStatusIn,
    SupportTargetsIn,
    SupportTargetsOut,
)
from .timing import first_response_clock, resolution_clock

router = Router(tags=["support"])


# --- shapes -------------------------------------------------------------------------------------


def clock_out(clock, *, stopped_at, now) -> dict:
    found = state(clock, stopped_at=stopped_at, now=now)
    if clock is None:
        return {
            "state": found,
            "due_at": None,
            "business_minutes_left": None,
            "target_minutes": None,
        }
    running = stopped_at is None and found is not ClockState.NONE
    return {
        "state": found.value,
        "due_at": clock.due_at() if running else None,
        "business_minutes_left": round(clock.left(now).total_seconds() / 60, 1)
        if running
        else None,
        "target_minutes": round(clock.target.total_seconds() / 60, 1),
    }


def request_out(request: SupportRequest) -> dict:
    now = timezone.now()
    first = first_response_clock(request)
    started = request.clock_started_at
    return {
        "id": request.pk,
        "reference": request.reference,
        "organization": request.organization.slug,
        "requester": request.requester_email,
        "subject": request.subject,
        "priority": request.priority,
        "status": request.status,
        "origin": request.origin,
        "emergency": request.emergency,
        "on_call": request.on_call,
        "is_informational": request.is_informational,
        "assignee": request.assignee.get_username() if request.assignee_id else None,
        "component": request.component.slug if request.component_id else None,
        "created_at": request.created_at,
        "clock_starts_at": clock_starts_at(first.calendar, started) if first else None,
        "first_responded_at": request.first_responded_at,
        "first_response": clock_out(first, stopped_at=request.first_responded_at, now=now)
        if first
        else {**clock_out(None, stopped_at=None, now=now), "state": ClockState.NOT_STARTED.value},
        "resolution": clock_out(resolution_clock(request), stopped_at=request.solved_at, now=now),
    }


def message_out(message: RequestMessage) -> dict:
    return {
        "id": message.pk,
        "kind": message.kind,
        "origin": message.origin,
        "author": message.author,
        "body": message.body,
        "body_html": message.body_html,
        "created_at": message.created_at,
        "attachments": [
            {"filename": a.filename, "content_type": a.content_type, "size": a.size}
            for a in message.attachments.all()
        ],
    }


def detail_out(request: SupportRequest) -> dict:
    messages = request.messages.prefetch_related("attachments").order_by("created_at", "id")
    return request_out(request) | {
        "body": request.body,
        "out_of_scope_reason": request.out_of_scope_reason,
        "messages": [message_out(m) for m in messages],
    }


def requests():
    return SupportRequest.objects.select_related("organization", "assignee", "component", "rota")


def _request(request_id: ObjectId) -> SupportRequest:
    return get_object_or_404(requests(), pk=request_id)


def _organization(slug: str | None) -> Organization | None:
    if slug is None:
        return None
    found = Organization.objects.filter(slug=slug).first()
    if found is None:
        raise ValidationError({"organization": f"No organization '{slug}'."})
    return found


# --- requests -----------------------------------------------------------------------------------


@router.get("/support/requests", response=list[SupportRequestOut], auth=needs(Role.VIEWER))
def list_requests(request, filters: Query[SupportRequestQuery]):
    """Requests, newest first; ``awaiting_response=true`` is the queue by what is due first."""
    found = requests()
    for field in ("status", "priority"):
        if getattr(filters, field) is not None:
            found = found.filter(**{field: getattr(filters, field)})
    if filters.organization is not None:
        found = found.filter(organization__slug=filters.organization)
    if filters.awaiting_response is not None:
        found = found.filter(
            first_responded_at__isnull=filters.awaiting_response, clock_started_at__isnull=False
        )
        if filters.awaiting_response:
            found = found.order_by("first_response_due_at", "pk")
    page = found[filters.offset : filters.offset + filters.limit]
    return [request_out(r) for r in page]


@router.post(
    "/support/requests", response={201: SupportRequestDetailOut}, auth=needs(Role.RESPONDER)
)
def open_request(request, payload: SupportOpenIn):
    """Open a request for an authorized contact (a phone call, a chat); 403 for anyone else."""
    component = components_by_slug([payload.component])[0] if payload.component else None
    opened = services.open_request(
        requester_email=payload.requester_email,
        organization=_organization(payload.organization),
        subject=payload.subject,
        body=payload.body,
        priority=payload.priority,
        component=component,
        emergency=payload.emergency,
        origin=Origin.API,
        actor=actor(request),
    )
    return Status(201, detail_out(_request(opened.pk)))


@router.get(
    "/support/requests/{request_id}", response=SupportRequestDetailOut, auth=needs(Role.VIEWER)
)
def get_request(request, request_id: ObjectId):
    return detail_out(_request(request_id))


@router.post(
    "/support/requests/{request_id}/replies",
    response={201: SupportMessageOut},
    auth=needs(Role.RESPONDER),
)
def reply(request, request_id: ObjectId, payload: SupportReplyIn):
    """Answer the requester (sent through the outbox, in the request's thread)."""
    message = handling.reply(
        _request(request_id), body=payload.body, status=payload.status, **actor_and_role(request)
    )
    return Status(201, message_out(message))


@router.post(
    "/support/requests/{request_id}/notes",
    response={201: SupportMessageOut},
    auth=needs(Role.RESPONDER),
)
def note(request, request_id: ObjectId, payload: SupportNoteIn):
    message = handling.add_note(_request(request_id), body=payload.body, **actor_and_role(request))
    return Status(201, message_out(message))


@router.post(
    "/support/requests/{request_id}/messages",
    response={201: SupportMessageOut},
    auth=needs(Role.RESPONDER),
)
def customer_message(request, request_id: ObjectId, payload: SupportCustomerMessageIn):
    """Add what a contact said (by phone, say) as their message; 403 if they are not authorized."""
    message = services.add_customer_message(
        _request(request_id),
        sender_email=payload.sender_email,
        body=payload.body,
        origin=Origin.API,
        actor=actor(request),
    )
    return Status(201, message_out(message))


@router.post(
    "/support/requests/{request_id}/status", response=SupportRequestOut, auth=needs(Role.RESPONDER)
)
def set_status(request, request_id: ObjectId, payload: SupportStatusIn):
    handling.set_status(
        _request(request_id), payload.status, reason=payload.reason, **actor_and_role(request)
    )
    return request_out(_request(request_id))


@router.post(
    "/support/requests/{request_id}/reclassify",
    response=SupportRequestOut,
    auth=needs(Role.RESPONDER),
)
def reclassify(request, request_id: ObjectId, payload: SupportReclassifyIn):
    """Change the priority; the targets are recomputed from the request's creation."""
    handling.reclassify(
        _request(request_id), payload.priority, reason=payload.reason, **actor_and_role(request)
    )
    return request_out(_request(request_id))


@router.put(
    "/support/requests/{request_id}/assignee",
    response=SupportRequestOut,
    auth=needs(Role.RESPONDER),
)
def assign(request, request_id: ObjectId, payload: SupportAssigneeIn):
    user = handling.staff_user(payload.assignee) if payload.assignee else None
    handling.assign(_request(request_id), user, **actor_and_role(request))
    return request_out(_request(request_id))


@router.post(
    "/support/requests/{request_id}/escalations",
    response=SupportRequestOut,
    auth=needs(Role.RESPONDER),
)
def escalate(request, request_id: ObjectId, payload: SupportEscalateIn):
    handling.escalate(
        _request(request_id), payload.tier, reason=payload.reason, **actor_and_role(request)
    )
    return request_out(_request(request_id))


# --- conversations and targets ------------------------------------------------------------------


@router.post(
    "/support/conversations", response={201: SupportConversationOut}, auth=needs(Role.RESPONDER)
)
def log_conversation(request, payload: SupportConversationIn):
    """Log a phone call or meeting with a contact, on a request, an incident, a notice or an organization."""
    organization = _organization(payload.organization)
    contact = None
    if payload.contact_email:
        found = AuthorizedContact.objects.filter(organization=organization)
        contact = found.with_mailbox(payload.contact_email).first()
        if contact is None:
            raise ValidationError(
                {"contact_email": f"No contact {payload.contact_email} of {organization.name}."}
            )
    found = handling.log_conversation(
        kind=payload.kind,
        organization=organization,
        contact=contact,
        request=_related(SupportRequest, payload.request_id, "request_id"),
        incident=_related(Incident, payload.incident_id, "incident_id"),
        notice=_related(Notice, payload.notice_id, "notice_id"),
        at=payload.at,
        minutes=payload.minutes,
        summary=payload.summary,
        **actor_and_role(request),
    )
    return Status(
        201,
        {
            "id": found.pk,
            "kind": found.kind,
            "organization": organization.slug,
            "contact": contact.email if contact else None,
            "at": found.at,
            "minutes": found.minutes,
            "summary": found.summary,
            "logged_by": found.logged_by,
        },
    )


def _related(model, pk: int | None, field: str):
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: f"No such {model._meta.verbose_name} ({pk})."})
    return found


def targets_out(target: ResponseTarget) -> dict:
    return {
        "id": target.pk,
        "organization": target.organization.slug if target.organization_id else None,
        **{f: getattr(target, f) for f in configuration.TARGET_FIELDS if f != "organization"},
    }


@router.get("/support/targets", response=list[SupportTargetsOut], auth=needs(Role.VIEWER))
def list_targets(request):
    """Response targets set per organization or plan (seed 001 §5 applies elsewhere)."""
    return [
        targets_out(t) for t in ResponseTarget.objects.select_related("organization").order_by("pk")
    ]


@router.post("/support/targets", response={201: SupportTargetsOut}, auth=needs(Role.ADMIN))
def save_targets(request, payload: SupportTargetsIn):
    """Set the targets of an organization or a plan (replacing what was set for it)."""
    organization = _organization(payload.organization)
    target = (
        ResponseTarget.objects.filter(organization=organization).first()
        if organization
        else ResponseTarget.objects.filter(plan=payload.plan).first()
        if payload.plan
        else None
    ) or ResponseTarget()
    for field, value in payload.model_dump().items():
        if field != "organization":
            setattr(target, field, value)
    target.organization = organization
    configuration.save_targets(target, **actor_and_role(request))
    return Status(201, targets_out(target))


@router.delete("/support/targets/{target_id}", response={204: None}, auth=needs(Role.ADMIN))
def delete_targets(request, target_id: ObjectId):
    """Remove an organization's or a plan's targets: its requests fall back to the plan's, or
    to seed 001's defaults, from their next recomputation. The record keeps what they were."""
    target = ResponseTarget.objects.filter(pk=target_id).first()
    if target is None:
        raise Http404(f"No response targets {target_id}.")
    configuration.delete_targets(target, **actor_and_role(request))
    return Status(204, None)


# --- reports ------------------------------------------------------------------------------------


class ResponseTimesQuery(Schema):
    period: Annotated[str, Field(max_length=24)] | None = Field(
        None, description="2026-Q4, 2026-11 or 2026; default: this quarter"
    )
    start: Day | None = Field(None, description="first day of a custom range")
    end: Day | None = Field(None, description="last day (included) of a custom range")
    organization: Slug | None = Field(None, description="slug: only this organization")


@router.get("/support/reports/response-times", auth=needs(Role.VIEWER))
def response_times(request, filters: Query[ResponseTimesQuery]):
    """First-response attainment per quarter, organization and priority: met, breached,
    pending, median and 90th percentile in business minutes (as the console's JSON)."""
    period, organization = reporting.requested(filters.dict())
    return reporting.build(period, organization).as_json()
