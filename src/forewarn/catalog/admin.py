"""The operator console for the catalog: every save and removal goes through ``services``.

The forms check what the models check; the redundancy rules that need the chosen members are
``services.check_members``, called from the component form so a refusal is a form error.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import transaction

from forewarn.availability.reasons import LABELS, RECORDED
from forewarn.calendars.admin import ReadableJSONMixin
from forewarn.record.services import actor_name

from . import services
from .models import (
    AuthorizedContact,
    Component,
    ComponentGroup,
    Organization,
    ProductCategory,
    Region,
    Role,
    StaffProfile,
    StatusInterval,
    role_of,
)
from .peak_hours import PeakHoursError, describe
from .roles import RoleAdmin, RoleInline


class CatalogAdmin(RoleAdmin):
    """Viewers read the catalog; admins add, change and remove (as in the API)."""

    add_role = change_role = delete_role = Role.ADMIN


class ServiceDeletes:
    """Removals (one, or a selection from the list) through the model's delete service."""

    delete_service = None

    def delete_model(self, request, obj):
        type(self).delete_service(obj, actor=actor_name(request.user))

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


class StatusIntervalInline(RoleInline, admin.TabularInline):
    model = StatusInterval
    extra = 0
    can_delete = False
    fields = ("status", "started_at", "ended_at", "cause", "cause_ref", "actor")
    readonly_fields = fields
    ordering = ("-started_at",)
    max_num = 0
    show_change_link = False


class ComponentForm(forms.ModelForm):
    third_party_honoured_reasons = forms.MultipleChoiceField(
        label="Honoured exclusions",
        choices=[(reason.value, LABELS[reason]) for reason in RECORDED],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=Component._meta.get_field("third_party_honoured_reasons").help_text,
    )

    class Meta:
        model = Component
        fields = ("members", "min_available_members")  # the admin adds its fieldsets' fields

    def clean(self):
        data = super().clean()
        if "status" in self.changed_data and self.instance.pk is not None:
            # What set_status would refuse, said on the form rather than after the save.
            try:
                services.check_status_change(self.instance, data.get("status"))
            except ValidationError as error:
                self.add_error("status", " ".join(error.messages))
        if "members" in self.fields and not self.has_error("members"):
            try:
                services.check_members(
                    self.instance, data.get("members") or [], data.get("min_available_members")
                )
            except ValidationError as error:
                self.add_error(None, error)
        return data


@admin.register(Component)
class ComponentAdmin(CatalogAdmin):
    """Components are not removed here: their history is the availability record, and
    exclusions and subscriptions naming them would widen to every component. Make one
    internal to take it off the page. A responder changes the status and nothing else."""

    delete_role = None
    field_roles = {"status": Role.RESPONDER}
    form = ComponentForm
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
                    "third_party_honoured_reasons",
                )
            },
        ),
        ("Redundancy", {"fields": ("members", "min_available_members")}),
        ("Identifiers", {"fields": ("public_id", "created_at", "updated_at")}),
    )

    def save_model(self, request, obj, form, change):
        """Saved with its members in ``save_related``, through the service."""

    def save_related(self, request, form, formsets, change):
        """Save the fields and members, then change the status through ``set_status`` so the
        history and the record follow (the list's status column comes here too)."""
        component, data, who = form.instance, form.cleaned_data, actor_name(request.user)
        new_status = component.status
        if self.may_change_everything(request):
            services.save_component(
                component,
                members=data.get("members"),
                visible_to=data.get("visible_to"),
                actor=who,
            )
        else:
            component.refresh_from_db()
        if new_status != component.status:
            services.set_status(component, new_status, cause="changed in the console", actor=who)
        for formset in formsets:  # the history is read-only: nothing to write, only to list
            formset.save(commit=False)


class ComponentInline(RoleInline, admin.TabularInline):
    model = Component
    fields = ("name", "status", "position")
    readonly_fields = ("name", "status")
    extra = 0
    can_delete = False
    show_change_link = True
    change_role = Role.ADMIN  # the positions; a component is added on its own page


@admin.register(ComponentGroup)
class ComponentGroupAdmin(ServiceDeletes, CatalogAdmin):
    list_display = ("name", "position", "visibility")
    list_editable = ("position",)
    search_fields = ("name",)
    inlines = [ComponentInline]
    delete_service = services.delete_group

    def save_model(self, request, obj, form, change):
        services.save_group(obj, actor=actor_name(request.user))

    def save_formset(self, request, form, formset, change):
        """The inline changes its components' positions, each through ``save_component``."""
        for component in formset.save(commit=False):
            services.save_component(component, actor=actor_name(request.user))


@admin.register(ProductCategory)
class ProductCategoryAdmin(ServiceDeletes, CatalogAdmin):
    list_display = ("name", "target_pct", "period", "time_zone", "partial_outage_weight")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)
    delete_service = services.delete_category

    def save_model(self, request, obj, form, change):
        services.save_category(obj, actor=actor_name(request.user))


@admin.register(Region)
class RegionAdmin(ServiceDeletes, ReadableJSONMixin, CatalogAdmin):
    list_display = ("name", "time_zone", "peak_hours_text", "calendar")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)
    delete_service = services.delete_region

    @admin.display(description="Peak hours")
    def peak_hours_text(self, obj: Region) -> str:
        try:
            return describe(obj.peak_ranges())
        except PeakHoursError:
            return "to correct"

    def save_model(self, request, obj, form, change):
        services.save_region(obj, actor=actor_name(request.user))


class AuthorizedContactInline(RoleInline, admin.TabularInline):
    model = AuthorizedContact
    add_role = change_role = delete_role = Role.ADMIN
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
class OrganizationAdmin(ServiceDeletes, CatalogAdmin):
    list_display = ("name", "plan", "licences", "region", "success_manager")
    list_filter = ("plan", "region")
    search_fields = ("name", "slug", "contacts__email")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("components",)
    inlines = [AuthorizedContactInline]
    delete_service = services.delete_organization

    def save_model(self, request, obj, form, change):
        """Saved with its components in ``save_related``, through the service."""

    def save_related(self, request, form, formsets, change):
        services.save_organization(
            form.instance,
            components=form.cleaned_data.get("components"),
            actor=actor_name(request.user),
        )
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def save_formset(self, request, form, formset, change):
        """The contacts inline: each contact saved or removed through its service."""
        who = actor_name(request.user)
        for contact in formset.save(commit=False):
            services.save_contact(contact, actor=who)
        for contact in formset.deleted_objects:
            services.delete_contact(contact, actor=who)


@admin.register(AuthorizedContact)
class AuthorizedContactAdmin(ServiceDeletes, CatalogAdmin):
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
    delete_service = services.delete_contact

    def save_model(self, request, obj, form, change):
        services.save_contact(obj, actor=actor_name(request.user))


class StaffProfileInline(RoleInline, admin.StackedInline):
    model = StaffProfile
    can_delete = False
    view_role = add_role = change_role = Role.ADMIN


admin.site.unregister(User)
admin.site.unregister(Group)  # a role is the whole of a user's rights; groups play no part


@admin.register(User)
class UserAdmin(RoleAdmin, BaseUserAdmin):
    """Admins manage staff accounts and their roles; accounts are deactivated, not removed."""

    view_role = add_role = change_role = Role.ADMIN
    inlines = [StaffProfileInline]
    list_display = ("username", "email", "is_staff", "is_superuser", "role")

    @admin.display(description="role")
    def role(self, obj):
        return role_of(obj)
