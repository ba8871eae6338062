"""Version numbers as seed 002 writes them, and the kind of each release.

Pure Python, no Django. "The major version is indicated by the digit to the left of the
decimal point"; the minor version by "the two digits following the decimal point" (7.12 is
major 7, minor 12; 7.05 is minor 5); hotfixes and plugin updates sit below a minor version
(7.12.3). A version string that does not fit is refused with the expected form.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

_FORM = re.compile(r"^(?P<major>0|[1-9]\d{0,3})\.(?P<minor>\d{2})(?:\.(?P<hotfix>[1-9]\d{0,3}))?$")
EXPECTED = "N.NN for a version (7.05, 7.12) or N.NN.N for a hotfix (7.12.3)"


class VersionError(ValueError):
    """A version string that does not fit the numbering; the message shows the expected form."""


class ReleaseKind(StrEnum):
    MAJOR = "major"
    MINOR = "minor"
    HOTFIX = "hotfix"


KIND_LABELS = {
    ReleaseKind.MAJOR: "Major version",
    ReleaseKind.MINOR: "Minor version",
    ReleaseKind.HOTFIX: "Hotfix or plugin update",
}


class State(StrEnum):
    PLANNED = "planned"
    RELEASED = "released"
    WITHDRAWN = "withdrawn"


STATE_LABELS = {State.PLANNED: "Planned", State.RELEASED: "Released", State.WITHDRAWN: "Withdrawn"}


@dataclass(frozen=True, order=True)
class Number:
    """A parsed version number; ``hotfix`` is 0 for a major or minor version."""

    major: int
    minor: int
    hotfix: int = 0

    def __str__(self) -> str:
        base = f"{self.major}.{self.minor:02d}"
        return f"{base}.{self.hotfix}" if self.hotfix else base

    @property
    def is_hotfix(self) -> bool:
        return self.hotfix > 0


def parse(text: str) -> Number:
    """``"7.12"`` → Number(7, 12); ``"7.12.3"`` → Number(7, 12, 3); anything else is refused."""
    cleaned = (text or "").strip()
    found = _FORM.match(cleaned)
    if found is None:
        raise VersionError(f"{cleaned!r} does not fit the numbering: use {EXPECTED}.")
    return Number(int(found["major"]), int(found["minor"]), int(found["hotfix"] or 0))


def kind_after(previous: Number | None, number: Number) -> ReleaseKind:
    """The kind of ``number`` released after ``previous`` (the highest earlier version).

    A hotfix number is a hotfix; a new number before the point, or the first version of a
    product at N.00, is a major version; the rest are minor (7.09 → 7.10, 7.99 → 8.00 major).
    """
    if number.is_hotfix:
        return ReleaseKind.HOTFIX
    if previous is None:
        return ReleaseKind.MAJOR if number.minor == 0 else ReleaseKind.MINOR
    if number.major != previous.major:
        return ReleaseKind.MAJOR
    return ReleaseKind.MINOR


def check_order(previous: Number | None, number: Number) -> None:
    """A new version must come after the ones before it (a hotfix after its minor version)."""
    if previous is not None and number <= previous and not number.is_hotfix:
        raise VersionError(f"{number} does not come after {previous}, the latest version.")


def is_transition_allowed(state: State, to: State) -> bool:
    """planned → released → withdrawn; a planned version may be withdrawn too."""
    return (state, to) in {
        (State.PLANNED, State.RELEASED),
        (State.PLANNED, State.WITHDRAWN),
        (State.RELEASED, State.WITHDRAWN),
    }
