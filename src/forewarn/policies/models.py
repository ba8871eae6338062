"""Notice policies as operators keep them; ``to_rules()`` hands them to the pure ``rules``.

A ``Policy`` has ``WorkType`` rows: the notice each needs (unit, amount, where possible),
its default duration, where its window may fall, which notices go out (structured JSON,
checked against ``rules.NoticeSpec``) and whether an override is allowed (docs/product.md S3).
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator
from django.db import models
from django.utils.dateparse import parse_duration

from forewarn import limits
from forewarn.calendars.models import Calendar
from forewarn.catalog.models import Organization
from forewarn.delivery.models import Notice
from forewarn.record.subjects import RecordedSubject

from . import rules
from .rules import (
    Content,
    NoticeChannel,
    NoticeKind,
    NoticeSpec,
    NoticeUnit,
    Placement,
    PolicyError,
)

NO_NOTICE = "none"
# Longer windows are not planned work; the validator's search grows with a window's length.
LONGEST_WINDOW = dt.timedelta(days=92)


# How the console names each of ``rules.NoticeUnit``; a unit without a label fails at import.
UNIT_LABELS = {
    NoticeUnit.CALENDAR_DAYS: "Calendar days before the start",
    NoticeUnit.WEEKS: "Weeks before the start",
    NoticeUnit.HOURS: "Hours before the start (elapsed time)",
    NoticeUnit.BUSINESS_DAYS: "Business (working) days before the start",
    NoticeUnit.BUSINESS_HOURS: "Business hours before the start",
    NoticeUnit.AFTER_COMPLETION: "After completion",
    NoticeUnit.ON_RELEASE: "On release",
    NoticeUnit.ASAP: "As soon as possible (no minimum)",
}
# The S2 notice units, plus "none" for work that is never announced.
NoticeUnitChoice = models.TextChoices(
    "NoticeUnitChoice",
    [
        ("NONE", (NO_NOTICE, "No notice (so no customer impact is allowed)")),
        *((unit.name, (unit.value, UNIT_LABELS[unit])) for unit in NoticeUnit),
    ],
)


class Requirement(models.TextChoices):
    NO = "no", "Not required"
    REQUIRED = "required", "Required"
    WHERE_POSSIBLE = "where_possible", "Where possible (a warning, overridable)"


# Model field of each placement rule; its quoted source is in ``<field>_source``.
PLACEMENT_FIELDS = {
    Placement.OUTSIDE_PEAK_HOURS: "outside_peak_hours",
    Placement.HIGH_RISK_OUTSIDE_BUSINESS_HOURS: "high_risk_outside_business_hours",
    Placement.ON_SITE_INSIDE_WORKING_HOURS: "on_site_inside_working_hours",
}
NOTICE_KEYS = (
    "kind",
    "offsets",
    "channels",
    "must_include",
    "only_if_interrupting",
    "condition",
    "source",
)
NOTICES_HELP = (
    "The notices sent, one object each: "
    '{"kind": "announcement", "channels": ["email", "status_page"], "must_include": '
    '["scheduled_time", "expected_impact"]}. kind: '
    + ", ".join(k.value for k in NoticeKind)
    + '. offsets (reminders): ISO 8601 durations before the start, e.g. ["P3D", "PT15M"]. '
    "channels: "
    + ", ".join(c.value for c in NoticeChannel)
    + ". must_include: "
    + ", ".join(c.name.lower() for c in Content)
    + ". Optional: only_if_interrupting, condition, source."
)


class Policy(models.Model):
    """A provider's notice policy: its work types, counted in one business calendar."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    calendar = models.ForeignKey(
        Calendar,
        on_delete=models.PROTECT,
        related_name="policies",
        help_text="Business days and hours of notice periods are counted in this calendar.",
    )
    description = models.TextField(
        blank=True, max_length=limits.TEXT, validators=[MaxLengthValidator(limits.TEXT)]
    )
    source = models.CharField(
        max_length=300, blank=True, help_text="The document the rules come from."
    )
    applies_to_organizations = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="policies",
        help_text="Limit the policy to these organizations (none: not limited by name).",
    )
    applies_to_plans = models.JSONField(
        default=list,
        blank=True,
        help_text='Limit the policy to organizations on these plans, e.g. ["Enterprise"] '
        "(seed 003); empty: not limited by plan.",
    )
    fallback = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="limited_policies",
        help_text="The policy for the organizations a limited policy does not apply to.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Plans are a short list of names; a fallback never leads back to this policy."""
        plans = self.applies_to_plans
        if not isinstance(plans, list) or not all(
            isinstance(p, str) and 0 < len(p.strip()) <= 100 for p in plans
        ):
            raise ValidationError({"applies_to_plans": "Give a list of plan names."})
        if len(plans) > limits.RANGES:
            raise ValidationError(
                {"applies_to_plans": f"Give at most {limits.RANGES} plans, not {len(plans)}."}
            )
        seen, step = {self.pk}, self.fallback
        while step is not None:
            if step.pk in seen:
                raise ValidationError(
                    {"fallback": f"Falling back to {self.fallback.slug} leads back to {self.slug}."}
                )
            seen.add(step.pk)
            step = step.fallback

    def to_rules(
        self, at: dt.datetime | None = None, *, versions: Sequence["PolicyVersion"] | None = None
    ) -> rules.Policy:
        """This policy as the pure ``rules.Policy`` the validator takes, as it stands at
        ``at``: each work type as the latest version in force then has it (``PolicyVersion``),
        the rest as the work type rows have them. ``at=None``: the rows, no version.
        ``versions``: the policy's versions when the caller has them already (any order)."""
        return rules.Policy(
            slug=self.slug,
            name=self.name,
            work_types=tuple(w.to_rules() for w in self.work_types_at(at, versions=versions)),
            calendar_slug=self.calendar.slug,
            time_zone=self.calendar.time_zone,
            source=self.source,
        )

    def work_types_at(
        self, at: dt.datetime | None, *, versions: Sequence["PolicyVersion"] | None = None
    ) -> list["WorkType"]:
        """The work types in force at ``at`` (unsaved copies for those a version has)."""
        rows = list(self.work_types.all())
        if at is None:
            return rows
        if versions is None:
            versions = self.versions.filter(effective_from__lte=at)
        in_force = sorted(
            (v for v in versions if v.effective_from <= at), key=lambda v: v.effective_from
        )
        versioned: dict[str, WorkType] = {}
        for version in in_force:  # later versions overwrite earlier ones
            versioned.update({w.slug: w for w in version.work_type_rows()})
        found = [versioned.pop(w.slug, w) for w in rows]
        return found + sorted(versioned.values(), key=lambda w: (w.position, w.slug))


