"""Planned work as the database keeps it; every word comes from the pure core.

A ``PlannedWork`` is planned under one policy and work type, affects components (each with
the status it takes during the window), and has one ``Window`` per occurrence (one, or one
per occurrence of its RRULE). The life cycle runs per window (``lifecycle``); the work's
own ``state`` follows its windows. A window holds its components while it runs: each
``Hold`` keeps the status it found, the one it set and when the component returned, which
the availability exclusion reads. Rows change only through ``services`` (operators) and
``runner`` (the jobs), which record every change.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q

from forewarn import limits
from forewarn.catalog.models import Component, ComponentStatus, new_public_id
from forewarn.policies.models import Policy, WorkType
from forewarn.policies.rules import Impact, Risk
from forewarn.record.subjects import RecordedSubject

from .lifecycle import LABELS, PlannedState

STATE_CHOICES = [(s.value, LABELS[s]) for s in PlannedState]
RISK_CHOICES = [(r.value, r.value.capitalize()) for r in Risk]
IMPACT_CHOICES = [(i.value, i.value.replace("_", " ").capitalize()) for i in Impact]


def _text(**kwargs):
    return models.TextField(
        blank=True, max_length=limits.TEXT, validators=[MaxLengthValidator(limits.TEXT)], **kwargs
    )


class PlannedWork(RecordedSubject, models.Model):
    """One piece of planned work: what, under which policy, affecting what, and when."""

    public_id = models.CharField(max_length=12, unique=True, default=new_public_id, editable=False)
    title = models.CharField(max_length=limits.NAME)
    description = _text(help_text="Markdown.")
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="planned_work")
    work_type = models.ForeignKey(WorkType, on_delete=models.PROTECT, related_name="planned_work")
    other_work_types = models.ManyToManyField(
        WorkType,
        blank=True,
        related_name="planned_work_elsewhere",
        help_text="The work type under each other policy an affected organization falls under.",
    )
    risk = models.CharField(max_length=8, choices=RISK_CHOICES, default=Risk.LOW)
    impact_text = _text(help_text="The expected impact, in words, for the notices.")
    shutdown = models.BooleanField(default=False, help_text="The system is shut down.")
    on_site = models.BooleanField(default=False, help_text="An engineer visits the client's site.")
    validated_on_test_environment = models.BooleanField(default=False)
    emergency = models.BooleanField(
        default=False, help_text="Emergency maintenance for the SLA (else scheduled maintenance)."
    )
    new_features = models.JSONField(
        default=list,
        blank=True,
        help_text='Upgrades: [{"name": "Call recording", "plans": ["Enterprise"]}]: the plans '
        "whose licences include it at no extra cost.",
    )
    plan_changes = models.JSONField(
        default=dict, blank=True, help_text='Material changes per plan: {"Basic": "…"}.'
    )
    time_zone = models.CharField(
        max_length=limits.TIME_ZONE, help_text="The zone the window and its rule are given in."
    )
    rrule = models.CharField(
        max_length=500, blank=True, help_text="RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=SA;COUNT=8."
    )
    state = models.CharField(max_length=16, choices=STATE_CHOICES, default=PlannedState.DRAFT)
    audiences = models.JSONField(
        default=list,
        blank=True,
        help_text="Who is told under which policy, as of the last check: "
        '[{"policy": "seed-003", "work_type": "maintenance", "organizations": [3, 7]}].',
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="planned_work",
        help_text="Alerted when a window overruns.",
    )
    created_by = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    REF_PREFIX = "planned"  # ref: the cause_ref, exclusion ref and notice thread of this work

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "planned work"
        indexes = [models.Index(fields=["state"], name="planned_work_state")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return PlannedState(self.state).is_public


class AffectedComponent(models.Model):
    """A component the work affects and the status it takes during each window."""

    work = models.ForeignKey(PlannedWork, on_delete=models.CASCADE, related_name="affected")
    component = models.ForeignKey(
        Component, on_delete=models.PROTECT, related_name="planned_effects"
    )
    expected_status = models.CharField(
        max_length=32, choices=ComponentStatus.choices, default=ComponentStatus.UNDER_MAINTENANCE
    )

    class Meta:
        ordering = ["work", "component__name"]
        constraints = [
            models.UniqueConstraint(fields=["work", "component"], name="one_effect_per_work")
        ]

    def __str__(self) -> str:
        return f"{self.component} → {self.expected_status}"


class Window(models.Model):
    """One occurrence of the work: its window, its place in the life cycle, its notices' sequence."""

    work = models.ForeignKey(PlannedWork, on_delete=models.CASCADE, related_name="windows")
    index = models.PositiveIntegerField(help_text="Its position in the rule; 0 for the first.")
    start_at = models.DateTimeField()
    end_at = models.DateTimeField()
    rule_start_at = models.DateTimeField(help_text="Where the rule put it (RECURRENCE-ID).")
    state = models.CharField(max_length=16, choices=STATE_CHOICES, default=PlannedState.DRAFT)
    sequence = models.PositiveIntegerField(
        default=0, help_text="The iCalendar SEQUENCE: rises on every change the customers see."
    )
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    overrunning_since = models.DateTimeField(
        null=True, blank=True, help_text="When it first ran past its end while still open."
    )
    extensions = models.PositiveIntegerField(default=0)
    next_extension_at = models.DateTimeField(null=True, blank=True)
    kept_policy = models.BooleanField(
        default=True, help_text="False when it was published despite a violation."
    )
    violations = models.JSONField(default=list, blank=True)
    # Read by the job planned_transitions (jobs.py): start, end, verify, extension notices.
    next_transition_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["work", "index"]
        constraints = [
            models.UniqueConstraint(fields=["work", "index"], name="one_window_per_index"),
            models.CheckConstraint(
                condition=Q(end_at__gt=models.F("start_at")), name="window_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_transition_at"],
                condition=Q(next_transition_at__isnull=False),
                name="window_transition_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.work} #{self.index} {self.start_at:%Y-%m-%d %H:%M}"

    @property
    def ref(self) -> str:
        return f"{self.work.ref}:{self.index}"


class Hold(models.Model):
    """A window holding a component: the status it found, the one it set, when it returned."""

    window = models.ForeignKey(Window, on_delete=models.CASCADE, related_name="holds")
    component = models.ForeignKey(Component, on_delete=models.PROTECT, related_name="planned_holds")
    status_before = models.CharField(max_length=32, choices=ComponentStatus.choices)
    before_ref = models.CharField(max_length=64, blank=True)
    status_set = models.CharField(max_length=32, choices=ComponentStatus.choices)
    started_at = models.DateTimeField()
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["window", "component__name"]
        constraints = [
            models.UniqueConstraint(fields=["window", "component"], name="one_hold_per_window")
        ]
        indexes = [models.Index(fields=["component", "started_at"], name="hold_component_start")]

    def __str__(self) -> str:
        return f"{self.component} {self.status_before} → {self.status_set}"


class Justification(models.Model):
    """Why work was published (or moved) despite a violation: kept with its author."""

    work = models.ForeignKey(PlannedWork, on_delete=models.CASCADE, related_name="justifications")
    window = models.ForeignKey(Window, null=True, blank=True, on_delete=models.CASCADE)
    move = models.CharField(max_length=16)
    text = models.TextField(max_length=limits.TEXT, validators=[MaxLengthValidator(limits.TEXT)])
    author = models.CharField(max_length=200)
    role = models.CharField(max_length=16)
    violations = models.JSONField(default=list)
    at = models.DateTimeField()

    class Meta:
        ordering = ["work", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:60]}"
