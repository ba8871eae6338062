"""Console: who must sign in with an authenticator, resetting a lost one, and the sign-in
attempts django-axes keeps (deleting a locked-out user's attempts lets them in again); all of
it for admins only, as ``RoleAdmin``s like every other admin."""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin

from forewarn.catalog.models import Role
from forewarn.catalog.roles import RoleAdmin
from forewarn.record.services import actor_name

from . import services
from .models import SecondFactorRequirement


@admin.register(SecondFactorRequirement)
class SecondFactorRequirementAdmin(RoleAdmin):
    view_role = add_role = delete_role = Role.ADMIN
    list_display = ("user", "has_authenticator", "required_at", "required_by")
    fields = ("user",)
    actions = ["reset_authenticators"]

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
        description="Reset the authenticator (a lost phone): set up again at next sign-in",
        permissions=[Role.ADMIN],
    )
    def reset_authenticators(self, request, queryset):
        for requirement in queryset.select_related("user"):
            services.reset(requirement.user, actor=actor_name(request.user))
        self.message_user(request, f"Reset {len(queryset)} authenticator(s).")


class AdminsOnly(RoleAdmin):
    """Read and delete, admins only: the attempts are evidence, written by django-axes alone."""

    view_role = delete_role = Role.ADMIN


for model, axes_admin in (
    (AccessAttempt, AccessAttemptAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
    (AccessLog, AccessLogAdmin),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, type(axes_admin.__name__, (AdminsOnly, axes_admin), {}))
