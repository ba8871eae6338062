"""What the public page and the Statuspage-compatible JSON say, built from the catalog."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Min, Prefetch

from forewarn.catalog.models import Component, ComponentGroup, Visibility
from forewarn.catalog.statuses import Status, worst

PAGE_ID = "forewarn"  # Statuspage's page id, in every payload that names the page


@dataclass(frozen=True)
class PageStatus:
    indicator: str  # Statuspage vocabulary: none, minor, major, critical, maintenance
    description: str


def page_status(statuses: list[str]) -> PageStatus:
    """The overall indicator and sentence for a set of component statuses, as Statuspage words them."""
    found = worst(statuses)
    if found is Status.OPERATIONAL:
        return PageStatus("none", "All Systems Operational")
    if found is Status.MAJOR_OUTAGE:
        if all(s == Status.MAJOR_OUTAGE for s in statuses):
            return PageStatus("critical", "Major System Outage")
        return PageStatus("major", "Partial System Outage")
    if found is Status.PARTIAL_OUTAGE:
        return PageStatus("minor", "Minor Service Outage")
    if found is Status.DEGRADED_PERFORMANCE:
        return PageStatus("minor", "Partially Degraded Service")
    return PageStatus("maintenance", "Service Under Maintenance")


def public_groups_and_components(*, measured: bool = False):
    """Public groups (with their public components) and the public components outside any group.

    ``measured``: each row also carries what the uptime bars measure it with (its category,
    region and first status, as ``availability.services.measured_components`` loads them), so
    the bars need not load the components again.
    """
    public = Component.objects.filter(visibility=Visibility.PUBLIC)
    if measured:
        public = public.select_related("category", "region").annotate(
            history_from=Min("status_history__started_at")
        )
    groups = list(
        ComponentGroup.objects.filter(visibility=Visibility.PUBLIC).prefetch_related(
            Prefetch(
                "components",
                queryset=public.order_by("position", "name"),
                to_attr="public_components",
            )
        )
    )
    groups = [g for g in groups if g.public_components]
    ungrouped = list(public.filter(group__isnull=True).order_by("position", "name"))
    return groups, ungrouped


def page_payload(updated_at) -> dict:
    return {
        "id": PAGE_ID,
        "name": settings.PAGE_NAME,
        "url": settings.SITE_URL,
        "time_zone": settings.PROVIDER_TIME_ZONE,
        "updated_at": _iso(updated_at),
    }


def _iso(value) -> str | None:
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z") if value else None


def component_payload(component: Component, group: ComponentGroup | None) -> dict:
    return {
        "id": component.public_id,
        "name": component.name,
        "status": component.status,
        "created_at": _iso(component.created_at),
        "updated_at": _iso(component.updated_at),
        "position": component.position,
        "description": component.description or None,
        "showcase": True,
        "start_date": component.created_at.date().isoformat() if component.created_at else None,
        "group_id": group.public_id if group else None,
        "page_id": PAGE_ID,
        "group": False,
        "only_show_if_degraded": False,
    }


def group_payload(group: ComponentGroup, members: list[Component]) -> dict:
    return {
        "id": group.public_id,
        "name": group.name,
        "status": worst(c.status for c in members),
        "created_at": _iso(group.created_at),
        "updated_at": _iso(group.updated_at),
        "position": group.position,
        "description": group.description or None,
        "showcase": False,
        "start_date": None,
        "group_id": None,
        "page_id": PAGE_ID,
        "group": True,
        "only_show_if_degraded": False,
        "components": [c.public_id for c in members],
    }


def components_payload() -> list[dict]:
    """Statuspage lists groups as components with ``group: true`` and their members' ids."""
    groups, ungrouped = public_groups_and_components()
    rows = []
    for group in groups:
        rows.append(group_payload(group, group.public_components))
        rows.extend(component_payload(c, group) for c in group.public_components)
    rows.extend(component_payload(c, None) for c in ungrouped)
    return rows


def status_of(components: list[dict]) -> PageStatus:
    return page_status([c["status"] for c in components if not c["group"]])


# An open incident's impact raises the indicator as Statuspage does ("a combination of component
# statuses and unresolved incident impacts"); maintenance ranks below any incident.
INDICATORS = ("none", "maintenance", "minor", "major", "critical")
INCIDENT_STATUS = {
    "minor": PageStatus("minor", "Minor Service Outage"),
    "major": PageStatus("major", "Partial System Outage"),
    "critical": PageStatus("critical", "Major System Outage"),
}


def with_incidents(status: PageStatus, impacts: list[str]) -> PageStatus:
    """``status`` raised to the worst impact of the open public incidents, if that is worse."""
    worst = max(impacts, key=INDICATORS.index, default="none")
    if worst in INCIDENT_STATUS and INDICATORS.index(worst) > INDICATORS.index(status.indicator):
        return INCIDENT_STATUS[worst]
    return status


def component_json(component: Component) -> dict:
    """A component as an incident's ``components`` lists it (its group's id included)."""
    return component_payload(component, component.group)
