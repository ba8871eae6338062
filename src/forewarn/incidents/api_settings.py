"""What an admin sets up for incidents, in the JSON API: cadence policies, escalation settings
and contacts, incident templates.

Anyone with the viewer role reads them; the ``configuration`` services refuse a change by
anyone but an admin (403) and check the whole row before saving it (422 naming the field).
A PATCH changes only the fields it names; null is refused where a field cannot be empty.
"""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from forewarn.api.auth import actor_and_role, needs, webhook_shown
from forewarn.api.fields import (
    Count,
    Email,
    Minutes,
    Name,
    ObjectId,
    ShortText,
    Slug,
    Slugs,
    Text,
    Url,
    word_of,
)
from forewarn.api.validation import refuse_nulls
from forewarn.calendars.models import Calendar
from forewarn.catalog import statuses
from forewarn.catalog.lookups import by_slug
from forewarn.catalog.models import Role
from forewarn.catalog.services import components_by_slug

from . import configuration, guards
from .api import staff_users
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
    interval_minutes: Minutes | None = None
    clock: word_of(Clock) | None = None
    calendar: Slug | None = None
    escalation: word_of(EscalationTiming) | None = None
    is_public_by_default: bool | None = None
    reminder_minutes: Minutes | None = None


@router.get("/incidents/cadence-policies", response=list[CadencePolicyOut], auth=needs(Role.VIEWER))
def list_cadence_policies(request):
    """Seed 001 §6 per priority as configured: the update interval, its clock, the escalation."""
    return [CadencePolicy.for_priority(p) for p in Priority]


@router.patch(
    "/incidents/cadence-policies/{priority}", response=CadencePolicyOut, auth=needs(Role.ADMIN)
)
def update_cadence_policy(request, priority: word_of(Priority), payload: CadencePolicyPatch):
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
    responder_chat_webhook: str = Field(
        description="reminders are posted there too (whole for admins; others see its host)"
    )

    @staticmethod
    def resolve_responder_chat_webhook(obj, context):
        return webhook_shown(context["request"], obj.responder_chat_webhook)


class EscalationSettingsPatch(Schema):
    tier_2_after_overdue: Count | None = None
    executive_after_overdue: Count | None = None
    executive_above_components: Count | None = None
    responder_chat_webhook: Url | None = None


@router.get(
    "/incidents/escalation-settings", response=EscalationSettingsOut, auth=needs(Role.VIEWER)
)
def get_escalation_settings(request):
    return EscalationSettings.current()


@router.patch(
    "/incidents/escalation-settings", response=EscalationSettingsOut, auth=needs(Role.ADMIN)
)
def update_escalation_settings(request, payload: EscalationSettingsPatch):
    current = EscalationSettings.current()
    for name, value in refuse_nulls(payload.dict(exclude_unset=True)).items():
        setattr(current, name, value)
    return configuration.save_escalation_settings(current, **actor_and_role(request))


class EscalationContactIn(Schema):
    tier: word_of(Tier) = Field(description=" | ".join(Tier))
    user: Name | None = Field(None, description="a staff username")
    email: Email = ""
    chat_webhook_url: Url = ""
    note: ShortText = ""


class EscalationContactPatch(Schema):
    tier: word_of(Tier) | None = None
    user: Name | None = None
    email: Email | None = None
    chat_webhook_url: Url | None = None
    note: ShortText | None = None


class EscalationContactOut(Schema):
    id: int
    tier: str
    user: str | None
    email: str
    chat_webhook_url: str = Field(description="whole for admins; others see its host")
    note: str

    @staticmethod
    def resolve_chat_webhook_url(obj, context):
        return webhook_shown(context["request"], obj.chat_webhook_url)

    @staticmethod
    def resolve_user(obj):
        return obj.user.get_username() if obj.user_id else None


def _user(username: str | None):
    return staff_users([username], field="user")[0] if username else None


@router.get(
    "/incidents/escalation-contacts", response=list[EscalationContactOut], auth=needs(Role.VIEWER)
)
def list_contacts(request):
    return EscalationContact.objects.select_related("user")


@router.post(
    "/incidents/escalation-contacts", response={201: EscalationContactOut}, auth=needs(Role.ADMIN)
)
def create_contact(request, payload: EscalationContactIn):
    data = payload.dict()
    data["user"] = _user(data["user"])
    contact = configuration.save_escalation_contact(
        EscalationContact(**data), **actor_and_role(request)
    )
    return Status(201, contact)


@router.patch(
    "/incidents/escalation-contacts/{contact_id}",
    response=EscalationContactOut,
    auth=needs(Role.ADMIN),
)
def update_contact(request, contact_id: ObjectId, payload: EscalationContactPatch):
    contact = get_object_or_404(EscalationContact, pk=contact_id)
    data = refuse_nulls(payload.dict(exclude_unset=True), ["tier", "email", "chat_webhook_url"])
    if "user" in data:
        data["user"] = _user(data["user"])
    for name, value in data.items():
        setattr(contact, name, value)
    return configuration.save_escalation_contact(contact, **actor_and_role(request))


@router.delete(
    "/incidents/escalation-contacts/{contact_id}", response={204: None}, auth=needs(Role.ADMIN)
)
def delete_contact(request, contact_id: ObjectId):
    configuration.delete_escalation_contact(
        get_object_or_404(EscalationContact, pk=contact_id), **actor_and_role(request)
    )
    return Status(204, None)


# --- templates ----------------------------------------------------------------------------------


class TemplateIn(Schema):
    name: Name
    title: Name
    body: Text = Field(description="the first update's message (Markdown)")
    priority: word_of(Priority) = Field(description=" | ".join(Priority))
    components: Slugs = Field(default_factory=list, description="slugs")
    component_status: word_of(statuses.Status) = "major_outage"


class TemplatePatch(Schema):
    name: Name | None = None
    title: Name | None = None
    body: Text | None = None
    priority: word_of(Priority) | None = None
    components: Slugs | None = None
    component_status: word_of(statuses.Status) | None = None


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


@router.get("/incidents/templates", response=list[TemplateOut], auth=needs(Role.VIEWER))
def list_templates(request):
    return _templates()


@router.get("/incidents/templates/{template_id}", response=TemplateOut, auth=needs(Role.VIEWER))
def get_template(request, template_id: ObjectId):
    return get_object_or_404(_templates(), pk=template_id)


@router.post("/incidents/templates", response={201: TemplateOut}, auth=needs(Role.ADMIN))
def create_template(request, payload: TemplateIn):
    data = payload.dict()
    components = components_by_slug(data.pop("components"))
    template = configuration.save_template(
        IncidentTemplate(**data), components=components, **actor_and_role(request)
    )
    return Status(201, _templates().get(pk=template.pk))


@router.patch("/incidents/templates/{template_id}", response=TemplateOut, auth=needs(Role.ADMIN))
def update_template(request, template_id: ObjectId, payload: TemplatePatch):
    template = get_object_or_404(IncidentTemplate, pk=template_id)
    data = refuse_nulls(payload.dict(exclude_unset=True))
    slugs = data.pop("components", None)
    for name, value in data.items():
        setattr(template, name, value)
    components = None if slugs is None else components_by_slug(slugs)
    configuration.save_template(template, components=components, **actor_and_role(request))
    return _templates().get(pk=template.pk)


@router.delete("/incidents/templates/{template_id}", response={204: None}, auth=needs(Role.ADMIN))
def delete_template(request, template_id: ObjectId):
    configuration.delete_template(
        get_object_or_404(IncidentTemplate, pk=template_id), **actor_and_role(request)
    )
    return Status(204, None)
