"""Notice policies (S2, S3): notice units, work types, the validator and the notification plan.

Pure Python, no Django. A policy maps each work type to the notice it needs, where its
window may fall and which notices go out when; ``check`` validates one window against it.
Every datetime is aware; arithmetic is done in UTC because Python subtracts and compares two
datetimes that share a ``ZoneInfo`` by their wall-clock fields, not by instant.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

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


class Channel(StrEnum):
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


class Impact(StrEnum):
    """Expected impact, in the status vocabulary of S1 (``none`` for no visible effect)."""

    NONE = "none"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"
    UNDER_MAINTENANCE = "under_maintenance"


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
    def add_business_days(self, t: dt.datetime, n: int) -> dt.datetime: ...
    def subtract_business_days(self, t: dt.datetime, n: int) -> dt.datetime: ...
    def open_intervals(
        self, a: dt.datetime, b: dt.datetime
    ) -> list[tuple[dt.datetime, dt.datetime]]: ...


def _enum(cls: type[StrEnum], value: Any, field_name: str) -> Any:
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
        object.__setattr__(self, "unit", _enum(NoticeUnit, self.unit, "unit"))
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
        object.__setattr__(self, "kind", _enum(Placement, self.kind, "kind"))


@dataclass(frozen=True)
class NoticeSpec:
    """One notice of the plan.

    ``offsets`` are before the start (reminders); for shut-down reminders the smallest one is
    the notice "just before the shut-down". ``condition`` says what must hold for a notice
    planned at a fixed time to go out (e.g. monitoring shows the service healthy).
    """

    kind: NoticeKind
    offsets: tuple[dt.timedelta, ...] = ()
    channels: tuple[Channel, ...] = (Channel.EMAIL,)
    must_include: tuple[Content, ...] = ()
    only_if_interrupting: bool = False
    condition: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", _enum(NoticeKind, self.kind, "kind"))
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
    """Peak hours of a region: ``(weekday 0=Mon, start, end)`` in ``tz``; end ≤ start runs past midnight."""

    slug: str
    tz: str
    peak_hours: tuple[tuple[int, dt.time, dt.time], ...] = ()

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
                lo = _local(day, start, zone)
                hi = _local(day + dt.timedelta(days=1 if end <= start else 0), end, zone)
                if lo < b and hi > a:
                    found.append((lo, hi))
            day += dt.timedelta(days=1)
        return sorted(found)


@dataclass(frozen=True)
class Violation:
    code: str
    message: str
    severity: Severity
    override_allowed: bool


@dataclass(frozen=True)
class PlannedNotice:
    kind: NoticeKind
    due_at: dt.datetime
    description: str
    channels: tuple[Channel, ...] = (Channel.EMAIL,)
    must_include: tuple[Content, ...] = ()
    condition: str = ""


@dataclass(frozen=True)
class EventNotice:
    """A notice sent when something happens rather than at a planned time (cancellation)."""

    kind: NoticeKind
    event: str
    description: str
    channels: tuple[Channel, ...] = (Channel.EMAIL,)
    must_include: tuple[Content, ...] = ()


@dataclass
class NoticeCheck:
    work_type: WorkType
    start: dt.datetime
    end: dt.datetime
    announce_by: dt.datetime | None
    violations: list[Violation]
    earliest_compliant_start: dt.datetime | None
    plan: list[PlannedNotice]
    event_notices: list[EventNotice] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def needs_override(self) -> bool:
        """Publishable only with an admin's written justification."""
        return bool(self.violations) and all(v.override_allowed for v in self.violations)

    @property
    def is_blocked(self) -> bool:
        """Not publishable at all: some violation cannot be overridden."""
        return any(not v.override_allowed for v in self.violations)


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


