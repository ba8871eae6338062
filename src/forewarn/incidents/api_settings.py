"""What an admin sets up for incidents, in the JSON API: cadence policies, escalation settings
and contacts, incident templates.

Anyone with the viewer role reads them; the ``configuration`` services refuse a change by
anyone but an admin (403) and check the whole row before saving it (422 naming the field).
A PATCH changes only the fields it names; null is refused where a field cannot be empty.
"""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from forewarn.api.auth import require
from forewarn.api.validation import refuse_nulls
from forewarn.calendars.models import Calendar
from forewarn.catalog.lookups import by_slug
from forewarn.catalog.models import Role
from forewarn.catalog.services import components_by_slug

from . import configuration, guards
from .api import actor_and_role, staff_users
from .escalation import Tier
from .models import CadencePolicy, EscalationContact, EscalationSettings, IncidentTemplate
from .priorities import Clock, EscalationTiming, Priority

router = Router(tags=["incident settings"])


# --- cadence policies ---------------------------------------------------------------------------


class CadencePolicyOut(Schema):
    priority: str
    interval_minutes: int | None = Field(description="an update is due this often; null: none")
    clock: str = Field(description=" | ".join(Clock))
    calendar: str | None = Field(description="slug; null: nl-business (seed 001)")
    escalation: str = Field(description=" | ".join(EscalationTiming))
    is_public_by_default: bool
    reminder_minutes: int
    updated_at: datetime | None

    @staticmethod
    def resolve_calendar(obj):
        return obj.calendar.slug if obj.calendar_id else None


class CadencePolicyPatch(Schema):
    interval_minutes: int | None = None
    clock: str | None = None
    calendar: str | None = None
    escalation: str | None = None
    is_public_by_default: bool | None = None
    reminder_minutes: int | None = None


@router.get("/incidents/cadence-policies", response=list[CadencePolicyOut])
def list_cadence_policies(request):
    """Seed 001 §6 per priority as configured: the update interval, its clock, the escalation."""
    require(request, Role.VIEWER)
    return [CadencePolicy.for_priority(p) for p in Priority]


@router.patch("/incidents/cadence-policies/{priority}", response=CadencePolicyOut)
def update_cadence_policy(request, priority: str, payload: CadencePolicyPatch):
    policy = CadencePolicy.for_priority(guards.priority_of(priority))
    data = payload.dict(exclude_unset=True)
    refuse_nulls(data, [f for f in data if f not in ("interval_minutes", "calendar")])
    if "calendar" in data:
        data["calendar"] = by_slug(Calendar, data["calendar"], "calendar")
    for name, value in data.items():
        setattr(policy, name, value)
    return configuration.save_cadence_policy(policy, **actor_and_role(request))


# --- escalation settings and contacts -----------------------------------------------------------


class EscalationSettingsOut(Schema):
    tier_2_after_overdue: int = Field(description="escalate to Tier 2 after this many misses")
    executive_after_overdue: int = Field(description="persistent: executives after this many")
    executive_above_components: int = Field(
        description="platform-wide: executives when more components are affected"
    )
    responder_chat_webhook: str = Field(description="reminders are posted there too")


class EscalationSettingsPatch(Schema):
    tier_2_after_overdue: int | None = None
    executive_after_overdue: int | None = None
    executive_above_components: int | None = None
    responder_chat_webhook: str | None = None


@router.get("/incidents/escalation-settings", response=EscalationSettingsOut)
def get_escalation_settings(request):
    require(request, Role.VIEWER)
    return EscalationSettings.current()


@router.patch("/incidents/escalation-settings", response=EscalationSettingsOut)
def update_escalation_settings(request, payload: EscalationSettingsPatch):
    current = EscalationSettings.current()
    for name, value in refuse_nulls(payload.dict(exclude_unset=True)).items():
        setattr(current, name, value)
    return configuration.save_escalation_settings(current, **actor_and_role(request))


class ContactIn(Schema):
    tier: str = Field(description=" | ".join(Tier))
    user: str | None = Field(None, description="a staff username")
    email: str = ""
    chat_webhook_url: str = ""
    note: str = ""


