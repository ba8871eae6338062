"""Exclusions recorded by operators: time not counted against the SLA (seed 001 §2,
docs/product.md S8).

Beta components are excluded through their catalog flag; planned work and incidents will feed
exclusions of their own through ``services.PROVIDERS``. Rows change only through ``services``,
which records every creation, change and deletion.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q

from forewarn import limits
from forewarn.availability.reasons import LABELS, RECORDED
from forewarn.calendars.definitions import FIRST_YEAR, LAST_YEAR
from forewarn.catalog.models import Component

# The reasons an operator records (``reasons.RECORDED``), in precedence order, with labels.
ExclusionReason = models.TextChoices(
    "ExclusionReason", [(reason.name, (reason.value, LABELS[reason])) for reason in RECORDED]
)


class Exclusion(models.Model):
    """A stretch of time not measured for the named components (none named: for all of them)."""

    reason = models.CharField(max_length=32, choices=ExclusionReason.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    components = models.ManyToManyField(
        Component,
        blank=True,
        related_name="exclusions",
        help_text="Leave empty to exclude the time for every component.",
    )
    description = models.TextField(
        blank=True, max_length=limits.TEXT, validators=[MaxLengthValidator(limits.TEXT)]
    )
    ref = models.CharField(
        max_length=64,
        blank=True,
        help_text="Where it comes from, e.g. a ticket or incident number.",
    )
    created_by = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="exclusion_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["starts_at", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%Y-%m-%d %H:%M} UTC"

    def clean(self):
        for field in ("starts_at", "ends_at"):
            at = getattr(self, field)
            if at is not None and not FIRST_YEAR <= at.year <= LAST_YEAR:
                raise ValidationError(
                    {field: f"Give an instant in the years {FIRST_YEAR}–{LAST_YEAR}."}
                )
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError(
                {
                    "ends_at": f"The exclusion must end after it starts ({self.starts_at.isoformat()})."
                }
            )

    @property
    def engine_ref(self) -> str:
        """The reference reports carry for this row (``cause_ref`` style: ``exclusion:12``)."""
        return f"exclusion:{self.pk}"
