"""Delivery endpoints of the JSON API: subscribers, webhook subscribers, and the delivery log.

Viewers read the log; communicators send test notices; admins manage subscribers.
"""

from datetime import UTC, datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from forewarn import limits
from forewarn.api.auth import actor, needs
from forewarn.api.fields import (
    Email,
    ObjectId,
    ShortText,
    Slugs,
    Text,
    TimeZoneName,
    bounded_list,
    one_of,
)
from forewarn.api.pagination import Pages
from forewarn.catalog.models import Role
from forewarn.catalog.services import components_by_slug
from forewarn.csvexport import csv_text

from . import operators, subscriptions
from .models import (
    AttemptOutcome,
    Audience,
    Channel,
    Delivery,
    DeliveryStatus,
    Notice,
    Subscriber,
)

router = Router(tags=["delivery"])


# --- subscribers ------------------------------------------------------------


ChannelName = one_of(Channel.values)
StateName = one_of(subscriptions.STATES)
DeliveryStatusName = one_of(DeliveryStatus.values)
Address = Annotated[str, Field(max_length=limits.URL)]


class SubscriberOut(Schema):
    id: int
    channel: ChannelName
    address: str
    state: StateName
    components: list[str] = Field(description="slugs; empty means all components")
    time_zone: str
    owner_email: str
    payload_format: str
    created_at: datetime
    confirmed_at: datetime | None
    unsubscribed_at: datetime | None
    disabled_at: datetime | None
    disabled_reason: str
    consecutive_failures: int

    @staticmethod
    def resolve_state(obj):
        return subscriptions.state_of(obj)

    @staticmethod
    def resolve_components(obj):
        return [c.slug for c in obj.components.all()]


class WebhookCreatedOut(SubscriberOut):
    secret: str | None = Field(
        description="Standard Webhooks signing secret (whsec_…), shown only now; null for chat."
    )

    @staticmethod
    def resolve_secret(obj):
        return obj.secret or None


class SubscriberIn(Schema):
    email: Email
    components: Slugs = Field(default_factory=list, description="component slugs; none: all")
    time_zone: TimeZoneName = ""
    confirmed: bool = Field(False, description="skip double opt-in (admin, with a reason)")
    reason: ShortText = ""


class WebhookIn(Schema):
    url: Address
    owner_email: Email = Field(description="told when the webhook is disabled")
    channel: Literal["webhook", "chat"] = "webhook"
    components: Slugs = Field(default_factory=list, description="component slugs; none: all")
    payload_format: Literal["standard", "statuspage"] = Field(
        "standard",
        description="webhooks: Standard Webhooks' notice.created, or Statuspage's payload "
        "(incident, component_update) for its existing consumers",
    )


class DisableIn(Schema):
    reason: ShortText = ""


def _subscribers():
    return Subscriber.objects.prefetch_related("components")


@router.get("/subscribers", response=list[SubscriberOut], auth=needs(Role.ADMIN))
@paginate(Pages)
def list_subscribers(
    request,
    channel: ChannelName | None = None,
    state: StateName | None = None,
    address: Address | None = None,
):
    """Subscribers, filtered by channel, state (pending, active, unsubscribed, disabled) and address."""
    found = _subscribers()
    if channel:
        if channel not in Channel.values:
            raise ValidationError({"channel": f"Use one of: {', '.join(Channel.values)}."})
        found = found.filter(channel=channel)
    if state:
        if state not in subscriptions.STATES:
            raise ValidationError({"state": f"Use one of: {', '.join(subscriptions.STATES)}."})
        found = found.filter(subscriptions.STATES[state])
    if address:
        found = found.filter(address__icontains=address)
    return found


@router.post(
    "/subscribers", response={200: SubscriberOut, 201: SubscriberOut}, auth=needs(Role.ADMIN)
)
def add_subscriber(request, payload: SubscriberIn):
    """Add an email subscriber: double opt-in, unless ``confirmed`` with a ``reason`` (recorded)."""
    subscriber, created = operators.add_email_subscriber(
        payload.email,
        components=components_by_slug(payload.components),
        time_zone=payload.time_zone,
        confirmed=payload.confirmed,
        reason=payload.reason,
        actor=actor(request),
    )
    return Status(201 if created else 200, _subscribers().get(pk=subscriber.pk))


