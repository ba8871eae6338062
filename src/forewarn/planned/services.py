"""The operations staff perform on planned work; the console and the API call these, nothing else.

Each is one transaction that checks the caller's role (``guards``), validates (bad input
raises ``ValidationError`` naming the field and changes nothing), changes the state,
records each fact (``record.kinds.Kind.PLANNED_*``), queues the notices (``notices``) and
marks the public page changed. Here: drafting, publishing (with the policy check and the
override rules), rescheduling and cancelling. ``progress`` runs the work (extend,
complete, release); ``runner`` does what the clock triggers.

Publishing and moving a window run the policy check and its override rules (``approval``).
"""

from collections.abc import Iterable, Mapping
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from forewarn.catalog.lookups import component_statuses
from forewarn.catalog.models import Component
from forewarn.policies.models import Policy, WorkType
from forewarn.policies.rules import NoticeKind
from forewarn.record.kinds import Kind
from forewarn.statuspage.version import page_changed

from . import effects, guards, notices, runner
from .approval import approve, check_windows, plan_json
from .checks import violation_json
from .lifecycle import Move, PlannedState
from .models import AffectedComponent, PlannedWork, Window

TEXT_FIELDS = ("title", "description", "impact_text")


# Drafting -------------------------------------------------------------------------------------


@transaction.atomic
def create_draft(
    *,
    actor: str,
    role: str | None,
    title: str,
    policy: Policy,
    work_type: WorkType,
    start: datetime,
    end: datetime | None = None,
    time_zone: str = "",
    rrule: str = "",
    components: Mapping[Component, str] | None = None,
    other_work_types: Iterable[WorkType] = (),
    owner=None,
    **fields,
) -> PlannedWork:
    """Draft planned work with its windows; a draft is private and tells nobody."""
    guards.allow(role, guards.DRAFT, "plan work")
    if work_type.policy_id != policy.pk:
        raise ValidationError(
            {"work_type": f"Policy {policy.slug} has no work type {work_type.slug}."}
        )
    time_zone = time_zone or policy.calendar.time_zone
    fields.setdefault("emergency", guards.is_emergency(work_type))
    spans = guards.window_list(work_type, start, end, time_zone, rrule)
    statuses = component_statuses(components)
    now = timezone.now()
    work = PlannedWork(
        policy=policy,
        work_type=work_type,
        time_zone=time_zone,
        rrule=(rrule or "").strip(),
        owner=owner,
        created_by=actor,
        created_at=now,
    )
    _set_fields(work, {"title": title, **fields})
    work.save()
    work.other_work_types.set(_other_types(policy, other_work_types))
    AffectedComponent.objects.bulk_create(
        AffectedComponent(work=work, component=c, expected_status=s) for c, s in statuses.items()
    )
    Window.objects.bulk_create(
        Window(work=work, index=s.index, start_at=s.start, end_at=s.end, rule_start_at=s.start)
        for s in spans
    )
    work.record(
        Kind.PLANNED_CREATED,
        actor=actor,
        description=f"drafted: “{work.title}” ({policy.slug}/{work_type.slug}), {len(spans)} window(s).",
        details={
            "policy": policy.slug,
            "work_type": work_type.slug,
            "windows": [[s.start.isoformat(), s.end.isoformat()] for s in spans],
            "rrule": work.rrule,
            "time_zone": time_zone,
            "components": {c.slug: s for c, s in statuses.items()},
        },
    )
    return work


def _other_types(policy: Policy, types: Iterable[WorkType]) -> list[WorkType]:
    found = {}
    for work_type in types:
        if work_type.policy_id == policy.pk or work_type.policy_id in found:
            raise ValidationError(
                {
                    "other_work_types": "Name one work type for each other policy, not the work's own."
                }
            )
        found[work_type.policy_id] = work_type
    return list(found.values())


