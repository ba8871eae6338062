"""The contact operations of the support API (``/api/v1/contact/``): an authorized contact,
with its own token (``Authorization: Bearer fwp_…``, made in the portal), lists its
organization's requests, opens one, writes on one and closes it, through the same services as
the portal, email and chat.

Only contact tokens are accepted here (a staff token is refused with 403 saying so), and
contact tokens only here (staff operations refuse them with 403, ``tokens.STAFF_REFUSAL``).
A request of another organization is refused with 403 naming the reason; nothing is
changed. The OpenAPI document marks these operations ``x-forewarn-role: contact``.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer

from forewarn import limits
from forewarn.api.fields import ObjectId, ShortText, Slug, Text, one_of
from forewarn.api.models import ApiToken
from forewarn.catalog.models import AuthorizedContact
from forewarn.catalog.services import components_by_slug
from forewarn.support import services
from forewarn.support.api import message_out, request_out
from forewarn.support.lifecycle import Origin, Priority, RequestStatus
from forewarn.support.models import SupportRequest
from forewarn.support.schemas import SupportClockOut, SupportMessageOut

from . import queries, tokens

CONTACT = "contact"  # the role these operations name in the OpenAPI document
STAFF_REFUSAL = (
    "This operation needs an authorized contact's token (fwp_…, made in the customer "
    "portal); staff use /api/v1/support/."
)

router = Router(tags=["contact"])


class ContactTokenAuth(HttpBearer):
    """``Authorization: Bearer fwp_…``: the contact behind a live contact token."""

    role = CONTACT

    def authenticate(self, request, token):
        contact = tokens.authenticate(token)
        if contact is None:
            if ApiToken.authenticate(token) is not None:
                raise HttpError(403, STAFF_REFUSAL)
            return None
        return contact


CONTACT_AUTH = [ContactTokenAuth()]


# --- shapes -------------------------------------------------------------------------------------


class ContactOpenIn(Schema):
    subject: ShortText
    body: Text = ""
    priority: one_of(Priority) = Priority.UNCLASSIFIED
    component: Slug | None = Field(None, description="a component your organization uses")
    emergency: bool = Field(False, description="after hours: page the on-call engineer")


class ContactMessageIn(Schema):
    body: Text


class ContactRequestQuery(Schema):
    status: one_of(RequestStatus) | None = None
    limit: int = Field(100, ge=1, le=limits.PAGE)
    offset: int = Field(0, ge=0, le=limits.OFFSET)


class ContactRequestOut(Schema):
    id: int
    reference: str
    organization: str
    requester: str
    subject: str
    priority: str
    status: str
    origin: str
    emergency: bool
    is_informational: bool
    component: str | None
    created_at: datetime
    clock_starts_at: datetime | None
    first_responded_at: datetime | None
    first_response: SupportClockOut
    resolution: SupportClockOut


class ContactRequestDetailOut(ContactRequestOut):
    body: str
    out_of_scope_reason: str
    messages: list[SupportMessageOut]


def _out(found: SupportRequest) -> dict:
    shown = request_out(found)
    for internal in ("assignee", "on_call"):
        shown.pop(internal, None)
    return shown


def _detail(found: SupportRequest) -> dict:
    return _out(found) | {
        "body": found.body,
        "out_of_scope_reason": found.out_of_scope_reason,
        "messages": [message_out(m) for m in queries.thread(found)],
    }


def _contact(request) -> AuthorizedContact:
    return request.auth


def _theirs(request, request_id: int) -> SupportRequest:
    """The request, if it is the caller's organization's; 403 naming why if it is another's."""
    contact = _contact(request)
    found = get_object_or_404(
        SupportRequest.objects.select_related("organization", "component", "requester"),
        pk=request_id,
    )
    if found.organization_id != contact.organization_id:
        raise PermissionDenied(
            f"SR-{request_id} is not a request of {contact.organization.name}: your token opens "
            "only your organization's requests."
        )
    return found


# --- operations ---------------------------------------------------------------------------------


@router.get("/contact/requests", response=list[ContactRequestDetailOut], auth=CONTACT_AUTH)
def list_requests(request, filters: Query[ContactRequestQuery]):
    """Your organization's requests, newest first, each with its thread."""
    found = queries.requests(_contact(request).organization).select_related("organization")
    if filters.status is not None:
        found = found.filter(status=filters.status)
    return [_detail(r) for r in found[filters.offset : filters.offset + filters.limit]]


@router.post("/contact/requests", response={201: ContactRequestDetailOut}, auth=CONTACT_AUTH)
def open_request(request, payload: ContactOpenIn):
    """Open a request as yourself (403 if you may not open requests); its clock starts as for
    any other channel."""
    contact = _contact(request)
    component = components_by_slug([payload.component])[0] if payload.component else None
    opened = services.open_request(
        requester_email=contact.email,
        organization=contact.organization,
        subject=payload.subject,
        body=payload.body,
        priority=payload.priority,
        component=component,
        emergency=payload.emergency,
        origin=Origin.API,
        actor=contact.email,
    )
    return Status(201, _detail(_theirs(request, opened.pk)))


@router.get("/contact/requests/{request_id}", response=ContactRequestDetailOut, auth=CONTACT_AUTH)
def get_request(request, request_id: ObjectId):
    return _detail(_theirs(request, request_id))


@router.post(
    "/contact/requests/{request_id}/messages",
    response={201: SupportMessageOut},
    auth=CONTACT_AUTH,
)
def write(request, request_id: ObjectId, payload: ContactMessageIn):
    """Write on a request: a waiting or solved request opens again."""
    contact = _contact(request)
    message = services.add_customer_message(
        _theirs(request, request_id),
        sender_email=contact.email,
        body=payload.body,
        origin=Origin.API,
        actor=contact.email,
    )
    return Status(201, message_out(message))


@router.post(
    "/contact/requests/{request_id}/close", response=ContactRequestDetailOut, auth=CONTACT_AUTH
)
def close(request, request_id: ObjectId):
    """Close a request you no longer need help with; closed is final."""
    contact = _contact(request)
    services.close_by_customer(
        _theirs(request, request_id),
        sender_email=contact.email,
        origin=Origin.API,
        actor=contact.email,
    )
    return _detail(_theirs(request, request_id))
