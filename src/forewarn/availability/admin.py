"""Exclusions in the console: viewers read them; communicators and admins record and change them.

Saving and deleting go through ``services`` so that each is recorded. The console's home page
gets a "Reports" box linking the availability report (``admin/forewarn_index.html``).
"""

from django.contrib import admin
from django.db import transaction

from forewarn.catalog.models import Role
from forewarn.catalog.roles import RoleAdmin
from forewarn.record.services import actor_name

from . import services
from .models import Exclusion

admin.site.index_template = "admin/forewarn_index.html"


@admin.register(Exclusion)
class ExclusionAdmin(RoleAdmin):
    add_role = change_role = delete_role = Role.COMMUNICATOR
    list_display = ("reason", "starts_at", "ends_at", "scope", "ref", "created_by", "created_at")
    list_filter = ("reason", "components")
    search_fields = ("description", "ref", "components__name")
    date_hierarchy = "starts_at"
    filter_horizontal = ("components",)
    fields = (
        "reason",
        "starts_at",
        "ends_at",
        "components",
        "description",
        "ref",
        "created_by",
        "created_at",
    )
    readonly_fields = ("created_by", "created_at")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("components")

    @admin.display(description="components")
    def scope(self, obj):
        return ", ".join(c.name for c in obj.components.all()) or "all"

    def save_model(self, request, obj, form, change):
        """Saved with its components in ``save_related``, through the service."""

    def save_related(self, request, form, formsets, change):
        services.save_exclusion(
            form.instance, form.cleaned_data["components"], actor=actor_name(request.user)
        )

    def delete_model(self, request, obj):
        services.delete_exclusion(obj, actor=actor_name(request.user))

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for exclusion in queryset:
                services.delete_exclusion(exclusion, actor=actor_name(request.user))
