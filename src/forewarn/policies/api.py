"""Policies endpoints of the JSON API: policies and work types (admin writes, every change
recorded), and the notice check (read-only, any staff role)."""

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from ninja import Field, Router, Schema, Status

from forewarn import limits
from forewarn.api.auth import actor, needs
from forewarn.api.fields import (
    Instant,
    Name,
    Position,
    ShortText,
    Slug,
    Slugs,
    Text,
    bounded_list,
    one_of,
)
from forewarn.api.openapi import ErrorOut
from forewarn.api.validation import refuse_nulls
from forewarn.calendars.api import calendar_or_422
from forewarn.catalog.models import Role

from . import services
from .checks import run_check
from .models import NoticeUnitChoice, Policy, Requirement, WorkType
from .rules import Content, Impact, Risk

router = Router(tags=["policies"])

Unit = Literal[tuple(NoticeUnitChoice.values)]
CONTENT_NAMES = [content.name.lower() for content in Content]
Placement = Literal[tuple(Requirement.values)]


# --- work types --------------------------------------------------------------------------------


class WorkTypeOut(Schema):
    slug: str
    name: str
    position: int
    notice: str = Field(alias="notice_text", description='in words: "3 business days"')
    notice_unit: Unit
    notice_amount: int
    notice_where_possible: bool
    notice_source: str
    default_duration_minutes: float | None = None
    outside_peak_hours: Placement
    outside_peak_hours_source: str
    high_risk_outside_business_hours: Placement
    high_risk_outside_business_hours_source: str
    on_site_inside_working_hours: Placement
    on_site_inside_working_hours_source: str
    notices: list[Any]
    override_allowed: bool
    publishes_status: bool
    requires_validation_on_test_environment: bool
    source: str

    @staticmethod
    def resolve_default_duration_minutes(obj):
        duration = obj.default_duration
        return None if duration is None else duration.total_seconds() / 60


Notices = bounded_list(Any, limits.RANGES)


class WorkTypePatch(Schema):
    name: Name | None = None
    position: Position | None = None
    notice_unit: Unit | None = Field(
        None, description="notice unit (docs/product.md S2), or none for no notice"
    )
    notice_amount: int | None = Field(None, ge=0, le=1_000)
    notice_where_possible: bool | None = None
    notice_source: Text | None = None
    default_duration_minutes: int | None = Field(None, ge=1, le=92 * 24 * 60)
    outside_peak_hours: Placement | None = None
    outside_peak_hours_source: Text | None = None
    high_risk_outside_business_hours: Placement | None = None
    high_risk_outside_business_hours_source: Text | None = None
    on_site_inside_working_hours: Placement | None = None
    on_site_inside_working_hours_source: Text | None = None
    notices: Notices | None = Field(
        None,
        description='[{"kind": "announcement", "channels": ["email"], "must_include": '
        '["scheduled_time"]}, {"kind": "reminder", "offsets": ["P1D"]}]',
    )
    override_allowed: bool | None = None
    publishes_status: bool | None = None
    requires_validation_on_test_environment: bool | None = None
    source: Text | None = None


class WorkTypeIn(WorkTypePatch):
    slug: Slug
    name: Name
    notice_unit: Unit = "business_days"


def _apply_work_type(work_type: WorkType, data: dict) -> WorkType:
    """Set the given fields; null clears default_duration and is refused elsewhere."""
    if "default_duration_minutes" in data:
        minutes = data.pop("default_duration_minutes")
        work_type.default_duration = None if minutes is None else dt.timedelta(minutes=minutes)
    for field, value in refuse_nulls(data).items():
        setattr(work_type, field, value)
    return work_type


# --- policies ----------------------------------------------------------------------------------


class PolicyOut(Schema):
    slug: str
    name: str
    calendar: str = Field(alias="calendar.slug")
    time_zone: str = Field(alias="calendar.time_zone")
    description: str
    source: str
    updated_at: dt.datetime
    work_types: list[WorkTypeOut]

    @staticmethod
    def resolve_work_types(obj):
        return list(obj.work_types.all())