def _set_fields(work: PlannedWork, fields: dict) -> dict:
    """Validate and set the plain fields given; returns {field: {"from", "to"}} of changes."""
    changed = {}
    for field, value in fields.items():
        if field == "title":
            value = guards.required("title", value, "a title", 200)
        elif field in ("description", "impact_text"):
            value = guards.bounded(field, value)
        elif field == "risk":
            value = guards.risk_of(value)
        elif field == "new_features":
            value = guards.features(value)
        elif field == "plan_changes":
            value = guards.plan_changes(value)
        elif field in ("shutdown", "on_site", "validated_on_test_environment", "emergency"):
            value = bool(value)
        else:
            raise ValidationError({field: "Not a field of planned work that can be set here."})
        if getattr(work, field) != value:
            changed[field] = {"from": getattr(work, field), "to": value}
            setattr(work, field, value)
    return changed


@transaction.atomic
def update(work: PlannedWork, *, actor: str, role: str | None, **fields) -> PlannedWork:
    """Change a draft's fields, or the words of published work (title, description, impact)."""
    guards.allow(role, guards.DRAFT, "change planned work")
    work = guards.locked(work)
    state = PlannedState(work.state)
    if state.is_final or (state is not PlannedState.DRAFT and set(fields) - set(TEXT_FIELDS)):
        allowed = "nothing: it is closed" if state.is_final else ", ".join(TEXT_FIELDS)
        raise ValidationError({"state": f"Work that is {state.value} may change {allowed}."})
    if state is not PlannedState.DRAFT:
        guards.allow(role, guards.PUBLISH, "change what customers read")
    changed = _set_fields(work, fields)
    if changed:
        work.save()
        work.record(
            Kind.PLANNED_CHANGED,
            actor=actor,
            description="changed " + ", ".join(changed) + ".",
            details={
                "changes": {
                    k: {"from": str(v["from"]), "to": str(v["to"])} for k, v in changed.items()
                }
            },
        )
        if work.is_public:
            page_changed()
    return work


# Publishing -------------------------------------------------------------------------------------


@transaction.atomic
def publish(
    work: PlannedWork, *, actor: str, role: str | None, justification: str = ""
) -> PlannedWork:
    """Check every window against each client's policy and schedule them; queue the plan."""
    guards.allow(role, guards.PUBLISH, "publish planned work")
    work = guards.locked(work)
    guards.moved(work.state, Move.PUBLISH)
    now = timezone.now()
    windows = list(work.windows.order_by("index"))
    checked = check_windows(work, windows, now)
    approve(
        work,
        checked,
        move=Move.PUBLISH,
        role=role,
        actor=actor,
        justification=justification,
        now=now,
    )
    work.audiences = notices.audiences_json(checked.groups)
    work.published_at = now
    work.save()
    for window, window_check in zip(windows, checked.windows, strict=True):
        window.state = PlannedState.SCHEDULED
        window.violations = [violation_json(window.index, p, v) for p, v in window_check.violations]
        window.kept_policy = not window.violations
        runner.schedule(window, now)
        window.save()
        notices.queue_plan(window, window_check, actor=actor, now=now)
    work.record(
        Kind.PLANNED_PUBLISHED,
        actor=actor,
        description=f"published: {len(windows)} window(s), {len(checked.violations)} violation(s).",
        details={
            "windows": plan_json(checked),
            "uncovered_organizations": [o.slug for o in checked.uncovered],
        },
    )
    runner.refresh(work)
    return work


# Moving and cancelling -----------------------------------------------------------------------------


