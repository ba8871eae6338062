"""The portal's pages, thin over ``signin``, ``queries``, ``tokens`` and support's services.

Every page but the sign-in ones needs a portal session (``contact_required``) and reads only
through ``queries`` with the signed-in contact's organization: another organization's request,
notice or token is "not found" (404). Nothing is cached, and writes are POSTs with Django's
CSRF check. The public support page (``/support/``) needs no session.
"""

import functools
import json

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forewarn.availability import exports, reports
from forewarn.availability import periods as p
from forewarn.catalog.statuses import LABELS, worst
from forewarn.delivery.views import client_ip
from forewarn.markup import render_markdown
from forewarn.releases import queries as releases
from forewarn.releases import shapes as release_shapes
from forewarn.releases.numbering import KIND_LABELS, ReleaseKind
from forewarn.support import services
from forewarn.support.lifecycle import Origin, RequestStatus
from forewarn.support.models import Attachment
from forewarn.support.services import NotAuthorized, Upload

from . import queries, signin, support_info, tokens
from .forms import LinkForm, ReplyForm, RequestForm, TokenForm
from .models import ContactToken

PAGES = "portal/"


def contact_required(view):
    """A page for a signed-in contact: ``request.contact`` and ``request.organization`` are
    set; without a live portal session, the sign-in page."""

    @functools.wraps(view)
    @never_cache
    def wrapper(request, *args, **kwargs):
        session = signin.session_of(request.COOKIES.get(signin.COOKIE))
        if session is None:
            if request.method == "GET":
                return redirect(reverse("portal:sign-in") + "?next=" + request.path)
            return redirect("portal:sign-in")
        request.portal_session = session
        request.contact = session.contact
        request.organization = session.contact.organization
        return view(request, *args, **kwargs)

    return wrapper


def _page(request, template: str, context: dict | None = None, status: int = 200):
    """Render a portal page; times in the contact's zone (else its region's, else the
    provider's)."""
    base = {"zone": settings.PROVIDER_TIME_ZONE}
    contact = getattr(request, "contact", None)
    if contact is not None:
        region = request.organization.region
        zone = contact.time_zone or (region.time_zone if region else "")
        base = {
            "contact": contact,
            "organization": request.organization,
            "zone": zone or settings.PROVIDER_TIME_ZONE,
        }
    return render(request, PAGES + template, base | (context or {}), status=status)


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "message_dict"):
        return [f"{field}: {' '.join(m)}" for field, m in error.message_dict.items()]
    return list(error.messages)


def _upload(form) -> tuple[Upload, ...]:
    found = form.cleaned_data.get("attachment")
    return (Upload(found.name, found.read()),) if found else ()


# --- signing in -----------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_form(request):
    """Ask for a link; whatever the address, the same answer (nobody learns who is a contact)."""
    form = LinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        signin.request_link(form.cleaned_data["email"], client_ip=client_ip(request))
        return redirect("portal:sign-in-sent")
    return _page(
        request,
        "sign_in.html",
        {"form": form, "minutes": signin.LINK_MINUTES},
        status=400 if form.is_bound else 200,
    )


