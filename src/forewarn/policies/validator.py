"""The validator (docs/product.md S3): whether a window of work keeps its policy, and the
earliest one that does.

Pure Python, no Django. ``check`` finds the violations (too little notice, a window in peak
hours, high-risk work in business hours, an on-site visit outside working hours, content
the announcement lacks), plans the notices and proposes the earliest compliant start.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from forewarn.policies.plan import (
    EventNotice,
    PlannedNotice,
    Work,
    notification_plan,
    timed_notices,
)
from forewarn.policies.rules import (
    INTERRUPTING,
    UTC,
    BusinessCalendar,
    Content,
    Impact,
    InvalidWindowError,
    NoticeKind,
    NoticeUnit,
    Placement,
    Policy,
    PolicyError,
    Region,
    Risk,
    Severity,
    WorkType,
    announce_by,
    calendar_zone,
    format_duration,
    format_instant,
    listed,
    parse_choice,
    require_aware,
)


@dataclass(frozen=True)
class Violation:
    code: str
    message: str
    severity: Severity
    override_allowed: bool


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


@dataclass(frozen=True)
class _Context(Work):
    """What ``check`` knows besides the window itself."""

    regions: tuple[Region, ...] = ()
    risk: Risk = Risk.LOW
    on_site: bool = False

    def fmt(self, t: dt.datetime) -> str:
        return format_instant(t, self.zone)

    def window(self, start: dt.datetime, end: dt.datetime) -> str:
        return f"{self.fmt(start)} to {self.fmt(end)}"

    def hours_calendars(self) -> list[tuple[Region | None, BusinessCalendar]]:
        """The calendars whose business hours placement rules apply to: the policy's, then each
        affected region's own (once, and not again when it is the policy's)."""
        found: list[tuple[Region | None, BusinessCalendar]] = [(None, self.calendar)]
        for region in self.regions:
            if region.calendar is not None and all(region.calendar != c for _, c in found):
                found.append((region, region.calendar))
        return found

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
    impact = parse_choice(Impact, impact, "impact")
    ctx = _Context(
        work_type=work_type,
        calendar=calendar,
        zone=zone,
        regions=tuple(regions),
        risk=parse_choice(Risk, risk, "risk"),
        on_site=bool(on_site),
        shutdown=bool(shutdown),
        interrupting=impact in INTERRUPTING or bool(shutdown),
        now=now_utc,
    )
    deadline = announce_by(start_utc, work_type.notice, calendar) if work_type.notice else None
    violations = _timing_violations(ctx, start_utc, end_utc)
    violations += _content_violations(ctx, impact, validated_on_test_environment, contents)
    plan, event_notices = notification_plan(ctx, start_utc, end_utc)
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
    occasions = [n for n in timed_notices(ctx, start, start) if n.due_at < start]
    just_before = [n for n in occasions if n.kind is NoticeKind.SHUTDOWN_REMINDERS][-1:]
    earlier = [n for n in occasions if n not in just_before]
    if len(earlier) >= 2 and just_before:
        return []
    told = f" ({listed([ctx.fmt(n.due_at) for n in earlier])})" if earlier else ""
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
        for region, calendar in ctx.hours_calendars():
            open_parts = _open_parts(calendar, start, end)
            if open_parts:
                lo, hi = open_parts[0]
                hours = (
                    f"the business hours of region {region.slug}" if region else "business hours"
                )
                message = (
                    f"High-risk work belongs outside business hours, but the window "
                    f"{ctx.window(start, end)} is in {hours} from {ctx.fmt(lo)} to {ctx.fmt(hi)}."
                )
                found.append(
                    ctx.violation("high_risk_in_business_hours", message, risk_rule.where_possible)
                )
    site_rule = work_type.placement_rule(Placement.ON_SITE_INSIDE_WORKING_HOURS)
    if site_rule is not None and ctx.on_site:
        for region, calendar in ctx.hours_calendars():
            gap = _first_closed_part(calendar, start, end)
            if gap is not None:
                hours = f"the working hours of region {region.slug}" if region else "them"
                message = (
                    f"On-site visits must be within working hours, but the window "
                    f"{ctx.window(start, end)} is outside {hours} from {ctx.fmt(gap[0])} to "
                    f"{ctx.fmt(gap[1])}."
                )
                found.append(
                    ctx.violation(
                        "on_site_outside_working_hours", message, site_rule.where_possible
                    )
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
            message = f"The {first.kind.replace('_', ' ')} must state {listed(missing)}."
            found.append(Violation("missing_content", message, Severity.ERROR, False))
    return found


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
        else:
            # Business notice given now allows every start from the first it leaves enough
            # for: N hours of opening, or N whole business days (``business_days_after``).
            if rule.unit is NoticeUnit.BUSINESS_HOURS:
                reached = calendar.add_business_time(now, dt.timedelta(hours=rule.amount))
            else:
                reached = calendar.business_days_after(now, rule.amount)
            candidates.add(reached.astimezone(UTC))
            until = reached.astimezone(UTC) + slack
    shutdown_spec = ctx.work_type.notice_spec(NoticeKind.SHUTDOWN_REMINDERS)
    if ctx.shutdown and shutdown_spec is not None:
        # A reminder due when the announcement goes out is no separate occasion; a minute later is.
        for offset in shutdown_spec.offsets:
            candidates |= {now + offset, now + offset + dt.timedelta(minutes=1)}
    if ctx.work_type.placement:
        for _, hours in ctx.hours_calendars():
            for lo, hi in _open_parts(hours, now, until):
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
