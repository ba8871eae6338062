"""The console for notice policies: a policy with its work types at a glance, each work type
edited on its own page; every change goes through ``services`` and is recorded."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.forms import ModelForm
from django.shortcuts import redirect
from django.urls import reverse

from forewarn.calendars.admin import ReadableJSONMixin
from forewarn.catalog.models import Role
from forewarn.catalog.roles import RoleAdmin, RoleInline
from forewarn.record.services import actor_name

from . import services
from .forms import PolicyVersionForm
from .models import NoticeCheckPage, Policy, PolicyVersion, WorkType


class WorkTypeInline(RoleInline, admin.TabularInline):
    model = WorkType
    add_role = change_role = delete_role = Role.ADMIN
    fields = (
        "position",
        "name",
        "slug",
        "notice_unit",
        "notice_amount",
        "notice_where_possible",
        "default_duration",
        "override_allowed",
    )
    extra = 0
    show_change_link = True
    ordering = ("position", "id")


@admin.register(Policy)
class PolicyAdmin(RoleAdmin):
    """Viewers read policies; admins add and change them and their work types. A policy is
    not removed (nor in the API): planned work keeps its reference."""

    add_role = change_role = Role.ADMIN
    list_display = ("name", "slug", "calendar", "work_type_count", "updated_at")
    list_select_related = ("calendar",)
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "calendar", "description", "source")
    inlines = [WorkTypeInline]
    change_list_template = "policies/admin/policy_change_list.html"

    @admin.display(description="Work types")
    def work_type_count(self, obj: Policy) -> int:
        return obj.work_types.count()

    def save_model(self, request, obj, form, change):
        services.save_policy(obj, actor=actor_name(request.user))

    def save_formset(self, request, form, formset, change):
        actor = actor_name(request.user)
        for work_type in formset.save(commit=False):
            services.save_work_type(work_type, actor=actor)
        for work_type in formset.deleted_objects:
            services.delete_work_type(work_type, actor=actor)
        formset.save_m2m()


@admin.register(WorkType)
class WorkTypeAdmin(ReadableJSONMixin, RoleAdmin):
    add_role = change_role = delete_role = Role.ADMIN
    list_display = ("name", "policy", "notice_text", "default_duration", "override_allowed")
    list_filter = ("policy",)
    list_select_related = ("policy",)
    search_fields = ("name", "slug", "policy__slug")
    fieldsets = (
        (None, {"fields": ("policy", "name", "slug", "position", "source")}),
        (
            "Required notice",
            {"fields": ("notice_unit", "notice_amount", "notice_where_possible", "notice_source")},
        ),
        (
            "Where the window may fall",
            {
                "fields": (
                    "default_duration",
                    "outside_peak_hours",
                    "outside_peak_hours_source",
                    "high_risk_outside_business_hours",
                    "high_risk_outside_business_hours_source",
                    "on_site_inside_working_hours",
                    "on_site_inside_working_hours_source",
                )
            },
        ),
        ("Notices sent", {"fields": ("notices", "publishes_status")}),
        (
            "Publication",
            {"fields": ("override_allowed", "requires_validation_on_test_environment")},
        ),
    )

    @admin.display(description="Notice")
    def notice_text(self, obj: WorkType) -> str:
        return obj.notice_text

    def save_model(self, request, obj, form, change):
        services.save_work_type(obj, actor=actor_name(request.user))

    def delete_model(self, request, obj):
        services.delete_work_type(obj, actor=actor_name(request.user))

    def delete_queryset(self, request, queryset):
        for work_type in queryset:
            services.delete_work_type(work_type, actor=actor_name(request.user))


@admin.register(NoticeCheckPage)
class NoticeCheckPageAdmin(RoleAdmin):
    """The console index lists this entry; it opens the notice-check form (any staff role)."""

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return redirect(reverse("policies:check"))


@admin.register(PolicyVersion)
class PolicyVersionAdmin(RoleAdmin):
    """Viewers read; admins publish a new version (the add page, through the service, which
    tells the contacts). A published version is not changed: publish the next one."""

    add_role = Role.ADMIN
    form = PolicyVersionForm
    list_display = ("policy", "label", "effective_from", "published_at", "created_by")
    list_filter = ("policy",)
    list_select_related = ("policy",)
    ADD_FIELDS = ("policy", "label", "effective_from", "summary", "new_rules")
    SHOWN = (
        "policy",
        "label",
        "effective_from",
        "summary",
        "changes",
        "work_types",
        "told",
        "notice",
        "published_at",
        "created_by",
    )

    def get_fields(self, request, obj=None):
        return self.ADD_FIELDS if obj is None else self.SHOWN

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.SHOWN

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:  # shown, not changed: no "what changes" input
            kwargs["form"] = ModelForm
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = services.publish_policy_version(
            data["policy"],
            actor=actor_name(request.user),
            label=data["label"],
            effective_from=data["effective_from"],
            summary=data["summary"],
            work_types=data["new_rules"],
        )
        obj.pk = saved.pk
