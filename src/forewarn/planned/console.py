"""The console's planned-work pages: draft, revise, check and publish, then run the work.

Thin over the services the API calls (``services``, ``progress``, ``drafts``), with the staff
member's role, so the role rules are the services' (``PermissionDenied``: 403). Every step
posts to one action URL (``/console/planned/plannedwork/<id>/act/<step>/``); a refusal of
the input is shown on the form and changes nothing. Only the steps the role may take are
shown: a viewer reads. Times are typed and shown in the work's own zone.
"""

from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from forewarn.catalog.models import Role, has_role, role_of
from forewarn.catalog.roles import role_required
from forewarn.markup import render_markdown
from forewarn.record.services import actor_name

from . import drafts, forms, guards, progress, reads, services
from .lifecycle import PlannedState
from .models import PlannedWork
from .notices import public_url
from .precheck import precheck

PAGES = "planned/console/"


@dataclass(frozen=True)
class Step:
    """One action of the work's page: its form, the least role, the service it calls."""

    title: str
    form: type[forms.ServiceForm]
    role: str
    run: Callable
    applies: Callable[[list[PlannedState]], bool]


def _zoned(form, field: str, zone: ZoneInfo):
    return forms.wall_clock(form.cleaned_data.get(field), zone)


def _running(states) -> bool:
    return any(s.is_running for s in states)


STEPS = {
    "publish": Step(
        "Publish",
        forms.PublishForm,
        guards.PUBLISH,
        lambda w, f, who, z: services.publish(
            w, justification=f.cleaned_data["justification"], **who
        ),
        lambda states: PlannedState.DRAFT in states,
    ),
    "reschedule": Step(
        "Reschedule a window",
        forms.RescheduleForm,
        guards.PUBLISH,
        lambda w, f, who, z: services.reschedule(
            w,
            window=f.cleaned_data["window"],
            start=_zoned(f, "start", z),
            end=_zoned(f, "end", z),
            reason=f.cleaned_data["reason"],
            justification=f.cleaned_data["justification"],
            **who,
        ),
        lambda states: PlannedState.SCHEDULED in states,
    ),
    "extend": Step(
        "Extend a running window",
        forms.ExtendForm,
        guards.RUN,
        lambda w, f, who, z: progress.extend(
            w,
            window=f.cleaned_data["window"],
            reason=f.cleaned_data["reason"],
            end=_zoned(f, "end", z),
            next_update_at=_zoned(f, "next_update_at", z),
            **who,
        ),
        _running,
    ),
    "complete": Step(
        "Complete a running window",
        forms.CompleteForm,
        guards.RUN,
        lambda w, f, who, z: progress.complete(w, window=f.cleaned_data["window"], **who),
        _running,
    ),
    "release": Step(
        "Mark the version released",
        forms.ReleaseForm,
        guards.RUN,
        lambda w, f, who, z: progress.release(w, **who),
        lambda states: any(s.is_public and s is not PlannedState.CANCELLED for s in states),
    ),
    "cancel": Step(
        "Cancel",
        forms.CancelForm,
        guards.PUBLISH,
        lambda w, f, who, z: services.cancel(
            w, window=f.cleaned_data["window"], reason=f.cleaned_data["reason"], **who
        ),
        lambda states: any(not s.is_final for s in states),
    ),
}


def _who(request) -> dict:
    return {"actor": actor_name(request.user), "role": role_of(request.user)}


def _work(pk: int) -> PlannedWork:
    """The work with what its pages show, as the API reads it."""
    return get_object_or_404(reads.works(), pk=pk)


def _step_form(name: str, work: PlannedWork, data=None):
    form = STEPS[name].form(data, prefix=name)
    if "window" in form.fields:
        form.fields["window"].choices = [("", "—")] + [
            (
                w.index,
                f"#{w.index} {w.start_at.astimezone(ZoneInfo(work.time_zone)):%a %d %b %Y %H:%M} ({w.get_state_display().lower()})",
            )
            for w in work.windows.all()
            if not PlannedState(w.state).is_final
        ]
    return form


def _steps(request, work: PlannedWork, bound: dict) -> list[dict]:
    states = [PlannedState(w.state) for w in work.windows.all()]
    found = []
    for name, step in STEPS.items():
        if name == "publish" or not step.applies(states) or not has_role(request.user, step.role):
            continue
        form = bound.get(name) or _step_form(name, work)
        found.append({"name": name, "title": step.title, "form": form})
    return found


