"""The policy check of planned work: each window against the policy of each client it affects.

The organizations using the affected components are grouped by the policy that applies to
each (``scope``); the work's own policy also speaks to the public subscribers. Every window
is checked against every group's policy with ``policies.validator.check`` (announce-by,
violations, earliest compliant start, notification plan), in that policy's calendar, with
the affected components' regions. Nothing here changes anything.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

from forewarn.catalog.models import Organization
from forewarn.policies.checks import calendar_engine, regions_of
from forewarn.policies.models import Policy, WorkType
from forewarn.policies.rules import INTERRUPTING, Content, Impact, PolicyError, Severity
from forewarn.policies.validator import NoticeCheck, Violation, check

from . import scope
from .models import PlannedWork
from .occurrences import Window

WORST_FIRST = [i for i in reversed(list(Impact)) if i is not Impact.NONE]


@dataclass
class Group:
    """The clients under one policy, and the work type the work is under that policy."""

    policy: Policy
    work_type: WorkType
    organizations: list[Organization]
    is_primary: bool

    @property
    def slug(self) -> str:
        return self.policy.slug


@dataclass
class PolicyCheck:
    group: Group
    result: NoticeCheck

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.group.policy.calendar.time_zone)


@dataclass
class WindowCheck:
    window: Window
    checks: list[PolicyCheck]

    @property
    def violations(self) -> list[tuple[str, Violation]]:
        return [(c.group.slug, v) for c in self.checks for v in c.result.violations]

    def primary(self) -> PolicyCheck:
        return next(c for c in self.checks if c.group.is_primary)


@dataclass
class WorkCheck:
    windows: list[WindowCheck]
    uncovered: list[Organization] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)

    @property
    def violations(self) -> list[tuple[int, str, Violation]]:
        return [(w.window.index, p, v) for w in self.windows for p, v in w.violations]

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def is_blocked(self) -> bool:
        return any(not v.override_allowed for _, _, v in self.violations)

    @property
    def has_errors(self) -> bool:
        """A firm promise broken: only an admin may publish, with a justification."""
        return any(v.severity is Severity.ERROR for _, _, v in self.violations)


def violation_json(index: int, policy: str, violation: Violation) -> dict:
    return {
        "window": index,
        "policy": policy,
        "code": violation.code,
        "severity": violation.severity.value,
        "override_allowed": violation.override_allowed,
        "message": violation.message,
    }


def impact_of(statuses: Iterable[str]) -> Impact:
    """The worst expected status as the validator's impact (none when all stay operational)."""
    found = set(statuses)
    return next((i for i in WORST_FIRST if i.value in found), Impact.NONE)


def interrupting(work: PlannedWork, statuses: Iterable[str]) -> bool:
    return impact_of(statuses) in INTERRUPTING or work.shutdown


def contents(work: PlannedWork) -> list[Content]:
    """What the notices will state: the window and what is done always, the rest when given
    (the expected impact text also says whether security is affected; the description
    carries the release notes and the documentation changes)."""
    found = [Content.SCHEDULED_TIME, Content.WHAT, Content.WHEN_FINISHED, Content.REASON]
    found.append(Content.NEW_END_OR_NEXT_UPDATE)
    if work.impact_text.strip():
        found += [Content.EXPECTED_IMPACT, Content.SECURITY_IMPACT]
    if work.new_features:
        found.append(Content.NEW_FEATURES)
    if work.plan_changes:
        found.append(Content.PLAN_CHANGES)
    if work.description.strip():
        found += [Content.RELEASE_NOTES, Content.DOCUMENTATION_CHANGES]
    return found


def scopes() -> dict[str, scope.Scope]:
    rows = Policy.objects.prefetch_related("applies_to_organizations").select_related("fallback")
    return {
        p.slug: scope.Scope(
            p.slug,
            frozenset(o.slug for o in p.applies_to_organizations.all()),
            frozenset(p.applies_to_plans or ()),
            p.fallback.slug if p.fallback else None,
        )
        for p in rows
    }


