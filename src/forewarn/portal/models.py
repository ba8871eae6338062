"""What the portal keeps: one-time sign-in links, portal sessions and contact API tokens (each
only as the SHA-256 digest of its secret), and the public support page's settings.

A portal session is not a staff session: it has its own cookie and table, names an
authorized contact (never a ``User``), and opens only ``/portal/``.
"""

import hashlib

from django.db import models
from django.db.models import Q
from django.utils import timezone

from forewarn import limits
from forewarn.calendars.models import Calendar
from forewarn.catalog.models import AuthorizedContact
from forewarn.delivery.models import Notice


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class SignInLink(models.Model):
    """An emailed link that signs ``contact`` in once, before ``expires_at``."""

    contact = models.ForeignKey(
        AuthorizedContact, on_delete=models.CASCADE, related_name="portal_links"
    )
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    notice = models.ForeignKey(
        Notice,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="The mail that carried it (its link is struck out once used or expired).",
    )

    class Meta:
        indexes = [models.Index(fields=["contact", "created_at"], name="portal_link_by_contact")]

    def __str__(self) -> str:
        return f"link for {self.contact_id} until {self.expires_at:%Y-%m-%d %H:%M}"


class PortalSession(models.Model):
    """A contact signed in to the portal: the cookie carries the secret, this row its digest."""

    contact = models.ForeignKey(
        AuthorizedContact, on_delete=models.CASCADE, related_name="portal_sessions"
    )
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["expires_at"],
                condition=Q(ended_at__isnull=True),
                name="portal_open_session",
            )
        ]

    def __str__(self) -> str:
        return f"portal session of {self.contact_id} from {self.created_at:%Y-%m-%d %H:%M}"


class ContactToken(models.Model):
    """An authorized contact's own API token: the contact operations of the support API, for
    its organization only (``/api/v1/contact/``). The secret is shown once."""

    contact = models.ForeignKey(
        AuthorizedContact, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, editable=False)
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.contact})"


class SupportPage(models.Model):
    """The public support page's links and ways to reach support (seed 001 §4): one row."""

    guides_url = models.URLField("guides and e-learnings", blank=True, max_length=limits.URL)
    knowledge_centre_url = models.URLField("knowledge centre", blank=True, max_length=limits.URL)
    developer_portal_url = models.URLField("developer portal", blank=True, max_length=limits.URL)
    status_page_url = models.URLField(
        "status page", blank=True, max_length=limits.URL, help_text="Empty: this status page."
    )
    support_email = models.EmailField(
        blank=True, help_text="Empty: FOREWARN_SUPPORT_EMAIL, where mail opens requests."
    )
    phone = models.CharField(max_length=40, blank=True)
    calendar = models.ForeignKey(
        Calendar,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="Support's business hours; empty: seed 001's (nl-business).",
    )
    chat_enabled = models.BooleanField(
        default=False, help_text="Show that chat is offered in business hours."
    )
    chat_url = models.URLField(
        blank=True, max_length=limits.URL, help_text="Where the chat opens (optional)."
    )
    note = models.TextField(
        blank=True, max_length=limits.TEXT, help_text="A line shown under the links (Markdown)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "support page"
        verbose_name_plural = "support page"

    def __str__(self) -> str:
        return "Support page"
