"""What planned work tells the availability engine.

* ``planned_exclusions`` is an ``@exclusion_provider``: the time a window actually held each
  component, from its start to the moment the component returned (``Hold``), is excluded as
  scheduled maintenance, or emergency maintenance for emergency work (seed 001 §2 excludes
  both "whatever notice it had"), with ``ref`` ``planned:<id>``. Holds that returned at the
  same instant share one exclusion.
* ``broken_policies`` is an ``@exclusion_remarks``: the report marks each exclusion from work
  published or moved despite a violation of its notice policy, for the auditor to see.
"""

from collections.abc import Sequence

from django.db.models import Q

from forewarn.availability import engine
from forewarn.availability.reasons import Reason
from forewarn.availability.services import exclusion_provider, exclusion_remarks
from forewarn.catalog.models import Component

from .models import Hold, Window

PREFIX = "planned:"


@exclusion_provider
def planned_exclusions(
    components: Sequence[Component], period: engine.Period
) -> list[engine.Exclusion]:
    rows = (
        Hold.objects.filter(component_id__in=[c.pk for c in components], started_at__lt=period.end)
        .filter(Q(returned_at__isnull=True) | Q(returned_at__gt=period.start))
        .order_by("window_id", "started_at", "component_id")
        .values_list(
            "window__work_id",
            "window_id",
            "component_id",
            "started_at",
            "returned_at",
            "window__work__emergency",
        )
    )
    found: dict[tuple, list[int]] = {}
    for work_id, window_id, component_id, started_at, returned_at, emergency in rows:
        end = min(returned_at, period.end) if returned_at else period.end
        if end > started_at:
            found.setdefault((work_id, window_id, started_at, end, emergency), []).append(
                component_id
            )
    return [
        engine.Exclusion(
            start,
            end,
            Reason.EMERGENCY_MAINTENANCE if emergency else Reason.SCHEDULED_MAINTENANCE,
            tuple(ids),
            f"{PREFIX}{work_id}",
        )
        for (work_id, _, start, end, emergency), ids in found.items()
    ]


@exclusion_remarks
def broken_policies(refs: Sequence[str]) -> dict[str, str]:
    ids = [
        int(ref[len(PREFIX) :])
        for ref in refs
        if ref.startswith(PREFIX) and ref[len(PREFIX) :].isdigit()
    ]
    broke = (
        Window.objects.filter(work_id__in=ids, kept_policy=False)
        .order_by("work_id")
        .values_list("work_id", flat=True)
        .distinct()
    )
    return {
        f"{PREFIX}{work_id}": "Published despite its notice policy (see the justification)."
        for work_id in broke
    }
