"""Why time is not counted against an SLA: the exclusion reasons, and which of them apply.

Pure Python, no Django. ``Reason`` lists them in precedence order: where excluded time
overlaps, each second goes to the first reason, so the by-reason figures add up to the
excluded total. Seed 001 §2 names beta, scheduled and emergency maintenance, force majeure,
third-party incidents and client-caused issues; seed 004's database contract adds instance
resize migration. Beta time comes from a component's catalog flag; operators record the others
(``RECORDED``, the choices of ``models.ExclusionReason``); time a component spends under
maintenance is excluded as ``maintenance_reason`` says (S8). The provider's own figures apply
every reason; a third-party contract only those it honours (``honoured_reasons``).
"""

from collections.abc import Iterable
from enum import StrEnum


class Reason(StrEnum):
    """An exclusion reason; the first that applies takes an excluded second."""

    BETA = "beta"
    SCHEDULED_MAINTENANCE = "scheduled_maintenance"
    EMERGENCY_MAINTENANCE = "emergency_maintenance"
    INSTANCE_RESIZE_MIGRATION = "instance_resize_migration"
    FORCE_MAJEURE = "force_majeure"
    THIRD_PARTY = "third_party"
    CLIENT_CAUSED = "client_caused"


LABELS = {
    Reason.BETA: "Beta / early access",
    Reason.SCHEDULED_MAINTENANCE: "Scheduled maintenance",
    Reason.EMERGENCY_MAINTENANCE: "Emergency maintenance",
    Reason.INSTANCE_RESIZE_MIGRATION: "Instance resize migration",
    Reason.FORCE_MAJEURE: "Force majeure",
    Reason.THIRD_PARTY: "Third-party incident",
    Reason.CLIENT_CAUSED: "Client-caused issue",
}
RECORDED = tuple(reason for reason in Reason if reason is not Reason.BETA)
"""The reasons an operator records as an exclusion row, and a third-party contract may honour."""

THIRD_PARTY_DEFAULT = (Reason.SCHEDULED_MAINTENANCE,)
"""What a third-party contract honours unless set otherwise (seed 004: "excluding scheduled
maintenance")."""

PLANNED_PREFIX = "planned:"


def maintenance_reason(cause_ref: str | None, planned: dict[str, str] | None = None) -> Reason:
    """Why time under maintenance is excluded: scheduled maintenance when planned work set the
    status (its ``cause_ref`` is ``planned:<id>``), else emergency maintenance (S8: "also when
    an operator set that status by hand without planned work").

    ``planned`` maps a ``planned:<id>`` ref to the reason its planned work's own exclusion
    gives, so emergency planned work reads as emergency maintenance in both.
    """
    if cause_ref and cause_ref.startswith(PLANNED_PREFIX):
        return Reason((planned or {}).get(cause_ref, Reason.SCHEDULED_MAINTENANCE))
    return Reason.EMERGENCY_MAINTENANCE


def planned_reasons(exclusions: Iterable[tuple[str | None, str]]) -> dict[str, str]:
    """``{planned:<id>: reason}`` from (ref, reason) pairs of exclusions: what each planned
    work's own exclusion calls its time (the first reason in precedence order, if several)."""
    found: dict[str, str] = {}
    order = {reason.value: rank for rank, reason in enumerate(Reason)}
    for ref, reason in exclusions:
        if ref and ref.startswith(PLANNED_PREFIX):
            if ref not in found or order[reason] < order[found[ref]]:
                found[ref] = reason
    return found


def honoured_reasons(values: Iterable[str]) -> tuple[Reason, ...]:
    """The recorded reasons a third-party contract honours, in precedence order.

    Raises ValueError naming what is not a recorded reason (beta is a catalog flag, not a
    contract term).
    """
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise ValueError(f"Give a list of exclusion reasons, not {values!r}.")
    given = list(values)
    unknown = [v for v in given if v not in {r.value for r in RECORDED}]
    if unknown:
        raise ValueError(
            f"{', '.join(repr(v) for v in unknown)} "
            f"{'is not an exclusion reason' if len(unknown) == 1 else 'are not exclusion reasons'}"
            f"; use any of: {', '.join(r.value for r in RECORDED)}."
        )
    return tuple(r for r in RECORDED if r.value in given)
