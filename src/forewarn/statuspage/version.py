"""The public page's version: what every cache key and ETag of the page and its JSON depend on.

A service that changes something the public page shows calls ``page_changed()``
inside its transaction; the counter moves with the change, and this process
forgets the version it remembered once the change commits. Readers call
``current_version()``, which re-reads the row at most every
``FOREWARN_PAGE_FRESHNESS_SECONDS`` (default 1 s; 0 reads it on every request):
under an incident's spike even that one indexed read dominates.
"""

import time
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import PageVersion

_remembered: dict[str, object] = {"read_at": float("-inf"), "value": None}


def page_changed() -> None:
    """Bump the page version in the caller's transaction; call it where a public thing changes."""
    transaction.on_commit(forget_version)
    now = timezone.now()
    if not PageVersion.objects.filter(pk=1).update(version=F("version") + 1, changed_at=now):
        PageVersion.objects.get_or_create(pk=1, defaults={"changed_at": now})


def current_version() -> tuple[int, datetime]:
    """The page version and its change time, re-read at most every FOREWARN_PAGE_FRESHNESS_SECONDS."""
    freshness = settings.FOREWARN_PAGE_FRESHNESS_SECONDS
    now = time.monotonic()
    if freshness <= 0 or now - _remembered["read_at"] >= freshness or _remembered["value"] is None:
        _remembered["value"] = PageVersion.current()
        _remembered["read_at"] = now
    return _remembered["value"]


def remembered_version() -> tuple[int, datetime] | None:
    """The version this process read less than FOREWARN_PAGE_FRESHNESS_SECONDS ago, else None.

    Never reads the database: the fast path (``fastpath``) answers only while this is known.
    """
    freshness = settings.FOREWARN_PAGE_FRESHNESS_SECONDS
    if freshness <= 0 or time.monotonic() - _remembered["read_at"] >= freshness:
        return None
    return _remembered["value"]


def forget_version() -> None:
    _remembered["value"] = None
