"""Alertmanager integrations, their rules, the alert groups they reported and each delivery.

Rows change only through ``services`` (integrations, rules) and ``receiver`` (groups,
deliveries). An integration's token is shown once; only its SHA-256 digest is kept.
"""

import hashlib
import secrets

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from forewarn import limits
from forewarn.catalog.models import Component, ComponentStatus
from forewarn.incidents.models import PRIORITY_CHOICES, Incident

from . import rules as core
from .matchers import MAX_TEXT

TOKEN_PREFIX = "fwam_"
QUIET_MINUTES_LIMIT = 24 * 60


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class AlertIntegration(models.Model):
    """One Alertmanager receiver: its bearer token and how long a resolved group stays quiet."""

    name = models.CharField(max_length=limits.NAME, unique=True)
    quiet_minutes = models.PositiveIntegerField(
        default=10,
        validators=[MinValueValidator(0), MaxValueValidator(QUIET_MINUTES_LIMIT)],
        help_text="After every alert of a group resolved, its incident waits this long in "
        "monitoring before it is resolved (a flapping alert reopens nothing).",
    )
    prefix = models.CharField(max_length=16, editable=False)
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.CharField(max_length=150, editable=False, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def new_token(self) -> str:
        """Give the integration a new secret; returns it (it is not stored)."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.prefix, self.key_digest = raw[:12], digest(raw)
        return raw

    @classmethod
    def authenticate(cls, raw: str) -> "AlertIntegration | None":
        if not raw.startswith(TOKEN_PREFIX):
            return None
        return cls.objects.filter(key_digest=digest(raw), revoked_at__isnull=True).first()


STATUS_CHOICES = [c for c in ComponentStatus.choices if c[0] != "operational"]


class AlertRule(models.Model):
    """Which alerts concern which components, with what status and priority (``rules``)."""

    integration = models.ForeignKey(
        AlertIntegration, on_delete=models.CASCADE, related_name="rules"
    )
    name = models.CharField(max_length=limits.NAME)
    position = models.PositiveIntegerField(
        default=0, validators=[MaxValueValidator(limits.POSITION)]
    )
    matchers = models.TextField(
        max_length=MAX_TEXT,
        blank=True,
        help_text='Alertmanager matchers, e.g. service="voice", env=~"prod|eu". Empty: every alert.',
    )
    components = models.ManyToManyField(Component, related_name="alert_rules")
    status = models.CharField(
        max_length=32,
        choices=STATUS_CHOICES,
        default="partial_outage",
        help_text="The components' status while the rule's alerts fire.",
    )
    priority = models.CharField(max_length=2, choices=PRIORITY_CHOICES, default="P3")
    severity_label = models.CharField(max_length=100, default=core.DEFAULT_SEVERITY_LABEL)
    by_severity = models.JSONField(
        default=dict,
        blank=True,
        help_text='By the alerts\' severity: {"critical": {"priority": "P1", "status": "major_outage"}}.',
    )
    publish_at_once = models.BooleanField(
        default=False,
        help_text="Publish the incident and notify customers at once. Otherwise it opens "
        "internal, without notices, for a responder to review.",
    )

    class Meta:
        ordering = ["integration", "position", "id"]

    def __str__(self) -> str:
        return self.name


class AlertGroup(models.Model):
    """An Alertmanager group (its ``groupKey``) and the incident it opened."""

    integration = models.ForeignKey(
        AlertIntegration, on_delete=models.CASCADE, related_name="groups"
    )
    group_key = models.CharField(max_length=200)
    status = models.CharField(max_length=10, default="firing")
    firing = models.JSONField(default=dict)  # fingerprint -> labels, of the alerts firing now
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_seen_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now)
    # jobs.resolve_quiet_groups resolves the incident when this comes.
    resolve_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "group_key"], name="alertgroup_one_per_key"
            )
        ]
        indexes = [
            models.Index(
                fields=["resolve_due_at"],
                condition=Q(resolve_due_at__isnull=False),
                name="alertgroup_resolve_due",
            )
        ]

    def __str__(self) -> str:
        return self.group_key


class AlertDelivery(models.Model):
    """One notification received, by its digest: a retry or a duplicate is found here."""

    integration = models.ForeignKey(
        AlertIntegration, on_delete=models.CASCADE, related_name="deliveries"
    )
    digest = models.CharField(max_length=64)
    group_key = models.CharField(max_length=200)
    status = models.CharField(max_length=10)
    alerts = models.PositiveIntegerField()
    outcome = models.CharField(max_length=300)
    received_at = models.DateTimeField(default=timezone.now)
    times = models.PositiveIntegerField(default=1)  # how often this very notification came

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name_plural = "alert deliveries"
        constraints = [
            models.UniqueConstraint(fields=["integration", "digest"], name="alertdelivery_once")
        ]
        # jobs.prune_old_deliveries finds the oldest past the retention by this.
        indexes = [models.Index(fields=["received_at"], name="alertdelivery_by_received")]

    def __str__(self) -> str:
        return f"{self.group_key} {self.status}"