def _local(day: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant of a local wall-clock time, resolved as the calendar engine does: a
    repeated time is its first occurrence, a skipped one moves forward by the gap."""
    return dt.datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=zone).astimezone(UTC)


def calendar_zone(calendar: BusinessCalendar) -> ZoneInfo:
    return ZoneInfo(calendar.zone)


def format_instant(t: dt.datetime, zone: ZoneInfo) -> str:
    """``Mon 21 Dec 2026 10:00 CET``: how every deadline is shown (S2)."""
    local = t.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y %H:%M} {local.tzname()}"


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
    and business_hours come from the business calendar. Without a calendar, days are counted
    in the start's own zone.
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
        due = _local(local.date() - dt.timedelta(days=days), local.timetz(), zone)
    elif calendar is None:
        raise PolicyError("calendar", f"A notice of {rule} needs a business calendar.")
    elif rule.unit is NoticeUnit.BUSINESS_DAYS:
        due = calendar.subtract_business_days(start_utc.astimezone(zone), rule.amount)
    else:
        due = calendar.add_business_time(
            start_utc.astimezone(zone), -dt.timedelta(hours=rule.amount)
        )
    return due.astimezone(zone)


# --- the validator --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    """What ``check`` knows besides the window itself."""

    work_type: WorkType
    calendar: BusinessCalendar
    zone: ZoneInfo
    regions: tuple[Region, ...]
    risk: Risk
    on_site: bool
    shutdown: bool
    interrupting: bool
    now: dt.datetime

    def fmt(self, t: dt.datetime) -> str:
        return format_instant(t, self.zone)

    def window(self, start: dt.datetime, end: dt.datetime) -> str:
        return f"{self.fmt(start)} to {self.fmt(end)}"

    def violation(self, code: str, message: str, soft: bool) -> Violation:
        """Soft ("where possible") rules warn and may always be justified; firm ones follow the work type."""
        if soft:
            return Violation(code, message, Severity.WARNING, True)
        return Violation(code, message, Severity.ERROR, self.work_type.override_allowed)


def check(
    policy: Policy,
    work_type_slug: str,
    start: dt.datetime,
    end: dt.datetime | None = None,
    *,
    calendar: BusinessCalendar,
    now: dt.datetime,
    regions: Iterable[Region] = (),
    risk: Risk | str = Risk.LOW,
    on_site: bool = False,
    shutdown: bool = False,
    impact: Impact | str = Impact.NONE,
    validated_on_test_environment: bool = False,
    contents: Collection[Content] | None = None,
) -> NoticeCheck:
    """Validate one window of work against its policy (S3) and plan its notices (S4).

    ``end=None`` takes the work type's default duration. ``contents`` lists what the
    announcement will say; when given, anything the policy requires and it lacks is a
    violation. Bad input raises a ``PolicyError`` naming the field.
    """
    work_type = policy.work_type(work_type_slug)
    start_utc = require_aware(start, "start")
    now_utc = require_aware(now, "now")
    if end is None:
        if work_type.default_duration is None:
            raise PolicyError("end", f"A {work_type.name} has no default duration; give an end.")
        end_utc = start_utc + work_type.default_duration
    else:
        end_utc = require_aware(end, "end")
    zone = calendar_zone(calendar)
    if end_utc <= start_utc:
        raise InvalidWindowError(
            "end",
            f"The end {format_instant(end_utc, zone)} must come after the start "
            f"{format_instant(start_utc, zone)}.",
        )
    impact = _enum(Impact, impact, "impact")
    ctx = _Context(
        work_type=work_type,
        calendar=calendar,
        zone=zone,
        regions=tuple(regions),
        risk=_enum(Risk, risk, "risk"),
        on_site=bool(on_site),
        shutdown=bool(shutdown),
        interrupting=impact in INTERRUPTING or bool(shutdown),
        now=now_utc,
    )
    deadline = announce_by(start_utc, work_type.notice, calendar) if work_type.notice else None
    violations = _timing_violations(ctx, start_utc, end_utc)
    violations += _content_violations(ctx, impact, validated_on_test_environment, contents)
    plan, event_notices = _notification_plan(ctx, start_utc, end_utc)
    return NoticeCheck(
        work_type=work_type,
        start=start_utc.astimezone(zone),
        end=end_utc.astimezone(zone),
        announce_by=deadline,
        violations=violations,
        earliest_compliant_start=_earliest_compliant_start(ctx, end_utc - start_utc),
        plan=plan,
        event_notices=event_notices,
    )


def _timing_violations(ctx: _Context, start: dt.datetime, end: dt.datetime) -> list[Violation]:
    """Violations that depend on when the window falls: notice and placement."""
    found = []
    work_type = ctx.work_type
    rule = work_type.notice
    if rule is not None and rule.has_deadline:
        deadline = announce_by(start, rule, ctx.calendar)
        if deadline < ctx.now:
            message = (
                f"Announce by {ctx.fmt(deadline)} ({rule} before the start on {ctx.fmt(start)}); "
                f"it is now {ctx.fmt(ctx.now)}, {format_duration(ctx.now - deadline)} too late."
            )
            found.append(ctx.violation("too_little_notice", message, rule.where_possible))
    found += _shutdown_violations(ctx, start)
    found += _placement_violations(ctx, start, end)
    return found


def _shutdown_violations(ctx: _Context, start: dt.datetime) -> list[Violation]:
    """Seed 002: a shut-down is announced on several occasions, and once more just before it."""
    spec = ctx.work_type.notice_spec(NoticeKind.SHUTDOWN_REMINDERS)
    if not ctx.shutdown or spec is None:
        return []
    occasions = [n for n in _timed_notices(ctx, start, start) if n.due_at < start]
    just_before = [n for n in occasions if n.kind is NoticeKind.SHUTDOWN_REMINDERS][-1:]
    earlier = [n for n in occasions if n not in just_before]
    if len(earlier) >= 2 and just_before:
        return []
    told = f" ({_and([ctx.fmt(n.due_at) for n in earlier])})" if earlier else ""
    message = (
        f"A shut-down at {ctx.fmt(start)} must be announced on several occasions and once more "
        f"just before it, but it is now {ctx.fmt(ctx.now)}: there is time for {len(earlier)} "
        f"earlier notice{'' if len(earlier) == 1 else 's'}{told}"
        f"{'' if just_before else ' and none just before'}."
    )
    return [ctx.violation("too_few_shutdown_notices", message, False)]


def _placement_violations(ctx: _Context, start: dt.datetime, end: dt.datetime) -> list[Violation]:
    found = []
    work_type = ctx.work_type
    peak_rule = work_type.placement_rule(Placement.OUTSIDE_PEAK_HOURS)
    if peak_rule is not None:
        for region in ctx.regions:
            peaks = region.peak_intervals(start, end)
            if peaks:
                lo, hi = max(peaks[0][0], start), min(peaks[0][1], end)
                message = (
                    f"The window {ctx.window(start, end)} falls in the peak hours of region "
                    f"{region.slug} from {ctx.fmt(lo)} to {ctx.fmt(hi)}."
                )
                found.append(ctx.violation("in_peak_hours", message, peak_rule.where_possible))
    risk_rule = work_type.placement_rule(Placement.HIGH_RISK_OUTSIDE_BUSINESS_HOURS)
    if risk_rule is not None and ctx.risk is Risk.HIGH:
        open_parts = _open_parts(ctx.calendar, start, end)
        if open_parts:
            lo, hi = open_parts[0]
            message = (
                f"High-risk work belongs outside business hours, but the window "
                f"{ctx.window(start, end)} is in business hours from {ctx.fmt(lo)} to {ctx.fmt(hi)}."
            )
            found.append(
                ctx.violation("high_risk_in_business_hours", message, risk_rule.where_possible)
            )
    site_rule = work_type.placement_rule(Placement.ON_SITE_INSIDE_WORKING_HOURS)
    if site_rule is not None and ctx.on_site:
        gap = _first_closed_part(ctx.calendar, start, end)
        if gap is not None:
            message = (
                f"On-site visits must be within working hours, but the window "
                f"{ctx.window(start, end)} is outside them from {ctx.fmt(gap[0])} to {ctx.fmt(gap[1])}."
            )
            found.append(
                ctx.violation("on_site_outside_working_hours", message, site_rule.where_possible)
            )
    return found


def _open_parts(
    calendar: BusinessCalendar, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The opening time within [start, end) as UTC pairs."""
    parts = []
    for lo, hi in (_pair(iv) for iv in calendar.open_intervals(start, end)):
        lo, hi = max(lo, start), min(hi, end)
        if lo < hi:
            parts.append((lo, hi))
    return sorted(parts)


def _first_closed_part(
    calendar: BusinessCalendar, start: dt.datetime, end: dt.datetime
) -> tuple[dt.datetime, dt.datetime] | None:
    cursor = start
    for lo, hi in _open_parts(calendar, start, end):
        if lo > cursor:
            return cursor, lo
        cursor = max(cursor, hi)
    return (cursor, end) if cursor < end else None


def _pair(interval: tuple[dt.datetime, dt.datetime]) -> tuple[dt.datetime, dt.datetime]:
    lo, hi = interval
    return lo.astimezone(UTC), hi.astimezone(UTC)


def _content_violations(
    ctx: _Context,
    impact: Impact,
    validated_on_test_environment: bool,
    contents: Collection[Content] | None,
) -> list[Violation]:
    """Violations that do not depend on when the window falls; none of them can be overridden."""
    found = []
    work_type = ctx.work_type
    if not work_type.notice_required and (impact is not Impact.NONE or ctx.shutdown):
        declared = "a shut-down" if ctx.shutdown else impact.replace("_", " ")
        message = (
            f"A {work_type.name} gives no notice, so it may not affect customers, but {declared} "
            f"is expected; choose a work type that announces the work."
        )
        found.append(Violation("impact_not_allowed", message, Severity.ERROR, False))
    if work_type.requires_validation_on_test_environment and not validated_on_test_environment:
        message = (
            f"A {work_type.name} must be validated on a test environment before it goes out; "
            f"confirm that it was."
        )
        found.append(Violation("not_validated_on_test_environment", message, Severity.ERROR, False))
    if contents is not None:
        first = next(
            (
                s
                for s in work_type.notices
                if s.kind in (NoticeKind.ANNOUNCEMENT, NoticeKind.RELEASE)
            ),
            None,
        )
        missing = [c for c in (first.must_include if first else ()) if c not in set(contents)]
        if missing:
            message = f"The {first.kind.replace('_', ' ')} must state {_and(missing)}."
            found.append(Violation("missing_content", message, Severity.ERROR, False))
    return found


def _and(items: Sequence[Any]) -> str:
    words = [str(item) for item in items]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


# --- the notification plan ------------------------------------------------------------------


def _notification_plan(
    ctx: _Context, start: dt.datetime, end: dt.datetime
) -> tuple[list[PlannedNotice], list[EventNotice]]:
    """The notices at planned times (sorted by due time) and those sent when something happens."""
    events = [
        EventNotice(
            spec.kind,
            "the work is cancelled"
            if spec.kind is NoticeKind.CANCELLATION
            else "the window changes",
            _describe(
                spec,
                "Cancellation notice"
                if spec.kind is NoticeKind.CANCELLATION
                else "Notice of the new window",
            ),
            spec.channels,
            spec.must_include,
        )
        for spec in ctx.work_type.notices
        if spec.kind in (NoticeKind.CANCELLATION, NoticeKind.RESCHEDULE)
    ]
    return _timed_notices(ctx, start, end), events


def _timed_notices(ctx: _Context, start: dt.datetime, end: dt.datetime) -> list[PlannedNotice]:
    work_type = ctx.work_type
    rule = work_type.notice
    if rule is None:
        return []
    announced_at = _announcement_due(ctx, start, rule)
    plan: list[PlannedNotice] = []

    def add(spec: NoticeSpec, due: dt.datetime, text: str, condition: str = "") -> None:
        plan.append(
            PlannedNotice(
                spec.kind,
                due.astimezone(ctx.zone),
                _describe(spec, text),
                spec.channels,
                spec.must_include,
                spec.condition or condition,
            )
        )

    for spec in work_type.notices:
        kind = spec.kind
        if kind is NoticeKind.ANNOUNCEMENT:
            lead = f"at least {rule} before the start" if rule.amount else "sent at once"
            add(spec, announced_at, f"Announcement, {lead}")
        elif kind is NoticeKind.REMINDER:
            for offset in spec.offsets:
                if start - offset >= ctx.now and start - offset > announced_at:
                    add(
                        spec, start - offset, f"Reminder {format_duration(offset)} before the start"
                    )
        elif kind is NoticeKind.SHUTDOWN_REMINDERS and ctx.shutdown:
            if work_type.notice_spec(NoticeKind.ANNOUNCEMENT) is None:
                # Work told after the fact (hotfix, release) still announces a shut-down first.
                text = "Announcement of the shut-down, sent at once."
                plan.append(
                    PlannedNotice(NoticeKind.ANNOUNCEMENT, announced_at.astimezone(ctx.zone), text)
                )
            *earlier, last = spec.offsets
            for offset in earlier:
                if start - offset >= ctx.now and start - offset > announced_at:
                    text = f"Reminder {format_duration(offset)} before the shut-down"
                    add(spec, start - offset, text)
            if start - last >= ctx.now:
                text = f"Reminder {format_duration(last)} before the shut-down, just before it"
                add(spec, start - last, text)
        elif kind is NoticeKind.START and (ctx.interrupting or not spec.only_if_interrupting):
            add(spec, start, "The work begins")
        elif kind is NoticeKind.COMPLETION:
            add(spec, end, "The work has ended", "once the affected components are healthy")
        elif kind is NoticeKind.AFTER_COMPLETION:
            add(spec, end, "The update has been done", "once the work is completed")
        elif kind is NoticeKind.RELEASE:
            add(spec, start, "The version is released")
        elif kind is NoticeKind.EXTENSION:
            text = "Extension notice, repeated until the work is closed"
            add(spec, end, text, "if the work is still open at the end of the window")
    order = {kind: i for i, kind in enumerate(NoticeKind)}
    return sorted(plan, key=lambda n: (n.due_at.astimezone(UTC), order[n.kind]))


def _announcement_due(ctx: _Context, start: dt.datetime, rule: NoticeRule) -> dt.datetime:
    """At the deadline, or at once when it has passed or the rule sets no minimum."""
    if not rule.has_deadline or rule.amount == 0:
        return ctx.now
    return max(announce_by(start, rule, ctx.calendar).astimezone(UTC), ctx.now)


def _describe(spec: NoticeSpec, text: str) -> str:
    if spec.must_include:
        text += f", stating {_and(spec.must_include)}"
    return text + "."


# --- the earliest compliant start ----------------------------------------------------------


def _earliest_compliant_start(
    ctx: _Context, duration: dt.timedelta, slack: dt.timedelta = dt.timedelta(days=92)
) -> dt.datetime | None:
    """The earliest start ≥ now whose window of ``duration`` breaks no notice or placement rule.

    Each rule allows starts from certain edges on (the notice deadline reached from now, the end
    of a peak, an opening or a closing), so only those edges are tried, in order, up to ``slack``
    past the notice period; None when nothing fits.
    """
    now, zone, calendar = ctx.now, ctx.zone, ctx.calendar
    rule = ctx.work_type.notice
    candidates = {now}
    until = now + slack
    if rule is not None and rule.has_deadline:
        local_now = now.astimezone(zone)
        if rule.unit is NoticeUnit.HOURS:
            candidates.add(now + dt.timedelta(hours=rule.amount))
            until += dt.timedelta(hours=rule.amount)
        elif rule.unit in (NoticeUnit.CALENDAR_DAYS, NoticeUnit.WEEKS):
            days = rule.amount * (7 if rule.unit is NoticeUnit.WEEKS else 1)
            candidates |= _readings(
                local_now.date() + dt.timedelta(days=days), local_now.time(), zone
            )
            until += dt.timedelta(days=days + 1)
        elif rule.unit is NoticeUnit.BUSINESS_HOURS:
            reached = calendar.add_business_time(local_now, dt.timedelta(hours=rule.amount))
            candidates.add(reached.astimezone(UTC))
            until = reached.astimezone(UTC) + slack
        else:
            # The deadline keeps the start's wall-clock time, so a start date allows either
            # the whole day or the part from now's time on: try both on every date.
            until = calendar.add_business_days(local_now, rule.amount).astimezone(UTC) + slack
            day = local_now.date()
            while (midnight := _local(day, dt.time(0), zone)) <= until:
                candidates |= _readings(day, local_now.time(), zone) | {midnight}
                day += dt.timedelta(days=1)
    shutdown_spec = ctx.work_type.notice_spec(NoticeKind.SHUTDOWN_REMINDERS)
    if ctx.shutdown and shutdown_spec is not None:
        # A reminder due when the announcement goes out is no separate occasion; a minute later is.
        for offset in shutdown_spec.offsets:
            candidates |= {now + offset, now + offset + dt.timedelta(minutes=1)}
    if ctx.work_type.placement:
        for lo, hi in _open_parts(calendar, now, until):
            candidates |= {lo, hi}
        for region in ctx.regions:
            candidates |= {hi for _, hi in region.peak_intervals(now, until)}
    for candidate in sorted(c for c in candidates if now <= c <= until):
        if not _timing_violations(ctx, candidate, candidate + duration):
            return candidate.astimezone(zone)
    return None


def _readings(day: dt.date, at: dt.time, zone: ZoneInfo) -> set[dt.datetime]:
    """Both UTC readings of a local wall-clock time (one outside DST changes)."""
    naive = dt.datetime.combine(day, at.replace(tzinfo=None))
    return {naive.replace(tzinfo=zone, fold=fold).astimezone(UTC) for fold in (0, 1)}
