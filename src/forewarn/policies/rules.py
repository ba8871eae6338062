"""Notice policies (docs/product.md S2, S3): notice units, work types and ``announce_by``.

Pure Python, no Django. A policy maps each work type to the notice it needs, where its
window may fall and which notices go out when. ``validator.check`` validates one window
against it and ``plan`` lists the notices; both build on this module.
Every datetime is aware; arithmetic is done in UTC because Python subtracts and compares two
datetimes that share a ``ZoneInfo`` by their wall-clock fields, not by instant.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from forewarn.catalog.statuses import Status

UTC = dt.UTC


class NoticeUnit(StrEnum):
    CALENDAR_DAYS = "calendar_days"
    WEEKS = "weeks"
    HOURS = "hours"
    BUSINESS_DAYS = "business_days"
    BUSINESS_HOURS = "business_hours"
    AFTER_COMPLETION = "after_completion"
    ON_RELEASE = "on_release"
    ASAP = "asap"


# "15 working days" (seed 002) means the same as business days (S2).
UNIT_ALIASES = {"working_days": NoticeUnit.BUSINESS_DAYS, "days": NoticeUnit.CALENDAR_DAYS}
LEAD_UNITS = frozenset(
    {
        NoticeUnit.CALENDAR_DAYS,
        NoticeUnit.WEEKS,
        NoticeUnit.HOURS,
        NoticeUnit.BUSINESS_DAYS,
        NoticeUnit.BUSINESS_HOURS,
    }
)


class NoticeKind(StrEnum):
    ANNOUNCEMENT = "announcement"
    REMINDER = "reminder"
    SHUTDOWN_REMINDERS = "shutdown_reminders"
    START = "start"
    COMPLETION = "completion"
    EXTENSION = "extension"
    RESCHEDULE = "reschedule"
    CANCELLATION = "cancellation"
    AFTER_COMPLETION = "after_completion"
    RELEASE = "release"


class NoticeChannel(StrEnum):
    """Where a notice is published (``delivery.models.Channel`` is how a subscriber is reached)."""

    EMAIL = "email"
    STATUS_PAGE = "status_page"
    CHAT = "chat"


class Content(StrEnum):
    """What a notice must say; the value is how a person would name it."""

    SCHEDULED_TIME = "the scheduled time"
    EXPECTED_IMPACT = "the expected impact"
    WHAT = "what is being done"
    WHEN_FINISHED = "when the work is finished"
    NEW_FEATURES = "the new features"
    PLAN_CHANGES = "material changes to the customer's plan"
    RELEASE_NOTES = "the release notes"
    REASON = "the reason"
    NEW_END_OR_NEXT_UPDATE = "a new end time or when the next update comes"
    SECURITY_IMPACT = "whether it affects security"
    DOCUMENTATION_CHANGES = "the documentation that changed"


class Placement(StrEnum):
    OUTSIDE_PEAK_HOURS = "outside_peak_hours"
    HIGH_RISK_OUTSIDE_BUSINESS_HOURS = "high_risk_outside_business_hours"
    ON_SITE_INSIDE_WORKING_HOURS = "on_site_inside_working_hours"


class Risk(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


# Expected impact: a component status other than operational, or none (no visible effect).
Impact = StrEnum(
    "Impact",
    [("NONE", "none"), *((s.name, s.value) for s in Status if s is not Status.OPERATIONAL)],
)


INTERRUPTING = frozenset({Impact.PARTIAL_OUTAGE, Impact.MAJOR_OUTAGE, Impact.UNDER_MAINTENANCE})


class Severity(StrEnum):
    ERROR = "error"  # a firm promise is broken
    WARNING = "warning"  # a "where possible" promise is broken: always overridable, with a reason


class PolicyError(ValueError):
    """Bad input to the policy engine; ``field`` names the offending argument."""

    code = "invalid"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class NaiveDatetimeError(PolicyError):
    code = "naive_datetime"


class InvalidWindowError(PolicyError):
    code = "end_before_start"


class UnknownWorkTypeError(PolicyError):
    code = "unknown_work_type"


class BusinessCalendar(Protocol):
    """The part of ``forewarn.calendars.engine.BusinessCalendar`` this module uses."""

    zone: str

    def add_business_time(self, t: dt.datetime, d: dt.timedelta) -> dt.datetime: ...
    def business_days_before(self, start: dt.datetime, n: int) -> dt.datetime: ...
    def business_days_after(self, t: dt.datetime, n: int) -> dt.datetime: ...
    def open_intervals(
        self, a: dt.datetime, b: dt.datetime
    ) -> list[tuple[dt.datetime, dt.datetime]]: ...


def parse_choice(cls: type[StrEnum], value: Any, field_name: str) -> Any:
    if isinstance(value, cls):
        return value
    key = str(value).strip().lower().replace(" ", "_").replace("-", "_")
    if cls is NoticeUnit and key in UNIT_ALIASES:
        return UNIT_ALIASES[key]
    try:
        return cls(key)
    except ValueError:
        choices = ", ".join(member.value for member in cls)
        raise PolicyError(
            field_name, f"{field_name} must be one of {choices}, not {value!r}."
        ) from None


@dataclass(frozen=True)
class NoticeRule:
    """Required notice: ``amount`` of ``unit`` before the start (S2).

    ``where_possible`` marks a soft promise ("strives", "where possible", "reasonable
    efforts"): too little notice is then a warning, still to be justified in writing.
    """

    unit: NoticeUnit
    amount: int = 0
    where_possible: bool = False
    source: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit", parse_choice(NoticeUnit, self.unit, "unit"))
        if not isinstance(self.amount, int) or self.amount < 0:
            raise PolicyError("amount", f"amount must be a whole number ≥ 0, not {self.amount!r}.")
        if self.unit not in LEAD_UNITS and self.amount:
            raise PolicyError(
                "amount", f"{self.unit} takes no amount, but {self.amount} was given."
            )

    @property
    def has_deadline(self) -> bool:
        return self.unit in LEAD_UNITS

    def __str__(self) -> str:
        if self.unit is NoticeUnit.ASAP:
            return "as soon as possible"
        if not self.has_deadline:
            return self.unit.replace("_", " ")
        if self.amount == 0:
            return "before the start"
        noun = self.unit.replace("_", " ")
        return f"{self.amount} {noun[:-1] if self.amount == 1 else noun}"


@dataclass(frozen=True)
class PlacementRule:
    """Where a window may fall: outside peak hours, high risk outside business hours, etc."""

    kind: Placement
    where_possible: bool = False
    source: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", parse_choice(Placement, self.kind, "kind"))


@dataclass(frozen=True)
class NoticeSpec:
    """One notice of the plan.

    ``offsets`` are before the start (reminders); for shut-down reminders the smallest one is
    the notice "just before the shut-down". ``condition`` says what must hold for a notice
    planned at a fixed time to go out (e.g. monitoring shows the service healthy).
    """

    kind: NoticeKind
    offsets: tuple[dt.timedelta, ...] = ()
    channels: tuple[NoticeChannel, ...] = (NoticeChannel.EMAIL,)
    must_include: tuple[Content, ...] = ()
    only_if_interrupting: bool = False
    condition: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", parse_choice(NoticeKind, self.kind, "kind"))
        object.__setattr__(self, "offsets", tuple(sorted(self.offsets, reverse=True)))
        if any(offset <= dt.timedelta(0) for offset in self.offsets):
            raise PolicyError(
                "offsets", "Reminder offsets must be positive durations before the start."
            )
        if self.kind in (NoticeKind.REMINDER, NoticeKind.SHUTDOWN_REMINDERS) and not self.offsets:
            raise PolicyError("offsets", f"A {self.kind} notice needs at least one offset.")


@dataclass(frozen=True)
class WorkType:
    """A kind of work and its rules. ``notice=None``: no notice at all, so no impact allowed."""

    slug: str
    name: str
    notice: NoticeRule | None
    default_duration: dt.timedelta | None = None
    placement: tuple[PlacementRule, ...] = ()
    notices: tuple[NoticeSpec, ...] = ()
    override_allowed: bool = True
    publishes_status: bool = False
    requires_validation_on_test_environment: bool = False
    source: str = ""

    @property
    def notice_required(self) -> bool:
        return self.notice is not None

    @property
    def where_possible(self) -> bool:
        return self.notice is not None and self.notice.where_possible

    def placement_rule(self, kind: Placement) -> PlacementRule | None:
        return next((rule for rule in self.placement if rule.kind is kind), None)

    def notice_spec(self, kind: NoticeKind) -> NoticeSpec | None:
        return next((spec for spec in self.notices if spec.kind is kind), None)


@dataclass(frozen=True)
class Policy:
    slug: str
    name: str
    work_types: tuple[WorkType, ...]
    calendar_slug: str
    time_zone: str
    source: str = ""

    def work_type(self, slug: str) -> WorkType:
        for work_type in self.work_types:
            if work_type.slug == slug:
                return work_type
        known = ", ".join(w.slug for w in self.work_types)
        raise UnknownWorkTypeError(
            "work_type", f"Policy {self.slug} has no work type {slug!r}; it has {known}."
        )


@dataclass(frozen=True)
class Region:
    """Peak hours of a region: ``(weekday 0=Mon, start, end)`` in ``tz``; end ≤ start runs past midnight.

    ``calendar`` is the region's own business calendar, when it has one: placement rules about
    business or working hours then hold for it as well as for the policy's calendar.
    """

    slug: str
    tz: str
    peak_hours: tuple[tuple[int, dt.time, dt.time], ...] = ()
    calendar: BusinessCalendar | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "peak_hours", tuple(tuple(r) for r in self.peak_hours))
        for peak in self.peak_hours:
            weekday, start, end = peak
            if weekday not in range(7) or not all(isinstance(t, dt.time) for t in (start, end)):
                raise PolicyError(
                    "peak_hours", f"Peak hours are (weekday 0-6, start, end), not {peak!r}."
                )

    def peak_intervals(
        self, a: dt.datetime, b: dt.datetime
    ) -> list[tuple[dt.datetime, dt.datetime]]:
        """Peak intervals in UTC that overlap [a, b), in order."""
        zone = ZoneInfo(self.tz)
        day = a.astimezone(zone).date() - dt.timedelta(days=1)
        last = b.astimezone(zone).date()
        found = []
        while day <= last:
            for weekday, start, end in self.peak_hours:
                if day.weekday() != weekday:
                    continue
                lo = wall_clock_instant(day, start, zone)
                hi = wall_clock_instant(
                    day + dt.timedelta(days=1 if end <= start else 0), end, zone
                )
                if lo < b and hi > a:
                    found.append((lo, hi))
            day += dt.timedelta(days=1)
        return sorted(found)


# --- time helpers -------------------------------------------------------------------------


def require_aware(value: dt.datetime, field_name: str) -> dt.datetime:
    """``value`` in UTC; a naive or non-datetime value raises ``NaiveDatetimeError``."""
    if not isinstance(value, dt.datetime):
        raise NaiveDatetimeError(field_name, f"{field_name} must be a datetime, not {value!r}.")
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetimeError(
            field_name, f"{field_name} must carry a time zone; {value.isoformat()} has none."
        )
    return value.astimezone(UTC)


def wall_clock_instant(day: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant of a local wall-clock time, resolved as the calendar engine does: a
    repeated time is its first occurrence, a skipped one moves forward by the gap."""
    return dt.datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=zone).astimezone(UTC)


