"""Support in the console: the request queue and each request's page (``console``), the
response targets, on-call rotas and chat widgets admins keep (with a widget's preview), and
the calls and meetings logged.

Nothing here saves a request itself: its page's forms call ``handling``. Targets, rotas,
shifts and chat widgets are saved through ``configuration``, which records what changed (a
widget's removal and the rotation of its secret too, as the API's do).
"""

from django.contrib import admin
from django.db import transaction
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from forewarn.catalog.models import Role, role_of
from forewarn.catalog.roles import RoleAdmin, RoleInline, WebhooksForAdmins
from forewarn.incidents.cadence import time_left_text
from forewarn.record.services import actor_name

from . import chat, configuration, console
from .models import (
    ChatWidget,
    Conversation,
    OnCallRota,
    OnCallShift,
    ResponseTarget,
    SupportRequest,
)


@admin.register(SupportRequest)
class SupportRequestAdmin(RoleAdmin):
    list_display = (
        "reference",
        "subject",
        "organization",
        "priority",
        "status",
        "assignee",
        "first_response",
        "created_at",
    )
    list_display_links = ("reference", "subject")
    list_filter = ("status", "priority", "origin", "emergency", "is_informational", "organization")
    search_fields = ("subject", "body", "requester_email", "public_id")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)

    @admin.display(description="reference", ordering="pk")
    def reference(self, obj):
        return obj.reference

    @admin.display(description="first response", ordering="first_response_due_at")
    def first_response(self, obj):
        if obj.first_responded_at:
            return format_html(
                "answered {}", timezone.localtime(obj.first_responded_at).strftime("%d %b %H:%M")
            )
        if obj.first_response_due_at is None:
            return "—"
        left = obj.first_response_due_at - timezone.now()
        css = "color: var(--error-fg); font-weight: bold" if left.total_seconds() <= 0 else ""
        return format_html('<span style="{}">{}</span>', css, time_left_text(left))

    def get_urls(self):
        return [
            path(
                "<int:pk>/act/<slug:name>/",
                console.wrap(self, console.act),
                name="support_supportrequest_act",
            ),
            path(
                "attachment/<int:pk>/",
                console.wrap(self, console.attachment),
                name="support_supportrequest_attachment",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return console.request_page(self, request, int(object_id))


class ConfiguredByAdmins(RoleAdmin):
    add_role = change_role = delete_role = Role.ADMIN
    remove = None  # the ``configuration`` function that removes one, and records it

    @staticmethod
    def who(request) -> dict:
        return {"actor": actor_name(request.user), "role": role_of(request.user)}

    def delete_model(self, request, obj):
        type(self).remove(obj, **self.who(request))

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


@admin.register(ResponseTarget)
class ResponseTargetAdmin(ConfiguredByAdmins):
    list_display = (
        "__str__",
        "high_minutes",
        "normal_minutes",
        "unclassified_minutes",
        "updated_at",
    )

    remove = staticmethod(configuration.delete_targets)

    def save_model(self, request, obj, form, change):
        configuration.save_targets(obj, **self.who(request))


class OnCallShiftInline(RoleInline, admin.TabularInline):
    model = OnCallShift
    fields = ("user", "email", "starts_at", "ends_at")
    extra = 1
    add_role = change_role = delete_role = Role.ADMIN


@admin.register(OnCallRota)
class OnCallRotaAdmin(WebhooksForAdmins, ConfiguredByAdmins):
    webhook_fields = ("chat_webhook_url",)
    list_display = ("name", "calendar", "response_minutes", "email", "is_active")
    inlines = [OnCallShiftInline]
    remove = staticmethod(configuration.delete_rota)

    def save_model(self, request, obj, form, change):
        configuration.save_rota(obj, **self.who(request))

    def save_formset(self, request, form, formset, change):
        for shift in formset.save(commit=False):
            configuration.save_shift(shift, **self.who(request))
        for gone in formset.deleted_objects:
            configuration.delete_shift(gone, **self.who(request))


@admin.register(Conversation)
class ConversationAdmin(RoleAdmin):
    list_display = ("at", "kind", "organization", "contact", "request", "minutes", "logged_by")
    list_filter = ("kind", "organization")
    search_fields = ("summary",)


@admin.register(ChatWidget)
class ChatWidgetAdmin(ConfiguredByAdmins):
    """Admins only, reading too: the page shows the secret users are signed with."""

    view_role = Role.ADMIN
    list_display = ("name", "key", "is_active", "updated_at")
    fields = ("name", "key", "secret", "allowed_origins", "is_active", "snippet")
    # The secret is shown, never typed: Forewarn makes it, and *Rotate the secret* makes a new
    # one, as the API does (a hand-typed secret is a guessable one).
    readonly_fields = ("key", "secret", "snippet")

    @admin.display(description="script tag")
    def snippet(self, obj):
        if obj is None or obj.pk is None:
            return "Saved widgets show their script tag here."
        return format_html(
            '<pre>{}</pre><p><a href="{}">Try it as one of your contacts</a></p>',
            chat.script_tag(obj, site=""),
            reverse("admin:support_chatwidget_preview", args=[obj.pk]),
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/preview/",
                console.wrap(self, console.chat_preview),
                name="support_chatwidget_preview",
            ),
            *super().get_urls(),
        ]

    actions = ["rotate_secret"]

    remove = staticmethod(configuration.delete_widget)

    def save_model(self, request, obj, form, change):
        configuration.save_widget(obj, **self.who(request))

    @admin.action(
        description="Rotate the secret (tokens signed with the old one stop working)",
        permissions=[Role.ADMIN],
    )
    def rotate_secret(self, request, queryset):
        with transaction.atomic():
            for widget in queryset:
                configuration.rotate_widget_secret(widget, **self.who(request))
        self.message_user(
            request,
            f"Rotated the secret of {len(queryset)} widget(s): give your backend the new one "
            "from each widget's page.",
        )
