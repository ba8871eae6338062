"""Emergencies after hours (seed 004: "Emergency availability via Intercom chat and e-mail
after hours"): who is on call now, and paging them by email and chat webhook."""

from datetime import datetime

from django.utils import timezone

from forewarn.record.kinds import Kind

from . import notices
from .models import OnCallRota, OnCallShift, SupportRequest


def on_call_addresses(rota: OnCallRota, at: datetime) -> list[str]:
    """The people whose shift covers ``at``; the rota's own address when no shift does."""
    shifts = OnCallShift.objects.filter(
        rota=rota, starts_at__lte=at, ends_at__gt=at
    ).select_related("user")
    found = [s.address for s in shifts if s.address]
    return found or ([rota.email] if rota.email else [])


def page(request: SupportRequest, rota: OnCallRota, *, actor: str) -> None:
    """Page the on-call person about an emergency request; recorded, once per request."""
    now = timezone.now()
    addresses = on_call_addresses(rota, now)
    hooks = [rota.chat_webhook_url] if rota.chat_webhook_url else []
    notice = notices.to_staff(
        request,
        suffix="page",
        subject="EMERGENCY",
        body=(
            f"**{request.organization.name}** reported an emergency outside business hours: "
            f"**{request.subject}**.\n\n{request.body[:2000]}\n\n"
            f"Answer by {notices.when(request.first_response_due_at)}."
        ),
        addresses=addresses,
        chat_webhooks=hooks,
        actor=actor,
    )
    nobody = "" if notice else " Nobody is on call and the rota has no address: no one was paged."
    request.record(
        Kind.SUPPORT_REQUEST_PAGED,
        actor=actor,
        description=f"emergency after hours: rota {rota.name} paged.{nobody}",
        details={
            "rota": rota.name,
            "to": addresses,
            "chat_webhooks": len(hooks),
            "key": notice.key if notice else None,
            "first_response_due_at": request.first_response_due_at.isoformat(),
        },
    )
