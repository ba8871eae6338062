"""Subscribers, notices and the outbox of deliveries (docs/product.md S6): the evidence that a
customer was told, and when."""

import base64
import secrets

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from forewarn.catalog.models import AuthorizedContact, Component, Organization

from . import destinations


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    WEBHOOK = "webhook", "Webhook (Standard Webhooks)"
    CHAT = "chat", "Chat webhook (Slack-compatible)"


def shown_recipient(channel: str, address: str) -> str:
    """A recipient as pages read by every staff role show it: an email address whole, a
    webhook only where it goes (``destinations.shown``), since its URL is the credential that
    posts there; the subscriber's own page, which admins alone read, has the whole URL."""
    return address if channel == Channel.EMAIL else destinations.shown(address)


class WebhookFormat(models.TextChoices):
    """What a webhook subscriber's POSTs look like; both are signed per Standard Webhooks."""

    STANDARD = "standard", "Standard Webhooks (notice.created)"
    STATUSPAGE = "statuspage", "Statuspage's webhook payload (incident, component_update)"


def new_webhook_secret() -> str:
    """A Standard Webhooks signing secret: ``whsec_`` + base64 of 24 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


class Subscriber(models.Model):
    """A public subscriber of the status page: an email address (double opt-in) or a webhook URL."""

    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.EMAIL)
    address = models.CharField(max_length=500, help_text="Email address or https URL.")
    components = models.ManyToManyField(
        Component,
        blank=True,
        related_name="subscribers",
        help_text="None chosen means all components.",
    )
    time_zone = models.CharField(max_length=64, blank=True)
    secret = models.CharField(
        max_length=80, blank=True, default=new_webhook_secret, help_text="Webhook signing secret."
    )
    owner_email = models.EmailField(blank=True, help_text="Who is told when a webhook is disabled.")
    payload_format = models.CharField(
        max_length=16,
        choices=WebhookFormat.choices,
        default=WebhookFormat.STANDARD,
        help_text="Webhooks: Standard Webhooks' own payload, or Statuspage's for its existing "
        "consumers (chat integrations); the Statuspage format also gets component updates.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(
        default=0, help_text="Deliveries in a row that ended failed (webhooks); reset by a success."
    )
    failing_since = models.DateTimeField(
        null=True, blank=True, help_text="First failed attempt since the last success (webhooks)."
    )
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("address"), "channel", name="one_subscriber_per_address_and_channel"
            ),
        ]

    def __str__(self) -> str:  # in other rows' pages too (a delivery's)
        return f"{self.channel}:{shown_recipient(self.channel, self.address)}"

    @classmethod
    def statuspage_webhooks(cls):
        """Active webhook subscribers that take Statuspage's format (and its component updates)."""
        return cls.objects.filter(
            channel=Channel.WEBHOOK,
            payload_format=WebhookFormat.STATUSPAGE,
            confirmed_at__isnull=False,
            unsubscribed_at__isnull=True,
            disabled_at__isnull=True,
        )

    @property
    def is_active(self) -> bool:
        return (
            self.confirmed_at is not None
            and self.unsubscribed_at is None
            and self.disabled_at is None
        )


class Audience(models.TextChoices):
    PUBLIC = "public", "Public subscribers of the affected components"
    CONTACTS = "contacts", "Authorized contacts of organizations using the affected components"
    EVERYONE = "everyone", "Both"
    DIRECT = "direct", "The addresses listed on the notice only"
    STATUSPAGE_WEBHOOKS = (
        "statuspage_hooks",
        "Webhook subscribers of the affected components in Statuspage's format",
    )


class Notice(models.Model):
    """What is said, about what, to whom, and when it is due; fanned out into deliveries once."""

    key = models.CharField(
        max_length=200,
        unique=True,
        help_text="Idempotency key, e.g. 'planned:12:announcement:v3'; the same key is never queued twice.",
    )
    thread_key = models.CharField(
        max_length=120, help_text="Notices with the same thread key share one email thread."
    )
    kind = models.CharField(max_length=40)
    subject = models.CharField(max_length=300)
    body = models.TextField(help_text="Markdown.")
    audience = models.CharField(max_length=16, choices=Audience.choices, default=Audience.EVERYONE)
    components = models.ManyToManyField(Component, blank=True, related_name="notices")
    organizations = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="notices",
        help_text="When set, only these organizations' authorized contacts get it (each client "
        "hears under the policy that applies to it).",
    )
    direct_addresses = models.JSONField(default=list, blank=True)
    event_times = models.JSONField(
        default=dict,
        blank=True,
        help_text='Instants the message talks about, shown in each recipient\'s zone: {"start": ISO}',
    )
    ics = models.TextField(
        blank=True, help_text="An iCalendar body attached as invite.ics, if any."
    )
    reply_to_ref = models.CharField(
        max_length=120, blank=True, help_text="Identifies the notice in the Reply-To."
    )
    due_at = models.DateTimeField(default=timezone.now, db_index=True)
    fanned_out_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(
        null=True, blank=True, help_text="When every delivery was done (sent, failed or skipped)."
    )
    # A fan-out that raised (a bug, bad data) is tried again later, backing off, so one bad
    # notice never holds back the ones due after it (``outbox.fan_out_due``).
    fan_out_failures = models.PositiveIntegerField(default=0)
    fan_out_retry_at = models.DateTimeField(null=True, blank=True)
    fan_out_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-due_at"]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(fanned_out_at__isnull=True),
                name="notice_due_not_fanned",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.subject}"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending (claimed by a worker)"
    RETRYING = "retrying", "Waiting to retry"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed permanently"
    SKIPPED = "skipped", "Skipped (recipient gone before sending)"


class Delivery(models.Model):
    """One notice to one recipient on one channel; unique, so nobody is told twice."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="deliveries")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    address = models.CharField(max_length=500)
    subscriber = models.ForeignKey(Subscriber, null=True, blank=True, on_delete=models.SET_NULL)
    contact = models.ForeignKey(AuthorizedContact, null=True, blank=True, on_delete=models.SET_NULL)
    time_zone = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=64, blank=True)
    claim_expires_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(default=timezone.now)
    last_tried_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    message_id = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-queued_at", "-id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "channel", "address"], name="one_delivery_per_notice_recipient"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["queued", "retrying", "sending"]),
                name="delivery_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.channel}:{self.shown_address} ({self.status})"

    @staticmethod
    def matching(text: str) -> Q:
        """Deliveries whose recipient matches ``text`` as the log may be searched: an email
        address by any part, a webhook by its whole URL only, so that a search cannot spell out
        a URL the log does not show, a character at a time."""
        return Q(channel=Channel.EMAIL, address__icontains=text) | Q(address=text)

    @property
    def shown_address(self) -> str:
        """The recipient as the delivery log shows it (console, API, CSV): ``shown_recipient``."""
        return shown_recipient(self.channel, self.address)


class AttemptOutcome(models.TextChoices):
    SENT = "sent", "Sent"
    TRANSIENT = "transient", "Transient failure (will retry)"
    PERMANENT = "permanent", "Permanent failure"
    DEFERRED = "deferred", "Not tried: the mail server was unreachable (not counted)"
    UNKNOWN = "unknown", "Unknown: the worker stopped before recording; sent again"


class DeliveryAttempt(models.Model):
    """Each try of a delivery, kept as evidence: when, by which worker, the outcome and why."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="tries")
    at = models.DateTimeField(default=timezone.now)
    worker = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=16, choices=AttemptOutcome.choices)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.outcome} {self.at:%Y-%m-%d %H:%M:%S}"
