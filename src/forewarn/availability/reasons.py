"""Why time is not counted against the SLA: the exclusion reasons of seed 001 §2.

Pure Python, no Django. ``Reason`` lists them in precedence order: where excluded time
overlaps, each second goes to the first reason, so the by-reason figures add up to the
excluded total. Beta time comes from a component's catalog flag; operators record the others
(``RECORDED``, the choices of ``models.ExclusionReason``).
"""

from enum import StrEnum


class Reason(StrEnum):
    """An exclusion reason; the first that applies takes an excluded second."""

    BETA = "beta"
    SCHEDULED_MAINTENANCE = "scheduled_maintenance"
    EMERGENCY_MAINTENANCE = "emergency_maintenance"
    FORCE_MAJEURE = "force_majeure"
    THIRD_PARTY = "third_party"
    CLIENT_CAUSED = "client_caused"


LABELS = {
    Reason.BETA: "Beta / early access",
    Reason.SCHEDULED_MAINTENANCE: "Scheduled maintenance",
    Reason.EMERGENCY_MAINTENANCE: "Emergency maintenance",
    Reason.FORCE_MAJEURE: "Force majeure",
    Reason.THIRD_PARTY: "Third-party incident",
    Reason.CLIENT_CAUSED: "Client-caused issue",
}
RECORDED = tuple(reason for reason in Reason if reason is not Reason.BETA)
"""The reasons an operator records as an exclusion row."""
