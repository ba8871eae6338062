from django.contrib import admin

from .models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("at", "kind", "actor", "contact", "subject_type", "subject_id", "description")
    list_filter = ("kind", "subject_type")
    search_fields = ("description", "actor", "contact", "subject_id")
    date_hierarchy = "at"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
