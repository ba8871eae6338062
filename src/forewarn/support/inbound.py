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
    return receive_many([mail], refused_in_transaction=refused_in_transaction)[0]


def receive_many(mails: list[InboundMail], *, refused_in_transaction: bool) -> list[Outcome]:
    """``receive`` for mail that arrived together, in one transaction: new requests are opened
    together (``services.open_requests``, one statement per table), a reply is filed on its
    own; a mail that is refused leaves the others filed. One outcome per mail, in order.

    The mails are taken in order: a reply is looked up only once the new requests before it
    are written, so it threads into one opened by an earlier mail of the same batch.
    """
    outcomes: list[Outcome | None] = [None] * len(mails)
    refused: list[tuple[int, str, bool]] = []  # (index, reason, authorized)
    opening: list[tuple[int, services.Opening]] = []

    def open_waiting() -> None:
        opened = services.open_requests([o for _, o in opening])
        for (index, _), result in zip(opening, opened, strict=True):
            if isinstance(result, SupportRequest):
                outcomes[index] = Outcome(True, result)
            else:
                refused.append((index, _reason(result), isinstance(result, ValidationError)))
        opening.clear()

    with transaction.atomic():
        for index, mail in enumerate(mails):
            if mail.is_automatic:
                log.info("not filed: automatic mail from %s", mail.sender)
                outcomes[index] = Outcome(False, reason="Automatic mail (RFC 3834) is not filed.")
                continue
            if not _may_thread(mail):
                opening.append((index, _opening(mail, None)))
                continue
            open_waiting()
            try:
                with transaction.atomic():
                    request = find_request(mail)
                    if request is not None and request.status != RequestStatus.CLOSED:
                        _add_reply(request, mail)
                        request.refresh_from_db()
                        outcomes[index] = Outcome(True, request)
                        continue
            except (services.NotAuthorized, ValidationError) as error:
                refused.append((index, _reason(error), isinstance(error, ValidationError)))
                continue
            opening.append((index, _opening(mail, request)))
        open_waiting()
    for index, reason, authorized in refused:
        outcomes[index] = _refused(
            mails[index], reason, refused_in_transaction, authorized=authorized
        )
    return outcomes


def _may_thread(mail: InboundMail) -> bool:
    """Whether ``mail`` names something to thread into (no query): an earlier message, or a
    notice's token in the support address it was sent to."""
    return bool(mail.thread_ids) or any(
        "+" in a.rpartition("@")[0] for a in mail.recipients if is_support_address(a)
    )


def _mail_context(mail: InboundMail) -> tuple[services.Mail, tuple[services.Upload, ...]]:
    context = services.Mail(message_id=mail.message_id, original=mail.text, raw=mail.raw)
    return context, tuple(services.Upload(a.filename, a.content) for a in mail.attachments)


def _add_reply(request: SupportRequest, mail: InboundMail) -> None:
    context, uploads = _mail_context(mail)
    services.add_customer_message(
        request,
        sender_email=mail.sender,
        body=mail.reply,
        origin=Origin.EMAIL,
        actor=mail.sender,
        uploads=uploads,
        mail=context,
    )


def _opening(mail: InboundMail, closed: SupportRequest | None) -> services.Opening:
    """A new request for ``mail``; for the organization of the closed request it answers."""
    context, uploads = _mail_context(mail)
    return services.Opening(
        requester_email=mail.sender,
        organization=closed.organization if closed is not None else None,
        subject=mail.subject or "(no subject)",
        body=mail.reply,
        origin=Origin.EMAIL,
        actor=mail.sender,
        uploads=uploads,
        mail=context,
    )


def _reason(error: Exception) -> str:
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


def _refused(mail: InboundMail, reason: str, in_transaction: bool, *, authorized: bool) -> Outcome:
    log.info("not filed: mail from %s: %s", mail.sender, reason)
    if in_transaction or not mail.sender:
        return Outcome(False, reason=reason)
    today = timezone.now().astimezone(ZoneInfo(settings.PROVIDER_TIME_ZONE)).date()
    with transaction.atomic():
        notice = notices.refuse(mail.sender, reason, today=today, authorized=authorized)
    return Outcome(False, reason=reason, answered=notice is not None)
