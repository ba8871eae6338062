"""Changing policies and work types: validate, save and record, one transaction each; and
loading the seed presets (idempotently) with their calendars."""

from django.db import transaction

from forewarn.calendars import services as calendar_services
from forewarn.calendars.models import Calendar
from forewarn.record import services as record
from forewarn.record.kinds import Kind
from forewarn.record.services import changes, snapshot

from .models import Policy, WorkType
from .presets import CALENDAR_PRESETS, PRESETS

POLICY_FIELDS = (
    "slug",
    "name",
    "calendar",
    "description",
    "source",
    "applies_to_plans",
    "fallback",
)
WORK_TYPE_FIELDS = tuple(
    f.name
    for f in WorkType._meta.get_fields()
    if f.concrete and f.name not in ("id", "policy", "updated_at")
)


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


def _policy_snapshot(policy: Policy) -> dict:
    found = snapshot(policy, POLICY_FIELDS)
    found["applies_to_organizations"] = sorted(
        policy.applies_to_organizations.values_list("slug", flat=True)
    )
    return found


def _fields(diff: dict) -> str:
    return "changed " + ", ".join(diff)
