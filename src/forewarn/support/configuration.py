"""Support's configuration, kept by admins: response targets per organization or plan,
on-call rotas with their shifts, and chat widgets. Each save is recorded with what changed
(a widget's secret only as "changed", never its value).

The console's admins and the JSON API (``api_widgets``) both change chat widgets here and
only here: ``save_widget`` (add or change), ``rotate_widget_secret``, ``delete_widget``. The
console removes targets, rotas and shifts here too (``delete_*``): a removal is recorded
with what was removed."""

from django.core.exceptions import ValidationError
from django.db import transaction

from forewarn.catalog.models import Role
from forewarn.record.kinds import Kind
from forewarn.record.services import append, changes, snapshot

from .handling import allow
from .models import ChatWidget, OnCallRota, OnCallShift, ResponseTarget, new_widget_secret

TARGET_FIELDS = (
    "organization",
    "plan",
    "high_minutes",
    "normal_minutes",
    "unclassified_minutes",
    "resolution_high_minutes",
    "resolution_normal_minutes",
    "resolution_unclassified_minutes",
)
ROTA_FIELDS = ("name", "calendar", "response_minutes", "email", "chat_webhook_url", "is_active")
SHIFT_FIELDS = ("rota", "user", "email", "starts_at", "ends_at")
WIDGET_FIELDS = ("name", "allowed_origins", "is_active")
WEBHOOKS = ("chat_webhook_url",)  # credentials: the record says they changed, not to what


def _save(obj, fields: tuple[str, ...], *, what: str, actor: str, role: str | None, secret=""):
    """Check and save a setting, and record what changed (``secret``, or a webhook URL in
    ``fields``, only as *changed*)."""
    allow(role, Role.ADMIN)
    old = type(obj).objects.get(pk=obj.pk) if obj.pk else None
    before = snapshot(old, fields) if old else {}
    obj.full_clean()
    obj.save()
    after = snapshot(obj, fields)
    changed = changes(before, after, secret=WEBHOOKS)
    if secret and old is not None and getattr(old, secret) != getattr(obj, secret):
        changed[secret] = "changed"
    if changed:
        append(
            Kind.SUPPORT_SETTINGS_CHANGED,
            subject=obj,
            actor=actor,
            description=f"{what} {'changed' if before else 'added'}: {obj}.",
            details={"changes": changed},
        )
    return obj


@transaction.atomic
def save_targets(target: ResponseTarget, *, actor: str, role: str | None) -> ResponseTarget:
    """Response targets for one organization or one plan (seed 001 §5 where there are none)."""
    if (target.organization_id is None) == (not target.plan):
        raise ValidationError({"plan": "Give either an organization or a plan, not both."})
    return _save(target, TARGET_FIELDS, what="response targets", actor=actor, role=role)


@transaction.atomic
def save_rota(rota: OnCallRota, *, actor: str, role: str | None) -> OnCallRota:
    """An on-call rota: its name (trimmed, as the console's form does), calendar, target, the
    address and chat webhook it pages, whether it takes emergencies."""
    rota.name = (rota.name or "").strip()
    return _save(rota, ROTA_FIELDS, what="on-call rota", actor=actor, role=role)


@transaction.atomic
def save_shift(shift: OnCallShift, *, actor: str, role: str | None) -> OnCallShift:
    if shift.user_id is None and not shift.email:
        raise ValidationError({"email": "Give a staff user or an address to page."})
    if shift.starts_at and shift.ends_at and shift.ends_at <= shift.starts_at:
        # The table's check constraint says so too, but its error names no field.
        raise ValidationError({"ends_at": "A shift ends after it starts."})
    return _save(shift, SHIFT_FIELDS, what="on-call shift", actor=actor, role=role)


@transaction.atomic
def save_widget(widget: ChatWidget, *, actor: str, role: str | None) -> ChatWidget:
    """A chat widget: its name, the origins it may run on, and the secret users are signed with.

    The model checks it whole (a name, not used by another widget; each origin scheme, host
    and port only; a secret of 32 characters or more): a ``ValidationError`` names the field
    and nothing is saved."""
    widget.name = (widget.name or "").strip()
    return _save(widget, WIDGET_FIELDS, what="chat widget", actor=actor, role=role, secret="secret")


@transaction.atomic
def rotate_widget_secret(widget: ChatWidget, *, actor: str, role: str | None) -> ChatWidget:
    """A new random secret for ``widget``: chat tokens signed with the old one are refused from
    now on. Recorded as any change of the secret is, "changed", never its value. Only the
    secret changes, whatever else the caller's copy holds; the widget as saved is returned."""
    allow(role, Role.ADMIN)
    current = ChatWidget.objects.select_for_update().get(pk=widget.pk)
    current.secret = new_widget_secret()
    return save_widget(current, actor=actor, role=role)


def _delete(obj, was: dict, *, what: str, actor: str, role: str | None) -> None:
    allow(role, Role.ADMIN)
    append(
        Kind.SUPPORT_SETTINGS_DELETED,
        subject=obj,
        actor=actor,
        description=f"{what} removed: {obj}.",
        details={"was": was},
    )
    obj.delete()


@transaction.atomic
def delete_widget(widget: ChatWidget, *, actor: str, role: str | None) -> None:
    """Remove a chat widget: its script tag stops working at once. The record keeps what it
    was (its key, name, origins), never its secret."""
    was = {"key": widget.key, **snapshot(widget, WIDGET_FIELDS)}
    _delete(widget, was, what="chat widget", actor=actor, role=role)


@transaction.atomic
def delete_targets(target: ResponseTarget, *, actor: str, role: str | None) -> None:
    """Remove an organization's or a plan's targets: its requests fall back to the plan's, or
    to seed 001's defaults, from their next recomputation."""
    was = snapshot(target, TARGET_FIELDS)
    _delete(target, was, what="response targets", actor=actor, role=role)


@transaction.atomic
def delete_rota(rota: OnCallRota, *, actor: str, role: str | None) -> None:
    """Remove an on-call rota and its shifts; the record keeps the rota and each shift."""
    was = {
        **snapshot(rota, ROTA_FIELDS, secret=WEBHOOKS),
        "shifts": [snapshot(s, SHIFT_FIELDS) for s in rota.shifts.all()],
    }
    _delete(rota, was, what="on-call rota", actor=actor, role=role)


@transaction.atomic
def delete_shift(shift: OnCallShift, *, actor: str, role: str | None) -> None:
    _delete(shift, snapshot(shift, SHIFT_FIELDS), what="on-call shift", actor=actor, role=role)
