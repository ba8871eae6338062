"""The system of record (docs/product.md S11): every event kept with its time, actor and
contact, immutable.

Immutable at three levels: ``Event.save()`` refuses a second save and ``delete()`` refuses
outright; ``Event.objects`` (an ``EventQuerySet``) refuses ``update``, ``bulk_update`` and
``delete``; and the database refuses UPDATE, DELETE and TRUNCATE on the table through the
triggers of migration 0003 (PostgreSQL and SQLite). Appending is the only write.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from .kinds import Kind, known


class ImmutableEventError(Exception):
    """Raised when code tries to change or delete a recorded event."""


def validate_kind(value: str) -> None:
    """A field validator: the kind must be in ``record.kinds.Kind``.

    The registry is checked at run time rather than through ``choices``, so a new kind
    needs no migration.
    """
    if value not in Kind:
        raise ValidationError(f"'{value}' is not a kind of event in record.kinds.Kind.")


class EventQuerySet(models.QuerySet):
    """Events can be appended (``create``, ``bulk_create``) and read, never changed or removed."""

    def update(self, **kwargs):
        raise ImmutableEventError("Recorded events cannot be changed.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise ImmutableEventError("Recorded events cannot be changed.")

    def delete(self):
        raise ImmutableEventError("Recorded events cannot be deleted.")

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        entered_at = timezone.now()
        for event in objs:
            if event.pk is not None:
                raise ImmutableEventError("Recorded events cannot be written again.")
            known(event.kind)
            if event.entered_at is None:
                event.entered_at = entered_at
        return super().bulk_create(objs, *args, **kwargs)


class Event(models.Model):
    """One thing that happened: a status change, a notice sent, an override justified."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # When it was appended, from the clock; ``at`` is the instant the change claims (the
    # same unless the change was dated earlier). Empty for events recorded before it was kept.
    entered_at = models.DateTimeField(null=True, blank=True)
    kind = models.CharField(max_length=64, db_index=True, validators=[validate_kind])
    actor = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who did it: a username, 'system', 'hook:alertmanager'.",
    )
    contact = models.CharField(
        max_length=200, blank=True, help_text="The customer contact involved, if any."
    )
    # A (type, id) pair, not a foreign key: deleting the subject must not touch its history.
    subject_type = models.CharField(max_length=64, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    description = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.subject_type}:{self.subject_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableEventError("Recorded events cannot be changed.")
        known(self.kind)
        if self.entered_at is None:
            self.entered_at = timezone.now()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableEventError("Recorded events cannot be deleted.")

    @property
    def subject(self) -> str:
        """``catalog.component:3``, or empty for an event about no one thing."""
        return f"{self.subject_type}:{self.subject_id}" if self.subject_type else ""
