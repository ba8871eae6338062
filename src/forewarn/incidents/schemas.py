"""The JSON API's request and response shapes for incidents (``api``); the settings' shapes
sit next to their router (``api_settings``).

Component statuses are given as ``[{"component": slug, "status": word}]``; people by
username. Times are ISO 8601 with an offset. ``update_due_in_seconds`` is what the console
shows as "12 min left": negative once the update is overdue, null when none is due.
"""

from datetime import datetime

from django.utils import timezone
from ninja import Field, Schema

from forewarn.api.fields import Name, ObjectId, ShortText, Slug, Text, bounded_list, word_of
from forewarn.catalog.statuses import Status

from .cadence import time_left, time_left_text
from .causes import Cause
from .escalation import Tier
from .lifecycle import IncidentStatus, impact
from .priorities import DEFINITIONS, Priority

STATUS_WORDS = " | ".join(IncidentStatus)
PRIORITY_WORDS = " | ".join(Priority)


# --- requests -------------------------------------------------------------------------------


class ComponentStatusIn(Schema):
    component: Slug = Field(description="the component's slug")
    status: word_of(Status) = Field(
        description="operational | degraded_performance | … | major_outage"
    )


class OpenIn(Schema):
    title: Name = Field("", description="empty: the template's")
    priority: word_of(["", *Priority]) = Field(
        "", description=f"{PRIORITY_WORDS}; empty: the template's"
    )
    message: Text = Field("", description="the first update (Markdown); empty: the template's")
    components: bounded_list(ComponentStatusIn) | None = Field(
        None, description="affected components and their status; null: the template's"
    )
    template: ObjectId | None = Field(None, description="an incident template's id")
    is_public: bool | None = Field(
        None, description="null: the priority's default (P1–P3 public); else communicator only"
    )
    notify: bool = True
    detected_at: datetime | None = Field(None, description="when the trouble began; null: now")
    description: Text = Field("", description="description and analysis (Markdown)")
    reporter: Name = Field("", description="the customer contact who reported it")
    responders: bounded_list(Name) = Field(default_factory=list, description="usernames")
    acknowledged: bool = Field(
        True, description="a person is on it now; false for an incident opened by a hook"
    )


class PastUpdateIn(Schema):
    at: datetime = Field(description="when it was posted, with an offset")
    status: word_of(IncidentStatus) = Field(description=STATUS_WORDS)
    message: Text


class BackfillIn(Schema):
    title: Name
    priority: word_of(Priority) = Field(description=PRIORITY_WORDS)
    updates: bounded_list(PastUpdateIn) = Field(description="as they were posted, oldest first")
    components: bounded_list(ComponentStatusIn) | None = None
    detected_at: datetime | None = Field(None, description="null: the first update's time")
    cause: word_of(Cause) = Field(Cause.OWN.value, description=" | ".join(Cause))
    is_public: bool | None = None
    description: Text = ""


class UpdateIn(Schema):
    message: Text
    status: word_of(IncidentStatus) | None = Field(
        None, description=f"{STATUS_WORDS}; null: unchanged"
    )
    components: bounded_list(ComponentStatusIn) | None = None
    notify: bool = True


class ResolveIn(Schema):
    message: Text
    components: bounded_list(ComponentStatusIn) | None = None
    notify: bool = True


class ReopenIn(Schema):
    message: Text
    status: word_of(IncidentStatus) = Field(
        IncidentStatus.INVESTIGATING.value, description="an open status"
    )
    components: bounded_list(ComponentStatusIn) | None = None
    notify: bool = True


class ReclassifyIn(Schema):
    priority: word_of(Priority) = Field(description=PRIORITY_WORDS)
    reason: ShortText
    notify: bool = Field(True, description="tell customers if it becomes public")


class VisibilityIn(Schema):
    is_public: bool
    reason: ShortText = ""
    notify: bool = Field(True, description="when made public: tell customers its latest update")


class CauseIn(Schema):
    cause: word_of(Cause) = Field(description=" | ".join(Cause))
    cause_component: Slug | None = Field(
        None, description="slug of the upstream (third-party) component responsible"
    )
    note: ShortText = ""


class RespondersIn(Schema):
    responders: bounded_list(Name) = Field(description="usernames; they get the update reminders")


class EscalateIn(Schema):
    tier: word_of(Tier) = Field(description=" | ".join(Tier))
    reason: ShortText


class PostmortemIn(Schema):
    body: Text = Field(description="Markdown")


