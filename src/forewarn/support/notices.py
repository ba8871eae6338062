"""What support says, and to whom, through the outbox; every notice is keyed so it goes once.

    support:<id>:ack                          the requester: received, when the clock runs
    support:<id>:reply:<message id>           the requester: a staff reply, in the thread
    support:<id>:warn:<clock>:<due ISO>       the assignee: 75 % of a target has run
    support:<id>:breach:<clock>:<due ISO>     the assignee: the target passed
    support:<id>:escalation:<tier>            a tier's people, once per tier
    support:<id>:page                         the on-call person: an emergency after hours
    support:refusal:<address>:<date>          someone not authorized: at most once a day

Customer-facing notices share the thread ``support:<id>`` (so a reply's In-Reply-To finds
the request) and carry the reference in the subject; staff notices share
``support:<id>:staff``. Each is linked to its request (``ThreadLink``) so a reply to any of
them, by its Reply-To token, threads in.
"""

from datetime import date, datetime

from django.conf import settings

from forewarn.delivery.emails import format_instant
from forewarn.delivery.models import Audience, Notice
from forewarn.delivery.outbox import QueuedNotice, queue_notice, queue_notices
from forewarn.incidents.notices import usable

from .lifecycle import MessageKind
from .models import RequestMessage, SupportRequest, ThreadLink

KIND_ACK = "support.acknowledgement"
KIND_REPLY = "support.reply"
KIND_STAFF = "support.staff"
KIND_REFUSAL = "support.refusal"


def console_url(request: SupportRequest) -> str:
    return f"{settings.SITE_URL}/console/support/supportrequest/{request.pk}/change/"


def subject_line(request: SupportRequest, prefix: str = "") -> str:
    """``Re: Trunk down [SR-12]``: the reference in the subject (item 5)."""
    subject = request.subject
    if prefix and not subject.lower().startswith(prefix.lower()):
        subject = f"{prefix}{subject}"
    return f"{subject} [{request.reference}]"[:300]


def when(at: datetime) -> str:
    return format_instant(at, settings.PROVIDER_TIME_ZONE)


def _to_requester(request: SupportRequest, **fields) -> Notice | None:
    """Queue ``_for_requester``'s notice, linked to the request."""
    return _queue_linked([(request, _for_requester(request, **fields))])[0]


def _for_requester(
    request: SupportRequest,
    *,
    suffix: str,
    kind: str,
    subject: str,
    body: str,
    actor: str,
    event_times: dict | None = None,
) -> QueuedNotice | None:
    """A notice to the request's requester, in its thread; None when they have no address."""
    address = request.requester.email if request.requester_id else request.requester_email
    if not usable([address] if address else []):
        return None
    return QueuedNotice(
        key=f"{request.ref}:{suffix}",
        thread_key=request.ref,
        kind=kind,
        subject=subject,
        body=body,
        audience=Audience.DIRECT,
        direct_addresses=[address],
        event_times=event_times or {},
        created_by=actor,
    )


def _queue_linked(queued: list[tuple[SupportRequest, QueuedNotice | None]]) -> list[Notice | None]:
    """Queue the notices together, each linked to its request (so a reply to it threads in)."""
    notices = iter(queue_notices([q for _, q in queued if q is not None]))
    found = [next(notices) if q is not None else None for _, q in queued]
    ThreadLink.objects.bulk_create(
        [
            ThreadLink(request=request, notice=notice)
            for (request, _), notice in zip(queued, found, strict=True)
            if notice is not None
        ],
        ignore_conflicts=True,
    )
    return found


def answered_mail(notice: Notice) -> list[str]:
    """The customer's first mail that a notice in a request's thread (``support:<id>``: the
    acknowledgement, staff replies) answers, so the customer's mail client threads them under
    it (``delivery.emails.answers_mail``); [] for any other notice, or a request not opened
    by mail."""
    prefix, _, pk = notice.thread_key.partition(":")
    if prefix != "support" or not pk.isdigit():
        return []
    first = (
        RequestMessage.objects.filter(request_id=int(pk), kind=MessageKind.CUSTOMER)
        .exclude(message_id="")
        .order_by("created_at", "id")
        .values_list("message_id", flat=True)
        .first()
    )
    return [first] if first else []


