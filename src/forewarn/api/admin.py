from django.contrib import admin

from forewarn.catalog.roles import RoleAdmin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(RoleAdmin):
    """Listed for every staff role, changed by nobody here: the secret is shown once, so tokens
    are created (and revoked) with `forewarn token create USER [--surface cachet]` / `forewarn token revoke`."""

    list_display = (
        "prefix",
        "user",
        "name",
        "surface",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("surface",)
    readonly_fields = ("prefix", "surface", "key_digest", "created_at", "last_used_at")
    search_fields = ("user__username", "name", "prefix")
