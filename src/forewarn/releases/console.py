"""The console's release pages: plan a version, then change its notes, release or withdraw it,
and see who was told and when.

Thin over ``services`` (the API calls the same), with the staff member's role, so the role
rules are the services' (``PermissionDenied``: 403). Every step posts to one action URL
(``/console/releases/version/<id>/act/<step>/``); a refusal is shown on the form and
changes nothing. A viewer reads.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from forewarn.catalog.models import Role, has_role
from forewarn.catalog.roles import role_required
from forewarn.record.services import actor_name

from . import forms, services, shapes
from .console_data import told
from .models import Version
from .notices import public_url

PAGE = "releases/console/version.html"


def _who(request) -> dict:
    profile = getattr(request.user, "staff", None)
    return {"actor": actor_name(request.user), "role": profile.role if profile else None}


def _version(pk: int) -> Version:
    found = (
        Version.objects.select_related("product", "organization", "planned_work", "api_work")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such version.")
    return found


STEPS = {
    "release": (forms.ReleaseForm, lambda v, f, who: services.release(v, **who)),
    "withdraw": (
        forms.WithdrawForm,
        lambda v, f, who: services.withdraw(v, reason=f.cleaned_data["reason"], **who),
    ),
    "notes": (
        forms.NotesForm,
        lambda v, f, who: services.change_version(v, **who, **f.arguments()),
    ),
    "deprecate": (
        forms.DeprecationForm,
        lambda v, f, who: services.deprecate(
            v, **who, **{k: val for k, val in f.cleaned_data.items() if val not in (None, "")}
        ),
    ),
}


def _page(request, version: Version, bound: dict | None = None, status: int = 200):
    may = has_role(request.user, services.PUBLISH)
    steps = {}
    if may and version.state != "withdrawn":
        steps = {
            "notes": forms.NotesForm.of(version),
            "withdraw": forms.WithdrawForm(),
        }
        if version.state == "planned":
            steps["release"] = forms.ReleaseForm()
        if version.api_change:
            steps["deprecate"] = forms.DeprecationForm()
    steps |= bound or {}
    context = admin.site.each_context(request) | {
        "title": f"{version.product.name} {version.number}",
        "opts": Version._meta,
        "version": version,
        "sections": shapes.notes_html(version),
        "deprecations": [shapes.deprecation_json(d) for d in version.deprecations.all()],
        "told": told(version),
        "steps": steps,
        "public_url": public_url(version),
        "zone": settings.PROVIDER_TIME_ZONE,
    }
    return render(request, PAGE, context, status=status)


@role_required(Role.VIEWER)
def run(request, pk: int):
    return _page(request, _version(pk))


@role_required(services.PUBLISH)
def act(request, pk: int, name: str):
    """Take one step through its service; back to the version's page, or the form with errors."""
    step = STEPS.get(name)
    if step is None or request.method != "POST":
        return HttpResponse(status=405 if step else 404)
    version = _version(pk)
    form_class, run_step = step
    form = form_class(request.POST)
    status = 400
    if form.is_valid():
        try:
            run_step(version, form, _who(request))
        except ValidationError as error:
            form.refuse(error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
            status = 403
        else:
            messages.success(request, "Done.")
            return redirect(reverse("admin:releases_version_change", args=[pk]))
    return _page(request, _version(pk), bound={name: form}, status=status)


@role_required(services.PUBLISH)
def create(request):
    """Plan a version (the console's add page)."""
    form = forms.VersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        arguments = form.arguments()
        product = arguments.pop("product", None) or form.cleaned_data["product"]
        try:
            version = services.plan_version(product, **_who(request), **arguments)
        except ValidationError as error:
            form.refuse(error)
        else:
            messages.success(request, f"Planned {version}.")
            return redirect(reverse("admin:releases_version_change", args=[version.pk]))
    context = admin.site.each_context(request) | {
        "title": "Plan a version",
        "opts": Version._meta,
        "form": form,
    }
    return render(
        request, "releases/console/plan.html", context, status=400 if form.errors else 200
    )