class WorkType(models.Model):
    """One kind of work under a policy and its rules (S3)."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="work_types")
    slug = models.SlugField()
    name = models.CharField(max_length=200)
    position = models.PositiveIntegerField(
        default=0, validators=[MaxValueValidator(limits.POSITION)]
    )
    notice_unit = models.CharField(
        max_length=20, choices=NoticeUnitChoice.choices, default=NoticeUnitChoice.BUSINESS_DAYS
    )
    notice_amount = models.PositiveIntegerField(
        default=0,
        validators=[MaxValueValidator(1_000)],
        help_text="How many units; 0 for after completion, on release and asap.",
    )
    notice_where_possible = models.BooleanField(
        default=False,
        help_text='A soft promise ("strives", "where possible"): too little notice is a '
        "warning that an operator may justify, not an error.",
    )
    notice_source = models.TextField(
        blank=True,
        max_length=limits.TEXT,
        validators=[MaxLengthValidator(limits.TEXT)],
        help_text="The sentence the notice comes from.",
    )
    default_duration = models.DurationField(
        null=True, blank=True, help_text="Used when work of this type is given no end."
    )
    outside_peak_hours = models.CharField(
        max_length=16,
        choices=Requirement.choices,
        default=Requirement.NO,
        verbose_name="outside the regions' peak hours",
    )
    outside_peak_hours_source = models.TextField(
        blank=True, max_length=limits.TEXT, validators=[MaxLengthValidator(limits.TEXT)]
    )
    high_risk_outside_business_hours = models.CharField(
        max_length=16,
        choices=Requirement.choices,
        default=Requirement.NO,
        verbose_name="high-risk work outside business hours",
    )
    high_risk_outside_business_hours_source = models.TextField(
        blank=True, max_length=limits.TEXT, validators=[MaxLengthValidator(limits.TEXT)]
    )
    on_site_inside_working_hours = models.CharField(
        max_length=16,
        choices=Requirement.choices,
        default=Requirement.NO,
        verbose_name="on-site visits inside working hours",
    )
    on_site_inside_working_hours_source = models.TextField(
        blank=True, max_length=limits.TEXT, validators=[MaxLengthValidator(limits.TEXT)]
    )
    notices = models.JSONField(default=list, blank=True, help_text=NOTICES_HELP)
    override_allowed = models.BooleanField(
        default=True,
        help_text="Whether an admin may publish despite a violation, with a written justification.",
    )
    publishes_status = models.BooleanField(
        default=False, help_text="The status page shows the work when it begins and ends."
    )
    requires_validation_on_test_environment = models.BooleanField(
        default=False, help_text="Seed 004: validated on a test version before distribution."
    )
    source = models.TextField(
        blank=True,
        max_length=limits.TEXT,
        validators=[MaxLengthValidator(limits.TEXT)],
        help_text="Where this work type comes from.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["policy", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "slug"], name="work_type_slug_per_policy")
        ]

    def __str__(self) -> str:
        return f"{self.policy.slug} / {self.name}" if self.policy_id else self.name

    @property
    def notice_text(self) -> str:
        """How the notice reads: "3 business days", "as soon as possible", "no notice"."""
        try:
            rule = self.notice_rule()
        except PolicyError:
            return "to correct"
        return str(rule) if rule else "no notice"

    def notice_rule(self) -> rules.NoticeRule | None:
        if self.notice_unit == NO_NOTICE:
            return None
        return rules.NoticeRule(
            self.notice_unit, self.notice_amount, self.notice_where_possible, self.notice_source
        )

    def to_rules(self) -> rules.WorkType:
        """This work type as the pure ``rules.WorkType``; bad values raise ``PolicyError``."""
        placement = tuple(
            rules.PlacementRule(
                kind,
                getattr(self, field) == Requirement.WHERE_POSSIBLE,
                getattr(self, f"{field}_source"),
            )
            for kind, field in PLACEMENT_FIELDS.items()
            if getattr(self, field) != Requirement.NO
        )
        return rules.WorkType(
            slug=self.slug,
            name=self.name,
            notice=self.notice_rule(),
            default_duration=self.default_duration,
            placement=placement,
            notices=notice_specs(self.notices),
            override_allowed=self.override_allowed,
            publishes_status=self.publishes_status,
            requires_validation_on_test_environment=self.requires_validation_on_test_environment,
            source=self.source,
        )

    def clean(self) -> None:
        """Check the notice rule and the notices as the validator will read them."""
        errors = {}
        try:
            self.notice_rule()
        except PolicyError as error:
            errors["notice_amount" if error.field == "amount" else "notice_unit"] = str(error)
        try:
            notice_specs(self.notices)
        except PolicyError as error:
            errors["notices"] = str(error)
        if self.default_duration is not None and not (
            dt.timedelta(0) < self.default_duration <= LONGEST_WINDOW
        ):
            errors["default_duration"] = (
                f"Give a positive duration of at most {LONGEST_WINDOW.days} days, or leave it empty."
            )
        if errors:
            raise ValidationError(errors)

    @classmethod
    def fields_from_rules(cls, work_type: rules.WorkType) -> dict[str, Any]:
        """The model fields that store `work_type`; ``to_rules()`` gives it back unchanged."""
        notice = work_type.notice
        fields = {
            "slug": work_type.slug,
            "name": work_type.name,
            "notice_unit": notice.unit.value if notice else NO_NOTICE,
            "notice_amount": notice.amount if notice else 0,
            "notice_where_possible": notice.where_possible if notice else False,
            "notice_source": notice.source if notice else "",
            "default_duration": work_type.default_duration,
            "notices": [notice_json(spec) for spec in work_type.notices],
            "override_allowed": work_type.override_allowed,
            "publishes_status": work_type.publishes_status,
            "requires_validation_on_test_environment": (
                work_type.requires_validation_on_test_environment
            ),
            "source": work_type.source,
        }
        for kind, field in PLACEMENT_FIELDS.items():
            rule = work_type.placement_rule(kind)
            fields[field] = (
                Requirement.NO
                if rule is None
                else Requirement.WHERE_POSSIBLE
                if rule.where_possible
                else Requirement.REQUIRED
            )
            fields[f"{field}_source"] = rule.source if rule else ""
        return fields


# The fields of a work type that make its rules: what a policy version keeps of each.
WORK_TYPE_FIELDS = tuple(
    f.name for f in WorkType._meta.local_fields if f.name not in ("id", "policy", "updated_at")
)


class PolicyVersion(RecordedSubject, models.Model):
    """A new version of a notice policy from an effective date (seed 001 §8 "reserves the
    right to update", seed 002: changes in service policies are notified by email).

    It keeps, immutably, the rules of each work type it changes as they will be
    (``work_types``: the fields of ``WORK_TYPE_FIELDS``, durations in minutes). Planned work
    is checked against the version in force when its window starts: the contract in force
    when the work happens (``Policy.to_rules(at)``). Publishing one tells the authorized
    contacts of the organizations the policy applies to (``services.publish_policy_version``).
    """

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="versions")
    label = models.CharField(max_length=50, help_text="As the customers know it: 2027.1")
    effective_from = models.DateTimeField()
    summary = models.TextField(
        max_length=limits.TEXT,
        validators=[MaxLengthValidator(limits.TEXT)],
        help_text="What changes and why, in Markdown; the notice quotes it.",
    )
    work_types = models.JSONField(
        default=list, help_text="The work types this version changes, each as it will be."
    )
    changes = models.JSONField(
        default=dict, help_text='{work type: {field: {"from": …, "to": …}}}, as published.'
    )
    told = models.JSONField(default=list, blank=True, help_text="The organizations told (ids).")
    notice = models.ForeignKey(
        Notice, null=True, blank=True, on_delete=models.PROTECT, related_name="policy_versions"
    )
    published_at = models.DateTimeField()
    created_by = models.CharField(max_length=200)

    REF_PREFIX = "policy_version"

    class Meta:
        ordering = ["policy", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "effective_from"], name="one_policy_version_per_instant"
            ),
            models.UniqueConstraint(fields=["policy", "label"], name="one_policy_version_label"),
        ]

    def __str__(self) -> str:
        return f"{self.policy.slug} {self.label}" if self.policy_id else self.label

    def work_type_rows(self) -> list[WorkType]:
        """The work types of this version as unsaved ``WorkType`` rows (``to_rules()`` works)."""
        return [work_type_from_json(self.policy, fields) for fields in self.work_types]


def work_type_from_json(policy: Policy, fields: dict[str, Any]) -> WorkType:
    """A work type kept as JSON (``record.services.snapshot``: durations in minutes)."""
    values = {k: v for k, v in fields.items() if k in WORK_TYPE_FIELDS}
    minutes = values.get("default_duration")
    values["default_duration"] = None if minutes is None else dt.timedelta(minutes=minutes)
    return WorkType(policy=policy, **values)


class NoticeCheckPage(Policy):
    """No data of its own: puts "Check a window" on the console's index, next to the policies."""

    class Meta:
        proxy = True
        verbose_name = "check a window"
        verbose_name_plural = "check a window"


# --- notices as JSON -------------------------------------------------------------------------


def notice_specs(value: Any) -> tuple[NoticeSpec, ...]:
    """Parse the ``notices`` JSON; a ``PolicyError`` says which notice and what is wrong."""
    if not isinstance(value, list):
        raise PolicyError("notices", 'Give a list of notices such as [{"kind": "announcement"}].')
    if len(value) > limits.RANGES:
        raise PolicyError("notices", f"Give at most {limits.RANGES} notices, not {len(value)}.")
    return tuple(_notice_spec(n, item) for n, item in enumerate(value, 1))


def notice_json(spec: NoticeSpec) -> dict[str, Any]:
    """A notice as stored: its kind and whatever differs from the defaults."""
    found: dict[str, Any] = {"kind": spec.kind.value}
    if spec.offsets:
        found["offsets"] = [iso_duration(offset) for offset in spec.offsets]
    if spec.channels != (NoticeChannel.EMAIL,):
        found["channels"] = [channel.value for channel in spec.channels]
    if spec.must_include:
        found["must_include"] = [content.name.lower() for content in spec.must_include]
    if spec.only_if_interrupting:
        found["only_if_interrupting"] = True
    if spec.condition:
        found["condition"] = spec.condition
    if spec.source:
        found["source"] = spec.source
    return found


def iso_duration(d: dt.timedelta) -> str:
    """P3D, PT15M, P1DT2H30M."""
    minutes, seconds = divmod(int(d.total_seconds()), 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    clock = "".join(f"{n}{unit}" for n, unit in [(hours, "H"), (minutes, "M"), (seconds, "S")] if n)
    return f"P{f'{days}D' if days else ''}{f'T{clock}' if clock else ''}" if d else "PT0S"


def _notice_spec(n: int, item: Any) -> NoticeSpec:
    where = f"Notice {n}"
    if not isinstance(item, dict):
        raise PolicyError(
            "notices", f'{where} must be an object such as {{"kind": "announcement"}}.'
        )
    unknown = sorted(set(item) - set(NOTICE_KEYS))
    if unknown:
        raise PolicyError(
            "notices", f"{where}: unknown key {unknown[0]!r}; use {', '.join(NOTICE_KEYS)}."
        )
    if "kind" not in item:
        raise PolicyError("notices", f"{where} needs a kind.")
    for key in ("condition", "source"):
        if len(str(item.get(key, ""))) > limits.TEXT:
            raise PolicyError(
                "notices", f"{where}: {key} may have at most {limits.TEXT} characters."
            )
    offsets = []
    for text in _strings(item.get("offsets", []), where, "offsets"):
        offset = parse_duration(text)
        if offset is None:
            raise PolicyError(
                "notices",
                f"{where}: offset {text!r} is not an ISO 8601 duration such as P3D or PT15M.",
            )
        offsets.append(offset)
    contents = []
    for name in _strings(item.get("must_include", []), where, "must_include"):
        content = Content.__members__.get(name.upper()) or next(
            (c for c in Content if c.value == name), None
        )
        if content is None:
            known = ", ".join(c.name.lower() for c in Content)
            raise PolicyError("notices", f"{where}: must_include {name!r} is not one of {known}.")
        contents.append(content)
    try:
        return NoticeSpec(
            kind=item["kind"],
            offsets=tuple(offsets),
            channels=tuple(
                rules.parse_choice(NoticeChannel, c, "channels")
                for c in _strings(item.get("channels", ["email"]), where, "channels")
            ),
            must_include=tuple(contents),
            only_if_interrupting=_flag(item.get("only_if_interrupting", False), where),
            condition=str(item.get("condition", "")),
            source=str(item.get("source", "")),
        )
    except PolicyError as error:
        raise PolicyError("notices", f"{where}: {error}") from None


def _strings(value: Any, where: str, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PolicyError("notices", f"{where}: {key} must be a list of texts.")
    return value


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise PolicyError("notices", f"{where}: only_if_interrupting must be true or false.")
    return value
