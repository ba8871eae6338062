"""The status page's change counter: every write that the page shows bumps it."""

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone


class PageVersion(models.Model):
    """A single row; its version is part of every cache key and ETag of the public page and JSON."""

    version = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"page version {self.version}"

    @classmethod
    def bump(cls) -> None:
        from .caching import forget_version

        transaction.on_commit(forget_version)
        now = timezone.now()
        if not cls.objects.filter(pk=1).update(version=F("version") + 1, changed_at=now):
            cls.objects.get_or_create(pk=1, defaults={"changed_at": now})

    @classmethod
    def current(cls) -> tuple[int, "timezone.datetime"]:
        row = cls.objects.filter(pk=1).values_list("version", "changed_at").first()
        if row is None:
            obj, _ = cls.objects.get_or_create(pk=1)
            return obj.version, obj.changed_at
        return row
