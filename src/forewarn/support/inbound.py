"""Mail to the support address: file it into its request, open a new one, or refuse it.

Both ways in end here: the built-in SMTP receiver (``smtp``), which refuses during the SMTP
transaction, and email providers' inbound webhooks through django-anymail (``hooks``),
which cannot, and so answer a refusal at most once a day per address and never to
automatic mail (RFC 3834).

A reply threads into its request by the token in the address it was sent to (the notice's
Reply-To, ``delivery.tokens.notice_from_reply_address``), else by the Message-IDs in its
In-Reply-To and References (the customer's own earlier mail, the request's thread, or a
delivery of a notice linked to it). Among the requests found, the one of the sender's
organization is taken: a notice reaches many organizations, each with its own request.
"""

import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from forewarn import mailboxes
from forewarn.catalog.models import AuthorizedContact, Organization
from forewarn.delivery.models import Audience, Delivery, Notice
from forewarn.delivery.tokens import notice_from_reply_address

from . import notices, services
from .lifecycle import Origin, RequestStatus
from .mail import InboundMail
from .models import SupportRequest

log = logging.getLogger("forewarn.support.inbound")


@dataclass(frozen=True)
class Outcome:
    filed: bool
    request: SupportRequest | None = None
    reason: str = ""  # why it was not filed
    answered: bool = False  # a refusal was queued to the sender


def is_support_address(address: str) -> bool:
    """Whether ``address`` is the support address, with or without a +tag."""
    support = mailboxes.comparable(settings.FOREWARN_SUPPORT_EMAIL)
    local, _, domain = mailboxes.comparable(address).rpartition("@")
    base, _, domain_expected = support.rpartition("@")
    return domain == domain_expected and local.partition("+")[0] == base.partition("+")[0]


def _organizations_of(sender: str) -> set[int]:
    return set(
        AuthorizedContact.objects.with_mailbox(sender)
        .filter(is_active=True)
        .values_list("organization_id", flat=True)
    )


def find_request(mail: InboundMail) -> SupportRequest | None:
    """The request a reply belongs to, for the sender's organization; None for a new request."""
    notice = next(
        filter(
            None, (notice_from_reply_address(a) for a in mail.recipients if is_support_address(a))
        ),
        None,
    )
    ids = [i[:300] for i in mail.thread_ids]
    if notice is None and not ids:  # nothing to thread by: a new request
        return None
    organizations = _organizations_of(mail.sender)
    if not organizations:
        return None
    if notice is not None:
        return _for_notice(notice, organizations)
    linked = SupportRequest.objects.filter(
        links__message_id__in=ids, organization__in=organizations
    )
    found = linked.order_by("-created_at").first()
    if found is not None:
        return found
    delivered = Delivery.objects.filter(message_id__in=ids).select_related("notice").first()
    return _for_notice(delivered.notice, organizations) if delivered else None


def _for_notice(notice: Notice, organizations: set[int]) -> SupportRequest | None:
    found = (
        SupportRequest.objects.filter(links__notice=notice, organization__in=organizations)
        .order_by("-created_at")
        .first()
    )
    if found is None and notice.audience in (Audience.CONTACTS, Audience.EVERYONE):
        # A contractual notice sent before support existed, or to a contact added since.
        organization = sorted(organizations)[0]
        found = services.open_for_notice(notice, _organization(organization))
    return found


def _organization(pk: int) -> Organization:
    return Organization.objects.get(pk=pk)


def receive(mail: InboundMail, *, refused_in_transaction: bool) -> Outcome:
    """File ``mail``: a reply into its request, anything else as a new request.

    ``refused_in_transaction``: the caller refuses a mail that is not filed during the SMTP
    transaction (the built-in receiver), so nothing is sent back; otherwise an unauthorized
    sender is told once a day at most, and automatic mail never.
    """
    if mail.is_automatic:
        log.info("not filed: automatic mail from %s", mail.sender)
        return Outcome(False, reason="Automatic mail (RFC 3834) is not filed.")
    try:
        with transaction.atomic():
            request = find_request(mail)
            context = services.Mail(message_id=mail.message_id, original=mail.text, raw=mail.raw)
            uploads = tuple(services.Upload(a.filename, a.content) for a in mail.attachments)
            if request is not None and request.status != RequestStatus.CLOSED:
                services.add_customer_message(
                    request,
                    sender_email=mail.sender,
                    body=mail.reply,
                    origin=Origin.EMAIL,
                    actor=mail.sender,
                    uploads=uploads,
                    mail=context,
                )
                request.refresh_from_db()
            else:
                organization = request.organization if request is not None else None
                request = services.open_request(
                    requester_email=mail.sender,
                    organization=organization,
                    subject=mail.subject or "(no subject)",
                    body=mail.reply,
                    origin=Origin.EMAIL,
                    actor=mail.sender,
                    uploads=uploads,
                    mail=context,
                )
    except services.NotAuthorized as error:
        return _refused(mail, str(error), refused_in_transaction, authorized=False)
    except ValidationError as error:
        return _refused(mail, " ".join(error.messages), refused_in_transaction, authorized=True)
    return Outcome(True, request)


def receive_many(mails: list[InboundMail], *, refused_in_transaction: bool) -> list[Outcome]:
    """``receive`` for each of ``mails``: one Outcome per mail, in their order; a mail that is
    refused does not stop the others."""
    return [receive(m, refused_in_transaction=refused_in_transaction) for m in mails]


def _refused(mail: InboundMail, reason: str, in_transaction: bool, *, authorized: bool) -> Outcome:
    log.info("not filed: mail from %s: %s", mail.sender, reason)
    if in_transaction or not mail.sender:
        return Outcome(False, reason=reason)
    today = timezone.now().astimezone(ZoneInfo(settings.PROVIDER_TIME_ZONE)).date()
    with transaction.atomic():
        notice = notices.refuse(mail.sender, reason, today=today, authorized=authorized)
    return Outcome(False, reason=reason, answered=notice is not None)
