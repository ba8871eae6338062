"""Pure Python, no Django. Incident priorities P1–P5 as seed 001 §6 defines them, with their defaults.

Seed 001 §6 names and describes each priority, puts "any incident classified P3 or
higher" on the status page, and gives two columns per priority: *escalation*
(P1/P2 immediately, P3 business hours, P4/P5 planned) and *update* (P1 every 15
minutes, P2 every 30, P3 every 120, P4/P5 no). Those are the defaults here; the
editable copies are ``models.CadencePolicy`` rows, which fall back to these.
"""

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum, unique

SEED = "seed-001"


@unique
class Priority(StrEnum):
    """P1 (critical and widespread) to P5 (minor and contained), in that order."""

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"
    P5 = "P5"

    @property
    def rank(self) -> int:
        """1 for P1 … 5 for P5: a smaller rank is more severe."""
        return int(self.value[1])


@unique
class EscalationTiming(StrEnum):
    """Seed 001 §6, the *escalation* column: when an incident escalates without anyone asking."""

    IMMEDIATELY = "immediately"
    BUSINESS_HOURS = "business_hours"  # at once inside business hours, else at the next opening
    PLANNED = "planned"  # never automatically: handled as planned work


@unique
class Clock(StrEnum):
    """How an update interval is counted."""

    ELAPSED = "elapsed"  # wall-clock minutes, the seed's reading
    BUSINESS = "business"  # opening time of a business calendar only


@dataclass(frozen=True, slots=True)
class PriorityDefinition:
    priority: Priority
    name: str
    description: str
    is_public: bool
    update_interval: timedelta | None  # None: no update cadence
    escalation: EscalationTiming

    @property
    def label(self) -> str:
        """ "P1 Critical"."""
        return f"{self.priority.value} {self.name}"


def _definition(priority, name, description, minutes, escalation) -> PriorityDefinition:
    return PriorityDefinition(
        priority=priority,
        name=name,
        description=description,
        # "Clients can find any incident classified P3 or higher with products on our Status page"
        is_public=priority.rank <= 3,
        update_interval=timedelta(minutes=minutes) if minutes else None,
        escalation=escalation,
    )


# The wording is seed 001 §6's, word for word (tests check it against docs/seeds/).
DEFINITIONS: dict[Priority, PriorityDefinition] = {
    d.priority: d
    for d in (
        _definition(
            Priority.P1,
            "Critical",
            "Multiple products where the majority of the users are not able to use the product",
            15,
            EscalationTiming.IMMEDIATELY,
        ),
        _definition(
            Priority.P2,
            "Major",
            "Majority of the users of a product are not able to use that product",
            30,
            EscalationTiming.IMMEDIATELY,
        ),
        _definition(
            Priority.P3,
            "Significant",
            "Breaking issue within a product, but majority of the users are able to continue using it",
            120,
            EscalationTiming.BUSINESS_HOURS,
        ),
        _definition(
            Priority.P4,
            "Limited",
            "A small incident that impacts use of the product but doesn’t bring it to a halt.",
            None,
            EscalationTiming.PLANNED,
        ),
        _definition(
            Priority.P5,
            "Minor",
            "A minor bug or issue that does not impact the product.",
            None,
            EscalationTiming.PLANNED,
        ),
    )
}


def definition(priority: str) -> PriorityDefinition:
    """The seed's definition of ``priority`` ("P1" … "P5"); ValueError naming the choices."""
    try:
        return DEFINITIONS[Priority(priority)]
    except ValueError:
        raise ValueError(
            f"'{priority}' is not a priority; use one of {', '.join(Priority)}."
        ) from None


def choices() -> list[tuple[str, str]]:
    """(value, "P1 Critical — Multiple products …") for wherever an operator chooses a priority."""
    return [(d.priority.value, f"{d.label} — {d.description}") for d in DEFINITIONS.values()]
