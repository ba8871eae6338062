"""Staff roles in the console: one permission model, the API's.

viewer: read everything; responder: also change component status (and later incidents);
communicator: also write what customers are told (notices, exclusions, planned work,
releases); admin: everything in Forewarn, including staff. Each role includes the ones before
it (``models.has_role``); the API checks the same roles (``forewarn.api.auth.needs``).

Every ModelAdmin of the console is a ``RoleAdmin`` (every inline a ``RoleInline``) that says
which role may view, add, change and delete, which fields a role below ``change_role`` may still
change (``field_roles``: a responder changes a component's status and nothing else), and which
role each admin action needs (``@admin.action(permissions=["communicator"])``). Django's model
permissions and groups play no part: a staff profile's role is the whole of a user's rights.
``tests/test_permissions.py`` holds every admin, view and action to the expected table.
"""

import functools

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth.views import redirect_to_login
from django.core import checks
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect

from forewarn.delivery import destinations

from .models import ROLE_ORDER, Role, has_role


def apply_role(profile) -> None:
    """Give the profile's user console access; what they may do there follows from the role."""
    user = profile.user
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def _allows(request, role: str | None) -> bool:
    return role is not None and has_role(request.user, role)


def role_required(role: str):
    """For a console page outside the admins: those signed out log in first; those below
    ``role`` are refused (403)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, role):
                raise PermissionDenied(f"This page needs the '{role}' role or above.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


class RolePermissions:
    """The role each action needs (None: nobody); shared by admins and inlines."""

    view_role: str | None = Role.VIEWER
    add_role: str | None = None
    change_role: str | None = None
    delete_role: str | None = None
    # Fields a role below ``change_role`` may change, with the role each needs.
    field_roles: dict[str, str] = {}

    def may_change_everything(self, request) -> bool:
        return _allows(request, self.change_role)

    def has_view_permission(self, request, obj=None):
        return _allows(request, self.view_role) or self.has_change_permission(request, obj)

    def has_add_permission(self, request, *args):
        return _allows(request, self.add_role)

    def has_change_permission(self, request, obj=None):
        return self.may_change_everything(request) or any(
            _allows(request, role) for role in self.field_roles.values()
        )

    def has_delete_permission(self, request, obj=None):
        return _allows(request, self.delete_role)

    # Admin actions name the role they need: @admin.action(permissions=["communicator"]).
    def has_viewer_permission(self, request):
        return _allows(request, Role.VIEWER)

    def has_responder_permission(self, request):
        return _allows(request, Role.RESPONDER)

    def has_communicator_permission(self, request):
        return _allows(request, Role.COMMUNICATOR)

    def has_admin_permission(self, request):
        return _allows(request, Role.ADMIN)

    def editable_fields(self, request) -> set[str] | None:
        """The fields the caller may change (None: all of them)."""
        if self.may_change_everything(request):
            return None
        return {field for field, role in self.field_roles.items() if _allows(request, role)}

    def role_readonly_fields(self, request, obj, fixed, every_field) -> tuple:
        editable = self.editable_fields(request)
        if editable is None or obj is None:
            return tuple(fixed)
        return tuple(fixed) + tuple(f for f in every_field if f not in editable and f not in fixed)


class RoleAdmin(RolePermissions, admin.ModelAdmin):
    """A ModelAdmin whose permissions come from Forewarn roles, field by field.

    A ValidationError from a service (a rule that only holds under its lock, or data stored
    before a rule existed) becomes a message on the page the operator came from, never a 500.
    """

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def _every_field(self, request, obj) -> list[str]:
        if self.fieldsets:
            return flatten_fieldsets(self.fieldsets)
        if self.fields:
            return list(self.fields)
        opts = self.model._meta
        left_out = set(self.exclude or ())  # as Django's own form leaves them out
        return [
            f.name
            for f in [*opts.concrete_fields, *opts.many_to_many]
            if f.editable and not f.auto_created and f.name not in left_out
        ]

    def get_readonly_fields(self, request, obj=None):
        fixed = super().get_readonly_fields(request, obj)
        return self.role_readonly_fields(request, obj, fixed, self._every_field(request, obj))

    def get_prepopulated_fields(self, request, obj=None):
        readonly = set(self.get_readonly_fields(request, obj))
        return {
            field: sources
            for field, sources in super().get_prepopulated_fields(request, obj).items()
            if field not in readonly
        }

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            return self._refused(request, error)

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except ValidationError as error:
            return self._refused(request, error)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            return self._refused(request, error)

    def _refused(self, request, error: ValidationError):
        if hasattr(error, "message_dict"):
            text = "; ".join(
                f"{field}: {' '.join(found)}" for field, found in error.message_dict.items()
            )
        else:
            text = " ".join(error.messages)
        self.message_user(request, f"Nothing was changed. {text}", messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def check(self, **kwargs):
        """A list-editable column must be one every role that may change the model may change."""
        found = super().check(**kwargs)
        lowest = [r for r in ROLE_ORDER if r == self.change_role or r in self.field_roles.values()]
        for field in self.list_editable:
            if lowest and self.field_roles.get(field, self.change_role) != lowest[0]:
                found.append(
                    checks.Error(
                        f"{type(self).__name__}.list_editable has {field!r}, which role "
                        f"{lowest[0]} may not change: add it to field_roles or drop it.",
                        obj=type(self),
                        id="forewarn.E001",
                    )
                )
        return found


class RoleInline(RolePermissions):
    """Mix into an InlineModelAdmin: the same role rules inside a parent's form."""

    def get_readonly_fields(self, request, obj=None):
        fixed = super().get_readonly_fields(request, obj)
        every = list(self.fields) if self.fields else []
        return self.role_readonly_fields(request, obj, fixed, every)


class WebhooksForAdmins:
    """A ModelAdmin mixin for settings that hold chat webhook URLs (``webhook_fields``): such a
    URL is the credential that posts to the channel, so staff below admin, who may read the
    settings but not change them, see only where it goes (``destinations.shown``), on the
    object's page and in the list, as the API shows it them (``api.auth.webhook_shown``)."""

    webhook_fields: tuple[str, ...] = ()

    def get_object(self, request, object_id, from_field=None):
        found = super().get_object(request, object_id, from_field)
        if found is not None and not has_role(request.user, Role.ADMIN):
            for name in self.webhook_fields:  # never saved: only admins change these
                setattr(found, name, destinations.shown(getattr(found, name)))
        return found

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        if has_role(request.user, Role.ADMIN):
            return columns
        return tuple(self._shown(c) if c in self.webhook_fields else c for c in columns)

    def _shown(self, name: str):
        @admin.display(description=self.model._meta.get_field(name).verbose_name)
        def column(obj):
            return destinations.shown(getattr(obj, name))

        return column
