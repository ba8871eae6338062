"""The response-time report in the console (viewer and up): ``/console/support/reports/``,
HTML by default, ``?format=csv`` or ``?format=json`` (what the API returns). Thin over
``reporting``; bad input is the form again with what is wrong (422), or JSON for downloads.
"""

import json

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from forewarn.availability.periods import PERIOD_HELP
from forewarn.catalog.models import Organization, Role
from forewarn.catalog.roles import role_required

from . import reporting

FORMATS = ("html", "csv", "json")
TITLE = "Support response times"


def _download(body: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _invalid(request, error: ValidationError, fmt: str):
    errors = error.message_dict if hasattr(error, "message_dict") else {"__all__": error.messages}
    message = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items())
    if fmt != "html":
        return JsonResponse({"message": message, "detail": errors}, status=422)
    return render(
        request,
        "support/console/reports.html",
        _context(request) | {"errors": errors, "message": message},
        status=422,
    )


def _context(request) -> dict:
    return admin.site.each_context(request) | {
        "title": TITLE,
        "period_help": PERIOD_HELP,
        "organizations": Organization.objects.only("slug", "name").order_by("name"),
        "asked": request.GET,
    }


@require_GET
@role_required(Role.VIEWER)
def response_times(request):
    """Attainment per organization, priority and quarter of the period asked (default: now)."""
    fmt = request.GET.get("format", "html")
    if fmt not in FORMATS:
        return _invalid(request, ValidationError({"format": "Use html, csv or json."}), "json")
    try:
        period, organization = reporting.requested(request.GET)
    except ValidationError as error:
        return _invalid(request, error, fmt)
    report = reporting.build(period, organization)
    if fmt == "json":
        body = json.dumps(report.as_json(), ensure_ascii=False, indent=1)
        return _download(body, "application/json", f"{report.filename()}.json")
    if fmt == "csv":
        return _download(report.as_csv(), "text/csv; charset=utf-8", f"{report.filename()}.csv")
    query = period.as_query() | ({"organization": organization.slug} if organization else {})
    return render(
        request,
        "support/console/reports.html",
        _context(request)
        | {
            "report": report,
            "downloads": [
                ("CSV", "?" + urlencode(query | {"format": "csv"})),
                ("JSON", "?" + urlencode(query | {"format": "json"})),
            ],
        },
    )
