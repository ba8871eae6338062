"""Planned work in the JSON API: everything the console does, through the same services.

Reading needs the viewer role; drafting and running the work the responder role;
publishing, rescheduling and cancelling the communicator role (and an admin to publish over
a firm violation, which the service checks). Slugs and usernames are resolved here first;
one that does not exist is a 422 naming its field. A refusal changes nothing: each service is
one transaction.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Status

from forewarn.api.auth import actor_and_role, needs
from forewarn.api.fields import ObjectId
from forewarn.catalog.models import Role
from forewarn.catalog.services import components_by_slug
from forewarn.policies.models import Policy, WorkType

from . import drafts, plan_check, progress, reads, services
from .models import PlannedWork
from .schemas import (
    PlannedCancelIn,
    PlannedCheckOut,
    PlannedCompleteIn,
    PlannedExtendIn,
    PlannedPublishIn,
    PlannedRescheduleIn,
    PlannedWorkIn,
    PlannedWorkOut,
    PlannedWorkPatch,
    PlannedWorkQuery,
    PlannedWorkWords,
)

router = Router(tags=["planned work"])


def detailed(pk: int) -> PlannedWork:
    return get_object_or_404(reads.works(), pk=pk)


def _policy(slug: str) -> Policy:
    found = Policy.objects.select_related("calendar").filter(slug=slug).first()
    if found is None:
        raise ValidationError({"policy": f"No policy {slug!r}."})
    return found


def _work_type(policy: Policy, slug: str, field: str = "work_type") -> WorkType:
    found = policy.work_types.filter(slug=slug).first()
    if found is None:
        known = ", ".join(policy.work_types.values_list("slug", flat=True))
        raise ValidationError(
            {field: f"Policy {policy.slug} has no work type {slug!r}; it has {known}."}
        )
    return found


def _owner(username: str | None):
    if not username:
        return None
    found = get_user_model().objects.filter(username=username, is_active=True).first()
    if found is None:
        raise ValidationError({"owner": f"No active user named {username!r}."})
    return found


def _fields(data: dict) -> dict:
    """The plain fields of a PlannedWorkIn/PlannedWorkPatch as the services take them."""
    found = {k: v for k, v in data.items() if k in PlannedWorkWords.model_fields}
    if found.get("plan_changes") is not None:
        found["plan_changes"] = {c["plan"]: c["change"] for c in found["plan_changes"]}
    for field, value in list(found.items()):
        if value is None:
            del found[field]  # omitted or null: unchanged
    return found


@router.get("/planned-work", response=list[PlannedWorkOut], auth=needs(Role.VIEWER))
def list_work(request, filters: Query[PlannedWorkQuery]):
    """Planned work, newest first."""
    found = reads.works()
    if filters.state:
        found = found.filter(state=filters.state)
    if filters.policy:
        found = found.filter(policy__slug=filters.policy)
    if filters.component:
        (component,) = components_by_slug([filters.component], field="component")
        found = found.filter(affected__component=component)
    return found.distinct()


@router.post("/planned-work", response={201: PlannedWorkOut}, auth=needs(Role.RESPONDER))
def create_work(request, payload: PlannedWorkIn):
    """Draft planned work (private until published)."""
    data = payload.dict()
    policy = _policy(data["policy"])
    components = components_by_slug([c["component"] for c in data["components"]])
    statuses = {c["component"]: c["expected_status"] for c in data["components"]}
    others = [
        _work_type(_policy(o["policy"]), o["work_type"], "other_work_types")
        for o in data["other_work_types"]
    ]
    work = services.create_draft(
        **actor_and_role(request),
        policy=policy,
        work_type=_work_type(policy, data["work_type"]),
        start=data["start"],
        end=data["end"],
        time_zone=data["time_zone"],
        rrule=data["rrule"],
        components={c: statuses[c.slug] for c in components},
        other_work_types=others,
        owner=_owner(data["owner"]),
        **_fields(data),
    )
    return Status(201, detailed(work.pk))


@router.get("/planned-work/{work_id}", response=PlannedWorkOut, auth=needs(Role.VIEWER))
def get_work(request, work_id: ObjectId):
    return detailed(work_id)


@router.patch("/planned-work/{work_id}", response=PlannedWorkOut, auth=needs(Role.RESPONDER))
def update_work(request, work_id: ObjectId, payload: PlannedWorkPatch):
    """Change a draft (anything it is: policy, work type, window, recurrence, components,
    owner), or the words of published work. Only the fields sent change; the console's draft
    form takes the same service (``drafts.revise``)."""
    work = get_object_or_404(PlannedWork.objects.select_related("policy", "work_type"), pk=work_id)
    full = payload.dict()
    sent = {k: full[k] for k in payload.model_fields_set}  # nested defaults kept
    drafts.revise(work, **actor_and_role(request), **_structure(work, sent), **_fields(sent))
    return detailed(work_id)


def _structure(work: PlannedWork, sent: dict) -> dict:
    """The PATCH's changes to what a draft is, slugs and usernames resolved (422 naming the
    field). A new policy without a work type keeps the work type's slug."""
    found = {k: sent[k] for k in ("start", "time_zone", "rrule") if sent.get(k) is not None}
    if "end" in sent:
        found["end"] = sent["end"]
    if sent.get("policy") is not None or sent.get("work_type") is not None:
        policy = _policy(sent["policy"]) if sent.get("policy") is not None else work.policy
        found["policy"] = policy
        found["work_type"] = _work_type(policy, sent.get("work_type") or work.work_type.slug)
    if sent.get("other_work_types") is not None:
        found["other_work_types"] = [
            _work_type(_policy(o["policy"]), o["work_type"], "other_work_types")
            for o in sent["other_work_types"]
        ]
    if sent.get("components") is not None:
        statuses = {c["component"]: c["expected_status"] for c in sent["components"]}
        found["components"] = {c: statuses[c.slug] for c in components_by_slug(statuses)}
    if "owner" in sent:
        found["owner"] = _owner(sent["owner"])
    return found


