"""Incidents in the JSON API: everything the console does, through the same services.

Reading needs the viewer role. Every write calls the service the console calls, with the
caller's role; the service refuses what the role may not do (``PermissionDenied``: 403,
saying which role it needs) and bad input (``ValidationError``: 422 naming the field), in
one transaction, so a refusal changes nothing. Slugs and usernames are resolved here first;
one that does not exist is a 422 naming its field.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from forewarn.api.auth import actor_and_role, needs
from forewarn.api.fields import ObjectId
from forewarn.catalog.models import Component, Role
from forewarn.catalog.services import components_by_slug

from . import classification, exports, postmortems, services
from .backfill import PastUpdate, backfill_incident
from .models import AffectedComponent, Incident, IncidentTemplate
from .priorities import DEFINITIONS
from .schemas import (
    BackfillIn,
    CadenceOut,
    CauseIn,
    ComponentStatusIn,
    EscalateIn,
    IncidentDetailOut,
    IncidentOut,
    IncidentQuery,
    OpenIn,
    PostmortemIn,
    PostmortemOut,
    PriorityOut,
    PublishIn,
    ReclassifyIn,
    ReopenIn,
    ResolveIn,
    RespondersIn,
    UpdateIn,
    VisibilityIn,
)
from .timing import policy_for

router = Router(tags=["incidents"])


def incidents():
    """Incidents with what ``IncidentOut`` reads, in as few queries as a page needs."""
    return Incident.objects.select_related("cause_component").prefetch_related(
        "responders",
        Prefetch(
            "affected",
            queryset=AffectedComponent.objects.select_related("component").order_by(
                "component__name"
            ),
        ),
    )


def detailed(pk: int) -> Incident:
    return get_object_or_404(
        incidents().select_related("postmortem").prefetch_related("updates", "escalations"),
        pk=pk,
    )


def component_statuses(rows: list[ComponentStatusIn] | None) -> dict[Component, str] | None:
    """``[{"component": slug, "status": word}]`` as the services take it (None stays None)."""
    if rows is None:
        return None
    found = {c.slug: c for c in components_by_slug([r.component for r in rows])}
    return {found[r.component]: r.status for r in rows}


def staff_users(usernames: list[str], field: str = "responders") -> list:
    """The active users named, in that order; a 422 on ``field`` names those that do not exist."""
    users = {
        u.get_username(): u
        for u in get_user_model().objects.filter(username__in=usernames, is_active=True)
    }
    missing = [name for name in usernames if name not in users]
    if missing:
        raise ValidationError({field: f"No active user named {', '.join(missing)}."})
    return [users[name] for name in dict.fromkeys(usernames)]


def template_by_id(pk: int | None) -> IncidentTemplate | None:
    if pk is None:
        return None
    found = IncidentTemplate.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({"template": f"No incident template with id {pk}."})
    return found


# --- reading ------------------------------------------------------------------------------------


@router.get("/incidents/priorities", response=list[PriorityOut], auth=needs(Role.VIEWER))
def priorities(request):
    """P1–P5 with seed 001 §6's definitions and each priority's policy as configured now."""
    found = []
    for priority, definition in DEFINITIONS.items():
        policy = policy_for(priority)
        interval = policy.rule.interval
        found.append(
            {
                "priority": priority.value,
                "name": definition.name,
                "definition": definition.description,
                "public_by_default": policy.is_public_by_default,
                "update_interval_minutes": int(interval.total_seconds() // 60)
                if interval
                else None,
                "escalation": policy.timing.value,
            }
        )
    return found


@router.get("/incidents", response=list[IncidentOut], auth=needs(Role.VIEWER))
def list_incidents(request, filters: Query[IncidentQuery]):
    """Incidents, newest first; open ones carry when their next update is due."""
    found = incidents()
    if filters.open is not None:
        found = found.filter(resolved_at__isnull=filters.open)
    for field in ("status", "priority", "is_public"):
        value = getattr(filters, field)
        if value is not None:
            found = found.filter(**{field: value})
    if filters.component:
        (component,) = components_by_slug([filters.component], field="component")
        found = found.filter(affected__component=component)
    if filters.since:
        found = found.filter(detected_at__gte=filters.since)
    if filters.until:
        found = found.filter(detected_at__lt=filters.until)
    return found.distinct()


# Fixed paths come before /incidents/{incident_id}, which would match them too.
@router.post("/incidents/backfill", response={201: IncidentDetailOut}, auth=needs(Role.RESPONDER))
def backfill(request, payload: BackfillIn):
    """Enter an incident that began before it was recorded here, with its past updates.

    The updates keep their times and notify nobody; the record says it was entered afterwards.
    """
    incident = backfill_incident(
        **actor_and_role(request),
        title=payload.title,
        priority=payload.priority,
        updates=[PastUpdate(u.at, u.status, u.message) for u in payload.updates],
        components=component_statuses(payload.components),
        detected_at=payload.detected_at,
        cause=payload.cause,
        is_public=payload.is_public,
        description=payload.description,
    )
    return Status(201, detailed(incident.pk))


@router.get("/incidents/{incident_id}", response=IncidentDetailOut, auth=needs(Role.VIEWER))
def get_incident(request, incident_id: ObjectId):
    return detailed(incident_id)


@router.get("/incidents/{incident_id}/report", auth=needs(Role.VIEWER))
def incident_report(request, incident_id: ObjectId):
    """Seed 004's incident report: summary, analysis, every event, every step, the cadence."""
    return exports.report_json(get_object_or_404(Incident, pk=incident_id))


