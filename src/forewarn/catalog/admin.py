"""The operator console for the catalog; status changes go through ``services.set_status``."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import User

from forewarn.record.services import actor_name

from . import services
from .models import (
    AuthorizedContact,
    Component,
    ComponentGroup,
    Organization,
    ProductCategory,
    Region,
    StaffProfile,
    StatusInterval,
    role_of,
)


class StatusIntervalInline(admin.TabularInline):
    model = StatusInterval
    extra = 0
    can_delete = False
    fields = ("status", "started_at", "ended_at", "cause", "cause_ref", "actor")
    readonly_fields = fields
    ordering = ("-started_at",)
    max_num = 0
    show_change_link = False


@admin.register(Component)
class ComponentAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "group",
        "status",
        "category",
        "region",
        "visibility",
        "is_beta",
        "is_third_party",
    )
    list_editable = ("status",)
    list_filter = (
        "status",
        "group",
        "category",
        "region",
        "visibility",
        "is_beta",
        "is_third_party",
    )
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("members", "visible_to")
    readonly_fields = ("public_id", "status_changed_at", "created_at", "updated_at")
    inlines = [StatusIntervalInline]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "slug",
                    "description",
                    "group",
                    "position",
                    "status",
                    "status_changed_at",
                )
            },
        ),
        ("Contract", {"fields": ("category", "region", "is_beta")}),
        ("Visibility", {"fields": ("visibility", "visible_to")}),
        (
            "Third party",
            {
                "fields": (
                    "is_third_party",
                    "third_party_target_pct",
                    "third_party_period",
                    "restore_objective",
                )
            },
        ),
        ("Redundancy", {"fields": ("members", "min_available_members")}),
        ("Identifiers", {"fields": ("public_id", "created_at", "updated_at")}),
    )

    def save_model(self, request, obj, form, change):
        """Save the fields, then change the status through the service so history and record follow."""
        new_status = obj.status
        if change:
            obj.status = Component.objects.get(pk=obj.pk).status
        super().save_model(request, obj, form, change)
        services.ensure_history(obj)
        if new_status != obj.status:
            services.set_status(
                obj, new_status, cause="changed in the console", actor=actor_name(request.user)
            )


class ComponentInline(admin.TabularInline):
    model = Component
    fields = ("name", "status", "position")
    readonly_fields = ("name", "status")
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(ComponentGroup)
class ComponentGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "position", "visibility")
    list_editable = ("position",)
    search_fields = ("name",)
    inlines = [ComponentInline]


@admin.register(ProductCategory)
class ProductCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "target_pct", "period", "time_zone", "partial_outage_weight")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "time_zone", "calendar")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


class AuthorizedContactInline(admin.TabularInline):
    model = AuthorizedContact
    extra = 1
    fields = (
        "name",
        "email",
        "phone",
        "time_zone",
        "receives_notices",
        "may_open_requests",
        "is_active",
    )


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "plan", "licences", "region", "success_manager")
    list_filter = ("plan", "region")
    search_fields = ("name", "slug", "contacts__email")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("components",)
    inlines = [AuthorizedContactInline]


@admin.register(AuthorizedContact)
class AuthorizedContactAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "email",
        "organization",
        "receives_notices",
        "may_open_requests",
        "is_active",
    )
    list_filter = ("organization", "receives_notices", "may_open_requests", "is_active")
    search_fields = ("name", "email", "organization__name")


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [StaffProfileInline]
    list_display = ("username", "email", "is_staff", "is_superuser", "role")

    @admin.display(description="role")
    def role(self, obj):
        return role_of(obj)
