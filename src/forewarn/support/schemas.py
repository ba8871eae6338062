"""The support API's request and response shapes, each input bounded (``forewarn.api.fields``)."""

from datetime import datetime

from ninja import Field, Schema

from forewarn import limits
from forewarn.api.fields import Email, Instant, ObjectId, ShortText, Slug, Text, one_of
from forewarn.incidents.escalation import Tier

from .lifecycle import ConversationKind, Priority, RequestStatus

Minutes = Field(None, ge=1, le=limits.OBJECTIVE_MINUTES)


class SupportOpenIn(Schema):
    requester_email: Email
    organization: Slug | None = Field(
        None, description="needed when the contact belongs to several"
    )
    subject: ShortText
    body: Text = ""
    priority: one_of(Priority) = Priority.UNCLASSIFIED
    component: Slug | None = None
    emergency: bool = False


class SupportReplyIn(Schema):
    body: Text
    status: one_of(RequestStatus) | None = None


class SupportNoteIn(Schema):
    body: Text


class SupportCustomerMessageIn(Schema):
    sender_email: Email
    body: Text


class SupportStatusIn(Schema):
    status: one_of(RequestStatus)
    reason: Text = ""


class SupportReclassifyIn(Schema):
    priority: one_of(Priority)
    reason: Text


class SupportAssigneeIn(Schema):
    assignee: ShortText | None = Field(None, description="a staff username; null: nobody")


class SupportEscalateIn(Schema):
    tier: one_of(Tier)
    reason: Text


class SupportConversationIn(Schema):
    kind: one_of(ConversationKind)
    organization: Slug
    contact_email: Email | None = None
    request_id: ObjectId | None = None
    incident_id: ObjectId | None = None
    notice_id: ObjectId | None = None
    at: Instant
    minutes: int | None = Field(None, ge=0, le=24 * 60)
    summary: Text


class SupportTargetsIn(Schema):
    organization: Slug | None = None
    plan: ShortText = ""
    high_minutes: int = Field(60, ge=1, le=limits.OBJECTIVE_MINUTES)
    normal_minutes: int = Field(480, ge=1, le=limits.OBJECTIVE_MINUTES)
    unclassified_minutes: int | None = Minutes
    resolution_high_minutes: int | None = Minutes
    resolution_normal_minutes: int | None = Minutes
    resolution_unclassified_minutes: int | None = Minutes


class SupportRequestQuery(Schema):
    status: one_of(RequestStatus) | None = None
    priority: one_of(Priority) | None = None
    organization: Slug | None = None
    awaiting_response: bool | None = Field(None, description="true: no first response yet")
    limit: int = Field(100, ge=1, le=limits.PAGE)
    offset: int = Field(0, ge=0, le=limits.OFFSET)


class SupportClockOut(Schema):
    state: str
    due_at: datetime | None
    business_minutes_left: float | None
    target_minutes: float | None


class SupportRequestOut(Schema):
    id: int
    reference: str
    organization: str
    requester: str
    subject: str
    priority: str
    status: str
    origin: str
    emergency: bool
    on_call: bool
    is_informational: bool
    assignee: str | None
    component: str | None
    created_at: datetime
    clock_starts_at: datetime | None
    first_responded_at: datetime | None
    first_response: SupportClockOut
    resolution: SupportClockOut


class SupportAttachmentOut(Schema):
    filename: str
    content_type: str
    size: int


class SupportMessageOut(Schema):
    id: int
    kind: str
    origin: str
    author: str
    body: str
    body_html: str
    created_at: datetime
    attachments: list[SupportAttachmentOut]


class SupportRequestDetailOut(SupportRequestOut):
    body: str
    out_of_scope_reason: str
    messages: list[SupportMessageOut]


class SupportConversationOut(Schema):
    id: int
    kind: str
    organization: str
    contact: str | None
    at: datetime
    minutes: int | None
    summary: str
    logged_by: str


class SupportTargetsOut(Schema):
    id: int
    organization: str | None
    plan: str
    high_minutes: int
    normal_minutes: int
    unclassified_minutes: int | None
    resolution_high_minutes: int | None
    resolution_normal_minutes: int | None
    resolution_unclassified_minutes: int | None