@transaction.atomic
def reschedule(
    work: PlannedWork,
    *,
    actor: str,
    role: str | None,
    start: datetime,
    end: datetime | None = None,
    window: int | None = None,
    reason: str = "",
    justification: str = "",
) -> Window:
    """Move one window (the first open one by default) and check it again, as at publication.

    Customers already told of it get a reschedule notice with the updated invitation; the
    notices not yet sent are withdrawn and planned again for the new window.
    """
    guards.allow(role, guards.PUBLISH, "reschedule planned work")
    work = guards.locked(work)
    moving = guards.window_of(work, window)
    state = guards.moved(moving.state, Move.RESCHEDULE)
    end = end if end is not None else start + (moving.end_at - moving.start_at)
    (span,) = guards.window_list(work.work_type, start, end, work.time_zone, "")
    reason = guards.bounded("reason", reason, 300)
    now = timezone.now()
    before = {"start": moving.start_at.isoformat(), "end": moving.end_at.isoformat()}
    others = (
        Window.objects.filter(work=work).exclude(pk=moving.pk).exclude(state=PlannedState.CANCELLED)
    )
    if others.filter(start_at__lt=span.end, end_at__gt=span.start).exists():
        raise ValidationError({"start": "The new window overlaps another window of this work."})
    checked = None
    if state is not PlannedState.DRAFT:
        checked = check_windows(
            work, [Window(index=moving.index, start_at=span.start, end_at=span.end)], now
        )
        approve(
            work,
            checked,
            move=Move.RESCHEDULE,
            role=role,
            actor=actor,
            justification=justification,
            now=now,
            window=moving,
        )
    told = state is not PlannedState.DRAFT and notices.was_told(moving)
    if checked is not None:
        notices.withdraw(moving, actor=actor, reason="rescheduled")
        moving.sequence += 1
        moving.violations = [
            violation_json(moving.index, p, v) for p, v in checked.windows[0].violations
        ]
        moving.kept_policy = not moving.violations
    moving.start_at, moving.end_at = span.start, span.end
    runner.schedule(moving, now)
    moving.save()
    if checked is not None:
        if told:
            notices.tell(
                moving, NoticeKind.RESCHEDULE, actor=actor, now=now, always=True, reason=reason
            )
        notices.queue_plan(moving, checked.windows[0], actor=actor, now=now, announce=not told)
    work.record(
        Kind.PLANNED_RESCHEDULED,
        actor=actor,
        description=f"window {moving.index} moved to {span.start.isoformat()}–{span.end.isoformat()}"
        + (f": {reason}" if reason else "."),
        details={
            "window": moving.index,
            "from": before,
            "to": {"start": span.start.isoformat(), "end": span.end.isoformat()},
            "reason": reason,
            "sequence": moving.sequence,
            "violations": moving.violations,
            "check": plan_json(checked) if checked else [],
        },
    )
    runner.refresh(work)
    return moving


@transaction.atomic
def cancel(
    work: PlannedWork, *, actor: str, role: str | None, reason: str, window: int | None = None
) -> PlannedWork:
    """Cancel the work (every open window), or one window of it; customers told of a window
    get a cancellation with the invitation withdrawn (METHOD:CANCEL)."""
    guards.allow(role, guards.PUBLISH, "cancel planned work")
    work = guards.locked(work)
    reason = guards.required("reason", reason, "the reason for the cancellation", 300)
    if window is None:
        chosen = [
            w
            for w in work.windows.select_for_update().order_by("index")
            if not PlannedState(w.state).is_final
        ]
        if not chosen:
            raise ValidationError({"state": "Every window of this work is closed already."})
    else:
        chosen = [guards.window_of(work, window)]
    now = timezone.now()
    for closing in chosen:
        was = PlannedState(closing.state)
        closing.state = guards.moved(
            closing.state, Move.CANCEL, "window" if window is not None else "state"
        )
        told = was is not PlannedState.DRAFT and notices.was_told(closing)
        notices.withdraw(closing, actor=actor, reason=reason)
        if was.is_running:
            effects.release(closing, actor=actor, now=now, reason="cancelled")
            effects.close_holds(closing, now)
        closing.cancelled_at = now
        closing.sequence += 1
        closing.next_extension_at = None
        runner.schedule(closing, now)
        closing.save()
        if told:
            notices.tell(
                closing, NoticeKind.CANCELLATION, actor=actor, now=now, always=True, reason=reason
            )
    work.record(
        Kind.PLANNED_CANCELLED,
        actor=actor,
        description=f"cancelled {'window ' + str(window) if window is not None else 'the work'}: {reason}",
        details={"windows": [w.index for w in chosen], "reason": reason},
    )
    runner.refresh(work)
    return work
