"""The public support page's settings (one row, kept by admins) and what the page shows:
the provider's links and the ways to reach support, with the hours from the calendar and
whether support is open now (seed 001 §4)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from forewarn.calendars.models import Calendar
from forewarn.delivery.emails import format_instant
from forewarn.incidents.models import DEFAULT_CALENDAR, business_calendar
from forewarn.markup import render_markdown
from forewarn.record.kinds import Kind
from forewarn.record.services import append

from .models import SupportPage

FIELDS = (
    "guides_url",
    "knowledge_centre_url",
    "developer_portal_url",
    "status_page_url",
    "support_email",
    "phone",
    "calendar",
    "chat_enabled",
    "chat_url",
    "note",
)


def current() -> SupportPage:
    """The saved settings, or the defaults when an admin has set nothing yet."""
    return SupportPage.objects.select_related("calendar").order_by("pk").first() or SupportPage()


@transaction.atomic
def save(page: SupportPage, *, actor: str) -> SupportPage:
    """Save the one row (a second is refused) and record what changed."""
    page.full_clean()
    existing = SupportPage.objects.select_for_update().order_by("pk").first()
    if existing is not None and existing.pk != page.pk:
        raise ValidationError("There is one support page: change the existing settings.")
    before = {f: _value(existing, f) for f in FIELDS} if existing else {}
    page.save()
    changes = {
        f: {"from": before.get(f), "to": _value(page, f)}
        for f in FIELDS
        if before.get(f) != _value(page, f)
    }
    if changes:
        append(
            Kind.SUPPORT_PAGE_CHANGED,
            subject=page,
            actor=actor,
            description=f"Support page changed: {', '.join(changes)}.",
            details={"changes": changes},
        )
    return page


def _value(page, field: str):
    if field == "calendar":
        return page.calendar.slug if page.calendar_id else None
    return getattr(page, field)


def context(now=None) -> dict:
    page = current()
    now = now or timezone.now()
    calendar = page.calendar or Calendar.objects.filter(slug=DEFAULT_CALENDAR).first()
    engine = business_calendar(page.calendar)
    is_open = engine.is_open(now)
    links = [
        ("Guides and e-learnings", page.guides_url),
        ("Knowledge centre", page.knowledge_centre_url),
        ("Developer portal", page.developer_portal_url),
        ("Status page", page.status_page_url or f"{settings.SITE_URL}/"),
    ]
    return {
        "links": [(label, url) for label, url in links if url],
        "support_email": page.support_email or settings.FOREWARN_SUPPORT_EMAIL,
        "phone": page.phone,
        "hours": calendar.summary if calendar is not None else "",
        "is_open": is_open,
        "opens_at": None if is_open else format_instant(engine.next_open(now), engine.zone),
        "chat_enabled": page.chat_enabled,
        "chat_url": page.chat_url,
        "note_html": render_markdown(page.note) if page.note else "",
    }
