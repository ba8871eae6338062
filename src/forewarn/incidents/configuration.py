"""What an admin sets up for incidents: cadence policies, escalation rules and contacts, templates.

One transaction each: the admin role is checked, the row is validated as a whole
(``full_clean``: bad input changes nothing), saved, and the change recorded with the
fields that changed. Chat webhook URLs follow the delivery rules for webhooks
(https; http only to this machine where allowed).
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from forewarn.catalog.models import Component
from forewarn.delivery.operators import webhook_url
from forewarn.record.kinds import Kind
from forewarn.record.services import append, changes, snapshot

from . import guards
from .access import Action
from .models import CadencePolicy, EscalationContact, EscalationSettings, IncidentTemplate
from .priorities import Priority

POLICY_FIELDS = (
    "priority",
    "interval_minutes",
    "clock",
    "calendar",
    "escalation",
    "is_public_by_default",
    "reminder_minutes",
)
SETTINGS_FIELDS = (
    "tier_2_after_overdue",
    "executive_after_overdue",
    "executive_above_components",
    "responder_chat_webhook",
)
CONTACT_FIELDS = ("tier", "user", "email", "chat_webhook_url", "note")
# Credentials (whoever holds one posts to the channel): the record says they changed, not to what.
WEBHOOKS = ("responder_chat_webhook", "chat_webhook_url")
TEMPLATE_FIELDS = ("name", "title", "body", "priority", "component_status")


def _before(model, obj, fields) -> dict:
    if obj.pk is None:
        return {}
    saved = model.objects.filter(pk=obj.pk).first()
    return snapshot(saved, fields) if saved else {}


def chat_webhook(value: str, field: str) -> str:
    """A chat webhook URL as delivery accepts one; ValidationError naming ``field`` otherwise."""
    if not value:
        return value
    try:
        return webhook_url(value)
    except ValidationError as error:
        raise ValidationError({field: error.message_dict["url"]}) from None


def _hook(obj, field: str) -> None:
    setattr(obj, field, chat_webhook(getattr(obj, field), field))


@transaction.atomic
def load_seed_policies(*, actor: str = "system") -> list[CadencePolicy]:
    """Give every priority without a cadence policy seed 001's; an admin's rows are kept.

    The first migration does the same; this is for databases emptied since (tests, demo).
    """
    found = []
    for priority in Priority:
        policy = CadencePolicy.objects.filter(priority=priority).first()
        if policy is None:
            policy = CadencePolicy.seed_default(priority)
            policy.save()
            append(
                Kind.CADENCE_POLICY_CREATED,
                subject=policy,
                actor=actor,
                description=f"Cadence policy {priority}: seed 001's values.",
                details={"values": snapshot(policy, POLICY_FIELDS)},
            )
        found.append(policy)
    return found


@transaction.atomic
def save_cadence_policy(policy: CadencePolicy, *, actor: str, role: str | None) -> CadencePolicy:
    """Change a priority's cadence and escalation timing (seed 001 §6's two columns)."""
    guards.allow(role, Action.CONFIGURE)
    policy.full_clean()
    before = _before(CadencePolicy, policy, POLICY_FIELDS)
    diff = changes(before, snapshot(policy, POLICY_FIELDS))
    if before and not diff:
        return policy
    policy.save()
    append(
        Kind.CADENCE_POLICY_CHANGED,
        subject=policy,
        actor=actor,
        description=f"Cadence policy {policy.priority}: {', '.join(diff)} set.",
        details={"changes": diff},
    )
    return policy


@transaction.atomic
def save_escalation_settings(
    settings_row: EscalationSettings, *, actor: str, role: str | None
) -> EscalationSettings:
    """Change when an incident counts as persistent or platform-wide, and the responders' chat."""
    guards.allow(role, Action.CONFIGURE)
    settings_row.pk = 1
    _hook(settings_row, "responder_chat_webhook")
    settings_row.full_clean()
    before = _before(EscalationSettings, settings_row, SETTINGS_FIELDS)
    diff = changes(before, snapshot(settings_row, SETTINGS_FIELDS), secret=WEBHOOKS)
    if before and not diff:
        return settings_row
    settings_row.save()
    append(
        Kind.ESCALATION_SETTINGS_CHANGED,
        subject=settings_row,
        actor=actor,
        description=f"Escalation settings: {', '.join(diff)} set.",
        details={"changes": diff},
    )
    return settings_row


@transaction.atomic
def save_escalation_contact(
    contact: EscalationContact, *, actor: str, role: str | None
) -> EscalationContact:
    """Add or change someone a tier tells: a staff user, an address or a chat webhook."""
    guards.allow(role, Action.CONFIGURE)
    _hook(contact, "chat_webhook_url")
    contact.full_clean()
    created = contact.pk is None
    before = _before(EscalationContact, contact, CONTACT_FIELDS)
    diff = changes(before, snapshot(contact, CONTACT_FIELDS), secret=WEBHOOKS)
    if not created and not diff:
        return contact
    contact.save()
    append(
        Kind.ESCALATION_CONTACT_CREATED if created else Kind.ESCALATION_CONTACT_CHANGED,
        subject=contact,
        actor=actor,
        description=f"Escalation contact {contact}: {'added' if created else 'changed'}.",
        details={"changes": diff},
    )
    return contact


@transaction.atomic
def delete_escalation_contact(contact: EscalationContact, *, actor: str, role: str | None) -> None:
    guards.allow(role, Action.CONFIGURE)
    append(
        Kind.ESCALATION_CONTACT_DELETED,
        subject=contact,
        actor=actor,
        description=f"Escalation contact {contact}: removed.",
        details={"was": snapshot(contact, CONTACT_FIELDS, secret=WEBHOOKS)},
    )
    contact.delete()


@transaction.atomic
def save_template(
    template: IncidentTemplate,
    *,
    actor: str,
    role: str | None,
    components: Iterable[Component] | None = None,
) -> IncidentTemplate:
    """Add or change an incident template (``components`` None keeps them)."""
    guards.allow(role, Action.CONFIGURE)
    template.full_clean()
    created = template.pk is None
    before = _before(IncidentTemplate, template, TEMPLATE_FIELDS)
    template.save()
    diff = changes(before, snapshot(template, TEMPLATE_FIELDS))
    if components is not None:
        old = sorted(template.components.values_list("slug", flat=True))
        template.components.set(list(components))
        new = sorted(template.components.values_list("slug", flat=True))
        if old != new:
            diff["components"] = {"from": old, "to": new}
    if not created and not diff:
        return template
    append(
        Kind.INCIDENT_TEMPLATE_CREATED if created else Kind.INCIDENT_TEMPLATE_CHANGED,
        subject=template,
        actor=actor,
        description=f"Incident template {template.name}: {'added' if created else 'changed'}.",
        details={"changes": diff},
    )
    return template


@transaction.atomic
def delete_template(template: IncidentTemplate, *, actor: str, role: str | None) -> None:
    guards.allow(role, Action.CONFIGURE)
    append(
        Kind.INCIDENT_TEMPLATE_DELETED,
        subject=template,
        actor=actor,
        description=f"Incident template {template.name}: removed.",
        details={"was": snapshot(template, TEMPLATE_FIELDS)},
    )
    template.delete()
