"""Which components an open window of planned work covers now.

A window is open from its start until it is closed: in progress, verifying, or overrunning
(in progress or verifying past its end, ``overrunning_since`` set). While it is open its work's
affected components are under planned maintenance, whatever status an operator has given them
meanwhile: other parts of Forewarn (the Alertmanager receiver) ask here rather than read the
component's status.
"""

from collections.abc import Iterable

from forewarn.catalog.models import Component

from .lifecycle import PlannedState
from .models import AffectedComponent

OPEN = [s for s in PlannedState if s.is_running]  # in progress, verifying (overrunning or not)


def covered(components: Iterable[Component]) -> set[int]:
    """The ids of those of ``components`` an open window of published work covers now."""
    return set(
        AffectedComponent.objects.filter(
            component__in=list(components), work__windows__state__in=OPEN
        ).values_list("component_id", flat=True)
    )


def is_covered(component: Component) -> bool:
    """Is ``component`` inside an open planned window now?"""
    return component.pk in covered([component])