def _context(request, work: PlannedWork, title: str) -> dict:
    return admin.site.each_context(request) | {
        "title": title,
        "work": work,
        "opts": PlannedWork._meta,
        "zone": work.time_zone,
        "provider_zone": settings.PROVIDER_TIME_ZONE,
        "is_draft": work.state == PlannedState.DRAFT,
        "may_draft": has_role(request.user, guards.DRAFT),
        "may_publish": has_role(request.user, guards.PUBLISH),
    }


def _page(request, work: PlannedWork, bound: dict | None = None, status: int = 200):
    """The work as an operator runs it (the console's change page)."""
    steps = _steps(request, work, bound or {})
    context = _context(request, work, work.title) | {
        "description_html": render_markdown(work.description),
        "features": forms.features_text(work.new_features),
        "public_url": public_url(work) if work.is_public else "",
        "steps": steps,
        "read_only": not steps and work.state != PlannedState.DRAFT,
    }
    return render(request, PAGES + "work.html", context, status=status)


@role_required(Role.VIEWER)
def run(request, pk: int):
    return _page(request, _work(pk))


@role_required(Role.VIEWER)
def check(request, pk: int, bound=None, status: int = 200):
    """Before publishing: the policy check and the notification plan, and the publish form."""
    work = _work(pk)
    context = _context(request, work, f"Check and publish: {work.title}") | {
        "check": precheck(work),
        "publish": bound or _step_form("publish", work),
    }
    return render(request, PAGES + "check.html", context, status=status)


@role_required(Role.RESPONDER)  # the least any step needs; each service checks its own
def act(request, pk: int, name: str):
    """Take one step through its service; back to the work's page, or the form with its errors."""
    step = STEPS.get(name)
    if step is None or request.method != "POST":
        return HttpResponse(status=405 if step else 404)
    work = _work(pk)
    form = _step_form(name, work, request.POST)
    status = 400
    if form.is_valid():
        try:
            step.run(work, form, _who(request), ZoneInfo(work.time_zone))
        except ValidationError as error:
            form.refuse(error)
        except PermissionDenied as error:  # the role may take the step, not this far
            form.add_error(None, str(error))
            status = 403
        else:
            messages.success(request, f"{step.title}: done.")
            return redirect(reverse("admin:planned_plannedwork_change", args=[pk]))
    if name == "publish":
        return check(request, pk, bound=form, status=status)
    return _page(request, _work(pk), bound={name: form}, status=status)


def _draft_page(request, form, work: PlannedWork | None, status: int):
    title = f"Revise the draft: {work.title}" if work else "Plan work"
    context = admin.site.each_context(request) | {
        "title": title,
        "opts": PlannedWork._meta,
        "form": form,
        "work": work,
        "zone": settings.PROVIDER_TIME_ZONE,
    }
    return render(request, PAGES + "draft.html", context, status=status)


@role_required(guards.DRAFT)
def create(request):
    """Draft planned work (the console's add page); a draft is private."""
    form = forms.DraftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            work = services.create_draft(**_who(request), **form.arguments())
        except ValidationError as error:
            form.refuse(error)
        else:
            messages.success(request, f"Drafted “{work.title}”. Check it, then publish it.")
            return redirect(reverse("admin:planned_plannedwork_change", args=[work.pk]))
    return _draft_page(request, form, None, 400 if form.errors else 200)


@role_required(guards.DRAFT)
def edit(request, pk: int):
    """Revise a draft: everything it is may still change."""
    work = _work(pk)
    if work.state != PlannedState.DRAFT:
        messages.error(request, "Only a draft is revised; reschedule or cancel published work.")
        return redirect(reverse("admin:planned_plannedwork_change", args=[pk]))
    form = forms.DraftForm(request.POST) if request.method == "POST" else forms.DraftForm.of(work)
    if request.method == "POST" and form.is_valid():
        try:
            drafts.revise_draft(work, **_who(request), **form.arguments())
        except ValidationError as error:
            form.refuse(error)
        else:
            messages.success(request, "Draft revised.")
            return redirect(reverse("admin:planned_plannedwork_change", args=[pk]))
    return _draft_page(request, form, work, 400 if form.errors else 200)
