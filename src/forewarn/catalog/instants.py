"""When a change happened, as its author claims it, checked against when it was entered.

Pure Python, no Django.

A change (a component's status) is entered at ``entered_at``, the server's clock, and may
claim an earlier instant ``at`` (an operator recording an outage noticed late, a job catching
up). ``claimed_instant`` decides what is recorded:

- ``at`` up to ``skew`` ahead of the clock is clock skew: the change is recorded as of
  ``entered_at``; further ahead is refused (a change dated in the future would hold the
  component's history hostage until then);
- ``at`` up to ``grace`` before the clock is recorded as it is, no questions asked;
- further back is *backdating*: it needs a reason, and is refused beyond ``limit``.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta


class InstantError(ValueError):
    """An instant that cannot be recorded; ``field`` is the argument to correct."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class TimeRules:
    skew: timedelta = timedelta(seconds=60)
    grace: timedelta = timedelta(seconds=60)
    limit: timedelta = timedelta(hours=24)


@dataclass(frozen=True)
class Claim:
    """What is recorded: ``at`` (claimed), ``entered_at`` (the clock), and why, if backdated."""

    at: datetime
    entered_at: datetime
    backdate_reason: str = ""

    @property
    def backdated_by(self) -> timedelta:
        return self.entered_at - self.at


def _duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 2 * 3600:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{round(seconds / 3600)} h"
    return f"{round(seconds / 86400)} days"


def is_backdated(at: datetime, entered_at: datetime | None, rules: TimeRules) -> bool:
    """Whether a change recorded at ``at`` was entered more than ``grace`` later."""
    return entered_at is not None and entered_at - at > rules.grace


def claimed_instant(
    at: datetime | None,
    entered_at: datetime,
    rules: TimeRules,
    backdate_reason: str = "",
    *,
    not_before: datetime | None = None,
) -> Claim:
    """The ``Claim`` for a change entered at ``entered_at`` claiming ``at`` (None: now).

    ``not_before``: the change cannot come before this (the current status's start).
    Raises ``InstantError`` naming ``at`` or ``backdate_reason``.
    """
    if entered_at.utcoffset() is None:
        raise ValueError("entered_at must be an aware datetime")
    if at is None:
        at = entered_at
    if at.utcoffset() is None:
        raise InstantError("at", "The time must carry a time zone offset.")
    reason = backdate_reason.strip()
    ahead = at - entered_at
    if ahead > rules.skew:
        raise InstantError(
            "at",
            f"{at.isoformat()} is {_duration(ahead)} in the future; a change is recorded when "
            f"it happens (up to {_duration(rules.skew)} of clock difference is taken as now).",
        )
    if ahead > timedelta(0):
        at = entered_at
    behind = entered_at - at
    if behind > rules.limit:
        raise InstantError(
            "at",
            f"{at.isoformat()} is {_duration(behind)} ago; a change may be dated at most "
            f"{_duration(rules.limit)} back.",
        )
    if behind > rules.grace and not reason:
        raise InstantError(
            "backdate_reason",
            f"The change is dated {_duration(behind)} before it is entered; say why in "
            "backdate_reason (it is kept in the record and shown in the availability report).",
        )
    if not_before is not None and at < not_before:
        raise InstantError(
            "at",
            f"The change cannot be before the current status began ({not_before.isoformat()}).",
        )
    return Claim(at, entered_at, reason if behind > rules.grace else "")
