"""Component statuses: the words the public page, Statuspage's JSON and its clients share.

Pure Python, no Django. ``Status`` runs from best to worst, the order in which the page ranks
them (its overall indicator follows the worst component). The model's choices, the
availability engine's status codes and the reports' labels all derive from it.
"""

from collections.abc import Iterable
from enum import StrEnum


class Status(StrEnum):
    """A component's status, from best to worst."""

    OPERATIONAL = "operational"
    UNDER_MAINTENANCE = "under_maintenance"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"


LABELS = {
    Status.OPERATIONAL: "Operational",
    Status.UNDER_MAINTENANCE: "Under maintenance",
    Status.DEGRADED_PERFORMANCE: "Degraded performance",
    Status.PARTIAL_OUTAGE: "Partial outage",
    Status.MAJOR_OUTAGE: "Major outage",
}
SEVERITY = {status: rank for rank, status in enumerate(Status)}
"""0 for operational up to 4 for a major outage."""


def worst(statuses: Iterable[str]) -> Status:
    """The most severe of ``statuses`` (operational when there are none)."""
    return max((Status(s) for s in statuses), key=SEVERITY.__getitem__, default=Status.OPERATIONAL)