class PolicyIn(Schema):
    slug: Slug
    name: Name
    calendar: Slug = Field(description="slug of a calendar; notice periods are counted in it")
    description: Text = ""
    source: ShortText = ""
    work_types: Annotated[list[WorkTypeIn], Field(max_length=limits.RANGES)] = Field(
        default_factory=list
    )


class PolicyPatch(Schema):
    name: Name | None = None
    calendar: Slug | None = None
    description: Text | None = None
    source: ShortText | None = None


def _policies():
    return Policy.objects.select_related("calendar").prefetch_related("work_types")


def _policy_or_404(slug: Slug) -> Policy:
    found = _policies().filter(slug=slug).first()
    if found is None:
        raise Http404(f"No policy {slug!r}.")
    return found


def _work_type_or_404(policy: Policy, slug: Slug) -> WorkType:
    found = policy.work_types.filter(slug=slug).first()
    if found is None:
        raise Http404(f"Policy {policy.slug} has no work type {slug!r}.")
    return found


@router.get("/policies", response=list[PolicyOut], auth=needs(Role.VIEWER))
def list_policies(request):
    return _policies()


@router.post("/policies", response={201: PolicyOut}, auth=needs(Role.ADMIN))
def create_policy(request, payload: PolicyIn):
    """Create a policy with its work types (admin); recorded as one change each."""
    data = payload.dict()
    with transaction.atomic():
        policy = Policy(
            slug=data["slug"],
            name=data["name"],
            calendar=calendar_or_422(data["calendar"]),
            description=data["description"],
            source=data["source"],
        )
        services.save_policy(policy, actor=actor(request))
        for position, fields in enumerate(data["work_types"]):
            fields = {k: v for k, v in fields.items() if v is not None}
            fields.setdefault("position", position)
            work_type = _apply_work_type(WorkType(policy=policy), fields)
            try:
                services.save_work_type(work_type, actor=actor(request))
            except ValidationError as error:
                raise ValidationError(
                    {f"work_types.{position}.{k}": v for k, v in error.message_dict.items()}
                ) from None
    return Status(201, _policy_or_404(policy.slug))


@router.get("/policies/{slug}", response=PolicyOut, auth=needs(Role.VIEWER))
def get_policy(request, slug: Slug):
    return _policy_or_404(slug)


@router.patch("/policies/{slug}", response=PolicyOut, auth=needs(Role.ADMIN))
def update_policy(request, slug: Slug, payload: PolicyPatch):
    """Change a policy (admin); the change is recorded with the fields that changed."""
    policy = _policy_or_404(slug)
    for field, value in refuse_nulls(payload.dict(exclude_unset=True)).items():
        setattr(policy, field, calendar_or_422(value) if field == "calendar" else value)
    services.save_policy(policy, actor=actor(request))
    return _policy_or_404(slug)


@router.get("/policies/{slug}/work-types", response=list[WorkTypeOut], auth=needs(Role.VIEWER))
def list_work_types(request, slug: Slug):
    return list(_policy_or_404(slug).work_types.all())


@router.post("/policies/{slug}/work-types", response={201: WorkTypeOut}, auth=needs(Role.ADMIN))
def create_work_type(request, slug: Slug, payload: WorkTypeIn):
    policy = _policy_or_404(slug)
    fields = {k: v for k, v in payload.dict().items() if v is not None}
    fields.setdefault("position", policy.work_types.count())
    work_type = _apply_work_type(WorkType(policy=policy), fields)
    return Status(201, services.save_work_type(work_type, actor=actor(request)))


@router.get(
    "/policies/{slug}/work-types/{work_type}", response=WorkTypeOut, auth=needs(Role.VIEWER)
)
def get_work_type(request, slug: Slug, work_type: Slug):
    return _work_type_or_404(_policy_or_404(slug), work_type)


