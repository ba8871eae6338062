"""Changing policies and work types: validate, save and record, one transaction each; and
loading the seed presets (idempotently) with their calendars."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from forewarn import limits
from forewarn.calendars import services as calendar_services
from forewarn.calendars.definitions import FIRST_YEAR, LAST_YEAR
from forewarn.calendars.models import Calendar
from forewarn.record import services as record
from forewarn.record.kinds import Kind
from forewarn.record.services import changes, snapshot

from . import versions
from .models import WORK_TYPE_FIELDS, Policy, PolicyVersion, WorkType
from .presets import CALENDAR_PRESETS, PRESETS
from .rules import PolicyError

POLICY_FIELDS = (
    "slug",
    "name",
    "calendar",
    "description",
    "source",
    "applies_to_plans",
    "fallback",
)
# A version may change every field of a work type but the slug it is known by.
VERSION_FIELDS = tuple(f for f in WORK_TYPE_FIELDS if f != "slug")


@transaction.atomic
def save_policy(policy: Policy, *, actor: str, organizations=None) -> Policy:
    """Validate and save `policy` and the `organizations` it is limited to (None: keep them);
    record "policy.created" or "policy.changed" with the fields that changed (nothing is
    written when nothing changed). Raises ValidationError when invalid."""
    policy.full_clean()
    created = policy.pk is None
    before = {} if created else _policy_snapshot(Policy.objects.get(pk=policy.pk))
    after = snapshot(policy, POLICY_FIELDS)
    if organizations is not None:
        organizations = list(organizations)
        after["applies_to_organizations"] = sorted(o.slug for o in organizations)
    elif not created:
        after["applies_to_organizations"] = before["applies_to_organizations"]
    diff = changes(before, after)
    if not created and not diff:
        return policy
    policy.save()
    if organizations is not None:
        policy.applies_to_organizations.set(organizations)
    record.append(
        Kind.POLICY_CREATED if created else Kind.POLICY_CHANGED,
        subject=policy,
        actor=actor,
        description=f"Policy {policy.slug}: {'created' if created else _fields(diff)}",
        details={"changes": diff},
    )
    return policy


@transaction.atomic
def save_work_type(work_type: WorkType, *, actor: str) -> WorkType:
    """Validate and save `work_type`; record "work_type.created" or "work_type.changed"
    against its policy, with the fields that changed."""
    work_type.full_clean()
    created = work_type.pk is None
    before = {} if created else snapshot(WorkType.objects.get(pk=work_type.pk), WORK_TYPE_FIELDS)
    diff = changes(before, snapshot(work_type, WORK_TYPE_FIELDS))
    if not created and not diff:
        return work_type
    work_type.save()
    record.append(
        Kind.WORK_TYPE_CREATED if created else Kind.WORK_TYPE_CHANGED,
        subject=work_type.policy,
        actor=actor,
        description=(
            f"Work type {work_type.policy.slug}/{work_type.slug}: "
            f"{'created' if created else _fields(diff)}"
        ),
        details={"work_type": work_type.slug, "changes": diff},
    )
    return work_type


@transaction.atomic
def delete_work_type(work_type: WorkType, *, actor: str) -> None:
    """Delete `work_type`, recording what it was."""
    record.append(
        Kind.WORK_TYPE_DELETED,
        subject=work_type.policy,
        actor=actor,
        description=f"Work type {work_type.policy.slug}/{work_type.slug}: deleted",
        details={"work_type": work_type.slug, "was": snapshot(work_type, WORK_TYPE_FIELDS)},
    )
    work_type.delete()


@transaction.atomic
def load_calendar_presets(*, actor: str = "system") -> dict[str, Calendar]:
    """Create or update the calendars of ``presets.CALENDAR_PRESETS``; return them by slug."""
    found = {}
    for slug, definition in CALENDAR_PRESETS.items():
        calendar = Calendar.objects.filter(slug=slug).first() or Calendar(slug=slug)
        for field, value in definition.items():
            setattr(calendar, field, value)
        found[slug] = calendar_services.save_calendar(calendar, actor=actor)
    return found


@transaction.atomic
def load_presets(*, actor: str = "system") -> list[Policy]:
    """Create or update the five seed policies (and their calendars) as ``presets`` has them.

    Loading twice changes nothing the second time: the same rows, no new record events.
    Work types an operator added to a preset policy are left alone.
    """
    calendars = load_calendar_presets(actor=actor)
    loaded = []
    for slug, preset in PRESETS.items():
        policy = Policy.objects.filter(slug=slug).first() or Policy(slug=slug)
        policy.name = preset.name
        policy.calendar = calendars[preset.calendar_slug]
        policy.source = preset.source
        save_policy(policy, actor=actor)
        for position, rules_work_type in enumerate(preset.work_types):
            work_type = policy.work_types.filter(slug=rules_work_type.slug).first() or WorkType(
                policy=policy
            )
            for field, value in WorkType.fields_from_rules(rules_work_type).items():
                setattr(work_type, field, value)
            work_type.position = position
            save_work_type(work_type, actor=actor)
        loaded.append(policy)
    return loaded


@transaction.atomic
def publish_policy_version(
    policy: Policy,
    *,
    actor: str,
    label: str,
    effective_from: dt.datetime,
    summary: str,
    work_types: Mapping[str, Mapping[str, Any]],
) -> PolicyVersion:
    """Publish a new version of ``policy`` from ``effective_from`` (now or later, after its
    latest version): ``work_types`` maps a work type's slug to the fields that change
    (model field names; ``default_duration`` a timedelta). The version keeps each changed
    work type whole, as it will be; planned work is checked against the version in force when
    its window starts. The contacts of the organizations the policy applies to are told once
    (``versions.notify``) and the publication is recorded ("policy_version.published").

    Bad input raises ValidationError naming the field (``label``, ``effective_from``,
    ``summary``, ``work_types`` or ``work_types.<slug>.<field>``); nothing is saved.
    """
    policy = Policy.objects.select_for_update().select_related("calendar").get(pk=policy.pk)
    label = (label or "").strip()
    if not label or len(label) > 50:
        raise ValidationError({"label": "Give a label of at most 50 characters, e.g. 2027.1."})
    summary = (summary or "").strip()
    if not summary or len(summary) > limits.TEXT:
        raise ValidationError(
            {"summary": f"Say what changes and why, in at most {limits.TEXT} characters."}
        )
    effective_from = _effective_from(policy, effective_from)
    if PolicyVersion.objects.filter(policy=policy, label=label).exists():
        raise ValidationError({"label": f"{policy.slug} has a version {label} already."})
    before = {w.slug: w for w in policy.work_types_at(effective_from)}
    kept, diff = _changed_work_types(policy, before, work_types)
    now = timezone.now()
    try:
        with transaction.atomic():
            version = PolicyVersion.objects.create(
                policy=policy,
                label=label,
                effective_from=effective_from,
                summary=summary,
                work_types=kept,
                changes=diff,
                published_at=now,
                created_by=actor,
            )
    except IntegrityError:
        raise ValidationError(
            {"label": f"{policy.slug} has a version {label} or one from that instant."}
        ) from None
    version.told = versions.audience(policy)
    if version.told:
        version.notice = versions.notify(version, version.told, before, now=now, actor=actor)
    version.save(update_fields=["told", "notice"])
    version.record(
        Kind.POLICY_VERSION_PUBLISHED,
        actor=actor,
        description=(
            f"{policy.slug} {label} from {effective_from.isoformat()}: {', '.join(diff)} changed."
        ),
        details={
            "policy": policy.slug,
            "label": label,
            "effective_from": effective_from.isoformat(),
            "changes": diff,
            "told": version.told,
            "notice": version.notice.key if version.notice_id else None,
        },
    )
    return version


def _effective_from(policy: Policy, value: Any) -> dt.datetime:
    if not isinstance(value, dt.datetime) or value.utcoffset() is None:
        raise ValidationError({"effective_from": "Give a date and time with a UTC offset."})
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            {"effective_from": f"Give a time in the years {FIRST_YEAR}–{LAST_YEAR}."}
        )
    if value < timezone.now() - dt.timedelta(minutes=1):
        raise ValidationError(
            {
                "effective_from": "A new version takes effect now or later, not in the past: "
                "work already announced keeps the rules it was announced under."
            }
        )
    latest = policy.versions.order_by("-effective_from").first()
    if latest is not None and value <= latest.effective_from:
        raise ValidationError(
            {
                "effective_from": f"Take effect after {policy.slug} {latest.label} "
                f"({latest.effective_from.isoformat()}): versions follow one another."
            }
        )
    return value


def _changed_work_types(
    policy: Policy, before: dict[str, WorkType], work_types: Mapping[str, Mapping[str, Any]]
) -> tuple[list[dict], dict[str, dict]]:
    """Each changed work type as JSON, whole, and what changed in each."""
    if not isinstance(work_types, Mapping) or not work_types:
        raise ValidationError(
            {"work_types": 'Name the work types that change: {"maintenance": {…}}.'}
        )
    if len(work_types) > limits.RANGES:
        raise ValidationError({"work_types": f"Change at most {limits.RANGES} work types."})
    kept, diff = [], {}
    for slug, fields in work_types.items():
        old = before.get(slug)
        if old is None:
            raise ValidationError(
                {
                    "work_types": f"Policy {policy.slug} has no work type {slug!r}; use one of "
                    f"{', '.join(sorted(before)) or 'none'}."
                }
            )
        unknown = sorted(set(fields or {}) - set(VERSION_FIELDS))
        if unknown:
            raise ValidationError(
                {f"work_types.{slug}": f"{unknown[0]!r} is not a field a version may change."}
            )
        new = WorkType(policy=policy, **{f: getattr(old, f) for f in WORK_TYPE_FIELDS})
        for field, value in (fields or {}).items():
            setattr(new, field, value)
        try:
            new.clean_fields(exclude=["policy"])
            new.clean()
            new.to_rules()
        except ValidationError as error:
            raise ValidationError(
                {f"work_types.{slug}.{f}": m for f, m in error.message_dict.items()}
            ) from None
        except PolicyError as error:
            raise ValidationError({f"work_types.{slug}.{error.field}": str(error)}) from None
        after = snapshot(new, WORK_TYPE_FIELDS)
        changed = changes(snapshot(old, WORK_TYPE_FIELDS), after)
        if not changed:
            raise ValidationError({f"work_types.{slug}": "This changes nothing in the work type."})
        kept.append(after)
        diff[slug] = changed
    return kept, diff


def _policy_snapshot(policy: Policy) -> dict:
    found = snapshot(policy, POLICY_FIELDS)
    found["applies_to_organizations"] = sorted(
        policy.applies_to_organizations.values_list("slug", flat=True)
    )
    return found


def _fields(diff: dict) -> str:
    return "changed " + ", ".join(diff)
