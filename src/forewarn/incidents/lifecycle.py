"""Pure Python, no Django. An incident's status, the moves allowed between them, and its impact.

Statuses are Statuspage's: investigating → identified → monitoring → resolved.
While an incident is open any status may follow any other (a fix that did not
hold sends *monitoring* back to *investigating*); *resolved* ends it, and only
``reopen`` leaves it, to an open status, within ``REOPEN_WITHIN`` of the
resolution and before a postmortem is published. Later trouble is a new incident,
so a published analysis and a reported period never change under the reader.

Statuspage also reports ``postmortem`` as an incident status once a postmortem is
published. Here that is not a status an operator sets: the postmortem is its own
record (published or not), and ``statuspage_status`` gives the word the v2 JSON
shows for a resolved incident with a published postmortem.

Impact is Statuspage's ``none | minor | major | critical``: the heavier of what the
priority implies and what the worst component status during the incident implies.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum, unique

from forewarn.catalog.statuses import Status
from forewarn.incidents.priorities import Priority

REOPEN_WITHIN = timedelta(days=7)


@unique
class IncidentStatus(StrEnum):
    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"

    @property
    def is_open(self) -> bool:
        return self is not IncidentStatus.RESOLVED


OPEN_STATUSES = tuple(s for s in IncidentStatus if s.is_open)

# The statuses that say the cause is known: the first move to one of them is the
# "identified" time seed 004's restore objective counts from.
IDENTIFIED_STATUSES = frozenset(
    {IncidentStatus.IDENTIFIED, IncidentStatus.MONITORING, IncidentStatus.RESOLVED}
)

# Allowed moves by an update. Posting an update in the same status is always allowed
# while open; resolved → anything goes through ``reopen`` only.
TRANSITIONS: dict[IncidentStatus, frozenset[IncidentStatus]] = {
    status: frozenset(IncidentStatus) if status.is_open else frozenset()
    for status in IncidentStatus
}


class TransitionError(ValueError):
    """A move the life cycle does not allow; the message says what is allowed."""


def check_transition(current: str, new: str) -> IncidentStatus:
    """The new status if an update may move ``current`` to ``new``; TransitionError otherwise."""
    current, new = IncidentStatus(current), _status(new)
    if new not in TRANSITIONS[current]:
        raise TransitionError(
            f"A resolved incident takes no updates; reopen it first (within {_days(REOPEN_WITHIN)} "
            "of its resolution, before a postmortem is published)."
        )
    return new


def check_reopen(
    current: str,
    new: str,
    *,
    resolved_at: datetime | None,
    now: datetime,
    postmortem_published: bool,
) -> IncidentStatus:
    """The status a reopened incident takes; TransitionError saying why it cannot be reopened."""
    current, new = IncidentStatus(current), _status(new)
    if current.is_open:
        raise TransitionError(f"The incident is open ({current}); only a resolved one is reopened.")
    if not new.is_open:
        raise TransitionError(f"Reopen to one of {', '.join(OPEN_STATUSES)}, not {new.value}.")
    if postmortem_published:
        raise TransitionError(
            "Its postmortem is published: open a new incident for the new trouble."
        )
    if resolved_at is not None and now - resolved_at > REOPEN_WITHIN:
        raise TransitionError(
            f"It was resolved more than {_days(REOPEN_WITHIN)} ago: open a new incident."
        )
    return new


def is_identifying(current: str, new: str) -> bool:
    """Whether moving from ``current`` to ``new`` is the moment the cause became known."""
    return IncidentStatus(current) not in IDENTIFIED_STATUSES and new in IDENTIFIED_STATUSES


def statuspage_status(status: str, *, postmortem_published: bool) -> str:
    """The status word Statuspage's v2 JSON shows: ``postmortem`` once one is published."""
    if status == IncidentStatus.RESOLVED and postmortem_published:
        return "postmortem"
    return IncidentStatus(status).value


def _status(value: str) -> IncidentStatus:
    try:
        return IncidentStatus(value)
    except ValueError:
        raise TransitionError(
            f"'{value}' is not an incident status; use one of {', '.join(IncidentStatus)}."
        ) from None


def _days(span: timedelta) -> str:
    return f"{span.days} days"


# Impact ----------------------------------------------------------------------------


@unique
class Impact(StrEnum):
    """Statuspage's incident impact, in increasing order."""

    NONE = "none"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Impact).index(self)


# P1: "Multiple products where the majority of the users are not able to use the product";
# P2: "Majority of the users of a product are not able to use that product"; P3 and P4 hurt
# without halting; P5 "does not impact the product".
PRIORITY_IMPACT = {
    Priority.P1: Impact.CRITICAL,
    Priority.P2: Impact.MAJOR,
    Priority.P3: Impact.MINOR,
    Priority.P4: Impact.MINOR,
    Priority.P5: Impact.NONE,
}

# Statuspage's own mapping from component status to incident impact.
STATUS_IMPACT = {
    Status.OPERATIONAL: Impact.NONE,
    Status.UNDER_MAINTENANCE: Impact.NONE,
    Status.DEGRADED_PERFORMANCE: Impact.MINOR,
    Status.PARTIAL_OUTAGE: Impact.MAJOR,
    Status.MAJOR_OUTAGE: Impact.CRITICAL,
}


def impact(priority: str, component_statuses: Iterable[str] = ()) -> Impact:
    """The heavier of the priority's impact and the worst component status's."""
    found = [PRIORITY_IMPACT[Priority(priority)]]
    found += [STATUS_IMPACT[Status(status)] for status in component_statuses]
    return max(found, key=lambda i: i.rank)
