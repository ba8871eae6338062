"""The system of record (docs/product.md S11): every event kept with its time, actor and
contact, immutable."""

from django.db import models
from django.utils import timezone


class ImmutableEventError(Exception):
    """Raised when code tries to change or delete a recorded event."""


class Event(models.Model):
    """One thing that happened: a status change, a notice sent, an override justified."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=64, db_index=True)
    actor = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who did it: a username, 'system', 'hook:alertmanager'.",
    )
    contact = models.CharField(
        max_length=200, blank=True, help_text="The customer contact involved, if any."
    )
    subject_type = models.CharField(max_length=64, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    description = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.subject_type}:{self.subject_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableEventError("Recorded events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableEventError("Recorded events cannot be deleted.")
