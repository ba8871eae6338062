"""Incidents in the console: the list, and the pages of ``console`` for opening and running one.

Nothing here saves a model itself. Incidents change only through the services (the run
page's forms); cadence policies, escalation settings and contacts, and templates through
``configuration``, which only admins may use (everyone else reads them).
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html

from forewarn.catalog.models import Role, role_of
from forewarn.catalog.roles import RoleAdmin, WebhooksForAdmins
from forewarn.record.services import actor_name

from . import configuration, console
from .access import NEEDED, Action
from .cadence import time_left, time_left_text
from .models import CadencePolicy, EscalationContact, EscalationSettings, Incident, IncidentTemplate


@admin.register(Incident)
class IncidentAdmin(RoleAdmin):
    """Viewers read; responders open (the add page); nobody changes or deletes here: the run
    page's forms change an incident through the services, and it stays in the record."""

    add_role = Role.RESPONDER
    list_display = (
        "priority",
        "title",
        "status",
        "is_public",
        "next_update",
        "detected_at",
        "escalation_tier",
        "cause",
    )
    list_display_links = ("title",)
    list_filter = ("status", "priority", "is_public", "cause", "escalation_tier")
    search_fields = ("title", "description", "public_id", "reporter")
    date_hierarchy = "detected_at"

    @admin.display(description="next update", ordering="next_update_due_at")
    def next_update(self, obj):
        left = time_left(obj.next_update_due_at, timezone.now())
        if left is None:
            return "—"
        css = "color: var(--error-fg); font-weight: bold" if left.total_seconds() <= 0 else ""
        return format_html('<span style="{}">{}</span>', css, time_left_text(left))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/act/<slug:name>/", view(console.act), name="incidents_incident_act"),
            path(
                "<int:pk>/report/", view(console.incident_report), name="incidents_incident_report"
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return console.open_incident(request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return console.run(request, int(object_id))


class ConfiguredByAdmins(RoleAdmin):
    """Everyone reads; only admins change, through the ``configuration`` services."""

    add_role = change_role = delete_role = NEEDED[Action.CONFIGURE]

    @staticmethod
    def who(request) -> dict:
        return {"actor": actor_name(request.user), "role": role_of(request.user)}


class ChatWebhookForm(forms.ModelForm):
    """Checks chat webhook URLs by the delivery rules, as the service will, so a refusal is a
    form error rather than a failed save."""

    webhook_fields: tuple[str, ...] = ()

    def clean(self):
        data = super().clean()
        for field in self.webhook_fields:
            try:
                data[field] = configuration.chat_webhook(data.get(field, ""), field)
            except ValidationError as error:
                self.add_error(field, error.message_dict[field])
        return data


class EscalationSettingsForm(ChatWebhookForm):
    webhook_fields = ("responder_chat_webhook",)


class EscalationContactForm(ChatWebhookForm):
    webhook_fields = ("chat_webhook_url",)


@admin.register(CadencePolicy)
class CadencePolicyAdmin(ConfiguredByAdmins):
    list_display = (
        "priority",
        "interval_minutes",
        "clock",
        "calendar",
        "escalation",
        "is_public_by_default",
        "reminder_minutes",
    )
    readonly_fields = ("priority", "updated_at")

    def has_add_permission(self, request):
        return False  # one per priority, seeded from seed 001

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        configuration.save_cadence_policy(obj, **self.who(request))


@admin.register(EscalationSettings)
class EscalationSettingsAdmin(WebhooksForAdmins, ConfiguredByAdmins):
    form = EscalationSettingsForm
    webhook_fields = EscalationSettingsForm.webhook_fields
    list_display = (
        "__str__",
        "tier_2_after_overdue",
        "executive_after_overdue",
        "executive_above_components",
    )
    readonly_fields = ("updated_at",)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not EscalationSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        configuration.save_escalation_settings(obj, **self.who(request))


@admin.register(EscalationContact)
class EscalationContactAdmin(WebhooksForAdmins, ConfiguredByAdmins):
    form = EscalationContactForm
    webhook_fields = EscalationContactForm.webhook_fields
    list_display = ("tier", "user", "email", "chat_webhook_url", "note")
    list_filter = ("tier",)

    def save_model(self, request, obj, form, change):
        configuration.save_escalation_contact(obj, **self.who(request))

    def delete_model(self, request, obj):
        configuration.delete_escalation_contact(obj, **self.who(request))

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for contact in queryset:
                self.delete_model(request, contact)


@admin.register(IncidentTemplate)
class IncidentTemplateAdmin(ConfiguredByAdmins):
    list_display = ("name", "priority", "title", "component_status")
    filter_horizontal = ("components",)

    def save_model(self, request, obj, form, change):
        """Saved with its components in ``save_related``, through the service."""

    def save_related(self, request, form, formsets, change):
        configuration.save_template(
            form.instance, components=form.cleaned_data["components"], **self.who(request)
        )

    def delete_model(self, request, obj):
        configuration.delete_template(obj, **self.who(request))

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for template in queryset:
                self.delete_model(request, template)