@never_cache
def sign_in_sent(request):
    return _page(request, "sign_in_sent.html", {"minutes": signin.LINK_MINUTES})


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_link(request, token: str):
    """GET shows a button; only the POST uses the link, so mail scanners that fetch links
    use nothing up."""
    try:
        if request.method == "GET":
            link = signin.check_link(token)
            return _page(request, "sign_in_link.html", {"link_contact": link.contact})
        started = signin.sign_in(token)
        previous = signin.session_of(request.COOKIES.get(signin.COOKIE))
        if previous is not None:  # this browser's earlier session ends: one at a time
            signin.sign_out(previous)
    except signin.InvalidLink as error:
        return _page(request, "invalid_link.html", {"reason": str(error)}, status=400)
    response = redirect("portal:home")
    response.set_cookie(
        signin.COOKIE,
        started.raw,
        max_age=signin.SESSION_HOURS * 3600,
        path="/portal/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


@require_POST
@contact_required
def sign_out(request):
    signin.sign_out(request.portal_session)
    response = redirect("portal:sign-in")
    response.delete_cookie(signin.COOKIE, path="/portal/")
    return response


# --- status, SLA, work, notices ---------------------------------------------------------------


@require_GET
@contact_required
def home(request):
    """The organization's private status page: its components (public and private to it),
    open incidents and planned work in progress or to come."""
    organization = request.organization
    components = list(queries.components(organization))
    groups: dict[str, list] = {}
    for component in components:
        groups.setdefault(component.group.name if component.group else "", []).append(component)
    status = worst(c.status for c in components) if components else None
    windows = [
        w
        for w in queries.planned(organization)
        if w.state in ("scheduled", "in_progress", "verifying")
    ]
    return _page(
        request,
        "home.html",
        {
            "groups": [
                (name, rows, [LABELS[c.status] for c in rows]) for name, rows in groups.items()
            ],
            "status_label": LABELS[status] if status else None,
            "status": status,
            "incidents": queries.incidents(organization, open_only=True),
            "windows": sorted(windows, key=lambda w: w.start_at),
            "open_requests": queries.requests(organization)
            .exclude(status__in=[RequestStatus.CLOSED, RequestStatus.SOLVED])
            .count(),
        },
    )


@require_GET
@contact_required
def sla(request):
    """The SLA statement of a quarter (``?period=2026-Q3``, default the current one), as a page,
    ``&format=csv`` or ``&format=json``: the availability reports' figures for the components
    the organization uses."""
    organization = request.organization
    fmt = request.GET.get("format", "html")
    try:
        if fmt not in ("html", "csv", "json"):
            raise ValidationError({"format": "Use html, csv or json."})
        period = p.requested(request.GET)
    except ValidationError as error:
        if fmt != "html":
            return JsonResponse({"message": "; ".join(_messages(error))}, status=422)
        return _page(request, "sla.html", {"errors": _messages(error)}, status=422)
    report = reports.build(
        period, organization=organization, scope={"organization": organization.slug}
    )
    name = f"sla-{organization.slug}-{period.label.replace(' to ', '_')}"
    if fmt == "json":
        response = HttpResponse(
            json.dumps(exports.as_json(report), ensure_ascii=False, indent=1),
            content_type="application/json",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
    if fmt == "csv":
        response = HttpResponse(exports.figures_csv(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    rows = [(section, row) for section in report.sections for row in section.rows]
    return _page(
        request,
        "sla.html",
        {
            "report": report,
            "rows": rows,
            "period_label": period.label,
            "period_query": request.GET.get("period", "")
            or ("" if " to " in period.label else period.label),
            "quarters": _recent_quarters(),
            "pct": reports.pct_text,
            "overall": report.overall,
        },
    )


def _recent_quarters(count: int = 6) -> list[str]:
    today = timezone.localdate()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    found = []
    for _ in range(count):
        found.append(f"{year}-Q{quarter}")
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
    return found


@require_GET
@contact_required
def work(request):
    organization = request.organization
    return _page(
        request,
        "work.html",
        {
            "windows": queries.planned(organization)[: queries.LISTED],
            "incidents": queries.incidents(organization)[: queries.LISTED],
        },
    )


@require_GET
@contact_required
def release_list(request):
    """The release notes this organization may read: public products', the private products it
    uses, and the hotfixes made for it alone (``releases.queries.visible_to``)."""
    versions = releases.visible_to(request.organization)[: queries.LISTED]
    return _page(
        request,
        "releases.html",
        {
            "shown": [
                {
                    "version": v,
                    "kind_label": KIND_LABELS[ReleaseKind(v.kind)],
                    "sections": release_shapes.notes_html(v),
                }
                for v in versions
            ]
        },
    )


@require_GET
@contact_required
def notice_list(request):
    return _page(
        request,
        "notices.html",
        {"notices": queries.notices(request.organization)[: queries.LISTED]},
    )


@require_GET
@contact_required
def notice_detail(request, notice_id: int):
    notice = queries.notice(request.organization, notice_id)
    return _page(
        request, "notice.html", {"notice": notice, "body_html": render_markdown(notice.body)}
    )


# --- requests -----------------------------------------------------------------------------------


@require_GET
@contact_required
def request_list(request):
    found = queries.requests(request.organization)
    status = request.GET.get("status", "")
    if status in RequestStatus:
        found = found.filter(status=status)
    return _page(
        request,
        "requests.html",
        {
            "requests": found[: queries.LISTED],
            "status": status,
            "statuses": [(s.value, s.label) for s in RequestStatus],
        },
    )


@require_http_methods(["GET", "POST"])
@contact_required
def request_new(request):
    # Those it uses that it may see (never internal ones): what a request may name.
    components = list(
        queries.components(request.organization).filter(organizations=request.organization)
    )
    form = RequestForm(request.POST or None, request.FILES or None, components=components)
    errors = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        component = next((c for c in components if c.slug == data["component"]), None)
        try:
            opened = services.open_request(
                requester_email=request.contact.email,
                organization=request.organization,
                subject=data["subject"],
                body=data["body"],
                priority=data["priority"],
                component=component,
                emergency=data["emergency"],
                uploads=_upload(form),
                origin=Origin.WEB,
                actor=request.contact.email,
            )
        except ValidationError as error:
            errors = _messages(error)
        except NotAuthorized as error:
            errors = [str(error)]
        else:
            return redirect("portal:request", request_id=opened.pk)
    status = 400 if form.is_bound else 200
    return _page(request, "request_new.html", {"form": form, "errors": errors}, status=status)


@require_GET
@contact_required
def request_detail(request, request_id: int, form=None, errors=(), status=200):
    found = queries.request(request.organization, request_id)
    return _page(
        request,
        "request.html",
        {
            "support_request": found,
            "thread": queries.thread(found),
            "form": form or ReplyForm(),
            "errors": errors,
            "closed": found.status == RequestStatus.CLOSED,
            "status_label": RequestStatus(found.status).label,
        },
        status=status,
    )


@require_POST
@contact_required
def request_reply(request, request_id: int):
    found = queries.request(request.organization, request_id)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return request_detail.__wrapped__(request, request_id, form=form, status=400)
    try:
        services.add_customer_message(
            found,
            sender_email=request.contact.email,
            body=form.cleaned_data["body"],
            uploads=_upload(form),
            origin=Origin.WEB,
            actor=request.contact.email,
        )
    except (ValidationError, PermissionDenied) as error:
        errors = _messages(error) if isinstance(error, ValidationError) else [str(error)]
        return request_detail.__wrapped__(request, request_id, form=form, errors=errors, status=400)
    return redirect("portal:request", request_id=found.pk)


@require_POST
@contact_required
def request_close(request, request_id: int):
    found = queries.request(request.organization, request_id)
    try:
        services.close_by_customer(
            found,
            sender_email=request.contact.email,
            origin=Origin.WEB,
            actor=request.contact.email,
        )
    except (ValidationError, PermissionDenied) as error:
        errors = _messages(error) if isinstance(error, ValidationError) else [str(error)]
        return request_detail.__wrapped__(request, request_id, errors=errors, status=400)
    return redirect("portal:request", request_id=found.pk)


@require_GET
@contact_required
def attachment(request, request_id: int, attachment_id: int):
    found = queries.request(request.organization, request_id)
    shown = queries.thread(found).values("pk")
    item = Attachment.objects.filter(pk=attachment_id, message__in=shown).first()
    if item is None:
        raise Http404("Not found.")
    response = HttpResponse(bytes(item.content), content_type=item.content_type)
    response["Content-Disposition"] = f'attachment; filename="{item.filename}"'
    return response


# --- contact API tokens ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@contact_required
def token_list(request):
    form = TokenForm(request.POST or None)
    created, errors = None, []
    if request.method == "POST" and form.is_valid():
        try:
            _, created = tokens.issue(request.contact, name=form.cleaned_data["name"])
        except ValidationError as error:
            errors = _messages(error)
        else:
            form = TokenForm()
    return _page(
        request,
        "tokens.html",
        {
            "tokens": request.contact.api_tokens.all(),
            "form": form,
            "created": created,
            "errors": errors,
            "api_url": f"{settings.SITE_URL}/api/v1/contact/requests",
        },
        status=400 if errors else 200,
    )


@require_POST
@contact_required
def token_revoke(request, token_id: int):
    try:
        tokens.revoke(request.contact, token_id)
    except ContactToken.DoesNotExist:
        raise Http404("Not found.") from None
    return redirect("portal:tokens")


# --- the public support page -------------------------------------------------------------------


@require_GET
def support_page(request):
    """Seed 001 §4: the guides, knowledge centre, developer portal and status page, and the
    ways to reach support (email, hours, whether it is open now, chat)."""
    return _page(request, "support.html", support_info.context())