@router.get("/incidents/{incident_id}/report.csv", auth=needs(Role.VIEWER))
def incident_report_csv(request, incident_id: ObjectId):
    """The incident report as one CSV table, local times in the provider's zone."""
    incident = get_object_or_404(Incident, pk=incident_id)
    response = HttpResponse(exports.report_csv(incident), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="incident-{incident.pk}.csv"'
    return response


@router.get("/incidents/{incident_id}/cadence", response=CadenceOut, auth=needs(Role.VIEWER))
def cadence_report(request, incident_id: ObjectId):
    """Every gap between updates against its target, per priority stretch and in total."""
    return exports.report_json(get_object_or_404(Incident, pk=incident_id))["cadence"]


# --- the incident's life ------------------------------------------------------------------------


@router.post("/incidents", response={201: IncidentDetailOut}, auth=needs(Role.RESPONDER))
def open_incident(request, payload: OpenIn):
    """Open an incident, from scratch or from a template, with its first update."""
    incident = services.open_incident(
        **actor_and_role(request),
        title=payload.title,
        priority=payload.priority,
        message=payload.message,
        components=component_statuses(payload.components),
        template=template_by_id(payload.template),
        is_public=payload.is_public,
        notify=payload.notify,
        detected_at=payload.detected_at,
        description=payload.description,
        reporter=payload.reporter,
        responders=staff_users(payload.responders),
        acknowledged=payload.acknowledged,
    )
    return Status(201, detailed(incident.pk))


@router.post(
    "/incidents/{incident_id}/acknowledge", response=IncidentDetailOut, auth=needs(Role.RESPONDER)
)
def acknowledge(request, incident_id: ObjectId):
    services.acknowledge(get_object_or_404(Incident, pk=incident_id), **actor_and_role(request))
    return detailed(incident_id)


@router.post(
    "/incidents/{incident_id}/updates",
    response={201: IncidentDetailOut},
    auth=needs(Role.RESPONDER),
)
def post_update(request, incident_id: ObjectId, payload: UpdateIn):
    """Post an update; moving to ``resolved`` resolves the incident."""
    services.post_update(
        get_object_or_404(Incident, pk=incident_id),
        **actor_and_role(request),
        message=payload.message,
        status=payload.status,
        components=component_statuses(payload.components),
        notify=payload.notify,
    )
    return Status(201, detailed(incident_id))


@router.post(
    "/incidents/{incident_id}/resolve", response=IncidentDetailOut, auth=needs(Role.RESPONDER)
)
def resolve(request, incident_id: ObjectId, payload: ResolveIn):
    services.resolve(
        get_object_or_404(Incident, pk=incident_id),
        **actor_and_role(request),
        message=payload.message,
        components=component_statuses(payload.components),
        notify=payload.notify,
    )
    return detailed(incident_id)


@router.post(
    "/incidents/{incident_id}/reopen", response=IncidentDetailOut, auth=needs(Role.RESPONDER)
)
def reopen(request, incident_id: ObjectId, payload: ReopenIn):
    services.reopen(
        get_object_or_404(Incident, pk=incident_id),
        **actor_and_role(request),
        message=payload.message,
        status=payload.status,
        components=component_statuses(payload.components),
        notify=payload.notify,
    )
    return detailed(incident_id)


# --- classification -----------------------------------------------------------------------------


@router.post(
    "/incidents/{incident_id}/reclassify", response=IncidentDetailOut, auth=needs(Role.RESPONDER)
)
def reclassify(request, incident_id: ObjectId, payload: ReclassifyIn):
    """Change the priority with a reason; visibility and cadence change from now."""
    classification.reclassify(
        get_object_or_404(Incident, pk=incident_id),
        payload.priority,
        reason=payload.reason,
        notify=payload.notify,
        **actor_and_role(request),
    )
    return detailed(incident_id)


@router.post(
    "/incidents/{incident_id}/visibility", response=IncidentDetailOut, auth=needs(Role.COMMUNICATOR)
)
def set_visibility(request, incident_id: ObjectId, payload: VisibilityIn):
    """Show the incident on the status page or take it off, whatever its priority."""
    incident = get_object_or_404(Incident, pk=incident_id)
    if payload.is_public:
        classification.make_public(
            incident, reason=payload.reason, notify=payload.notify, **actor_and_role(request)
        )
    else:
        classification.make_internal(incident, reason=payload.reason, **actor_and_role(request))
    return detailed(incident_id)


@router.post(
    "/incidents/{incident_id}/cause", response=IncidentDetailOut, auth=needs(Role.COMMUNICATOR)
)
def set_cause(request, incident_id: ObjectId, payload: CauseIn):
    """Classify the cause for the SLA, naming the upstream component for a third party."""
    incident = get_object_or_404(Incident, pk=incident_id)
    upstream = None
    if payload.cause_component:
        (upstream,) = components_by_slug([payload.cause_component], field="cause_component")
    classification.set_cause(
        incident, payload.cause, upstream=upstream, note=payload.note, **actor_and_role(request)
    )
    return detailed(incident_id)


# --- people -------------------------------------------------------------------------------------


@router.put(
    "/incidents/{incident_id}/responders", response=IncidentDetailOut, auth=needs(Role.RESPONDER)
)
def assign_responders(request, incident_id: ObjectId, payload: RespondersIn):
    services.assign_responders(
        get_object_or_404(Incident, pk=incident_id),
        staff_users(payload.responders),
        **actor_and_role(request),
    )
    return detailed(incident_id)


@router.post(
    "/incidents/{incident_id}/escalations",
    response={201: IncidentDetailOut},
    auth=needs(Role.RESPONDER),
)
def escalate(request, incident_id: ObjectId, payload: EscalateIn):
    """Escalate to a tier by hand, with a reason; each tier is told once."""
    services.escalate(
        get_object_or_404(Incident, pk=incident_id),
        payload.tier,
        reason=payload.reason,
        **actor_and_role(request),
    )
    return Status(201, detailed(incident_id))


# --- the postmortem -----------------------------------------------------------------------------


@router.put(
    "/incidents/{incident_id}/postmortem", response=PostmortemOut, auth=needs(Role.RESPONDER)
)
def save_postmortem(request, incident_id: ObjectId, payload: PostmortemIn):
    """Write or rewrite the postmortem of a resolved incident."""
    return postmortems.save_postmortem(
        get_object_or_404(Incident, pk=incident_id), payload.body, **actor_and_role(request)
    )


@router.post(
    "/incidents/{incident_id}/postmortem/publish",
    response=PostmortemOut,
    auth=needs(Role.COMMUNICATOR),
)
def publish_postmortem(request, incident_id: ObjectId, payload: PublishIn):
    return postmortems.publish_postmortem(
        get_object_or_404(Incident, pk=incident_id),
        notify=payload.notify,
        **actor_and_role(request),
    )
