"""Metrics and their points as the database keeps them; the words come from ``series``.

Rows change only through ``services``. A point is one row of four numbers, indexed with its
metric by instant: ``services.add_points`` writes them in bulk (``COPY`` on PostgreSQL) and
``services.series`` reads a period's buckets from the 5-minute rollups ``storage`` keeps.
"""

from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from forewarn import limits

from .series import (
    DECIMALS_LIMIT,
    RETENTION_DAYS_LIMIT,
    VALUE_LIMIT,
    DisplayMode,
    MetricVisibility,
    Period,
)

MODE_CHOICES = [(DisplayMode.SUM.value, "Sum per bucket"), (DisplayMode.AVERAGE.value, "Average")]
VISIBILITY_CHOICES = [
    (MetricVisibility.PUBLIC.value, "Public (on the status page)"),
    (MetricVisibility.INTERNAL.value, "Staff only"),
    (MetricVisibility.HIDDEN.value, "Hidden"),
]
PERIOD_CHOICES = [(p.value, p.label.capitalize()) for p in Period]
UNIT_MAX = 30


class Metric(models.Model):
    name = models.CharField(max_length=limits.NAME)
    slug = models.SlugField(max_length=limits.SLUG, unique=True)
    description = models.TextField(max_length=limits.TEXT, blank=True)
    unit = models.CharField(
        max_length=UNIT_MAX, blank=True, help_text="Shown after each value: ms, %, requests."
    )
    display_mode = models.CharField(
        max_length=10, choices=MODE_CHOICES, default=DisplayMode.AVERAGE.value
    )
    visibility = models.CharField(
        max_length=10, choices=VISIBILITY_CHOICES, default=MetricVisibility.PUBLIC.value
    )
    retention_days = models.PositiveIntegerField(
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(RETENTION_DAYS_LIMIT)],
        help_text="Points older than this are deleted (the month chart needs 30 days).",
    )
    decimal_places = models.PositiveSmallIntegerField(
        default=2, validators=[MaxValueValidator(DECIMALS_LIMIT)]
    )
    default_view = models.CharField(
        max_length=10,
        choices=PERIOD_CHOICES,
        default=Period.DAY.value,
        help_text="The chart shown open on the status page; the others are a click away.",
    )
    default_value = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(-VALUE_LIMIT), MaxValueValidator(VALUE_LIMIT)],
        help_text="Shown for a time without points (Cachet's default value); empty: a gap.",
    )
    position = models.PositiveIntegerField(
        default=0, validators=[MaxValueValidator(limits.POSITION)]
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    # jobs.expire_old_points deletes points past retention when this comes.
    next_expiry_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The end of the last minute in which points arrived or went (``series.changed_until``):
    # the public page's metrics stamp (``public.page_stamp``) reads the latest of the public ones.
    points_changed_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["position", "name", "id"]
        indexes = [
            # jobs.expire_old_points claims metrics whose next_expiry_at has come.
            models.Index(
                fields=["next_expiry_at"],
                condition=Q(next_expiry_at__isnull=False),
                name="metric_expiry_due",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def retention(self) -> timedelta:
        return timedelta(days=self.retention_days)

    @property
    def is_public(self) -> bool:
        return self.visibility == MetricVisibility.PUBLIC


class MetricPoint(models.Model):
    """``count`` readings whose mean is ``value``, at ``at`` (see ``series``)."""

    # The (metric, at) index serves every read; a second one on metric alone would only slow
    # the writes. No foreign-key constraint in the database either: checking it once per row
    # at commit doubled the cost of a batch on PostgreSQL. ``services.add_points`` takes the
    # lock that check would take (the metric's row, FOR KEY SHARE) once per batch, and
    # ``services.delete_metric`` locks the row before removing the points, so no point outlives
    # its metric.
    metric = models.ForeignKey(
        Metric,
        on_delete=models.CASCADE,
        related_name="points",
        db_index=False,
        db_constraint=False,
    )
    at = models.DateTimeField()
    value = models.FloatField()
    count = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["metric", "at"], name="metricpoint_by_time")]

    def __str__(self) -> str:
        return f"{self.metric_id} {self.at.isoformat()} {self.value}"


class MetricRollup(models.Model):
    """The sums of a metric's points in one 5-minute slot (``series.rollup``); charts read these.

    ``slot`` is the slot's number since the Unix epoch (``series.slot_of``), an integer so that
    bucketing is integer arithmetic on both databases. Kept by ``storage`` as points arrive and
    go; never edited.
    """

    metric = models.ForeignKey(
        Metric,
        on_delete=models.CASCADE,
        related_name="rollups",
        db_index=False,
        db_constraint=False,  # as MetricPoint.metric
    )
    slot = models.BigIntegerField()
    total = models.FloatField()
    count = models.BigIntegerField()
    low = models.FloatField()
    high = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["metric", "slot"], name="metricrollup_one_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.metric_id} slot {self.slot}"
