"""The public support page's links and ways to reach support, kept by admins (one row)."""

from django.contrib import admin

from forewarn.catalog.models import Role
from forewarn.catalog.roles import RoleAdmin
from forewarn.record.services import actor_name

from . import support_info
from .models import SupportPage


@admin.register(SupportPage)
class SupportPageAdmin(RoleAdmin):
    view_role = Role.VIEWER
    add_role = change_role = delete_role = Role.ADMIN
    list_display = ("__str__", "support_email", "chat_enabled", "updated_at")
    fields = support_info.FIELDS

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request) and not SupportPage.objects.exists()

    def save_model(self, request, obj, form, change):
        support_info.save(obj, actor=actor_name(request.user))