def calendar_zone(calendar: BusinessCalendar) -> ZoneInfo:
    return ZoneInfo(calendar.zone)


def format_instant(t: dt.datetime, zone: ZoneInfo) -> str:
    """``Mon 21 Dec 2026 10:00 CET``: how every deadline is shown (S2)."""
    local = t.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y %H:%M} {local.tzname()}"


def listed(items: Sequence[Any]) -> str:
    """``a, b and c``."""
    words = [str(item) for item in items]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def format_duration(d: dt.timedelta) -> str:
    minutes = int(d.total_seconds() // 60)
    if minutes < 1:
        return "less than a minute"
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    return " ".join(f"{n} {word}{'' if n == 1 else 's'}" for n, word in parts if n)


# --- notice units ---------------------------------------------------------------------------


def announce_by(
    start: dt.datetime, rule: NoticeRule, calendar: BusinessCalendar | None = None
) -> dt.datetime | None:
    """The latest instant the announcement may go out (None for after_completion/on_release/asap).

    calendar_days and weeks keep the start's wall-clock time in the calendar's zone (a notice
    "15 calendar days before" a 10:00 start is due at 10:00, also across a DST change, so
    the deadline reads as the customer counts days); hours are elapsed time; business_days
    and business_hours come from the business calendar: the latest instant that leaves N whole
    business days (``business_days_before``) or N hours of opening time before the start.
    Without a calendar, days are counted in the start's own zone.
    """
    start_utc = require_aware(start, "start")
    if not rule.has_deadline:
        return None
    zone = calendar_zone(calendar) if calendar is not None else start.tzinfo
    if rule.unit is NoticeUnit.HOURS:
        due = start_utc - dt.timedelta(hours=rule.amount)
    elif rule.unit in (NoticeUnit.CALENDAR_DAYS, NoticeUnit.WEEKS):
        days = rule.amount * (7 if rule.unit is NoticeUnit.WEEKS else 1)
        local = start_utc.astimezone(zone)
        due = wall_clock_instant(local.date() - dt.timedelta(days=days), local.timetz(), zone)
    elif calendar is None:
        raise PolicyError("calendar", f"A notice of {rule} needs a business calendar.")
    elif rule.unit is NoticeUnit.BUSINESS_DAYS:
        due = calendar.business_days_before(start_utc, rule.amount)
    else:
        due = calendar.add_business_time(
            start_utc.astimezone(zone), -dt.timedelta(hours=rule.amount)
        )
    return due.astimezone(zone)