class PublishIn(Schema):
    notify: bool = Field(False, description="also tell the subscribers, as Statuspage offers")


class IncidentQuery(Schema):
    open: bool | None = Field(None, description="true: unresolved only; false: resolved only")
    status: word_of(IncidentStatus) | None = Field(None, description=STATUS_WORDS)
    priority: word_of(Priority) | None = Field(None, description=PRIORITY_WORDS)
    is_public: bool | None = None
    component: Slug | None = Field(None, description="slug: incidents that affected it")
    since: datetime | None = Field(None, description="detected at or after this instant")
    until: datetime | None = Field(None, description="detected before this instant")


# --- responses ------------------------------------------------------------------------------


class AffectedOut(Schema):
    component: str
    name: str
    status: str = Field(description="the component's status now")
    status_before: str
    status_during: str = Field(description="the last status the incident set")
    restored_at: datetime | None


class UpdateOut(Schema):
    id: int
    public_id: str
    status: str
    body: str
    body_html: str
    component_changes: list[dict]
    notify: bool
    author: str
    posted_at: datetime


class EscalationOut(Schema):
    tier: str
    at: datetime
    actor: str
    reason: str
    recipients: list[str]


class PostmortemOut(Schema):
    body: str
    body_html: str
    author: str
    updated_at: datetime
    published_at: datetime | None
    notified: bool


class IncidentOut(Schema):
    id: int
    public_id: str
    title: str
    priority: str
    priority_name: str
    status: str
    impact: str = Field(description="Statuspage's none | minor | major | critical")
    is_public: bool
    visibility_overridden: bool
    cause: str
    cause_component: Slug | None = Field(description="the upstream component's slug")
    escalation_tier: str
    detected_at: datetime
    created_at: datetime
    created_by: str
    acknowledged_at: datetime | None
    identified_at: datetime | None
    resolved_at: datetime | None
    last_update_at: datetime | None
    next_update_due_at: datetime | None = Field(description="null: no update is due")
    update_due_in_seconds: int | None = Field(description="negative once overdue")
    update_due_text: str = Field(description='"12 min left", "overdue by 3 min"')
    is_update_overdue: bool
    overdue_count: int = Field(description="update deadlines missed over its life")
    responders: list[str]
    components: list[AffectedOut]

    @staticmethod
    def resolve_priority_name(obj):
        return DEFINITIONS[Priority(obj.priority)].name

    @staticmethod
    def resolve_impact(obj):
        return impact(obj.priority, [a.status_during for a in obj.affected.all()]).value

    @staticmethod
    def resolve_cause_component(obj):
        return obj.cause_component.slug if obj.cause_component_id else None

    @staticmethod
    def resolve_update_due_in_seconds(obj):
        left = time_left(obj.next_update_due_at, timezone.now())
        return None if left is None else int(left.total_seconds())

    @staticmethod
    def resolve_update_due_text(obj):
        return time_left_text(time_left(obj.next_update_due_at, timezone.now()))

    @staticmethod
    def resolve_is_update_overdue(obj):
        due = obj.next_update_due_at
        return due is not None and due <= timezone.now()

    @staticmethod
    def resolve_responders(obj):
        return sorted(u.get_username() for u in obj.responders.all())

    @staticmethod
    def resolve_components(obj):
        return [
            {
                "component": a.component.slug,
                "name": a.component.name,
                "status": a.component.status,
                "status_before": a.status_before,
                "status_during": a.status_during,
                "restored_at": a.restored_at,
            }
            for a in obj.affected.all()
        ]


class IncidentDetailOut(IncidentOut):
    description: str
    cause_note: str
    reporter: str
    updates: list[UpdateOut] = Field(description="newest first")
    escalations: list[EscalationOut]
    postmortem: PostmortemOut | None

    @staticmethod
    def resolve_updates(obj):
        return list(obj.updates.all())

    @staticmethod
    def resolve_escalations(obj):
        return list(obj.escalations.all())

    @staticmethod
    def resolve_postmortem(obj):
        return getattr(obj, "postmortem", None)


class PriorityOut(Schema):
    priority: str
    name: str
    definition: str = Field(description="seed 001 §6, word for word")
    public_by_default: bool
    update_interval_minutes: int | None
    escalation: str


class CadenceOut(Schema):
    """The cadence report: every gap between updates against its target."""

    gaps: list[dict]
    stretches: list[dict] = Field(description="summed per stretch under one priority")
    total: dict
