"""The notice check against the database: resolve the policy, the calendar and the affected
components' regions, run ``validator.check``, and say the answer in plain words.

The API (``POST /api/v1/notice-check``) and the console form (/console/policies/check/) both
go through ``run_check``; neither changes anything.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.utils import timezone

from forewarn.calendars.definitions import FIRST_YEAR, LAST_YEAR, DefinitionError
from forewarn.calendars.models import Calendar
from forewarn.catalog.models import Component
from forewarn.catalog.models import Region as RegionRow
from forewarn.catalog.peak_hours import PeakHoursError
from forewarn.catalog.services import components_by_slug

from . import rules
from .models import LONGEST_WINDOW, Policy
from .rules import NoticeUnit, PolicyError, format_instant
from .validator import NoticeCheck, check


@dataclass(frozen=True)
class CheckAnswer:
    """A ``NoticeCheck`` with what it was checked against, for showing to people."""

    result: NoticeCheck
    policy: Policy
    calendar: Calendar
    zone: ZoneInfo

    def text(self, t: dt.datetime | None) -> str | None:
        """ "Mon 28 Dec 2026 10:00 CET" in the calendar's zone."""
        return None if t is None else format_instant(t, self.zone)

    def iso(self, t: dt.datetime | None) -> str | None:
        """ISO 8601 with the calendar zone's offset."""
        return None if t is None else t.astimezone(self.zone).isoformat()

    @property
    def announce_by_text(self) -> str:
        """When to announce, in words: "Announce by Mon 28 Dec 2026 10:00 CET"."""
        result = self.result
        rule = result.work_type.notice
        if result.announce_by is not None:
            return f"Announce by {self.text(result.announce_by)}"
        if rule is None:
            return f"No notice: a {result.work_type.name} is not announced"
        return {
            NoticeUnit.ASAP: "Announce as soon as possible",
            NoticeUnit.AFTER_COMPLETION: "Notify once the work is done",
            NoticeUnit.ON_RELEASE: "Notify when the version is released",
        }[rule.unit]

    @property
    def summary(self) -> str:
        """ "Announce by Mon 28 Dec 2026 10:00 CET; 2 violations: … …"."""
        violations = self.result.violations
        if not violations:
            return f"{self.announce_by_text}; no violations."
        count = f"{len(violations)} violation{'' if len(violations) == 1 else 's'}"
        return f"{self.announce_by_text}; {count}: " + " ".join(v.message for v in violations)

    @property
    def verdict(self) -> str:
        if self.result.ok:
            return "The window keeps the policy."
        if self.result.is_blocked:
            return "It may not be published: a violation cannot be overridden."
        return "It may be published only with an admin's written justification."


def run_check(
    *,
    policy: str,
    work_type: str,
    start: dt.datetime,
    end: dt.datetime | None = None,
    calendar: str | None = None,
    components: Iterable[str] = (),
    risk: str = "low",
    on_site: bool = False,
    shutdown: bool = False,
    impact: str = "none",
    validated_on_test_environment: bool = False,
    contents: Iterable[str] | None = None,
    now: dt.datetime | None = None,
) -> CheckAnswer:
    """Validate one window of `work_type` under `policy` (slugs). The calendar defaults to the
    policy's; `components` (slugs) bring their regions' peak hours and calendars; `now`
    defaults to the current time. Bad input raises ValidationError naming the field."""
    for field, value in [("start", start), ("end", end), ("now", now)]:
        if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValidationError(
                {
                    field: f"{value:%Y-%m-%d} is outside the years {FIRST_YEAR}–{LAST_YEAR} "
                    "notices are checked for."
                }
            )
    if end is not None and end - start > LONGEST_WINDOW:
        raise ValidationError(
            {
                "end": f"A window of work may last at most {LONGEST_WINDOW.days} days; this one "
                f"lasts {(end - start).days} days."
            }
        )
    policy_row = policy_named(policy)
    calendar_row = policy_row.calendar if calendar is None else calendar_named(calendar)
    try:
        result = check(
            policy_row.to_rules(start),  # the version in force when the window starts
            work_type,
            start,
            end,
            calendar=calendar_engine(calendar_row, "calendar"),
            now=timezone.now() if now is None else now,
            regions=regions_of(components),
            risk=risk,
            on_site=on_site,
            shutdown=shutdown,
            impact=impact,
            validated_on_test_environment=validated_on_test_environment,
            contents=None if contents is None else _contents(contents),
        )
    except PolicyError as error:
        raise ValidationError({error.field: str(error)}) from None
    except (ValueError, OverflowError) as error:  # from the engine: no opening, a year too far
        field = "calendar" if "never opens" in str(error) else "start"
        raise ValidationError({field: str(error)}) from None
    return CheckAnswer(result, policy_row, calendar_row, ZoneInfo(calendar_row.time_zone))


def policy_named(slug: str) -> Policy:
    found = Policy.objects.select_related("calendar").filter(slug=slug).first()
    if found is None:
        known = ", ".join(Policy.objects.values_list("slug", flat=True)) or "none yet"
        raise ValidationError({"policy": f"No policy {slug!r}; there are {known}."})
    return found


def calendar_named(slug: str) -> Calendar:
    found = Calendar.objects.filter(slug=slug).first()
    if found is None:
        known = ", ".join(Calendar.objects.values_list("slug", flat=True)) or "none yet"
        raise ValidationError({"calendar": f"No calendar {slug!r}; there are {known}."})
    return found


def calendar_engine(calendar: Calendar, field: str):
    try:
        return calendar.to_engine()
    except DefinitionError as error:
        raise ValidationError(
            {field: f"Calendar {calendar.slug} needs correcting: {error}"}
        ) from None


def regions_of(slugs: Iterable[str]) -> list[rules.Region]:
    found = components_by_slug(slugs, queryset=Component.objects.select_related("region__calendar"))
    rows = {c.region.pk: c.region for c in found if c.region is not None}
    return [_region(row) for row in rows.values()]


def _region(row: RegionRow) -> rules.Region:
    """A catalog region as the validator takes it: peak hours and its own calendar."""
    try:
        ZoneInfo(row.time_zone)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        raise ValidationError(
            {"components": f"Region {row.slug} has a time zone to correct: {row.time_zone!r}."}
        ) from None
    try:
        peaks = row.peak_ranges()
    except PeakHoursError as error:
        raise ValidationError(
            {"components": f"Region {row.slug} has peak hours to correct: {error}"}
        ) from None
    calendar = None if row.calendar is None else calendar_engine(row.calendar, "components")
    return rules.Region(row.slug, row.time_zone, peaks, calendar)


def _contents(names: Iterable[str]) -> list[rules.Content]:
    found = []
    for name in names:
        content = rules.Content.__members__.get(str(name).upper())
        if content is None:
            known = ", ".join(c.name.lower() for c in rules.Content)
            raise ValidationError({"contents": f"{name!r} is not one of {known}."})
        found.append(content)
    return found
