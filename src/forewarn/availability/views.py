"""Console pages: the availability report and an organization's SLA statement (viewer and up).

Thin over ``reports``: each page is HTML by default, ``?format=csv`` (figures; add
``&table=intervals`` for the intervals behind them) or ``?format=json`` (what the API returns).
"""

import json

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from forewarn.catalog.models import Organization, Role, has_role
from forewarn.catalog.roles import role_required

from . import exports, reports
from . import periods as p
from .models import ExclusionReason

FORMATS = ("html", "csv", "json")


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "message_dict") else {"__all__": exc.messages}


def _respond(request, report: reports.Report, filename: str):
    fmt = request.GET.get("format", "html")
    if fmt == "json":
        body = json.dumps(exports.as_json(report), ensure_ascii=False, indent=1)
        response = HttpResponse(body, content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
        return response
    if fmt == "csv":
        intervals = request.GET.get("table") == "intervals"
        body = exports.intervals_csv(report) if intervals else exports.figures_csv(report)
        name = f"{filename}-intervals" if intervals else filename
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    query = report.period.as_query()
    context = admin.site.each_context(request) | {
        "title": _title(report),
        "report": report,
        "period": report.period,
        "period_query": urlencode(query),
        "perms_add_exclusion": has_role(request.user, Role.COMMUNICATOR),
        "downloads": [
            ("CSV: figures", "?" + urlencode(query | {"format": "csv"})),
            (
                "CSV: intervals and exclusions",
                "?" + urlencode(query | {"format": "csv", "table": "intervals"}),
            ),
            ("JSON", "?" + urlencode(query | {"format": "json"})),
        ],
        "reasons": [(value, label) for value, label in ExclusionReason.choices],
        "formula": exports.FORMULA,
        "identification": exports.IDENTIFICATION,
        "organizations": Organization.objects.only("slug", "name"),
        "period_help": p.PERIOD_HELP,
    }
    return render(request, "availability/report.html", context)


def _title(report: reports.Report) -> str:
    if report.organization is not None:
        return f"SLA statement: {report.organization.name}, {report.period.label}"
    return f"Availability {report.period.label}"


def _invalid(request, exc: ValidationError, **extra):
    """Bad input: the form again with what is wrong (JSON and CSV callers get JSON), with the
    API's status for the same mistake, 422."""
    errors = _messages(exc)
    message = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items())
    if request.GET.get("format", "html") != "html":
        return JsonResponse({"message": message, "detail": errors}, status=422)
    context = admin.site.each_context(request) | {
        "title": "Availability",
        "errors": errors,
        "message": message,
        "period_query": "",
        "period_help": p.PERIOD_HELP,
        **extra,
    }
    return render(request, "availability/report.html", context, status=422)


@require_GET
@role_required(Role.VIEWER)
def report(request):
    """``/console/availability/?period=2026-Q3`` (default: the current quarter)."""
    if request.GET.get("format", "html") not in FORMATS:
        return _invalid(request, ValidationError({"format": "Use html, csv or json."}))
    try:
        period = p.requested(request.GET)
        narrowed = reports.scope(request.GET)
    except ValidationError as exc:
        return _invalid(request, exc)
    found = reports.build(
        period, narrowed.components, organization=narrowed.organization, scope=narrowed.filters
    )
    return _respond(request, found, f"availability-{_slug(period)}")


@require_GET
@role_required(Role.VIEWER)
def organization_statement(request, slug: str):
    """The basis of an SLA statement to one client, for the components it uses."""
    organization = get_object_or_404(Organization, slug=slug)
    if request.GET.get("format", "html") not in FORMATS:
        return _invalid(request, ValidationError({"format": "Use html, csv or json."}))
    try:
        period = p.requested(request.GET)
    except ValidationError as exc:
        return _invalid(request, exc, organization=organization)
    found = reports.build(period, organization=organization, scope={"organization": slug})
    return _respond(request, found, f"sla-{slug}-{_slug(period)}")


def _slug(period: p.ReportPeriod) -> str:
    return period.label.replace(" to ", "_")