@router.get("/subscribers/{subscriber_id}", response=SubscriberOut, auth=needs(Role.ADMIN))
def get_subscriber(request, subscriber_id: ObjectId):
    return get_object_or_404(_subscribers(), pk=subscriber_id)


@router.post(
    "/subscribers/{subscriber_id}/unsubscribe", response=SubscriberOut, auth=needs(Role.ADMIN)
)
def unsubscribe_subscriber(request, subscriber_id: ObjectId):
    subscriber = get_object_or_404(Subscriber, pk=subscriber_id)
    subscriptions.unsubscribe(subscriber, via="operator", actor=actor(request))
    return _subscribers().get(pk=subscriber_id)


@router.post("/subscribers/{subscriber_id}/disable", response=SubscriberOut, auth=needs(Role.ADMIN))
def disable_subscriber(request, subscriber_id: ObjectId, payload: DisableIn):
    subscriber = get_object_or_404(Subscriber, pk=subscriber_id)
    operators.disable(subscriber, reason=payload.reason, actor=actor(request))
    return _subscribers().get(pk=subscriber_id)


@router.post("/subscribers/{subscriber_id}/enable", response=SubscriberOut, auth=needs(Role.ADMIN))
def enable_subscriber(request, subscriber_id: ObjectId):
    subscriber = get_object_or_404(Subscriber, pk=subscriber_id)
    operators.enable(subscriber, actor=actor(request))
    return _subscribers().get(pk=subscriber_id)


@router.delete("/subscribers/{subscriber_id}", response={204: None}, auth=needs(Role.ADMIN))
def delete_subscriber(request, subscriber_id: ObjectId):
    operators.delete(get_object_or_404(Subscriber, pk=subscriber_id), actor=actor(request))
    return Status(204, None)


# --- webhook subscribers ----------------------------------------------------

_HOOKS = [Channel.WEBHOOK, Channel.CHAT]


def _hook(subscriber_id: ObjectId) -> Subscriber:
    return get_object_or_404(Subscriber, pk=subscriber_id, channel__in=_HOOKS)


@router.post("/webhook-subscribers", response={201: WebhookCreatedOut}, auth=needs(Role.ADMIN))
def add_webhook(request, payload: WebhookIn):
    """Add a webhook (signed per Standard Webhooks) or chat webhook; the secret is returned once."""
    subscriber = operators.add_webhook_subscriber(
        payload.url,
        owner_email=payload.owner_email,
        channel=payload.channel,
        components=components_by_slug(payload.components),
        actor=actor(request),
        payload_format=payload.payload_format,
    )
    return Status(201, subscriber)


@router.get("/webhook-subscribers", response=list[SubscriberOut], auth=needs(Role.ADMIN))
@paginate(Pages)
def list_webhooks(request):
    return _subscribers().filter(channel__in=_HOOKS)


@router.post(
    "/webhook-subscribers/{subscriber_id}/disable", response=SubscriberOut, auth=needs(Role.ADMIN)
)
def disable_webhook(request, subscriber_id: ObjectId, payload: DisableIn):
    operators.disable(_hook(subscriber_id), reason=payload.reason, actor=actor(request))
    return _subscribers().get(pk=subscriber_id)


@router.post(
    "/webhook-subscribers/{subscriber_id}/enable", response=SubscriberOut, auth=needs(Role.ADMIN)
)
def enable_webhook(request, subscriber_id: ObjectId):
    operators.enable(_hook(subscriber_id), actor=actor(request))
    return _subscribers().get(pk=subscriber_id)


@router.delete("/webhook-subscribers/{subscriber_id}", response={204: None}, auth=needs(Role.ADMIN))
def delete_webhook(request, subscriber_id: ObjectId):
    operators.delete(_hook(subscriber_id), actor=actor(request))
    return Status(204, None)


# --- the delivery log -------------------------------------------------------


class NoticeOut(Schema):
    id: int
    key: str
    thread_key: str
    kind: str
    subject: str
    audience: one_of(Audience.values)
    components: list[str]
    due_at: datetime
    fanned_out_at: datetime | None
    cancelled_at: datetime | None
    created_at: datetime
    created_by: str
    deliveries: dict[str, int] = Field(description="how many deliveries are in each status")

    @staticmethod
    def resolve_components(obj):
        return [c.slug for c in obj.components.all()]

    @staticmethod
    def resolve_deliveries(obj):
        return {status: getattr(obj, f"n_{status}") for status in DeliveryStatus.values}


