"""Who hears of a new notice-policy version, and what they are told (seed 002: "changes in
service policies … are notified by email").

A policy limited to organizations or plans applies to those; an unlimited one to every
organization no limited policy of its family takes (``planned.scope``: the same rule that
picks each organization's policy for planned work). Their authorized contacts get one notice
through the outbox (key ``policy_version:<id>``), saying which work types change, how, and
from when.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from forewarn.catalog.models import Organization
from forewarn.delivery.models import Audience, Notice
from forewarn.delivery.outbox import queue_notice
from forewarn.planned import scope

from .models import Policy, PolicyVersion, WorkType, work_type_from_json

# How the notice names a changed field; the notice rule's four fields read as one line.
NOTICE_FIELDS = ("notice_unit", "notice_amount", "notice_where_possible")


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


def audience(policy: Policy) -> list[int]:
    """The ids of the organizations ``policy`` applies to."""
    known = scopes()
    return sorted(
        pk
        for pk, slug, plan in Organization.objects.values_list("pk", "slug", "plan")
        if scope.policy_for(scope.Client(slug, plan or ""), policy.slug, known) == policy.slug
    )


def _label(field: str) -> str:
    return str(WorkType._meta.get_field(field).verbose_name)


def changed_lines(version: PolicyVersion, before: dict[str, WorkType]) -> list[str]:
    """One Markdown line per change: "Maintenance — notice: 15 business days → 20 business
    days"."""
    lines = []
    for fields in version.work_types:
        after = work_type_from_json(version.policy, fields)
        diff = version.changes.get(after.slug, {})
        old = before.get(after.slug)
        parts = []
        if any(f in diff for f in NOTICE_FIELDS) and old is not None:
            parts.append(f"notice: {old.notice_text} → {after.notice_text}")
        parts += [
            f"{_label(field)}: {_shown(field, change['from'])} → {_shown(field, change['to'])}"
            for field, change in diff.items()
            if field not in NOTICE_FIELDS and not field.endswith("source")
        ]
        if any(field.endswith("source") for field in diff):
            parts.append("source text updated")
        lines.append(f"- **{after.name}**: {'; '.join(parts)}")
    return lines


def _shown(field: str, value) -> str:
    if value is None or value == "":
        return "none"
    if field == "default_duration":  # kept in minutes
        return f"{value:g} min"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def notify(
    version: PolicyVersion,
    organizations: list[int],
    before: dict[str, WorkType],
    *,
    now: datetime,
    actor: str,
) -> Notice:
    """The notice of ``version`` to the contacts of ``organizations``, once."""
    policy = version.policy
    zone = ZoneInfo(policy.calendar.time_zone)
    local = version.effective_from.astimezone(zone)
    body = "\n".join(
        [
            f"Our notice policy **{policy.name}** changes: version {version.label} applies to "
            f"work from {local:%a %d %b %Y %H:%M} ({policy.calendar.time_zone}). Work before "
            "then keeps the notice you were promised.",
            "",
            *changed_lines(version, before),
            "",
            version.summary,
        ]
    )
    return queue_notice(
        key=f"policy_version:{version.pk}",
        thread_key=f"policy_version:{version.pk}",
        kind="announcement.policies",
        subject=f"{policy.name}: notice policy version {version.label}",
        body=body,
        audience=Audience.CONTACTS,
        organizations=organizations,
        due_at=now,
        event_times={"effective": version.effective_from},
        created_by=actor,
    )
