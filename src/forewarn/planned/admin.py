"""Planned work in the console: the list, and the pages of ``console`` to plan, check, publish
and run it.

Nothing here saves a model itself: planned work changes only through the services (the
pages' forms), so the record, the notices and the status page follow every change.
"""

from django.contrib import admin
from django.db.models import Min, Q
from django.http import Http404
from django.urls import path

from forewarn.catalog.roles import RoleAdmin

from . import console, guards
from .lifecycle import PlannedState
from .models import PlannedWork

OPEN = [s for s in PlannedState if not s.is_final]


@admin.register(PlannedWork)
class PlannedWorkAdmin(RoleAdmin):
    """Viewers read; responders draft (the add page); nobody changes or deletes here: the
    work's page takes each step through its service, and the work stays in the record."""

    add_role = guards.DRAFT
    list_display = ("title", "state", "next_window", "policy", "work_type", "risk", "created_by")
    list_display_links = ("title",)
    list_filter = ("state", "policy", "risk", "emergency")
    search_fields = ("title", "description", "public_id")
    list_select_related = ("policy", "work_type")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(next_start=Min("windows__start_at", filter=Q(windows__state__in=OPEN)))
        )

    @admin.display(description="next window", ordering="next_start")
    def next_window(self, obj):
        return obj.next_start or "—"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/act/<slug:name>/", view(console.act), name="planned_plannedwork_act"),
            path("<int:pk>/check/", view(console.check), name="planned_plannedwork_check"),
            path("<int:pk>/revise/", view(console.edit), name="planned_plannedwork_revise"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return console.create(request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not object_id.isdigit():
            raise Http404("No such planned work.")
        return console.run(request, int(object_id))
