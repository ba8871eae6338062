"""Incidents as the database keeps them; every word comes from the pure core.

Rows change only through ``services`` (operators) and ``runner`` (the jobs), which
record every change. ``CadencePolicy.to_core()`` and ``EscalationSettings.to_core()``
hand the editable policies to the pure ``cadence`` and ``escalation`` modules; a
priority without a policy row uses seed 001's defaults (``priorities.DEFINITIONS``).
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from forewarn.calendars.engine import BusinessCalendar
from forewarn.calendars.models import Calendar
from forewarn.catalog.models import Component, ComponentStatus, new_public_id
from forewarn.delivery import destinations
from forewarn.policies.presets import calendar_for
from forewarn.record.subjects import RecordedSubject

from .cadence import DEFAULT_REMINDER_LEAD, CadenceRule
from .causes import LABELS as CAUSE_LABELS
from .causes import Cause
from .escalation import DEFAULT_RULES, EscalationRules, Tier
from .escalation import LABELS as TIER_LABELS
from .lifecycle import IncidentStatus
from .priorities import DEFINITIONS, Clock, EscalationTiming, Priority

# Seed 001 defines Business Hours; a policy without a calendar counts in them.
DEFAULT_CALENDAR = "nl-business"

PRIORITY_CHOICES = [(p.value, DEFINITIONS[p].label) for p in Priority]
STATUS_CHOICES = [(s.value, s.value.capitalize()) for s in IncidentStatus]
CAUSE_CHOICES = [(c.value, CAUSE_LABELS[c]) for c in Cause]
TIER_CHOICES = [(t.value, TIER_LABELS[t]) for t in Tier]
CLOCK_CHOICES = [
    (Clock.ELAPSED.value, "Elapsed minutes (seed 001's reading)"),
    (Clock.BUSINESS.value, "Business time of the calendar"),
]
ESCALATION_CHOICES = [
    (EscalationTiming.IMMEDIATELY.value, "Immediately"),
    (EscalationTiming.BUSINESS_HOURS.value, "Within business hours"),
    (EscalationTiming.PLANNED.value, "Planned (never automatically)"),
]


def business_calendar(calendar: Calendar | None) -> BusinessCalendar:
    """The calendar's engine, or seed 001's Business Hours (nl-business) when none is set."""
    return calendar.to_engine() if calendar is not None else calendar_for(DEFAULT_CALENDAR)


class CadencePolicy(models.Model):
    """Seed 001 §6 for one priority, as an admin keeps it: update interval and escalation timing."""

    priority = models.CharField(max_length=2, choices=PRIORITY_CHOICES, unique=True)
    interval_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="An update is due this often; empty: no cadence."
    )
    clock = models.CharField(max_length=16, choices=CLOCK_CHOICES, default=Clock.ELAPSED)
    calendar = models.ForeignKey(
        Calendar,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="For business time and business-hours escalation; empty: nl-business (seed 001).",
    )
    escalation = models.CharField(max_length=16, choices=ESCALATION_CHOICES)
    is_public_by_default = models.BooleanField(
        help_text="Shown on the status page unless an operator says otherwise."
    )
    reminder_minutes = models.PositiveIntegerField(
        default=int(DEFAULT_REMINDER_LEAD.total_seconds() // 60),
        help_text="Responders are reminded this many minutes before an update is due.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["priority"]
        verbose_name_plural = "cadence policies"

    def __str__(self) -> str:
        every = f"every {self.interval_minutes} min" if self.interval_minutes else "no cadence"
        return f"{self.priority}: {every}, escalation {self.escalation}"

    @classmethod
    def seed_default(cls, priority: str) -> "CadencePolicy":
        """An unsaved policy with seed 001's values for ``priority``."""
        found = DEFINITIONS[Priority(priority)]
        interval = found.update_interval
        return cls(
            priority=found.priority.value,
            interval_minutes=int(interval.total_seconds() // 60) if interval else None,
            clock=Clock.ELAPSED,
            escalation=found.escalation.value,
            is_public_by_default=found.is_public,
        )

    @classmethod
    def for_priority(cls, priority: str) -> "CadencePolicy":
        """The saved policy of ``priority``, or seed 001's when an admin has none."""
        return cls.objects.select_related("calendar").filter(
            priority=priority
        ).first() or cls.seed_default(priority)

    def rule(self) -> CadenceRule:
        """The pure cadence rule; ValueError naming the field when the values do not fit."""
        return CadenceRule(
            interval=timedelta(minutes=self.interval_minutes) if self.interval_minutes else None,
            clock=Clock(self.clock),
            reminder_lead=timedelta(minutes=self.reminder_minutes),
        )

    def to_core(self) -> tuple[CadenceRule, EscalationTiming, BusinessCalendar]:
        return self.rule(), EscalationTiming(self.escalation), business_calendar(self.calendar)

    def clean(self) -> None:
        try:
            self.rule()
        except ValueError as exc:
            field, _, message = str(exc).partition(": ")
            field = {"interval": "interval_minutes", "reminder_lead": "reminder_minutes"}.get(
                field, "interval_minutes"
            )
            raise ValidationError({field: message or str(exc)}) from None


class EscalationSettings(models.Model):
    """When an incident is persistent or platform-wide, and the responders' chat webhook (one row)."""

    tier_2_after_overdue = models.PositiveIntegerField(
        default=DEFAULT_RULES.tier_2_after_overdue,
        help_text="Escalate to Tier 2 (technical) after this many missed updates.",
    )
    executive_after_overdue = models.PositiveIntegerField(
        default=DEFAULT_RULES.executive_after_overdue,
        help_text="Persistent: escalate to the executive tier after this many missed updates.",
    )
    executive_above_components = models.PositiveIntegerField(
        default=DEFAULT_RULES.executive_above_components,
        help_text="Platform-wide: escalate to the executive tier when more components are affected.",
    )
    responder_chat_webhook = models.URLField(
        blank=True,
        max_length=500,
        help_text="A Slack-compatible incoming webhook; update reminders are posted there too.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "escalation settings"

    def __str__(self) -> str:
        return "Escalation settings"

    @classmethod
    def current(cls) -> "EscalationSettings":
        """The saved row, or the defaults (unsaved) when an admin has not saved one."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    def to_core(self) -> EscalationRules:
        return EscalationRules(
            tier_2_after_overdue=self.tier_2_after_overdue,
            executive_after_overdue=self.executive_after_overdue,
            executive_above_components=self.executive_above_components,
        )

    def clean(self) -> None:
        try:
            self.to_core()
        except ValueError as exc:
            field, _, message = str(exc).partition(": ")
            raise ValidationError({field: message}) from None


class EscalationContact(models.Model):
    """Someone told when an incident escalates to a tier: a staff user, an address or a chat webhook."""

    tier = models.CharField(max_length=16, choices=TIER_CHOICES)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    email = models.EmailField(blank=True)
    chat_webhook_url = models.URLField(blank=True, max_length=500)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["tier", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email="") | ~Q(chat_webhook_url=""),
                name="escalation_contact_reaches_someone",
            )
        ]

    def __str__(self) -> str:
        # Where the webhook goes, not its URL: this name is in the record and the console.
        who = self.user.get_username() if self.user_id else self.email
        who = who or destinations.shown(self.chat_webhook_url)
        return f"{self.get_tier_display()}: {who}"

    def clean(self) -> None:
        if self.user_id is None and not self.email and not self.chat_webhook_url:
            raise ValidationError(
                {"email": "Give a staff user, an email address or a chat webhook to tell."}
            )


class Incident(RecordedSubject, models.Model):
    """Something that made a product unavailable or significantly degraded (seed 001 §1)."""

    public_id = models.CharField(max_length=12, unique=True, default=new_public_id, editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField(
        blank=True, help_text="Description and analysis (Markdown), kept for the incident report."
    )
    priority = models.CharField(max_length=2, choices=PRIORITY_CHOICES)
    status = models.CharField(
        max_length=16, choices=STATUS_CHOICES, default=IncidentStatus.INVESTIGATING
    )
    is_public = models.BooleanField(default=False)
    visibility_overridden = models.BooleanField(
        default=False,
        help_text="An operator chose the visibility; reclassifying then leaves it as it is.",
    )
    cause = models.CharField(max_length=16, choices=CAUSE_CHOICES, default=Cause.OWN)
    cause_component = models.ForeignKey(
        Component,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="caused_incidents",
        help_text="The upstream (third-party) component responsible; its target counts the time.",
    )
    cause_note = models.TextField(blank=True)
    reporter = models.CharField(
        max_length=200, blank=True, help_text="The customer contact who reported it, if any."
    )
    responders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="incidents_responding"
    )
    escalation_tier = models.CharField(
        max_length=16, choices=TIER_CHOICES, blank=True, help_text="The highest tier told."
    )
    detected_at = models.DateTimeField(help_text="When the trouble began or was first seen.")
    created_at = models.DateTimeField(default=timezone.now, help_text="When it was opened here.")
    created_by = models.CharField(max_length=200, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    identified_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    priority_set_at = models.DateTimeField(
        help_text="When the current priority took effect: its cadence and escalation run from here."
    )
    last_update_at = models.DateTimeField(null=True, blank=True)
    next_update_due_at = models.DateTimeField(
        null=True, blank=True, help_text="The next update is due then (it stays, once missed)."
    )
    next_reminder_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the cadence watcher looks next: a reminder, or a deadline to mark missed.",
    )
    next_escalation_at = models.DateTimeField(null=True, blank=True)
    reminded_for = models.DateTimeField(
        null=True, blank=True, help_text="The deadline the last reminder was sent for."
    )
    overdue_count = models.PositiveIntegerField(
        default=0, help_text="Deadlines missed over the incident's life."
    )
    missed_since_update = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    REF_PREFIX = "incident"  # ref: the cause_ref, exclusion ref and notice thread of this incident

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # jobs.watch_cadence claims rows whose next_reminder_at has come (only open
            # incidents with a cadence have one).
            models.Index(
                fields=["next_reminder_at"],
                condition=Q(next_reminder_at__isnull=False),
                name="incident_cadence_due",
            ),
            # jobs.escalate_due claims rows whose next_escalation_at has come.
            models.Index(
                fields=["next_escalation_at"],
                condition=Q(next_escalation_at__isnull=False),
                name="incident_escalation_due",
            ),
            # Not read by a job: the console and the API list open incidents by the update due
            # next ("what is overdue"); the watcher keeps its own column above.
            models.Index(
                fields=["next_update_due_at"],
                condition=Q(resolved_at__isnull=True),
                name="incident_open_update_due",
            ),
            models.Index(fields=["is_public", "created_at"], name="incident_public_by_date"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.priority} {self.title}"

    @property
    def is_open(self) -> bool:
        return IncidentStatus(self.status).is_open

    def record_contact(self) -> str:
        return self.reporter


class IncidentUpdate(models.Model):
    """A message posted on an incident, with the status and component statuses it set."""

    public_id = models.CharField(max_length=12, unique=True, default=new_public_id, editable=False)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=16, choices=STATUS_CHOICES)
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(help_text="The body rendered and sanitised when it was posted.")
    component_changes = models.JSONField(
        default=list,
        blank=True,
        help_text='[{"component": slug, "name": …, "from": status, "to": status}]',
    )
    notify = models.BooleanField(default=True)
    author = models.CharField(max_length=200)
    posted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-posted_at", "-id"]
        indexes = [models.Index(fields=["incident", "posted_at"])]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.status} {self.posted_at:%Y-%m-%d %H:%M}"


class AffectedComponent(models.Model):
    """A component an incident touched: the status it found and the status it set."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="affected")
    component = models.ForeignKey(
        Component, on_delete=models.PROTECT, related_name="incident_effects"
    )
    status_before = models.CharField(max_length=32, choices=ComponentStatus.choices)
    before_ref = models.CharField(
        max_length=64, blank=True, help_text="cause_ref of the status it found (incident:7…)."
    )
    status_during = models.CharField(
        max_length=32, choices=ComponentStatus.choices, help_text="The last status it set."
    )
    added_at = models.DateTimeField(default=timezone.now)
    restored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["incident", "component__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "component"], name="one_effect_per_incident_component"
            )
        ]

    def __str__(self) -> str:
        return f"{self.component} {self.status_before} → {self.status_during}"


class Escalation(models.Model):
    """One tier told about one incident: once, by the unique key."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="escalations")
    tier = models.CharField(max_length=16, choices=TIER_CHOICES)
    at = models.DateTimeField(default=timezone.now)
    actor = models.CharField(max_length=200)
    reason = models.TextField(blank=True)
    recipients = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["incident", "at"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "tier"], name="one_escalation_per_tier")
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.tier} {self.at:%Y-%m-%d %H:%M}"


class Postmortem(models.Model):
    """What happened and what will change, written after the incident; published once."""

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="postmortem")
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField()
    author = models.CharField(max_length=200)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    notified = models.BooleanField(default=False, help_text="Subscribers were told on publishing.")

    def __str__(self) -> str:
        return f"Postmortem of {self.incident_id}"


class IncidentTemplate(models.Model):
    """A ready-made opening: title, first message, priority and the components it usually hits."""

    name = models.CharField(max_length=200, unique=True)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown: the first update's message.")
    priority = models.CharField(max_length=2, choices=PRIORITY_CHOICES)
    components = models.ManyToManyField(Component, blank=True, related_name="incident_templates")
    component_status = models.CharField(
        max_length=32, choices=ComponentStatus.choices, default=ComponentStatus.MAJOR_OUTAGE
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IncidentSubscription(models.Model):
    """A visitor following one public incident by email (double opt-in, as Statuspage allows)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="followers")
    email = models.EmailField()
    time_zone = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["incident", "created_at"]
        constraints = [
            models.UniqueConstraint(
                "incident", Lower("email"), name="one_follower_per_incident_email"
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} follows {self.incident_id}"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None