@router.patch(
    "/policies/{slug}/work-types/{work_type}", response=WorkTypeOut, auth=needs(Role.ADMIN)
)
def update_work_type(request, slug: Slug, work_type: Slug, payload: WorkTypePatch):
    """Change a work type (admin); recorded against its policy with the fields that changed."""
    row = _work_type_or_404(_policy_or_404(slug), work_type)
    _apply_work_type(row, payload.dict(exclude_unset=True))
    return services.save_work_type(row, actor=actor(request))


@router.delete(
    "/policies/{slug}/work-types/{work_type}", response={204: None}, auth=needs(Role.ADMIN)
)
def delete_work_type(request, slug: Slug, work_type: Slug):
    services.delete_work_type(
        _work_type_or_404(_policy_or_404(slug), work_type), actor=actor(request)
    )
    return Status(204, None)


# --- versions ----------------------------------------------------------------------------------


class WorkTypeChangeIn(WorkTypePatch):
    """One work type a version changes: its slug and the fields that change."""

    slug: Slug


class PolicyVersionIn(Schema):
    label: Annotated[str, Field(min_length=1, max_length=50)] = Field(
        description="as the customers know it: 2027.1"
    )
    effective_from: Instant = Field(
        description="now or later, after the policy's latest version; windows starting from "
        "then are checked against this version"
    )
    summary: Text = Field(description="what changes and why, Markdown; the notice quotes it")
    work_types: Annotated[list[WorkTypeChangeIn], Field(min_length=1, max_length=limits.RANGES)]


class PolicyVersionOut(Schema):
    id: int
    policy: str
    label: str
    effective_from: dt.datetime
    summary: str
    work_types: list[WorkTypeOut] = Field(description="each changed work type as it will be")
    changes: dict[str, Any] = Field(description='{work type: {field: {"from", "to"}}}')
    told: list[int] = Field(description="the organizations told (ids)")
    notice: str | None = Field(description="the notice's key")
    published_at: dt.datetime
    created_by: str

    @staticmethod
    def resolve_policy(obj):
        return obj.policy.slug

    @staticmethod
    def resolve_work_types(obj):
        return obj.work_type_rows()

    @staticmethod
    def resolve_notice(obj):
        return obj.notice.key if obj.notice_id else None


def _changes(items: list[dict]) -> dict[str, dict]:
    """{slug: {model field: value}} from the payload's work types (minutes → a duration;
    null clears the default duration and is refused elsewhere)."""
    found: dict[str, dict] = {}
    for item in items:
        slug = item.pop("slug")
        if slug in found:
            raise ValidationError({"work_types": f"Work type {slug!r} is named twice."})
        duration = {}
        if "default_duration_minutes" in item:
            minutes = item.pop("default_duration_minutes")
            duration["default_duration"] = (
                None if minutes is None else dt.timedelta(minutes=minutes)
            )
        found[slug] = refuse_nulls(item) | duration
    return found


def _versions(policy: Policy):
    return policy.versions.select_related("policy", "notice")


@router.get("/policies/{slug}/versions", response=list[PolicyVersionOut], auth=needs(Role.VIEWER))
def list_versions(request, slug: Slug):
    """The policy's published versions, the latest effective first."""
    return list(_versions(_policy_or_404(slug))[:500])


@router.post(
    "/policies/{slug}/versions",
    response={201: PolicyVersionOut, 422: ErrorOut},
    auth=needs(Role.ADMIN),
)
def publish_version(request, slug: Slug, payload: PolicyVersionIn):
    """Publish a new version of the policy from its effective date (admin): the work types
    it changes, each with the fields that change. The authorized contacts of the
    organizations the policy applies to are told once; planned work is checked against the
    version in force when each window starts."""
    policy = _policy_or_404(slug)
    data = payload.dict(exclude_unset=True)
    items = [item.dict(exclude_unset=True) for item in payload.work_types]
    found = services.publish_policy_version(
        policy,
        actor=actor(request),
        label=data["label"],
        effective_from=data["effective_from"],
        summary=data["summary"],
        work_types=_changes(items),
    )
    return Status(201, _versions(policy).get(pk=found.pk))


