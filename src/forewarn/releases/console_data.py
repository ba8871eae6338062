"""What the console and the API show of a version's notices: who was told, and when."""

from forewarn.delivery.models import Delivery

from .models import Version


def told(version: Version) -> list[dict]:
    """Each notice of ``version`` with its deliveries (recipient, status, when sent)."""
    found = []
    notices = version.notices.order_by("due_at", "pk")
    deliveries = {}
    for d in (
        Delivery.objects.filter(notice__in=notices)
        .select_related("contact__organization")
        .order_by("address")
    ):
        deliveries.setdefault(d.notice_id, []).append(d)
    for notice in notices:
        found.append(
            {
                "key": notice.key,
                "kind": notice.kind,
                "subject": notice.subject,
                "due_at": notice.due_at.isoformat(),
                "fanned_out_at": notice.fanned_out_at.isoformat() if notice.fanned_out_at else None,
                "cancelled": notice.cancelled_at is not None,
                "deliveries": [
                    {
                        "channel": d.channel,
                        "address": d.shown_address,
                        "organization": d.contact.organization.slug if d.contact_id else None,
                        "status": d.status,
                        "sent_at": d.sent_at.isoformat() if d.sent_at else None,
                    }
                    for d in deliveries.get(notice.pk, [])
                ],
            }
        )
    return found
