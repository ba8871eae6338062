"""The public status page and the Statuspage v2-compatible JSON: thin views over ``summary``."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from forewarn.availability.bars import uptime_bars
from forewarn.catalog.statuses import LABELS, worst

from . import summary
from .caching import public_cached
from .version import current_version


@public_cached
def index(request):
    groups, ungrouped = summary.public_groups_and_components()
    components = [c for g in groups for c in g.public_components] + ungrouped
    statuses = [c.status for c in components]
    uptime = uptime_bars(components)
    for component in components:
        component.uptime = uptime.get(component.pk)
    _, changed_at = current_version()
    context = {
        "status": summary.page_status(statuses),
        "groups": [_group_row(g) for g in groups],
        "ungrouped": ungrouped,
        "updated_at": changed_at,
        "rendered_at": timezone.now(),
    }
    return render(request, "statuspage/index.html", context)


def _group_row(group):
    status = worst(c.status for c in group.public_components)
    return group, status, LABELS[status]


def _v2(body: dict) -> JsonResponse:
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def _base() -> dict:
    _, changed_at = current_version()
    return {"page": summary.page_payload(changed_at)}


@public_cached(cors=True)
def v2_summary(request):
    components = summary.components_payload()
    status = summary.status_of(components)
    body = _base() | {
        "components": components,
        "incidents": [],
        "scheduled_maintenances": [],
        "status": {"indicator": status.indicator, "description": status.description},
    }
    return _v2(body)


@public_cached(cors=True)
def v2_status(request):
    status = summary.status_of(summary.components_payload())
    return _v2(
        _base() | {"status": {"indicator": status.indicator, "description": status.description}}
    )


@public_cached(cors=True)
def v2_components(request):
    return _v2(_base() | {"components": summary.components_payload()})


@public_cached(cors=True)
def v2_incidents(request):
    return _v2(_base() | {"incidents": []})


@public_cached(cors=True)
def v2_scheduled_maintenances(request):
    return _v2(_base() | {"scheduled_maintenances": []})