# --- the notice check --------------------------------------------------------------------------


class NoticeCheckIn(Schema):
    policy: Slug = Field(description="policy slug, e.g. seed-000")
    work_type: Slug = Field(description="work type slug, e.g. service-update")
    start: Instant
    end: Instant | None = Field(None, description="default: start + the default duration")
    calendar: Slug | None = Field(None, description="calendar slug; default: the policy's")
    components: Slugs = Field(
        default_factory=list,
        description="affected component slugs: their regions' peak hours and calendars apply",
    )
    risk: Literal[tuple(r.value for r in Risk)] = "low"
    on_site: bool = False
    shutdown: bool = False
    impact: Literal[tuple(i.value for i in Impact)] = "none"
    validated_on_test_environment: bool = False
    contents: bounded_list(one_of(CONTENT_NAMES), 50) | None = Field(
        None, description="what the announcement will state (e.g. scheduled_time); checked if given"
    )
    now: Instant | None = Field(None, description="default: the current time")


class ViolationOut(Schema):
    code: str
    message: str
    severity: str
    override_allowed: bool


class PlannedNoticeOut(Schema):
    kind: str
    due_at: str
    due_at_text: str
    description: str
    channels: list[str]
    must_include: list[str]
    condition: str


class EventNoticeOut(Schema):
    kind: str
    event: str
    description: str


class NoticeCheckOut(Schema):
    ok: bool
    summary: str = Field(description="the answer in plain words")
    announce_by: str | None
    announce_by_text: str
    violations: list[ViolationOut]
    needs_override: bool
    is_blocked: bool
    override_allowed: bool
    earliest_compliant_start: str | None
    earliest_compliant_start_text: str | None
    plan: list[PlannedNoticeOut]
    event_notices: list[EventNoticeOut]
    policy: str
    work_type: str
    calendar: str
    time_zone: str
    start: str
    end: str


@router.post(
    "/notice-check", response={200: NoticeCheckOut, 422: ErrorOut}, auth=needs(Role.VIEWER)
)
def notice_check(request, payload: NoticeCheckIn):
    """Validate a window of work against a policy (S3) and plan its notices (S4); changes
    nothing. Every instant in the answer is ISO 8601 in the calendar's zone."""
    answer = run_check(**payload.dict())
    result = answer.result
    return {
        "ok": result.ok,
        "summary": answer.summary,
        "announce_by": answer.iso(result.announce_by),
        "announce_by_text": answer.announce_by_text,
        "violations": [
            {
                "code": v.code,
                "message": v.message,
                "severity": v.severity.value,
                "override_allowed": v.override_allowed,
            }
            for v in result.violations
        ],
        "needs_override": result.needs_override,
        "is_blocked": result.is_blocked,
        "override_allowed": result.work_type.override_allowed,
        "earliest_compliant_start": answer.iso(result.earliest_compliant_start),
        "earliest_compliant_start_text": answer.text(result.earliest_compliant_start),
        "plan": [
            {
                "kind": n.kind.value,
                "due_at": answer.iso(n.due_at),
                "due_at_text": answer.text(n.due_at),
                "description": n.description,
                "channels": [c.value for c in n.channels],
                "must_include": [c.name.lower() for c in n.must_include],
                "condition": n.condition,
            }
            for n in result.plan
        ],
        "event_notices": [
            {"kind": e.kind.value, "event": e.event, "description": e.description}
            for e in result.event_notices
        ],
        "policy": answer.policy.slug,
        "work_type": result.work_type.slug,
        "calendar": answer.calendar.slug,
        "time_zone": answer.calendar.time_zone,
        "start": answer.iso(result.start),
        "end": answer.iso(result.end),
    }
