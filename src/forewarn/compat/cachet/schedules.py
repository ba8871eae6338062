"""Cachet's schedules: Forewarn's planned work, through ``planned.services`` and ``progress``.

A schedule's id is the planned work's; ``name`` its title, ``message`` its description,
``scheduled_at`` and ``completed_at`` the start and end of its first open window, ``status``
0 upcoming (draft or scheduled), 1 in progress (in progress or verifying), 2 complete.
Cachet has no policy: work made here is planned under ``FOREWARN_CACHET_POLICY`` and
``FOREWARN_CACHET_WORK_TYPE`` (or the request's ``policy`` and ``work_type`` slugs) and
published at once, so the policy's notice rules, checks and notices all apply: a schedule
that breaks them is refused with the violations (400), unless a ``justification`` is given
by a caller whose role may override them. ``components`` are Cachet component ids, each
with the status it takes (``{"3": 0}``), or a list of ids (under maintenance). Deleting a
schedule cancels the work (customers told are told of the cancellation); cancelled work is
no longer listed. A schedule starts at its start time; ``status`` 2 completes it.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Min

from forewarn import limits
from forewarn.catalog.models import Component, Role
from forewarn.catalog.statuses import Status
from forewarn.planned import progress, services
from forewarn.planned.lifecycle import PlannedState
from forewarn.planned.models import PlannedWork, Window
from forewarn.policies.models import Policy, WorkType

from . import inputs, lookups, shapes
from .http import Call, item, no_content, page_of

NAMES = {"title": "name", "description": "message", "start": "scheduled_at", "end": "completed_at"}
STATUS = {
    PlannedState.DRAFT: 0,
    PlannedState.SCHEDULED: 0,
    PlannedState.IN_PROGRESS: 1,
    PlannedState.VERIFYING: 1,
    PlannedState.COMPLETED: 2,
}
SORTABLE = {"id": "pk", "name": "title", "status": "cachet_status", "scheduled_at": "starts_at"}
FILTERS = {"id": lookups.by_id("pk"), "name": lookups.by_text("title", "name")}
REASON = "through the Cachet API"


def rows(call: Call):
    found = (
        PlannedWork.objects.exclude(state=PlannedState.CANCELLED)
        .annotate(
            cachet_status=lookups.status_number("state", STATUS),
            starts_at=Min("windows__start_at"),
        )
        .prefetch_related("windows", "affected")
    )
    return found if call.is_staff_reader else found.exclude(state=PlannedState.DRAFT)


def window(work: PlannedWork) -> Window | None:
    """The first window not closed, else the last one."""
    found = sorted(work.windows.all(), key=lambda w: w.index)
    still_open = [w for w in found if not PlannedState(w.state).is_final]
    if still_open:
        return still_open[0]
    return found[-1] if found else None


def present(work: PlannedWork, call: Call) -> dict:
    number = STATUS.get(PlannedState(work.state), 2)
    shown = window(work)
    return {
        "id": work.pk,
        "name": work.title,
        "message": work.description,
        "status": number,
        "scheduled_at": call.timestamp(shown.start_at if shown else None),
        "completed_at": call.timestamp(shown.end_at if shown else None),
        "created_at": call.timestamp(work.created_at),
        "updated_at": call.timestamp(work.updated_at),
        "deleted_at": None,
        "human_status": shapes.SCHEDULE_STATUS_NAMES[number],
        "components": [
            {
                "component_id": a.component_id,
                "status": shapes.COMPONENT_STATUS[Status(a.expected_status)],
            }
            for a in work.affected.all()
        ],
    }


def index(call: Call):
    return page_of(
        call,
        rows(call),
        lambda found: [present(w, call) for w in found],
        sortable=SORTABLE,
        filters=FILTERS,
    )


def show(call: Call, pk: int):
    return item(present(rows(call).get(pk=pk), call))


def _components(value) -> dict[Component, str] | None:
    """``{"3": 0}`` (Cachet's) or a list of ids (each under maintenance)."""
    if value in (None, "", [], {}):
        return None
    if isinstance(value, dict):
        wanted = {
            int(k): shapes.component_status(v, "components").value
            for k, v in value.items()
            if str(k).isdigit() and len(str(k)) < 19
        }
        if len(wanted) != len(value) or len(wanted) > limits.ITEMS:
            raise shapes.InputError("components", "give component ids, each with a status 0–4.")
    else:
        ids = inputs.id_list(value, "components", limits.ITEMS) or []
        wanted = dict.fromkeys(ids, Status.UNDER_MAINTENANCE.value)
    found = {c.pk: c for c in Component.objects.filter(pk__in=wanted)}
    missing = sorted(set(wanted) - set(found))
    if missing:
        raise shapes.InputError(
            "components", f"there is no component {', '.join(map(str, missing))}."
        )
    return {found[pk]: status for pk, status in wanted.items()}


def _plan(call: Call) -> tuple[Policy, WorkType]:
    given = call.fields
    policy_slug = (
        shapes.text(given.get("policy"), "policy", limits.SLUG) or settings.FOREWARN_CACHET_POLICY
    )
    type_slug = (
        shapes.text(given.get("work_type"), "work_type", limits.SLUG)
        or settings.FOREWARN_CACHET_WORK_TYPE
    )
    policy = Policy.objects.filter(slug=policy_slug).first()
    if policy is None:
        raise shapes.InputError("policy", f"there is no policy '{policy_slug}'.")
    work_type = WorkType.objects.filter(policy=policy, slug=type_slug).first()
    if work_type is None:
        raise shapes.InputError(
            "work_type", f"policy {policy_slug} has no work type '{type_slug}'."
        )
    return policy, work_type


def _justification(call: Call) -> str:
    return shapes.text(call.fields.get("justification"), "justification", limits.TEXT) or ""


@transaction.atomic
def store(call: Call):
    call.require(Role.RESPONDER)
    given = call.fields
    start = call.instant("scheduled_at")
    if start is None:
        raise shapes.InputError("scheduled_at", "is required: when the work starts.")
    status = shapes.integer(given.get("status"), "status", 0, 2)
    if status:
        raise shapes.InputError("status", "new work is upcoming (0): it starts at its start time.")
    policy, work_type = _plan(call)
    work = services.create_draft(
        actor=call.actor,
        role=call.role,
        title=shapes.name(given.get("name"), creating=True, limit=limits.NAME),
        policy=policy,
        work_type=work_type,
        start=start,
        end=call.instant("completed_at"),
        components=_components(given.get("components")),
        description=shapes.text(given.get("message"), "message", limits.TEXT) or "",
    )
    services.publish(work, actor=call.actor, role=call.role, justification=_justification(call))
    return item(present(rows(call).get(pk=work.pk), call))


@transaction.atomic
def update(call: Call, pk: int):
    call.require(Role.RESPONDER)
    work = rows(call).get(pk=pk)
    shown, given = present(work, call), call.fields
    words = {}
    name = shapes.name(given.get("name"), creating=False, limit=limits.NAME)
    if name is not None and name != work.title:
        words["title"] = name
    message = shapes.text(given.get("message"), "message", limits.TEXT)
    if message is not None and message != work.description:
        words["description"] = message
    if words:
        services.update(work, actor=call.actor, role=call.role, **words)
    start, end = call.instant("scheduled_at"), call.instant("completed_at")
    moved = (start and call.timestamp(start) != shown["scheduled_at"]) or (
        end and call.timestamp(end) != shown["completed_at"]
    )
    if moved:
        services.reschedule(
            work,
            actor=call.actor,
            role=call.role,
            start=start or window(work).start_at,
            end=end,
            reason=f"rescheduled {REASON}",
            justification=_justification(call),
        )
    status = shapes.integer(given.get("status"), "status", 0, 2)
    if status is not None and status != shown["status"]:
        if status != 2:
            raise shapes.InputError("status", "work starts at its start time; 2 completes it.")
        progress.complete(work, actor=call.actor, role=call.role)
    return item(present(rows(call).get(pk=pk), call))


def destroy(call: Call, pk: int):
    """Cancel the work; customers who were told are told it is cancelled."""
    call.require(Role.RESPONDER)
    services.cancel(
        rows(call).get(pk=pk), actor=call.actor, role=call.role, reason=f"deleted {REASON}"
    )
    return no_content()