@router.post("/planned-work/{work_id}/check", response=PlannedCheckOut, auth=needs(Role.VIEWER))
def check_work(request, work_id: ObjectId):
    """The policy check of each open window against each affected client's policy: announce-by,
    violations, earliest compliant start and the notification plan, each instant in the
    policy's zone and in each affected region's zone. Changes nothing."""
    return plan_check.describe(detailed(work_id), timezone.now())


@router.post(
    "/planned-work/{work_id}/publish", response=PlannedWorkOut, auth=needs(Role.COMMUNICATOR)
)
def publish(request, work_id: ObjectId, payload: PlannedPublishIn):
    """Publish a draft: every window checked, the notification plan queued. Violations need a
    written justification; a firm one an admin."""
    work = get_object_or_404(PlannedWork, pk=work_id)
    services.publish(work, **actor_and_role(request), justification=payload.justification)
    return detailed(work_id)


@router.post(
    "/planned-work/{work_id}/reschedule", response=PlannedWorkOut, auth=needs(Role.COMMUNICATOR)
)
def reschedule(request, work_id: ObjectId, payload: PlannedRescheduleIn):
    """Move a window (checked again; customers told get the updated invitation)."""
    work = get_object_or_404(PlannedWork, pk=work_id)
    services.reschedule(work, **actor_and_role(request), **payload.dict())
    return detailed(work_id)


@router.post(
    "/planned-work/{work_id}/cancel", response=PlannedWorkOut, auth=needs(Role.COMMUNICATOR)
)
def cancel(request, work_id: ObjectId, payload: PlannedCancelIn):
    """Cancel the work, or one window of it (the invitation withdrawn)."""
    work = get_object_or_404(PlannedWork, pk=work_id)
    services.cancel(work, **actor_and_role(request), **payload.dict())
    return detailed(work_id)


@router.post("/planned-work/{work_id}/extend", response=PlannedWorkOut, auth=needs(Role.RESPONDER))
def extend(request, work_id: ObjectId, payload: PlannedExtendIn):
    """Extend a running window: a reason, and a new end or the time of the next update."""
    work = get_object_or_404(PlannedWork, pk=work_id)
    progress.extend(work, **actor_and_role(request), **payload.dict())
    return detailed(work_id)


@router.post(
    "/planned-work/{work_id}/complete", response=PlannedWorkOut, auth=needs(Role.RESPONDER)
)
def complete(request, work_id: ObjectId, payload: PlannedCompleteIn):
    """Complete a running window; every affected component must be operational."""
    work = get_object_or_404(PlannedWork, pk=work_id)
    progress.complete(work, **actor_and_role(request), **payload.dict())
    return detailed(work_id)


@router.post("/planned-work/{work_id}/release", response=PlannedWorkOut, auth=needs(Role.RESPONDER))
def release(request, work_id: ObjectId):
    """The version this work rolls out is released: its release notice goes out, once."""
    work = get_object_or_404(PlannedWork, pk=work_id)
    progress.release(work, **actor_and_role(request))
    return detailed(work_id)