def groups(work: PlannedWork, component_ids: Iterable[int]) -> tuple[list[Group], list]:
    """The policy groups of the organizations using ``component_ids`` (the work's own first,
    present even with no organization), and the organizations no policy covers.

    A ValidationError on ``other_work_types`` names a policy an organization falls under for
    which the work has no work type.
    """
    organizations = list(
        Organization.objects.filter(components__in=list(component_ids)).distinct().order_by("slug")
    )
    grouped, uncovered = scope.by_policy(
        [scope.Client(o.slug, o.plan) for o in organizations], work.policy.slug, scopes()
    )
    by_slug = {o.slug: o for o in organizations}
    others = {w.policy.slug: w for w in work.other_work_types.select_related("policy__calendar")}
    found = []
    for slug, clients in grouped.items():
        if slug == work.policy.slug:
            policy, work_type = work.policy, work.work_type
        else:
            policy = Policy.objects.select_related("calendar").get(slug=slug)
            work_type = (
                others.get(slug) or policy.work_types.filter(slug=work.work_type.slug).first()
            )
            if work_type is None:
                names = ", ".join(c.slug for c in clients)
                known = ", ".join(policy.work_types.values_list("slug", flat=True))
                raise ValidationError(
                    {
                        "other_work_types": f"{names} fall(s) under policy {slug}: name the work "
                        f"type of this work under it ({known})."
                    }
                )
        found.append(
            Group(policy, work_type, [by_slug[c.slug] for c in clients], slug == work.policy.slug)
        )
    return found, [by_slug[c.slug] for c in uncovered]


class PolicyAt:
    """A policy's rules as they stand at an instant: each window is checked against the
    version in force when it starts (the contract in force when the work happens; see
    ``policies.models.PolicyVersion``). One query for the versions, rules built once each."""

    def __init__(self, policy: Policy):
        self.policy = policy
        self.versions = list(policy.versions.all())
        self.built: dict[tuple[int, ...], object] = {}

    def rules(self, at: dt.datetime):
        key = tuple(v.pk for v in self.versions if v.effective_from <= at)
        if key not in self.built:
            try:
                self.built[key] = self.policy.to_rules(at, versions=self.versions)
            except PolicyError as error:
                raise ValidationError(
                    {"policy": f"Policy {self.policy.slug} needs correcting: {error}"}
                ) from None
        return self.built[key]


def check_work(
    work: PlannedWork,
    windows: Iterable[Window],
    *,
    now: dt.datetime,
    statuses: dict[int, str],
) -> WorkCheck:
    """Each window of ``windows`` against every group's policy; ``statuses`` maps each affected
    component's id to the status it takes during the window."""
    found_groups, uncovered = groups(work, statuses)
    slugs = list(work.affected.values_list("component__slug", flat=True))
    regions = regions_of(slugs)
    impact = impact_of(statuses.values())
    stated = contents(work)
    prepared = [
        (group, PolicyAt(group.policy), calendar_engine(group.policy.calendar, "policy"))
        for group in found_groups
    ]
    checked = []
    for window in windows:
        results = []
        for group, policy_at, calendar in prepared:
            rules = policy_at.rules(window.start)
            try:
                result = check(
                    rules,
                    group.work_type.slug,
                    window.start,
                    window.end,
                    calendar=calendar,
                    now=now,
                    regions=regions,
                    risk=work.risk,
                    on_site=work.on_site,
                    shutdown=work.shutdown,
                    impact=impact,
                    validated_on_test_environment=work.validated_on_test_environment,
                    contents=stated,
                )
            except PolicyError as error:
                raise ValidationError({error.field: str(error)}) from None
            except (ValueError, OverflowError) as error:  # the engine: no opening, a year too far
                field = "policy" if "never opens" in str(error) else "start"
                raise ValidationError({field: str(error)}) from None
            results.append(PolicyCheck(group, result))
        checked.append(WindowCheck(window, results))
    return WorkCheck(checked, uncovered, found_groups)
