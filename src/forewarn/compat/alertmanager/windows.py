"""Whether planned work already told customers about a component: then an alert opens nothing.

Planned work (S4) is being built apart (branch h-planned). Until it lands, a component in a
planned window is one whose status is ``under_maintenance`` (that is what a window in progress
sets, with ``cause_ref`` ``planned:<id>``). When planned work lands, this one function should ask
it instead ("is an in-progress window affecting this component now?"); nothing else changes.
"""

from forewarn.catalog.models import Component
from forewarn.catalog.statuses import Status


def under_maintenance_now(component: Component) -> bool:
    """Is ``component`` inside an in-progress planned window now?"""
    return component.status == Status.UNDER_MAINTENANCE