class ContactPatch(Schema):
    tier: str | None = None
    user: str | None = None
    email: str | None = None
    chat_webhook_url: str | None = None
    note: str | None = None


class ContactOut(Schema):
    id: int
    tier: str
    user: str | None
    email: str
    chat_webhook_url: str
    note: str

    @staticmethod
    def resolve_user(obj):
        return obj.user.get_username() if obj.user_id else None


def _user(username: str | None):
    return staff_users([username], field="user")[0] if username else None


@router.get("/incidents/escalation-contacts", response=list[ContactOut])
def list_contacts(request):
    require(request, Role.VIEWER)
    return EscalationContact.objects.select_related("user")


@router.post("/incidents/escalation-contacts", response={201: ContactOut})
def create_contact(request, payload: ContactIn):
    data = payload.dict()
    data["user"] = _user(data["user"])
    contact = configuration.save_escalation_contact(
        EscalationContact(**data), **actor_and_role(request)
    )
    return Status(201, contact)


@router.patch("/incidents/escalation-contacts/{contact_id}", response=ContactOut)
def update_contact(request, contact_id: int, payload: ContactPatch):
    contact = get_object_or_404(EscalationContact, pk=contact_id)
    data = refuse_nulls(payload.dict(exclude_unset=True), ["tier", "email", "chat_webhook_url"])
    if "user" in data:
        data["user"] = _user(data["user"])
    for name, value in data.items():
        setattr(contact, name, value)
    return configuration.save_escalation_contact(contact, **actor_and_role(request))


@router.delete("/incidents/escalation-contacts/{contact_id}", response={204: None})
def delete_contact(request, contact_id: int):
    configuration.delete_escalation_contact(
        get_object_or_404(EscalationContact, pk=contact_id), **actor_and_role(request)
    )
    return Status(204, None)


# --- templates ----------------------------------------------------------------------------------


class TemplateIn(Schema):
    name: str
    title: str
    body: str = Field(description="the first update's message (Markdown)")
    priority: str = Field(description=" | ".join(Priority))
    components: list[str] = Field(default_factory=list, description="slugs")
    component_status: str = "major_outage"


class TemplatePatch(Schema):
    name: str | None = None
    title: str | None = None
    body: str | None = None
    priority: str | None = None
    components: list[str] | None = None
    component_status: str | None = None


class TemplateOut(Schema):
    id: int
    name: str
    title: str
    body: str
    priority: str
    components: list[str]
    component_status: str

    @staticmethod
    def resolve_components(obj):
        return [c.slug for c in obj.components.all()]


def _templates():
    return IncidentTemplate.objects.prefetch_related("components")


@router.get("/incidents/templates", response=list[TemplateOut])
def list_templates(request):
    require(request, Role.VIEWER)
    return _templates()


@router.get("/incidents/templates/{template_id}", response=TemplateOut)
def get_template(request, template_id: int):
    require(request, Role.VIEWER)
    return get_object_or_404(_templates(), pk=template_id)


@router.post("/incidents/templates", response={201: TemplateOut})
def create_template(request, payload: TemplateIn):
    data = payload.dict()
    components = components_by_slug(data.pop("components"))
    template = configuration.save_template(
        IncidentTemplate(**data), components=components, **actor_and_role(request)
    )
    return Status(201, _templates().get(pk=template.pk))


@router.patch("/incidents/templates/{template_id}", response=TemplateOut)
def update_template(request, template_id: int, payload: TemplatePatch):
    template = get_object_or_404(IncidentTemplate, pk=template_id)
    data = refuse_nulls(payload.dict(exclude_unset=True))
    slugs = data.pop("components", None)
    for name, value in data.items():
        setattr(template, name, value)
    components = None if slugs is None else components_by_slug(slugs)
    configuration.save_template(template, components=components, **actor_and_role(request))
    return _templates().get(pk=template.pk)


@router.delete("/incidents/templates/{template_id}", response={204: None})
def delete_template(request, template_id: int):
    configuration.delete_template(
        get_object_or_404(IncidentTemplate, pk=template_id), **actor_and_role(request)
    )
    return Status(204, None)
