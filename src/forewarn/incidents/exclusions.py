"""What incidents tell the availability engine: SLA exclusions, and when outages were identified.

* ``incident_exclusions`` is an ``@exclusion_provider``: an incident classified third
  party, client-caused or force majeure (seed 001 §2) excludes its affected components
  from its detection to its resolution (``ref`` ``incident:<id>``, the reason is the
  cause's word). The upstream component named as the cause is not excluded: its
  downtime counts against its own target (seed 004: infrastructure downtime is cloud
  server downtime caused by power or heat problems).
* ``identified_outages`` is an ``@outage_identifier``: it gives each outage the identified
  time of the incident behind it,
  so seed 004's restore objective ("within one hour of problem identification") counts
  from there rather than from the start of the status interval.
"""

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from django.db.models import F, Q

from forewarn.availability import engine
from forewarn.availability.services import exclusion_provider, outage_identifier
from forewarn.catalog.models import Component

from .causes import Cause
from .models import AffectedComponent, Incident

EXCLUDED_CAUSES = [c.value for c in Cause if c.is_excluded]


@exclusion_provider
def incident_exclusions(
    components: Sequence[Component], period: engine.Period
) -> list[engine.Exclusion]:
    """One exclusion per incident of an excluded cause overlapping ``period``, for its components."""
    wanted = [c.pk for c in components]
    rows = (
        AffectedComponent.objects.filter(
            component_id__in=wanted,
            incident__cause__in=EXCLUDED_CAUSES,
            incident__detected_at__lt=period.end,
        )
        .filter(Q(incident__resolved_at__isnull=True) | Q(incident__resolved_at__gt=period.start))
        .exclude(component_id=F("incident__cause_component_id"))
        .order_by("incident_id", "component_id")
        .values_list(
            "incident_id",
            "component_id",
            "incident__cause",
            "incident__detected_at",
            "incident__resolved_at",
        )
    )
    found: dict[int, tuple[str, datetime, datetime, list[int]]] = {}
    for incident_id, component_id, cause, detected_at, resolved_at in rows:
        end = min(resolved_at, period.end) if resolved_at else period.end
        _, _, _, ids = found.setdefault(incident_id, (cause, detected_at, end, []))
        ids.append(component_id)
    return [
        engine.Exclusion(start, end, cause, tuple(ids), f"incident:{incident_id}")
        for incident_id, (cause, start, end, ids) in found.items()
        if end > start
    ]


@outage_identifier
def identified_outages(outages: Iterable[engine.Outage]) -> list[engine.Outage]:
    """``outages`` with ``identified_at`` and ``ref`` from the incident behind each, where there is one.

    The incident behind an outage is one that affected the component (or named it as
    its upstream cause) and overlaps the outage; of several, the first identified.
    An outage whose incident is not identified yet, or that no incident explains,
    is returned as it was (the engine then counts from the outage's start).
    """
    outages = list(outages)
    if not outages:
        return []
    ids = {o.component_id for o in outages}
    earliest = min(o.start for o in outages)
    incidents = list(
        Incident.objects.filter(Q(affected__component_id__in=ids) | Q(cause_component_id__in=ids))
        .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=earliest))
        .filter(identified_at__isnull=False)
        .distinct()
        .order_by("identified_at", "pk")
        .values("pk", "detected_at", "identified_at", "resolved_at", "cause_component_id")
    )
    touched: dict[int, set[int]] = {}
    for incident_id, component_id in AffectedComponent.objects.filter(
        incident_id__in=[i["pk"] for i in incidents], component_id__in=ids
    ).values_list("incident_id", "component_id"):
        touched.setdefault(incident_id, set()).add(component_id)
    found = []
    for outage in outages:
        behind = next(
            (
                i
                for i in incidents
                if (
                    outage.component_id in touched.get(i["pk"], ())
                    or outage.component_id == i["cause_component_id"]
                )
                and _overlaps(i["detected_at"], i["resolved_at"], outage.start, outage.end)
            ),
            None,
        )
        if behind is None:
            found.append(outage)
            continue
        found.append(
            replace(outage, identified_at=behind["identified_at"], ref=f"incident:{behind['pk']}")
        )
    return found


def _overlaps(a_start, a_end, b_start, b_end) -> bool:
    """Whether [a_start, a_end) and [b_start, b_end) overlap; None ends run on."""
    return (a_end is None or b_start < a_end) and (b_end is None or a_start < b_end)
