"""The console for subscribers and the delivery log.

Viewers read notices, deliveries and attempts (the log is evidence: nobody edits or deletes
it here); admins manage subscribers; communicators send test notices.  Adding a subscriber
goes through ``subscriptions``, so email addresses still get double opt-in.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html

from forewarn.catalog.models import Role
from forewarn.catalog.roles import RoleAdmin, RoleInline
from forewarn.record.kinds import Kind
from forewarn.record.services import actor_name, append

from . import operators, subscriptions
from .models import (
    Channel,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Notice,
    Subscriber,
    WebhookFormat,
)


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [(state, state.capitalize()) for state in subscriptions.STATES]

    def queryset(self, request, queryset):
        if self.value() in subscriptions.STATES:
            return queryset.filter(subscriptions.STATES[self.value()])
        return queryset


class SubscriberForm(forms.ModelForm):
    class Meta:
        model = Subscriber
        fields = ("channel", "address", "payload_format", "components", "time_zone", "owner_email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "payload_format" in self.fields:  # webhooks only; emails and chats ignore it
            self.fields["payload_format"].required = False

    def clean(self):
        data = super().clean()
        data["payload_format"] = data.get("payload_format") or WebhookFormat.STANDARD
        if self.instance.pk is not None:
            return data
        channel, address = data.get("channel"), data.get("address") or ""
        try:
            if channel == Channel.EMAIL:
                data["address"] = subscriptions.normalized_email(address)
            elif channel:
                data["address"] = operators.webhook_url(address)
                if not data.get("owner_email"):
                    self.add_error("owner_email", "Say who is told when the webhook is disabled.")
        except ValidationError as exc:
            self.add_error("address", " ".join(exc.messages))
        if Subscriber.objects.filter(channel=channel, address__iexact=data.get("address")).exists():
            self.add_error("address", "A subscriber with this address and channel exists already.")
        return data

    def validate_constraints(self, exclude=None):
        """The duplicate check in ``clean`` says it in words."""


class ReadOnlyInline(RoleInline, admin.TabularInline):
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True


@admin.register(Subscriber)
class SubscriberAdmin(RoleAdmin):
    view_role = add_role = change_role = delete_role = Role.ADMIN
    form = SubscriberForm
    list_display = (
        "address",
        "channel",
        "state",
        "chosen_components",
        "time_zone",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
        "disabled_at",
        "consecutive_failures",
    )
    list_filter = ("channel", StateFilter, "components")
    search_fields = ("address", "owner_email")
    date_hierarchy = "created_at"
    filter_horizontal = ("components",)
    readonly_fields = (
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
        "disabled_at",
        "disabled_reason",
        "consecutive_failures",
    )
    actions = ["send_test_notice", "disable_selected", "enable_selected", "unsubscribe_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("components")

    def get_readonly_fields(self, request, obj=None):
        # Changing the address or channel would skip double opt-in (and a webhook's format would
        # surprise its consumer): add a new subscriber instead.
        return self.readonly_fields + (("channel", "address", "payload_format") if obj else ())

    @admin.display(description="state")
    def state(self, obj):
        return subscriptions.state_of(obj)

    @admin.display(description="components")
    def chosen_components(self, obj):
        return ", ".join(c.name for c in obj.components.all()) or "all"

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        who, data = actor_name(request.user), form.cleaned_data
        if obj.channel == Channel.EMAIL:
            subscriber, _ = operators.add_email_subscriber(
                obj.address, components=data["components"], time_zone=obj.time_zone, actor=who
            )
            self.message_user(request, f"Sent {obj.address} a link to confirm (double opt-in).")
        else:
            subscriber = operators.add_webhook_subscriber(
                obj.address,
                owner_email=obj.owner_email,
                channel=obj.channel,
                components=data["components"],
                actor=who,
                payload_format=obj.payload_format,
            )
            if subscriber.secret:
                self.message_user(
                    request,
                    f"Signing secret for {subscriber.address}, shown only now: {subscriber.secret}",
                    messages.WARNING,
                )
        obj.pk = subscriber.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            append(
                Kind.SUBSCRIBER_CHANGED,
                subject=form.instance,
                actor=actor_name(request.user),
                description=f"{form.instance} changed in the console: {', '.join(form.changed_data)}.",
                details={"fields": form.changed_data},
            )

    def delete_model(self, request, obj):
        operators.delete(obj, actor=actor_name(request.user))

    def delete_queryset(self, request, queryset):
        for subscriber in queryset:
            operators.delete(subscriber, actor=actor_name(request.user))

    @admin.action(description="Send a test notice", permissions=["communicator"])
    def send_test_notice(self, request, queryset):
        active = [s for s in queryset if s.is_active and s.channel == Channel.EMAIL]
        if not active:
            self.message_user(
                request,
                "None of the chosen subscribers is an active email address.",
                messages.ERROR,
            )
            return
        notice = operators.send_test_notice(subscribers=active, actor=actor_name(request.user))
        link = reverse("admin:delivery_notice_change", args=[notice.pk])
        self.message_user(
            request,
            format_html(
                'Queued a test notice to {} subscriber(s); <a href="{}">follow its delivery log</a>.',
                len(active),
                link,
            ),
        )

    @admin.action(description="Disable the chosen subscribers", permissions=["admin"])
    def disable_selected(self, request, queryset):
        for subscriber in queryset:
            operators.disable(subscriber, reason="", actor=actor_name(request.user))
        self.message_user(request, f"Disabled {len(queryset)} subscriber(s).")

    @admin.action(description="Enable the chosen subscribers", permissions=["admin"])
    def enable_selected(self, request, queryset):
        for subscriber in queryset:
            operators.enable(subscriber, actor=actor_name(request.user))
        self.message_user(request, f"Enabled {len(queryset)} subscriber(s).")

    @admin.action(description="Unsubscribe the chosen subscribers", permissions=["admin"])
    def unsubscribe_selected(self, request, queryset):
        for subscriber in queryset:
            subscriptions.unsubscribe(subscriber, via="operator", actor=actor_name(request.user))
        self.message_user(request, f"Unsubscribed {len(queryset)} subscriber(s).")


class DeliveryInline(ReadOnlyInline):
    model = Delivery
    fields = (
        "channel",
        "shown_address",
        "status",
        "attempts",
        "queued_at",
        "last_tried_at",
        "sent_at",
        "failed_at",
        "last_error",
    )
    readonly_fields = fields


def _csv_url(notice_pk: int) -> str:
    return reverse("api-v1:deliveries_csv", args=[notice_pk])


@admin.register(Notice)
class NoticeAdmin(RoleAdmin):
    list_display = ("subject", "kind", "audience", "due_at", "fanned_out_at", "outcome", "csv")
    list_filter = ("kind", "audience")
    search_fields = ("subject", "key", "thread_key")
    date_hierarchy = "due_at"
    inlines = [DeliveryInline]
    readonly_fields = ("delivery_log", "shown_body")
    fields = (
        "delivery_log",
        "key",
        "thread_key",
        "kind",
        "subject",
        "shown_body",
        "audience",
        "components",
        "direct_addresses",
        "event_times",
        "reply_to_ref",
        "due_at",
        "fanned_out_at",
        "cancelled_at",
        "created_at",
        "created_by",
    )

    def get_queryset(self, request):
        counts = {
            f"n_{s}": Count("deliveries", filter=Q(deliveries__status=s))
            for s in DeliveryStatus.values
        }
        return super().get_queryset(request).annotate(**counts)

    @admin.display(description="deliveries")
    def outcome(self, obj):
        pending = obj.n_queued + obj.n_sending + obj.n_retrying
        return f"{obj.n_sent} sent, {obj.n_failed} failed, {pending} pending"

    @admin.display(description="CSV")
    def csv(self, obj):
        return format_html('<a href="{}">CSV</a>', _csv_url(obj.pk))

    @admin.display(description="body")
    def shown_body(self, obj):
        return subscriptions.shown_body(obj)

    @admin.display(description="delivery log")
    def delivery_log(self, obj):
        if obj.pk is None:
            return "-"
        changelist = reverse("admin:delivery_delivery_changelist") + f"?notice__id__exact={obj.pk}"
        return format_html(
            '<a href="{}">All deliveries, with filters</a> · <a href="{}">Download as CSV</a>',
            changelist,
            _csv_url(obj.pk),
        )


class AttemptInline(ReadOnlyInline):
    model = DeliveryAttempt
    fields = ("at", "worker", "outcome", "detail")
    readonly_fields = fields
    show_change_link = False


@admin.register(Delivery)
class DeliveryAdmin(RoleAdmin):
    list_display = (
        "shown_address",
        "channel",
        "status",
        "notice",
        "attempts",
        "queued_at",
        "last_tried_at",
        "sent_at",
        "failed_at",
        "error",
    )
    list_filter = ("status", "channel", "notice__kind")
    list_select_related = ("notice",)
    search_fields = ("notice__subject", "notice__key")  # and the recipient: get_search_results
    date_hierarchy = "queued_at"
    inlines = [AttemptInline]
    # A webhook's URL is a credential: every field but the address, and ``shown_address``.
    exclude = ("address",)
    readonly_fields = ("shown_address",)

    @admin.display(description="last error")
    def error(self, obj):
        return obj.last_error[:120]

    def get_search_results(self, request, queryset, search_term):
        found, duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            found |= queryset.filter(Delivery.matching(search_term.strip()))
        return found, duplicates


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(RoleAdmin):
    list_display = ("delivery", "at", "worker", "outcome", "detail")
    list_filter = ("outcome",)
    list_select_related = ("delivery",)
    search_fields = ("delivery__address", "worker", "detail")
    date_hierarchy = "at"
