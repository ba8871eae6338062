"""The console for calendars: a readable summary, JSON fields laid out, every change recorded."""

import json

from django import forms
from django.contrib import admin

from forewarn.catalog.models import Role
from forewarn.catalog.roles import RoleAdmin
from forewarn.record.services import actor_name

from . import services
from .models import Calendar


class ReadableJSONField(forms.JSONField):
    """A JSON field shown indented, one item to a line, so operators can edit it."""

    def prepare_value(self, value):
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, indent=2, ensure_ascii=False)


class ReadableJSONMixin:
    """Give every JSON field of a ModelAdmin the readable form field and a roomy text area."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.get_internal_type() == "JSONField":
            kwargs["form_class"] = ReadableJSONField
            kwargs["widget"] = forms.Textarea(attrs={"rows": 16, "cols": 80})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Calendar)
class CalendarAdmin(ReadableJSONMixin, RoleAdmin):
    """Viewers read calendars; admins add and change them. Policies count their notice in a
    calendar, so none is removed here (nor in the API)."""

    add_role = change_role = Role.ADMIN
    list_display = ("name", "slug", "summary", "business_day_minutes", "updated_at")
    search_fields = ("name", "slug", "holiday_spec")
    readonly_fields = ("summary", "updated_at")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "slug", "summary", "time_zone", "business_day_minutes")}),
        ("Opening hours", {"fields": ("opening_hours",)}),
        (
            "Holidays and closures",
            {"fields": ("holiday_spec", "added_dates", "removed_dates", "closures")},
        ),
        ("Source", {"fields": ("source", "updated_at")}),
    )

    @admin.display(description="Summary")
    def summary(self, obj: Calendar) -> str:
        return obj.summary if obj.pk else "—"

    def save_model(self, request, obj, form, change):
        services.save_calendar(obj, actor=actor_name(request.user))
