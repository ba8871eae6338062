"""Revising a draft: its policy and work type, window and recurrence, components and owner.

A draft is private and has told nobody, so everything about it may still change; once it
is published, its windows move only by ``services.reschedule`` (which tells the customers).
One transaction: the plain fields through ``services.update`` (which records them), the rest
here, recorded as one ``planned.changed`` event with what moved from what to what.

The console's draft form sends everything a draft is (``revise_draft``); the API's PATCH sends
only what changes (``revise``), which fills in the rest from the work and takes the same path.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from forewarn.catalog.lookups import component_statuses
from forewarn.catalog.models import Component
from forewarn.policies.models import Policy, WorkType
from forewarn.record.kinds import Kind

from . import guards, services
from .lifecycle import PlannedState
from .models import AffectedComponent, PlannedWork, Window


def _facts(work: PlannedWork) -> dict:
    """What a revision may change, as the record keeps it."""
    return {
        "policy": work.policy.slug,
        "work_type": work.work_type.slug,
        "time_zone": work.time_zone,
        "rrule": work.rrule,
        "owner": work.owner.get_username() if work.owner else None,
        "windows": [
            [w.start_at.isoformat(), w.end_at.isoformat()] for w in work.windows.order_by("index")
        ],
        "components": dict(work.affected.values_list("component__slug", "expected_status")),
        "other_work_types": sorted(
            f"{t.policy.slug}/{t.slug}" for t in work.other_work_types.select_related("policy")
        ),
    }


# What a draft is, beyond its plain fields: a change to any of these revises the draft.
STRUCTURE = (
    "policy",
    "work_type",
    "start",
    "end",
    "time_zone",
    "rrule",
    "components",
    "other_work_types",
    "owner",
)


def as_drafted(work: PlannedWork) -> dict:
    """``revise_draft``'s arguments that leave the work as it is (its first window's times)."""
    first = work.windows.order_by("index").first()
    return {
        "policy": work.policy,
        "work_type": work.work_type,
        "start": first.start_at if first else None,
        "end": first.end_at if first else None,
        "time_zone": work.time_zone,
        "rrule": work.rrule,
        "components": {
            a.component: a.expected_status for a in work.affected.select_related("component")
        },
        "other_work_types": list(work.other_work_types.all()),
        "owner": work.owner,
    }


@transaction.atomic
def revise(work: PlannedWork, *, actor: str, role: str | None, **changes) -> PlannedWork:
    """Change what ``changes`` names and keep the rest; ValidationError naming the field.

    A change to what a draft is (``STRUCTURE``) revises the draft through ``revise_draft``;
    only words, or anything of published work, go through ``services.update``. A new start
    without an end keeps the window's length; ``end=None`` given with it takes the work type's
    default duration.
    """
    structure = {k: changes.pop(k) for k in STRUCTURE if k in changes}
    if not structure:
        return services.update(work, actor=actor, role=role, **changes)
    guards.allow(role, guards.DRAFT, "change planned work")
    work = guards.locked(work)
    current = as_drafted(work)
    if "start" in structure and "end" not in structure and current["start"] is not None:
        structure["end"] = structure["start"] + (current["end"] - current["start"])
    return revise_draft(work, actor=actor, role=role, **(current | structure), **changes)


def _others(policy: Policy, types: Iterable[WorkType]) -> list[WorkType]:
    """One work type per other policy; ValidationError naming ``other_work_types``."""
    policies = [t.policy_id for t in types]
    if policy.pk in policies or len(set(policies)) != len(policies):
        raise ValidationError(
            {"other_work_types": "Name one work type for each other policy, not the work's own."}
        )
    return list(types)


@transaction.atomic
def revise_draft(
    work: PlannedWork,
    *,
    actor: str,
    role: str | None,
    policy: Policy,
    work_type: WorkType,
    start: datetime,
    end: datetime | None,
    time_zone: str,
    rrule: str = "",
    components: Mapping[Component, str] | None = None,
    other_work_types: Iterable[WorkType] = (),
    owner=None,
    **fields,
) -> PlannedWork:
    """Change everything a draft is; ValidationError naming the field, nothing half-saved."""
    guards.allow(role, guards.DRAFT, "change planned work")
    work = guards.locked(work)
    if work.state != PlannedState.DRAFT:
        raise ValidationError(
            {"state": f"Only a draft is revised; this work is {work.state}: reschedule it."}
        )
    if work_type.policy_id != policy.pk:
        raise ValidationError(
            {"work_type": f"Policy {policy.slug} has no work type {work_type.slug}."}
        )
    spans = guards.window_list(work_type, start, end, time_zone, rrule)
    statuses = component_statuses(components)
    others = _others(policy, other_work_types)
    before = _facts(work)
    work.policy, work.work_type, work.time_zone = policy, work_type, time_zone
    work.rrule, work.owner = (rrule or "").strip(), owner
    work.save()
    work.other_work_types.set(others)
    work.affected.all().delete()
    AffectedComponent.objects.bulk_create(
        AffectedComponent(work=work, component=c, expected_status=s) for c, s in statuses.items()
    )
    work.windows.all().delete()
    Window.objects.bulk_create(
        Window(work=work, index=s.index, start_at=s.start, end_at=s.end, rule_start_at=s.start)
        for s in spans
    )
    after = _facts(work)
    changed = {k: {"from": before[k], "to": after[k]} for k in before if before[k] != after[k]}
    if changed:
        work.record(
            Kind.PLANNED_CHANGED,
            actor=actor,
            description="revised the draft: " + ", ".join(changed) + ".",
            details={"changes": changed},
        )
    return services.update(work, actor=actor, role=role, **fields)
