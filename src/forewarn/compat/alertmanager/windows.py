"""Whether planned work already told customers about a component: then an alert opens nothing.

A component is under planned maintenance while an open window of planned work covers it (in
progress, verifying or overrunning: ``planned.coverage``), even if an operator has changed its
status meanwhile; and while its status is ``under_maintenance`` without any window (an operator
put it there by hand: emergency maintenance, which customers were told of).
"""

from forewarn.catalog.models import Component
from forewarn.catalog.statuses import Status
from forewarn.planned.coverage import is_covered


def under_maintenance_now(component: Component) -> bool:
    """Is ``component`` inside an open planned window now, or under maintenance by hand?"""
    return component.status == Status.UNDER_MAINTENANCE or is_covered(component)
