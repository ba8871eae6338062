"""Alertmanager in the console: admins create integrations (the token is shown once), revoke
them and write rules; everyone with a role reads the groups and deliveries received."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction

from forewarn.catalog.models import Role
from forewarn.catalog.roles import RoleAdmin
from forewarn.record.services import actor_name

from . import services
from .models import AlertDelivery, AlertGroup, AlertIntegration, AlertRule


@admin.register(AlertIntegration)
class AlertIntegrationAdmin(RoleAdmin):
    add_role = change_role = Role.ADMIN
    list_display = ("name", "prefix", "quiet_minutes", "last_used_at", "revoked_at")
    fields = (
        "name",
        "quiet_minutes",
        "prefix",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
    )
    readonly_fields = ("prefix", "created_at", "created_by", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        who = actor_name(request.user)
        if change:
            services.save_integration(obj, actor=who)
            return
        made, raw = services.create_integration(
            obj.name, quiet_minutes=obj.quiet_minutes, actor=who
        )
        obj.pk = made.pk
        self.message_user(
            request,
            f"The bearer token of {made.name} is {raw} — copy it now, it is not shown again. "
            "Alertmanager sends it from http_config.authorization.credentials.",
            messages.WARNING,
        )

    @admin.action(description="Revoke the selected integrations' tokens", permissions=["admin"])
    def revoke(self, request, queryset):
        try:
            with transaction.atomic():
                for integration in queryset:
                    services.revoke_integration(integration, actor=actor_name(request.user))
        except ValidationError as error:
            self.message_user(
                request, f"Nothing was revoked. {' '.join(error.messages)}", messages.ERROR
            )


@admin.register(AlertRule)
class AlertRuleAdmin(RoleAdmin):
    add_role = change_role = delete_role = Role.ADMIN
    list_display = (
        "name",
        "integration",
        "position",
        "matchers",
        "status",
        "priority",
        "publish_at_once",
    )
    list_filter = ("integration", "publish_at_once")
    filter_horizontal = ("components",)

    def save_model(self, request, obj, form, change):
        """Saved with its components in ``save_related``, through the service."""

    def save_related(self, request, form, formsets, change):
        services.save_rule(
            form.instance,
            components=form.cleaned_data["components"],
            actor=actor_name(request.user),
        )

    def delete_model(self, request, obj):
        services.delete_rule(obj, actor=actor_name(request.user))

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for rule in queryset:
                self.delete_model(request, rule)


@admin.register(AlertGroup)
class AlertGroupAdmin(RoleAdmin):
    list_display = (
        "group_key",
        "integration",
        "status",
        "incident",
        "changed_at",
        "resolve_due_at",
    )
    list_filter = ("integration", "status")


@admin.register(AlertDelivery)
class AlertDeliveryAdmin(RoleAdmin):
    list_display = (
        "received_at",
        "integration",
        "group_key",
        "status",
        "alerts",
        "outcome",
        "times",
    )
    list_filter = ("integration", "status", "outcome")
