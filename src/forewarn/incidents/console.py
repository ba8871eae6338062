"""The console's incident pages: open one, run it, read its report. Thin over the services.

Every form posts to one action URL (``/console/incidents/incident/<id>/act/<action>/``); the
view calls the service the API calls, with the staff member's role, so the role rules are
the services' (``PermissionDenied``: 403). A refusal of the input is shown on the form and
changes nothing. Only the forms the role may use are shown: a viewer reads.
Times are shown, and read, in the provider's time zone.
"""

from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from forewarn.catalog.models import Role, role_of
from forewarn.catalog.roles import role_required
from forewarn.record.services import actor_name

from . import classification, exports, forms, postmortems, report, services
from .access import Action, may, refusal
from .cadence import time_left, time_left_text
from .lifecycle import impact
from .models import AffectedComponent, Incident, Postmortem
from .notices import public_url
from .priorities import DEFINITIONS, Priority

PAGES = "incidents/console/"


@dataclass(frozen=True)
class Step:
    """One action of the run page: its form, who may use it, and the service it calls."""

    title: str
    form: type[forms.ServiceForm]
    action: Action
    run: Callable
    applies: Callable[[Incident], bool]
    initial: Callable[[Incident], dict] = lambda incident: {}


def _who(request) -> dict:
    return {"actor": actor_name(request.user), "role": role_of(request.user)}


def _postmortem(incident: Incident) -> Postmortem | None:
    return Postmortem.objects.filter(incident=incident).first()


STEPS = {
    "acknowledge": Step(
        "Acknowledge",
        forms.AcknowledgeForm,
        Action.ACKNOWLEDGE,
        lambda i, f, who: services.acknowledge(i, **who),
        lambda i: i.is_open and i.acknowledged_at is None,
    ),
    "update": Step(
        "Post an update",
        forms.UpdateForm,
        Action.POST_UPDATE,
        lambda i, f, who: services.post_update(
            i,
            message=f.cleaned_data["message"],
            status=f.cleaned_data["status"],
            components=f.component_statuses(),
            notify=f.cleaned_data["notify"],
            **who,
        ),
        lambda i: i.is_open,
        lambda i: {"status": i.status},
    ),
    "resolve": Step(
        "Resolve",
        forms.ResolveForm,
        Action.RESOLVE,
        lambda i, f, who: services.resolve(
            i,
            message=f.cleaned_data["message"],
            components=f.component_statuses(),
            notify=f.cleaned_data["notify"],
            **who,
        ),
        lambda i: i.is_open,
    ),
    "reopen": Step(
        "Reopen",
        forms.ReopenForm,
        Action.REOPEN,
        lambda i, f, who: services.reopen(
            i,
            message=f.cleaned_data["message"],
            status=f.cleaned_data["status"],
            notify=f.cleaned_data["notify"],
            **who,
        ),
        lambda i: not i.is_open,
    ),
    "reclassify": Step(
        "Reclassify",
        forms.ReclassifyForm,
        Action.RECLASSIFY,
        lambda i, f, who: classification.reclassify(
            i,
            f.cleaned_data["priority"],
            reason=f.cleaned_data["reason"],
            notify=f.cleaned_data["notify"],
            **who,
        ),
        lambda i: True,
        lambda i: {"priority": i.priority},
    ),
    "visibility": Step(
        "Visibility",
        forms.VisibilityForm,
        Action.SET_VISIBILITY,
        lambda i, f, who: (
            classification.make_public(
                i, reason=f.cleaned_data["reason"], notify=f.cleaned_data["notify"], **who
            )
            if f.cleaned_data["is_public"]
            else classification.make_internal(i, reason=f.cleaned_data["reason"], **who)
        ),
        lambda i: True,
        lambda i: {"is_public": "false" if i.is_public else "true"},
    ),
    "cause": Step(
        "Cause for the SLA",
        forms.CauseForm,
        Action.SET_CAUSE,
        lambda i, f, who: classification.set_cause(
            i,
            f.cleaned_data["cause"],
            upstream=f.cleaned_data["cause_component"],
            note=f.cleaned_data["note"],
            **who,
        ),
        lambda i: True,
        lambda i: {"cause": i.cause, "cause_component": i.cause_component, "note": i.cause_note},
    ),
    "responders": Step(
        "Responders",
        forms.RespondersForm,
        Action.ASSIGN,
        lambda i, f, who: services.assign_responders(i, f.cleaned_data["responders"], **who),
        lambda i: i.is_open,
        lambda i: {"responders": list(i.responders.all())},
    ),
    "escalate": Step(
        "Escalate",
        forms.EscalateForm,
        Action.ESCALATE,
        lambda i, f, who: services.escalate(
            i, f.cleaned_data["tier"], reason=f.cleaned_data["reason"], **who
        ),
        lambda i: i.is_open,
    ),
    "postmortem": Step(
        "Postmortem",
        forms.PostmortemForm,
        Action.WRITE_POSTMORTEM,
        lambda i, f, who: postmortems.save_postmortem(i, f.cleaned_data["body"], **who),
        lambda i: not i.is_open,
        lambda i: {"body": p.body} if (p := _postmortem(i)) else {},
    ),
    "publish": Step(
        "Publish the postmortem",
        forms.PublishForm,
        Action.PUBLISH_POSTMORTEM,
        lambda i, f, who: postmortems.publish_postmortem(i, notify=f.cleaned_data["notify"], **who),
        lambda i: (p := _postmortem(i)) is not None and p.published_at is None and i.is_public,
    ),
}


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.PROVIDER_TIME_ZONE)


