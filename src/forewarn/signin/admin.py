"""Console: who must sign in with an authenticator, and resetting a lost one (admins only)."""

from django.contrib import admin

from forewarn.catalog.models import Role, has_role
from forewarn.record.services import actor_name

from . import services
from .models import SecondFactorRequirement


@admin.register(SecondFactorRequirement)
class SecondFactorRequirementAdmin(admin.ModelAdmin):
    list_display = ("user", "has_authenticator", "required_at", "required_by")
    fields = ("user",)
    actions = ["reset_authenticators"]

    def has_module_permission(self, request):
        return has_role(request.user, Role.ADMIN)

    def has_view_permission(self, request, obj=None):
        return has_role(request.user, Role.ADMIN)

    def has_add_permission(self, request):
        return has_role(request.user, Role.ADMIN)

    def has_delete_permission(self, request, obj=None):
        return has_role(request.user, Role.ADMIN)

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(boolean=True, description="authenticator set up")
    def has_authenticator(self, obj):
        return services.authenticator(obj.user) is not None

    def save_model(self, request, obj, form, change):
        services.require(obj.user, actor=actor_name(request.user))

    def delete_model(self, request, obj):
        services.stop_requiring(obj.user, actor=actor_name(request.user))

    def delete_queryset(self, request, queryset):
        for requirement in queryset.select_related("user"):
            services.stop_requiring(requirement.user, actor=actor_name(request.user))

    @admin.action(
        description="Reset the authenticator (a lost phone): set up again at next sign-in"
    )
    def reset_authenticators(self, request, queryset):
        for requirement in queryset.select_related("user"):
            services.reset(requirement.user, actor=actor_name(request.user))
        self.message_user(request, f"Reset {len(queryset)} authenticator(s).")
