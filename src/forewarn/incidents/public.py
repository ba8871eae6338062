"""What the public status page, its feed and its Statuspage v2 JSON show of incidents.

Only public incidents, and of them only public components. The status page reads this
module; it never reads the models itself, and nothing here knows of the status page: the
caller hands in how a component is written in JSON (``component_json``) and the page's id.

The JSON follows Atlassian Statuspage's public API (``/api/v2/incidents.json``): an incident
has ``id``, ``name``, ``status`` (``postmortem`` once one is published), ``created_at``,
``updated_at``, ``monitoring_at``, ``resolved_at``, ``impact`` (``none | minor | major |
critical``), ``shortlink``, ``started_at``, ``page_id``, ``incident_updates`` (newest first:
``id``, ``status``, ``body``, ``incident_id``, ``created_at``, ``updated_at``, ``display_at``,
``affected_components`` as ``code``/``name``/``old_status``/``new_status`` or null,
``deliver_notifications``) and ``components``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, QuerySet

from forewarn.catalog.models import Component, Visibility

from .lifecycle import IncidentStatus, impact, statuspage_status
from .models import AffectedComponent, Incident, IncidentUpdate
from .notices import public_url

RECENT = 50  # Statuspage's incidents.json: "the 50 most recent incidents"


@dataclass(frozen=True)
class PublicIncident:
    """One incident as a visitor sees it."""

    incident: Incident
    status: str  # Statuspage's word, ``postmortem`` included
    impact: str
    updates: list[IncidentUpdate]  # newest first
    components: list[Component]  # the public ones it affected
    postmortem_html: str  # published only
    url: str

    @property
    def monitoring_at(self) -> datetime | None:
        """When it was last put under monitoring (None if it never was)."""
        found = [u.posted_at for u in self.updates if u.status == IncidentStatus.MONITORING]
        return max(found) if found else None

    @property
    def updated_at(self) -> datetime:
        times = [self.incident.created_at, *(u.posted_at for u in self.updates)]
        if self.postmortem_html:
            times.append(self.incident.postmortem.updated_at)
        return max(times)


def _incidents() -> QuerySet[Incident]:
    return (
        Incident.objects.filter(is_public=True)
        .select_related("postmortem")
        .prefetch_related(
            Prefetch("updates", queryset=IncidentUpdate.objects.order_by("-posted_at", "-id")),
            Prefetch(
                "affected",
                queryset=AffectedComponent.objects.filter(
                    component__visibility=Visibility.PUBLIC
                ).select_related("component__group"),
            ),
        )
    )


def _shown(incident: Incident) -> PublicIncident:
    postmortem = getattr(incident, "postmortem", None)
    published = postmortem is not None and postmortem.published_at is not None
    affected = list(incident.affected.all())
    return PublicIncident(
        incident=incident,
        status=statuspage_status(incident.status, postmortem_published=published),
        impact=impact(incident.priority, [a.status_during for a in affected]).value,
        updates=list(incident.updates.all()),
        components=sorted((a.component for a in affected), key=lambda c: c.name),
        postmortem_html=postmortem.body_html if published else "",
        url=public_url(incident),
    )


def unresolved() -> list[PublicIncident]:
    """Public incidents still open, the most severe and then the newest first."""
    found = [_shown(i) for i in _incidents().filter(resolved_at__isnull=True)]
    return sorted(found, key=lambda p: (p.incident.priority, -p.incident.created_at.timestamp()))


def recent(limit: int = RECENT) -> list[PublicIncident]:
    """The most recent public incidents, open and resolved, newest first."""
    return [_shown(i) for i in _incidents().order_by("-created_at", "-id")[:limit]]


def by_public_id(public_id: str) -> PublicIncident | None:
    found = _incidents().filter(public_id=public_id).first()
    return _shown(found) if found else None


def month_bounds(year: int, month: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The month's first and next month's first midnight in ``zone``."""
    start = date(year, month, 1)
    following = (start + timedelta(days=32)).replace(day=1)
    return (
        datetime.combine(start, time(), tzinfo=zone),
        datetime.combine(following, time(), tzinfo=zone),
    )


def in_month(year: int, month: int, zone: ZoneInfo) -> list[PublicIncident]:
    """The public incidents that began in a month (of ``zone``), newest first."""
    start, end = month_bounds(year, month, zone)
    found = _incidents().filter(detected_at__gte=start, detected_at__lt=end)
    return [_shown(i) for i in found.order_by("-detected_at", "-id")]


def first_month(zone: ZoneInfo) -> date | None:
    """The first day of the month of the earliest public incident (None without any)."""
    earliest = Incident.objects.filter(is_public=True).order_by("detected_at").first()
    return earliest.detected_at.astimezone(zone).date().replace(day=1) if earliest else None


def recent_updates(limit: int = RECENT) -> list[tuple[PublicIncident, IncidentUpdate]]:
    """The latest updates of public incidents, newest first, with their incident (the feed)."""
    found = []
    for shown in recent(limit):
        found.extend((shown, update) for update in shown.updates)
    found.sort(key=lambda pair: (pair[1].posted_at, pair[1].pk), reverse=True)
    return found[:limit]


# Statuspage v2 JSON ---------------------------------------------------------------------------


def iso(at: datetime | None) -> str | None:
    """Statuspage's instants: ISO 8601 in UTC with milliseconds."""
    return at.isoformat(timespec="milliseconds").replace("+00:00", "Z") if at else None


def incident_json(
    shown: PublicIncident, *, page_id: str, component_json: Callable[[Component], dict]
) -> dict:
    """One incident in Statuspage's shape."""
    incident = shown.incident
    codes = {c.slug: c for c in shown.components}
    return {
        "id": incident.public_id,
        "name": incident.title,
        "status": shown.status,
        "created_at": iso(incident.created_at),
        "updated_at": iso(shown.updated_at),
        "monitoring_at": iso(shown.monitoring_at),
        "resolved_at": iso(incident.resolved_at),
        "impact": shown.impact,
        "shortlink": shown.url,
        "started_at": iso(incident.detected_at),
        "page_id": page_id,
        "incident_updates": [_update_json(u, incident, codes) for u in shown.updates],
        "components": [component_json(c) for c in shown.components],
    }


def changes_json(changes: list[dict], codes: dict[str, Component]) -> list[dict] | None:
    """Component changes (``{"component": slug, "from", "to"}``) as an update's
    ``affected_components``: public components only (``codes`` by slug); None when none."""
    found = [
        {
            "code": codes[change["component"]].public_id,
            "name": codes[change["component"]].name,
            "old_status": change["from"],
            "new_status": change["to"],
        }
        for change in changes
        if change.get("component") in codes
    ]
    return found or None


def _update_json(update: IncidentUpdate, incident: Incident, codes: dict) -> dict:
    return {
        "id": update.public_id,
        "status": update.status,
        "body": update.body,
        "incident_id": incident.public_id,
        "created_at": iso(update.posted_at),
        "updated_at": iso(update.posted_at),
        "display_at": iso(update.posted_at),
        "affected_components": changes_json(update.component_changes, codes),
        "deliver_notifications": update.notify,
    }
