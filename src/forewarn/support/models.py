"""Support requests as the database keeps them; every word comes from ``lifecycle``.

Rows change only through ``services`` (staff, the API, inbound mail) and ``runner`` (the
jobs), which record every change. ``ResponseTarget.to_core()`` and ``OnCallRota`` hand the
editable targets and the rota's calendar to the pure ``clocks``.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from forewarn import limits
from forewarn.calendars.engine import BusinessCalendar
from forewarn.calendars.models import Calendar
from forewarn.catalog.models import AuthorizedContact, Component, Organization, new_public_id
from forewarn.delivery.models import Notice
from forewarn.incidents.escalation import LABELS as TIER_LABELS
from forewarn.incidents.escalation import Tier
from forewarn.incidents.models import Incident
from forewarn.record.kinds import Kind
from forewarn.record.models import Event
from forewarn.record.services import entry

from .chat_tokens import parse_origins
from .clocks import Targets, around_the_clock
from .lifecycle import ConversationKind, MessageKind, Origin, Priority, RequestStatus

STATUS_CHOICES = [(s.value, s.label) for s in RequestStatus]
PRIORITY_CHOICES = [(p.value, p.label) for p in Priority]
ORIGIN_CHOICES = [(o.value, o.value.capitalize()) for o in Origin]
MESSAGE_CHOICES = [(k.value, k.value.capitalize()) for k in MessageKind]
TIER_CHOICES = [(t.value, TIER_LABELS[t]) for t in Tier]
CONVERSATION_CHOICES = [(k.value, k.value.capitalize()) for k in ConversationKind]
TARGET_MINUTES = [MinValueValidator(1), MaxValueValidator(limits.OBJECTIVE_MINUTES)]


def _minutes(value: int | None) -> timedelta | None:
    return timedelta(minutes=value) if value else None


class ResponseTarget(models.Model):
    """Response targets for one organization, or for every organization on a plan (seed 001
    §5 when there is no row). Empty: seed 001's value (unclassified: one business day)."""

    organization = models.OneToOneField(
        Organization,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="support_targets",
    )
    plan = models.CharField(
        max_length=100, blank=True, help_text="Applies to this plan's organizations."
    )
    high_minutes = models.PositiveIntegerField(default=60, validators=TARGET_MINUTES)
    normal_minutes = models.PositiveIntegerField(default=480, validators=TARGET_MINUTES)
    unclassified_minutes = models.PositiveIntegerField(
        null=True, blank=True, validators=TARGET_MINUTES, help_text="Empty: one business day."
    )
    resolution_high_minutes = models.PositiveIntegerField(
        null=True, blank=True, validators=TARGET_MINUTES
    )
    resolution_normal_minutes = models.PositiveIntegerField(
        null=True, blank=True, validators=TARGET_MINUTES
    )
    resolution_unclassified_minutes = models.PositiveIntegerField(
        null=True, blank=True, validators=TARGET_MINUTES
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False) ^ ~Q(plan=""),
                name="response_target_for_an_organization_or_a_plan",
            ),
            models.UniqueConstraint(
                fields=["plan"], condition=~Q(plan=""), name="one_response_target_per_plan"
            ),
        ]

    def __str__(self) -> str:
        return f"Targets for {self.organization or 'plan ' + self.plan}"

    def to_core(self) -> Targets:
        return Targets(
            first_response={
                Priority.HIGH: _minutes(self.high_minutes),
                Priority.NORMAL: _minutes(self.normal_minutes),
                Priority.UNCLASSIFIED: _minutes(self.unclassified_minutes),
            },
            resolution={
                Priority.HIGH: _minutes(self.resolution_high_minutes),
                Priority.NORMAL: _minutes(self.resolution_normal_minutes),
                Priority.UNCLASSIFIED: _minutes(self.resolution_unclassified_minutes),
            },
        )