def _incident(pk: int) -> Incident:
    return get_object_or_404(
        Incident.objects.select_related("cause_component", "postmortem").prefetch_related(
            "responders",
            Prefetch(
                "affected",
                queryset=AffectedComponent.objects.select_related("component").order_by(
                    "component__name"
                ),
            ),
        ),
        pk=pk,
    )


def _page(request, incident: Incident, bound: dict | None = None, status: int = 200):
    """The run page: the incident, its updates, and a form for each step the role may take."""
    role = role_of(request.user)
    left = time_left(incident.next_update_due_at, timezone.now())
    steps = []
    for name, step in STEPS.items():
        if not step.applies(incident) or not may(role, step.action):
            continue
        form = (bound or {}).get(name) or step.form(initial=step.initial(incident), prefix=name)
        steps.append({"name": name, "title": step.title, "form": form})
    context = admin.site.each_context(request) | {
        "title": f"{incident.priority} {incident.title}",
        "incident": incident,
        "opts": Incident._meta,
        "definition": DEFINITIONS[Priority(incident.priority)],
        "impact": impact(incident.priority, [a.status_during for a in incident.affected.all()]),
        "time_left": left,
        "time_left_text": time_left_text(left),
        "is_overdue": left is not None and left.total_seconds() <= 0,
        "updates": incident.updates.order_by("-posted_at", "-id"),
        "escalations": incident.escalations.all(),
        "postmortem": getattr(incident, "postmortem", None),
        "public_url": public_url(incident) if incident.is_public else "",
        "steps": steps,
        "read_only": not steps,
        "zone": settings.PROVIDER_TIME_ZONE,
    }
    return render(request, PAGES + "incident.html", context, status=status)


def run(request, pk: int):
    """The incident as an operator runs it (the console's change page)."""
    return _page(request, _incident(pk))


@role_required(Role.RESPONDER)  # the least any step needs; each step checks its own
def act(request, pk: int, name: str):
    """Take one step through its service; back to the run page, or the form with its errors."""
    step = STEPS.get(name)
    if step is None or request.method != "POST":
        return HttpResponse(status=405 if step else 404)
    incident = _incident(pk)
    reason = refusal(role_of(request.user), step.action)
    if reason:
        raise PermissionDenied(reason)
    with timezone.override(_zone()):
        form = step.form(request.POST, prefix=name)
        if form.is_valid():
            try:
                step.run(incident, form, _who(request))
            except ValidationError as error:
                form.refuse(error)
            else:
                messages.success(request, f"{step.title}: done.")
                return redirect(reverse("admin:incidents_incident_change", args=[pk]))
        return _page(request, _incident(pk), bound={name: form}, status=400)


def open_incident(request):
    """Open an incident (the console's add page): priorities shown with seed 001's words."""
    reason = refusal(role_of(request.user), Action.OPEN)
    if reason:
        raise PermissionDenied(reason)
    with timezone.override(_zone()):
        form = forms.OpenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                incident = services.open_incident(
                    **_who(request),
                    title=data["title"],
                    priority=data["priority"],
                    message=data["message"],
                    components=form.component_statuses(),
                    template=data["template"],
                    is_public=form.is_public(),
                    notify=data["notify"],
                    detected_at=data["detected_at"],
                    description=data["description"],
                    reporter=data["reporter"],
                    responders=data["responders"],
                )
            except ValidationError as error:
                form.refuse(error)
            else:
                messages.success(request, f"Opened {incident}.")
                return redirect(reverse("admin:incidents_incident_change", args=[incident.pk]))
        context = admin.site.each_context(request) | {
            "title": "Open an incident",
            "opts": Incident._meta,
            "form": form,
            "zone": settings.PROVIDER_TIME_ZONE,
        }
        return render(request, PAGES + "open.html", context, status=400 if form.errors else 200)


@role_required(Role.VIEWER)
def incident_report(request, pk: int):
    """Seed 004's incident report as a page, or ``?format=csv`` / ``?format=json``."""
    incident = get_object_or_404(Incident, pk=pk)
    fmt = request.GET.get("format", "html")
    if fmt == "json":
        response = JsonResponse(exports.report_json(incident), json_dumps_params={"indent": 1})
        response["Content-Disposition"] = f'attachment; filename="incident-{pk}.json"'
        return response
    if fmt == "csv":
        response = HttpResponse(
            exports.report_csv(incident), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="incident-{pk}.csv"'
        return response
    found = exports.incident_report(incident)
    rows = report.rows(found, settings.PROVIDER_TIME_ZONE)
    context = admin.site.each_context(request) | {
        "title": f"Incident report: {incident}",
        "opts": Incident._meta,
        "incident": incident,
        "report": found,
        "sections": {
            section: [r for r in rows if r["section"] == section]
            for section in ("summary", "analysis", "event", "step", "cadence", "cadence_summary")
        },
        "minutes": {
            "acknowledge": report.minutes(found.time_to_acknowledge),
            "identify": report.minutes(found.time_to_identify),
            "resolve": report.minutes(found.time_to_resolve),
        },
        "zone": settings.PROVIDER_TIME_ZONE,
    }
    return render(request, PAGES + "report.html", context)
