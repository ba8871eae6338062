"""The other ways in: email providers' inbound webhooks (django-anymail, under ``/hooks/``) and
the outbox's contractual notices, each of which opens an informational request per
organization (seed 003). Both are connected in ``apps.SupportConfig.ready``."""

from anymail.signals import AnymailInboundEvent

from forewarn.catalog.models import Organization
from forewarn.delivery.models import Notice

from . import inbound, services
from .mail import parse


def on_anymail_inbound(sender, event: AnymailInboundEvent, esp_name: str, **kwargs) -> None:
    """A message an email provider received for us: filed, or refused by a reply at most once
    a day (the provider accepted it already, so it cannot be refused in its SMTP transaction)."""
    message = event.message
    recipients = (
        (message.envelope_recipient,) if getattr(message, "envelope_recipient", None) else ()
    )
    mail = parse(
        message.as_bytes(),
        envelope_sender=getattr(message, "envelope_sender", None),
        envelope_recipients=recipients,
    )
    inbound.receive(mail, refused_in_transaction=False)


def on_contact_notice(notice: Notice, organization_ids: list[int]) -> None:
    """The outbox fanned ``notice`` out to these organizations' authorized contacts."""
    for organization in Organization.objects.filter(pk__in=organization_ids).order_by("pk"):
        services.open_for_notice(notice, organization, actor=notice.created_by or "system")
