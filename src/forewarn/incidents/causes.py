"""Pure Python, no Django. What caused an incident, as the SLA classifies it (seed 001 §2, S5).

Seed 001 §2 excludes "(a) third party incidents and errors, (b) Client self-created
issues (c) force majeure" from the availability commitment. An incident of one of
those causes excludes its affected components' time; an incident of our own counts.
The words are the availability engine's exclusion reasons (a test pins them).
"""

from enum import StrEnum, unique


@unique
class Cause(StrEnum):
    OWN = "own"
    THIRD_PARTY = "third_party"
    CLIENT_CAUSED = "client_caused"
    FORCE_MAJEURE = "force_majeure"

    @property
    def is_excluded(self) -> bool:
        """Whether the SLA leaves the incident's time out of the availability figures."""
        return self is not Cause.OWN

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    Cause.OWN: "Our own",
    Cause.THIRD_PARTY: "Third party",
    Cause.CLIENT_CAUSED: "Client-caused",
    Cause.FORCE_MAJEURE: "Force majeure",
}


def exclusion_reason(cause: str) -> str | None:
    """The availability exclusion reason for ``cause`` (None: the time counts)."""
    cause = Cause(cause)
    return cause.value if cause.is_excluded else None