class OnCallRota(models.Model):
    """Who answers emergencies after hours (seed 004), with its own calendar and target."""

    name = models.CharField(max_length=200, unique=True)
    calendar = models.ForeignKey(
        Calendar,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="Empty: around the clock.",
    )
    response_minutes = models.PositiveIntegerField(default=30, validators=TARGET_MINUTES)
    email = models.EmailField(blank=True, help_text="Paged when no shift covers the moment.")
    chat_webhook_url = models.URLField(
        blank=True,
        max_length=limits.URL,
        help_text="A Slack-compatible webhook paged on every emergency.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def business_calendar(self) -> BusinessCalendar:
        return self.calendar.to_engine() if self.calendar_id else around_the_clock()


class OnCallShift(models.Model):
    """One person on call for a rota from ``starts_at`` to ``ends_at``."""

    rota = models.ForeignKey(OnCallRota, on_delete=models.CASCADE, related_name="shifts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    email = models.EmailField(blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["rota", "starts_at"]
        indexes = [models.Index(fields=["rota", "starts_at", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user or self.email} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"

    @property
    def address(self) -> str:
        return (self.user.email if self.user_id else "") or self.email


class SupportRequest(models.Model):
    """A question or issue of a client organization (docs/product.md S9)."""

    public_id = models.CharField(max_length=12, unique=True, default=new_public_id, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="support_requests"
    )
    requester = models.ForeignKey(
        AuthorizedContact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_requests",
    )
    requester_email = models.EmailField(blank=True)
    subject = models.CharField(max_length=limits.SHORT_TEXT)
    body = models.TextField(blank=True, help_text="Markdown, as the customer wrote it.")
    body_html = models.TextField(blank=True)
    component = models.ForeignKey(Component, null=True, blank=True, on_delete=models.SET_NULL)
    priority = models.CharField(
        max_length=16, choices=PRIORITY_CHOICES, default=Priority.UNCLASSIFIED
    )
    emergency = models.BooleanField(default=False)
    on_call = models.BooleanField(
        default=False, help_text="Routed to the on-call rota (after hours)."
    )
    rota = models.ForeignKey(OnCallRota, null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=24, choices=STATUS_CHOICES, default=RequestStatus.NEW)
    origin = models.CharField(max_length=16, choices=ORIGIN_CHOICES)
    is_informational = models.BooleanField(
        default=False, help_text="Opened by a notice: no clock until the customer writes."
    )
    out_of_scope_reason = models.TextField(blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_requests",
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=200, blank=True)
    clock_started_at = models.DateTimeField(null=True, blank=True)
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    first_responded_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The due instant each warning or breach was recorded for: recomputing a due instant
    # (a pause, a reclassification) makes a new one due, the same one never twice.
    warned_for = models.DateTimeField(null=True, blank=True)
    breached_for = models.DateTimeField(null=True, blank=True)
    resolution_warned_for = models.DateTimeField(null=True, blank=True)
    resolution_breached_for = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the clock watcher looks next (a warning or a breach).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # jobs.watch_clocks claims rows whose next_check_at has come.
            models.Index(
                fields=["next_check_at"],
                condition=Q(next_check_at__isnull=False),
                name="support_clock_due",
            ),
            # The console's and API's queue: open requests by the first response due next.
            models.Index(
                fields=["first_response_due_at"],
                condition=Q(first_responded_at__isnull=True),
                name="support_awaiting_response",
            ),
            models.Index(fields=["organization", "created_at"], name="support_by_organization"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def reference(self) -> str:
        """``SR-<id>``: what the customer sees in subjects and pages."""
        return f"SR-{self.pk}"

    @staticmethod
    def id_of(reference: str) -> int | None:
        """The id a reference names (``SR-12``, ``sr-12`` or ``12``); None if it names none."""
        number = reference.strip().upper().removeprefix("SR-")
        return int(number) if number.isdigit() and len(number) < 19 else None

    @property
    def ref(self) -> str:
        """``support:<id>``: the notice thread and keys of this request."""
        return f"support:{self.pk}"

    def record(self, kind: Kind, **fields) -> Event:
        """Append to the record (``record_entry``'s arguments)."""
        event = self.record_entry(kind, **fields)
        event.save()
        return event

    def record_entry(
        self,
        kind: Kind,
        *,
        actor: str,
        description: str,
        details: dict | None = None,
        contact: AuthorizedContact | None = None,
    ) -> Event:
        """The event ``record`` appends, not yet written (``record.services.append_all``
        writes many); the contact is the one who wrote (``contact``), else the requester (seed
        004: "name of the contact for each event")."""
        if contact is None and self.requester_id:
            contact = self.requester
        return entry(
            kind,
            subject=self,
            actor=actor,
            contact=contact.name if contact is not None else self.requester_email,
            description=f"{self.reference} {description}",
            details=details or {},
        )


class RequestMessage(models.Model):
    """One entry of a request's thread: the customer, a staff reply, an internal note."""

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=16, choices=MESSAGE_CHOICES)
    origin = models.CharField(max_length=16, choices=ORIGIN_CHOICES)
    author = models.CharField(
        max_length=254, help_text="A username, or the contact's name and address."
    )
    contact = models.ForeignKey(AuthorizedContact, null=True, blank=True, on_delete=models.SET_NULL)
    body = models.TextField(
        help_text="Markdown; for mail, the new text with quotes and signature trimmed."
    )
    body_html = models.TextField()
    original = models.TextField(blank=True, help_text="The whole text as received (mail).")
    raw = models.BinaryField(null=True, blank=True, help_text="The message as received (mail).")
    message_id = models.CharField(max_length=300, blank=True, db_index=True)
    notice = models.ForeignKey(Notice, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_public(self) -> bool:
        return self.kind != MessageKind.NOTE


class Attachment(models.Model):
    message = models.ForeignKey(
        RequestMessage, on_delete=models.CASCADE, related_name="attachments"
    )
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    content = models.BinaryField()

    def __str__(self) -> str:
        return self.filename


class Pause(models.Model):
    """A span the clocks stood still: waiting on the customer, or solved until reopened."""

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="pauses")
    status = models.CharField(max_length=24, choices=STATUS_CHOICES)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["request", "started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request"], condition=Q(ended_at__isnull=True), name="one_open_pause"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.status} from {self.started_at:%Y-%m-%d %H:%M}"


class ThreadLink(models.Model):
    """A Message-ID or a notice that belongs to a request's thread: how replies find it."""

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="links")
    message_id = models.CharField(max_length=300, blank=True, db_index=True)
    notice = models.ForeignKey(
        Notice, null=True, blank=True, on_delete=models.CASCADE, related_name="support_links"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["request", "message_id"],
                condition=~Q(message_id=""),
                name="one_link_per_message_id",
            ),
            models.UniqueConstraint(
                fields=["request", "notice"],
                condition=Q(notice__isnull=False),
                name="one_link_per_notice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} ← {self.message_id or self.notice_id}"


class RequestEscalation(models.Model):
    """One tier (the incidents' tiers, seed 004) told about one request: once."""

    request = models.ForeignKey(
        SupportRequest, on_delete=models.CASCADE, related_name="escalations"
    )
    tier = models.CharField(max_length=16, choices=TIER_CHOICES)
    at = models.DateTimeField(default=timezone.now)
    actor = models.CharField(max_length=200)
    reason = models.TextField(blank=True)
    recipients = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["request", "at"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "tier"], name="one_support_escalation_per_tier"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.tier} {self.at:%Y-%m-%d %H:%M}"


class Conversation(models.Model):
    """A phone call or meeting staff had with a contact, logged on a request, an incident, a
    notice or an organization (seed 002; seed 004: the contact of each event)."""

    kind = models.CharField(max_length=16, choices=CONVERSATION_CHOICES)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="conversations"
    )
    contact = models.ForeignKey(AuthorizedContact, null=True, blank=True, on_delete=models.SET_NULL)
    request = models.ForeignKey(
        SupportRequest,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="conversations",
    )
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.SET_NULL)
    notice = models.ForeignKey(Notice, null=True, blank=True, on_delete=models.SET_NULL)
    at = models.DateTimeField()
    minutes = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(24 * 60)]
    )
    summary = models.TextField(max_length=limits.TEXT)
    logged_by = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} with {self.contact or self.organization} {self.at:%Y-%m-%d %H:%M}"


def new_widget_secret() -> str:
    return secrets.token_urlsafe(32)


class ChatWidget(models.Model):
    """The chat widget a provider embeds in its own product (seed 004: chat "embedded within
    the platform"): the secret its backend signs users with, and the origins it runs on."""

    name = models.CharField(max_length=200, unique=True, help_text="e.g. the product it is in.")
    key = models.CharField(
        max_length=12,
        unique=True,
        default=new_public_id,
        editable=False,
        help_text="Public: the script tag's data-widget.",
    )
    secret = models.CharField(
        max_length=200,
        default=new_widget_secret,
        validators=[MinLengthValidator(32)],
        help_text="Your product's backend signs each user's chat token with it; keep it there.",
    )
    allowed_origins = models.TextField(
        blank=True,
        help_text="One a line, e.g. https://app.example.com: the pages the widget may run on.",
    )
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            parse_origins(self.allowed_origins)
        except ValueError as error:
            raise ValidationError({"allowed_origins": str(error)}) from None

    def origins(self) -> list[str]:
        return parse_origins(self.allowed_origins)
