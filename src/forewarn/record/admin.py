"""The record in the console: read and filter it, follow one subject's timeline, export CSV.

Nobody adds, changes or deletes an event here, whatever their role: the services append them.
"""

import json

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from forewarn.catalog.roles import RoleAdmin

from . import queries
from .models import Event


@admin.register(Event)
class EventAdmin(RoleAdmin):
    list_display = ("at", "kind", "actor", "contact", "subject_link", "description")
    list_filter = ("kind", "subject_type", "actor")
    search_fields = ("description", "actor", "contact", "subject_id")
    date_hierarchy = "at"
    fields = (
        "at",
        "entered_at",
        "kind",
        "actor",
        "contact",
        "subject_type",
        "subject_id",
        "description",
        "readable_details",
    )
    readonly_fields = fields
    change_list_template = "record/admin/event_change_list.html"

    @admin.display(description="subject", ordering="subject_type")
    def subject_link(self, obj: Event):
        """Links to the subject's timeline: this list filtered to its events."""
        if not obj.subject_type:
            return ""
        query = urlencode({"subject_type": obj.subject_type, "subject_id": obj.subject_id})
        return format_html(
            '<a href="{}?{}" title="Timeline of this subject">{}</a>',
            reverse("admin:record_event_changelist"),
            query,
            obj.subject,
        )

    @admin.display(description="details")
    def readable_details(self, obj: Event):
        return format_html(
            "<pre>{}</pre>", json.dumps(obj.details, indent=2, ensure_ascii=False, sort_keys=True)
        )

    def get_urls(self):
        export = path(
            "export.csv",
            self.admin_site.admin_view(self.export_csv),
            name="record_event_export",
        )
        return [export, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        query = request.GET.urlencode()
        export_url = reverse("admin:record_event_export") + (f"?{query}" if query else "")
        return super().changelist_view(request, {"export_url": export_url, **(extra_context or {})})

    def export_csv(self, request):
        """The list as filtered and searched, every page of it, oldest first, as CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseBadRequest("These filters do not apply to the record.")
        events = changelist.queryset.order_by("at", "id")
        response = StreamingHttpResponse(
            queries.export_csv(events), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="record.csv"'
        return response
