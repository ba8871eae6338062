"""Metrics in the console: viewers read them, admins define them; saves go through ``services``."""

from django.contrib import admin
from django.db import transaction

from forewarn.catalog.models import Role
from forewarn.catalog.roles import RoleAdmin
from forewarn.record.services import actor_name

from . import services
from .models import Metric


@admin.register(Metric)
class MetricAdmin(RoleAdmin):
    add_role = change_role = delete_role = Role.ADMIN
    list_display = ("name", "slug", "unit", "display_mode", "visibility", "retention_days")
    list_filter = ("visibility", "display_mode")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at", "updated_at", "next_expiry_at")

    def save_model(self, request, obj, form, change):
        services.save_metric(obj, actor=actor_name(request.user))

    def delete_model(self, request, obj):
        services.delete_metric(obj, actor=actor_name(request.user))

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for metric in queryset:
                self.delete_model(request, metric)