class NoticeDetailOut(NoticeOut):
    body: str
    direct_addresses: list[str]

    @staticmethod
    def resolve_body(obj):
        return subscriptions.shown_body(obj)


class AttemptOut(Schema):
    at: datetime
    worker: str
    outcome: one_of(AttemptOutcome.values)
    detail: str


class DeliveryOut(Schema):
    id: int
    channel: ChannelName
    address: str = Field(description="an email address; a webhook only as https://host/…")
    status: DeliveryStatusName
    attempts: int
    queued_at: datetime
    last_tried_at: datetime | None
    sent_at: datetime | None
    failed_at: datetime | None
    next_attempt_at: datetime
    last_error: str
    message_id: str
    tries: list[AttemptOut]

    @staticmethod
    def resolve_address(obj):
        return obj.shown_address


class TestNoticeIn(Schema):
    subject: ShortText = ""
    body: Text = ""
    addresses: bounded_list(Email) = Field(
        default_factory=list, description="none: every active subscriber"
    )


def _notices():
    counts = {
        f"n_{status}": Count("deliveries", filter=Q(deliveries__status=status))
        for status in DeliveryStatus.values
    }
    return Notice.objects.prefetch_related("components").annotate(**counts)


@router.get("/notices", response=list[NoticeOut], auth=needs(Role.VIEWER))
@paginate(Pages)
def list_notices(request, kind: Annotated[str, Field(max_length=40)] | None = None):
    """Notices, newest due first, with how many deliveries are queued, sent, failed…"""
    found = _notices()
    return found.filter(kind=kind) if kind else found


@router.post("/notices/test", response={202: NoticeDetailOut}, auth=needs(Role.COMMUNICATOR))
def send_test_notice(request, payload: TestNoticeIn):
    """Queue a test notice to the given addresses, or to every active subscriber."""
    notice = operators.send_test_notice(
        subject=payload.subject,
        body=payload.body,
        addresses=payload.addresses,
        actor=actor(request),
    )
    return Status(202, _notices().get(pk=notice.pk))


@router.get("/notices/{notice_id}", response=NoticeDetailOut, auth=needs(Role.VIEWER))
def get_notice(request, notice_id: ObjectId):
    return get_object_or_404(_notices(), pk=notice_id)


def _deliveries(notice_id: int, status: str | None, address: str | None):
    notice = get_object_or_404(Notice, pk=notice_id)
    found = Delivery.objects.filter(notice=notice).prefetch_related("tries").order_by("id")
    if status:
        if status not in DeliveryStatus.values:
            raise ValidationError({"status": f"Use one of: {', '.join(DeliveryStatus.values)}."})
        found = found.filter(status=status)
    if address:
        found = found.filter(Delivery.matching(address))
    return notice, found


@router.get("/notices/{notice_id}/deliveries", response=list[DeliveryOut], auth=needs(Role.VIEWER))
@paginate(Pages)
def list_deliveries(
    request,
    notice_id: ObjectId,
    status: DeliveryStatusName | None = None,
    address: Address | None = None,
):
    """Each recipient of the notice: when queued, tried, sent or failed, and why."""
    return _deliveries(notice_id, status, address)[1]


CSV_COLUMNS = [
    "notice_id",
    "notice_key",
    "channel",
    "address",
    "status",
    "attempts",
    "queued_at",
    "last_tried_at",
    "sent_at",
    "failed_at",
    "last_error",
]


@router.get("/notices/{notice_id}/deliveries.csv", auth=needs(Role.VIEWER))
def deliveries_csv(
    request,
    notice_id: ObjectId,
    status: DeliveryStatusName | None = None,
    address: Address | None = None,
):
    """The delivery log of one notice as CSV (RFC 4180), times in UTC."""
    notice, found = _deliveries(notice_id, status, address)
    rows = (
        [
            notice.pk,
            notice.key,
            d.channel,
            d.shown_address,
            d.status,
            d.attempts,
            _utc(d.queued_at),
            _utc(d.last_tried_at),
            _utc(d.sent_at),
            _utc(d.failed_at),
            d.last_error,
        ]
        for d in found
    )
    response = HttpResponse(csv_text(CSV_COLUMNS, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="notice-{notice.pk}-deliveries.csv"'
    return response


def _utc(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else ""
