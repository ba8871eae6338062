"""The request and response shapes of planned work in the JSON API; every input bounded."""

from datetime import datetime
from typing import Annotated, Any

from ninja import Field, Schema

from forewarn import limits
from forewarn.api.fields import (
    Instant,
    Name,
    ShortText,
    Slug,
    Text,
    TimeZoneName,
    bounded_list,
    one_of,
)
from forewarn.catalog.models import ComponentStatus
from forewarn.markup import render_markdown
from forewarn.policies.rules import Risk

from .lifecycle import PlannedState
from .occurrences import RULE_LENGTH

RuleText = Annotated[
    str,
    Field(max_length=RULE_LENGTH, description="RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=SA;COUNT=8"),
]
Justification = Annotated[str, Field(max_length=limits.TEXT)]
WindowIndex = Annotated[int, Field(ge=0, le=1000)]


class PlannedAffectedIn(Schema):
    component: Slug
    expected_status: one_of(ComponentStatus.values) = Field(
        "under_maintenance", description="the status the component takes during the window"
    )


class PlannedFeatureIn(Schema):
    name: Name
    plans: bounded_list(Name, 100) = Field(
        default_factory=list, description="plans whose licences include it; none: every plan"
    )


class PlannedPlanChangeIn(Schema):
    plan: Name
    change: Annotated[str, Field(max_length=limits.SHORT_TEXT * 10)]


class PlannedOtherWorkTypeIn(Schema):
    policy: Slug
    work_type: Slug


class PlannedWorkWords(Schema):
    """The plain fields of planned work (published work may change only its words)."""

    title: Name | None = None
    description: Text | None = Field(None, description="Markdown")
    impact_text: Text | None = None
    risk: one_of(r.value for r in Risk) | None = None
    shutdown: bool | None = None
    on_site: bool | None = None
    validated_on_test_environment: bool | None = None
    emergency: bool | None = None
    new_features: bounded_list(PlannedFeatureIn, 50) | None = None
    plan_changes: bounded_list(PlannedPlanChangeIn, 100) | None = None


class PlannedWorkPatch(PlannedWorkWords):
    """Only what changes; a draft may change everything it is, published work its words."""

    policy: Slug | None = Field(None, description="a new policy keeps the work type's slug")
    work_type: Slug | None = None
    other_work_types: bounded_list(PlannedOtherWorkTypeIn, 50) | None = None
    start: Instant | None = Field(None, description="of the first window; its length kept")
    end: Instant | None = Field(None, description="null: the work type's default duration")
    time_zone: TimeZoneName | None = None
    rrule: RuleText | None = Field(None, description='"": one window')
    components: bounded_list(PlannedAffectedIn) | None = Field(
        None, description="every affected component, replacing the list"
    )
    owner: Name | None = Field(None, description="null: nobody")


class PlannedWorkIn(PlannedWorkWords):
    title: Name
    policy: Slug = Field(description="policy slug, e.g. seed-000")
    work_type: Slug = Field(description="work type slug under the policy, e.g. maintenance-window")
    other_work_types: bounded_list(PlannedOtherWorkTypeIn, 50) = Field(
        default_factory=list,
        description="the work type under each other policy an affected client falls under",
    )
    start: Instant
    end: Instant | None = Field(None, description="default: start + the work type's duration")
    time_zone: TimeZoneName = Field("", description="IANA zone of the window and its rule")
    rrule: RuleText = ""
    components: bounded_list(PlannedAffectedIn) = Field(default_factory=list)
    owner: Name | None = Field(None, description="username alerted when a window overruns")


class PlannedPublishIn(Schema):
    justification: Justification = Field(
        "", description="required when the check finds violations (kept in the record)"
    )


class PlannedRescheduleIn(PlannedPublishIn):
    start: Instant
    end: Instant | None = Field(None, description="default: the window's length kept")
    window: WindowIndex | None = Field(None, description="default: the first open window")
    reason: ShortText = ""


class PlannedCancelIn(Schema):
    reason: ShortText
    window: WindowIndex | None = Field(None, description="default: the whole work")


class PlannedExtendIn(Schema):
    reason: ShortText
    end: Instant | None = Field(None, description="the new end")
    next_update_at: Instant | None = Field(None, description="or when the next update comes")
    window: WindowIndex | None = None


class PlannedCompleteIn(Schema):
    window: WindowIndex | None = None


class PlannedWorkQuery(Schema):
    state: one_of(s.value for s in PlannedState) | None = None
    policy: Slug | None = None
    component: Slug | None = None


class PlannedWindowOut(Schema):
    index: int
    start_at: datetime
    end_at: datetime
    state: str
    sequence: int
    started_at: datetime | None
    ended_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    overrunning_since: datetime | None
    extensions: int
    kept_policy: bool
    violations: list[Any]


class PlannedAffectedOut(Schema):
    component: str = Field(alias="component.slug")
    name: str = Field(alias="component.name")
    expected_status: str


class PlannedJustificationOut(Schema):
    move: str
    text: str
    author: str
    role: str
    at: datetime
    window: int | None = Field(None, alias="window.index")
    violations: list[Any]


class PlannedWorkOut(Schema):
    id: int
    public_id: str
    title: str
    description: str
    description_html: str = Field(description="the description rendered and sanitised")
    policy: str = Field(alias="policy.slug")
    work_type: str = Field(alias="work_type.slug")
    other_work_types: list[dict]
    risk: str
    impact_text: str
    shutdown: bool
    on_site: bool
    validated_on_test_environment: bool
    emergency: bool
    new_features: list[Any]
    plan_changes: dict[str, str]
    time_zone: str
    rrule: str
    state: str
    owner: str | None
    audiences: list[Any]
    created_by: str
    created_at: datetime
    published_at: datetime | None
    released_at: datetime | None
    components: list[PlannedAffectedOut]
    windows: list[PlannedWindowOut]
    justifications: list[PlannedJustificationOut]

    @staticmethod
    def resolve_other_work_types(obj):
        return [{"policy": w.policy.slug, "work_type": w.slug} for w in obj.other_work_types.all()]

    @staticmethod
    def resolve_description_html(obj):
        return render_markdown(obj.description)

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.get_username() if obj.owner else None

    @staticmethod
    def resolve_components(obj):
        return list(obj.affected.all())

    @staticmethod
    def resolve_windows(obj):
        return list(obj.windows.all())

    @staticmethod
    def resolve_justifications(obj):
        return list(obj.justifications.all())


class PlannedNoticeOut(Schema):
    kind: str
    due_at: str
    due_at_text: str
    local: dict[str, str] = Field(description="the due time in each affected region's zone")
    description: str
    channels: list[str]
    condition: str


class PlannedViolationOut(Schema):
    window: int
    policy: str
    code: str
    message: str
    severity: str
    override_allowed: bool


class PlannedPolicyCheckOut(Schema):
    policy: str
    work_type: str
    organizations: list[str]
    time_zone: str
    announce_by: str | None
    announce_by_text: str | None
    earliest_compliant_start: str | None
    earliest_compliant_start_text: str | None
    violations: list[PlannedViolationOut]
    plan: list[PlannedNoticeOut]
    event_notices: list[str]


class PlannedWindowCheckOut(Schema):
    index: int
    start: datetime
    end: datetime
    policies: list[PlannedPolicyCheckOut]


class PlannedCheckOut(Schema):
    ok: bool
    is_blocked: bool = Field(description="a violation no one may override")
    needs_justification: bool
    needs_admin: bool = Field(description="a firm rule is broken: only an admin may publish")
    windows: list[PlannedWindowCheckOut]
    uncovered_organizations: list[str]