def acknowledge(
    request: SupportRequest, *, actor: str, clock_starts_at: datetime | None
) -> Notice | None:
    """Tell the requester the request arrived, its reference, and when its clock runs: a
    request after hours is told when its clock starts (item 3)."""
    return acknowledge_all([(request, actor, clock_starts_at)])[0]


def acknowledge_all(
    acknowledged: list[tuple[SupportRequest, str, datetime | None]],
) -> list[Notice | None]:
    """``acknowledge`` for many requests opened together: (request, actor, clock_starts_at)."""
    return _queue_linked(
        [
            (request, _acknowledgement(request, actor, starts))
            for request, actor, starts in acknowledged
        ]
    )


def _acknowledgement(
    request: SupportRequest, actor: str, clock_starts_at: datetime | None
) -> QueuedNotice | None:
    lines = [
        f"We received your request **{request.subject}**; its reference is {request.reference}."
    ]
    times = {}
    if request.on_call:
        lines.append(
            "It is an emergency outside business hours: our on-call engineer has been paged."
        )
    elif clock_starts_at is not None and clock_starts_at > request.created_at:
        lines.append(
            f"Support is closed now. Your request's response time starts when we open, "
            f"{when(clock_starts_at)}."
        )
        times["clock_starts"] = clock_starts_at
    if request.first_response_due_at:
        lines.append(f"You will have a first answer by {when(request.first_response_due_at)}.")
        times["first_response_due"] = request.first_response_due_at
    lines.append("Reply to this message to add to your request.")
    return _for_requester(
        request,
        suffix="ack",
        kind=KIND_ACK,
        subject=subject_line(request),
        body="\n\n".join(lines),
        actor=actor,
        event_times=times,
    )


def send_reply(request: SupportRequest, message: RequestMessage, *, actor: str) -> Notice | None:
    """A staff reply to the requester, in the request's thread, with its reference."""
    return _to_requester(
        request,
        suffix=f"reply:{message.pk}",
        kind=KIND_REPLY,
        subject=subject_line(request, "Re: "),
        body=message.body,
        actor=actor,
    )


def to_staff(
    request: SupportRequest,
    *,
    suffix: str,
    subject: str,
    body: str,
    addresses: list[str],
    chat_webhooks: list[str] = (),
    actor: str = "system",
) -> Notice | None:
    addresses = usable(addresses)
    if not addresses and not chat_webhooks:
        return None
    notice = queue_notice(
        key=f"{request.ref}:{suffix}",
        thread_key=f"{request.ref}:staff",
        kind=KIND_STAFF,
        subject=f"{subject}: {subject_line(request)}"[:300],
        body=f"{body}\n\nOpen it in the console: <{console_url(request)}>",
        audience=Audience.DIRECT,
        direct_addresses=addresses,
        direct_chat_webhooks=list(chat_webhooks),
        created_by=actor,
    )
    return notice


def refuse(address: str, reason: str, *, today: date, authorized: bool = False) -> Notice | None:
    """Tell the sender why their mail was not filed, at most once a day per address (the
    key): for mail Forewarn could not refuse while receiving it. Never call it for automatic
    mail. None when nothing new was queued."""
    key = f"support:refusal:{address.lower()}:{today.isoformat()}"
    if not usable([address]) or Notice.objects.filter(key=key).exists():
        return None
    advice = (
        "Please correct it and write again."
        if authorized
        else "Only the authorized contacts of a client organization may open support requests. "
        "Ask your organization's administrator to add you, or write from the address you are "
        "registered with."
    )
    return queue_notice(
        key=key,
        thread_key=f"support:refusal:{address.lower()}",
        kind=KIND_REFUSAL,
        subject="Your message to support was not filed",
        body=f"{reason}\n\n{advice} You will not receive this message again today.",
        audience=Audience.DIRECT,
        direct_addresses=[address],
    )
