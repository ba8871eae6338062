"""API tokens: the secret is shown once and only its SHA-256 digest is stored.

A token opens one surface: Forewarn's JSON API (``/api/v1/``, ``Authorization: Bearer``) or
the Cachet-compatible API (``/cachet/api/v1/``, ``X-Cachet-Token``). A script's Cachet token
that leaks opens nothing beyond what the Cachet surface offers, and a Forewarn token sent as
``X-Cachet-Token`` (or the other way round) is refused like an unknown one.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class Surface(models.TextChoices):
    """Where a token is accepted; each raw token starts with its surface's prefix."""

    API = "api", "Forewarn API (/api/v1/)"
    CACHET = "cachet", "Cachet API (/cachet/api/v1/)"


PREFIXES = {Surface.API: "fw_", Surface.CACHET: "fwc_"}


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True)
    surface = models.CharField(
        max_length=16,
        choices=Surface.choices,
        default=Surface.API,
        help_text="The one API this token opens.",
    )
    prefix = models.CharField(max_length=12, editable=False)
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @classmethod
    def issue(cls, user, name: str = "", surface: str = Surface.API) -> tuple["ApiToken", str]:
        """Create a token for ``user`` on ``surface``; returns it with the raw secret, which is
        not stored."""
        raw = PREFIXES[Surface(surface)] + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, surface=surface, prefix=raw[:10], key_digest=digest(raw)
        )
        return token, raw

    @classmethod
    def authenticate(cls, raw: str, surface: str = Surface.API):
        """The active user behind a raw token of ``surface``, or None."""
        token = (
            cls.objects.select_related("user")
            .filter(key_digest=digest(raw), surface=surface, revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            return None
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user
