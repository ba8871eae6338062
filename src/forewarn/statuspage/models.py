"""The status page's change counter; ``version.page_changed()`` moves it."""

from django.db import models
from django.utils import timezone


class PageVersion(models.Model):
    """A single row; its version is part of every cache key and ETag of the public page and JSON."""

    version = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"page version {self.version}"

    @classmethod
    def current(cls) -> tuple[int, "timezone.datetime"]:
        row = cls.objects.filter(pk=1).values_list("version", "changed_at").first()
        if row is None:
            obj, _ = cls.objects.get_or_create(pk=1)
            return obj.version, obj.changed_at
        return row
