"""The public status page and the Statuspage v2-compatible JSON: thin views over ``summary``."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from forewarn.availability.bars import uptime_bars
from forewarn.catalog.statuses import LABELS, worst
from forewarn.incidents import public as incidents
from forewarn.metrics import public as metrics
from forewarn.planned import public as planned

from . import summary
from .caching import public_cached
from .version import current_version


@public_cached(stamp=metrics.page_stamp, remembered_stamp=metrics.remembered_stamp)
def index(request):
    groups, ungrouped = summary.public_groups_and_components(measured=True)
    components = [c for g in groups for c in g.public_components] + ungrouped
    statuses = [c.status for c in components]
    uptime = uptime_bars(components)
    for component in components:
        component.uptime = uptime.get(component.pk)
    _, changed_at = current_version()
    active = incidents.unresolved()
    in_progress, upcoming = planned.page_sections()
    context = {
        "status": summary.with_incidents(summary.page_status(statuses), [i.impact for i in active]),
        "incidents": active,
        "maintenance_sections": [
            ("Maintenance in progress", in_progress, "maintenance-now"),
            ("Scheduled maintenance", upcoming, "maintenance-upcoming"),
        ],
        "calendar_components": components,
        "groups": [_group_row(g) for g in groups],
        "ungrouped": ungrouped,
        "updated_at": changed_at,
        "rendered_at": timezone.now(),
        "metric_charts": metrics.page_charts(),
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


def _incidents_json(found) -> list[dict]:
    return [
        incidents.incident_json(i, page_id=summary.PAGE_ID, component_json=summary.component_json)
        for i in found
    ]


def _status(components: list[dict], active: list) -> summary.PageStatus:
    """The overall indicator: the components' statuses, raised by open incidents' impact."""
    return summary.with_incidents(summary.status_of(components), [i.impact for i in active])


@public_cached(cors=True)
def v2_summary(request):
    components = summary.components_payload()
    active = incidents.unresolved()
    status = _status(components, active)
    body = _base() | {
        "components": components,
        "incidents": _incidents_json(active),
        "scheduled_maintenances": _maintenances_json(planned.current()),
        "status": {"indicator": status.indicator, "description": status.description},
    }
    return _v2(body)


@public_cached(cors=True)
def v2_status(request):
    status = _status(summary.components_payload(), incidents.unresolved())
    return _v2(
        _base() | {"status": {"indicator": status.indicator, "description": status.description}}
    )


@public_cached(cors=True)
def v2_components(request):
    return _v2(_base() | {"components": summary.components_payload()})


@public_cached(cors=True)
def v2_incidents(request):
    """The 50 most recent public incidents, open and resolved."""
    return _v2(_base() | {"incidents": _incidents_json(incidents.recent())})


@public_cached(cors=True)
def v2_incidents_unresolved(request):
    """Public incidents in investigating, identified or monitoring."""
    return _v2(_base() | {"incidents": _incidents_json(incidents.unresolved())})


def _maintenances_json(found) -> list[dict]:
    return [
        planned.maintenance_json(w, page_id=summary.PAGE_ID, component_json=summary.component_json)
        for w in found
    ]


@public_cached(cors=True)
def v2_scheduled_maintenances(request):
    """The 50 most recent windows of published work (by their start), whatever their state."""
    return _v2(_base() | {"scheduled_maintenances": _maintenances_json(planned.recent())})


@public_cached(cors=True)
def v2_scheduled_maintenances_upcoming(request):
    """Windows still in the scheduled state, soonest first."""
    return _v2(_base() | {"scheduled_maintenances": _maintenances_json(planned.upcoming())})


@public_cached(cors=True)
def v2_scheduled_maintenances_active(request):
    """Windows in progress or verifying."""
    return _v2(_base() | {"scheduled_maintenances": _maintenances_json(planned.active())})
