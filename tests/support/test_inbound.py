"""Mail in: a new request, replies threaded by the Reply-To token and by headers, trimmed
replies with the original kept, refusals that file nothing and never become backscatter,
and the contractual notice that opens a request its reply lands in (seed 003)."""

from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from forewarn.delivery.emails import thread_root_id
from forewarn.delivery.models import Audience, Notice
from forewarn.delivery.outbox import queue_notice
from forewarn.delivery.tokens import reply_address
from forewarn.support import inbound
from forewarn.support.mail import parse
from forewarn.support.models import SupportRequest

from .conftest import ams, kinds, open_as_anna

REPLY = """Thanks, that fixed it.

--
Anna de Vries
Acme BV | +31 20 123 4567

On Mon, 7 Dec 2026 at 10:40, Forewarn Support <status@forewarn.example> wrote:
> We restarted the trunk.
> Regards
"""


def mail(
    sender="Anna de Vries <anna@acme.example>",
    to="support@forewarn.example",
    subject="Calls drop",
    body="Every call drops after 30 seconds.",
    **headers,
) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Message-ID"] = headers.pop("message_id", make_msgid(domain="acme.example"))
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


def receive(raw: bytes, in_transaction=False):
    return inbound.receive(parse(raw), refused_in_transaction=in_transaction)


def test_mail_to_the_support_address_opens_a_request(world):
    outcome = receive(mail(body=REPLY.replace("Thanks, that fixed it.", "Every call drops.")))
    request = outcome.request
    assert (outcome.filed, request.origin, request.requester, request.subject) == (
        True,
        "email",
        world.anna,
        "Calls drop",
    )
    message = request.messages.get()
    assert message.body == "Every call drops."
    assert "> We restarted the trunk." in message.original
    assert bytes(message.raw).startswith(b"From: Anna de Vries")
    assert Notice.objects.filter(key=f"support:{request.pk}:ack").exists()


def test_a_reply_threads_by_the_token_in_the_address(world):
    request = open_as_anna(world)
    ack = Notice.objects.get(key=f"support:{request.pk}:ack")
    outcome = receive(mail(to=reply_address(ack.pk), subject="Re: whatever", body=REPLY))
    assert outcome.request == request
    message = request.messages.order_by("id").last()
    assert (message.kind, message.origin, message.body) == (
        "customer",
        "email",
        "Thanks, that fixed it.",
    )
    assert SupportRequest.objects.count() == 1


def test_a_reply_threads_by_in_reply_to_and_references(world):
    request = open_as_anna(world)
    by_thread = receive(mail(subject="Re: x", In_Reply_To=thread_root_id(request.ref), body="More"))
    assert by_thread.request == request
    first = receive(mail(subject="Invoices", message_id="<first@acme.example>"))
    later = receive(
        mail(subject="Re: Invoices", References="<other@x> <first@acme.example>", body="And?")
    )
    assert later.request == first.request != request
    assert SupportRequest.objects.count() == 2


def test_headers_of_another_organizations_request_do_not_thread(world):
    request = open_as_anna(world)
    outcome = receive(
        mail(sender="gina@globex.example", In_Reply_To=thread_root_id(request.ref), subject="Hello")
    )
    assert outcome.request.organization == world.globex
    assert outcome.request != request


def test_someone_else_gets_one_refusal_a_day_and_nothing_is_filed(world, clock):
    stranger = mail(sender="mallory@example.com")
    first = receive(stranger)
    again = receive(mail(sender="mallory@example.com", subject="Again"))
    assert (first.filed, first.answered, again.answered) == (False, True, False)
    assert first.reason == "mallory@example.com is not an authorized contact."
    assert list(Notice.objects.values_list("key", flat=True)) == [
        "support:refusal:mallory@example.com:2026-12-07"
    ]
    clock.move_to(ams(2026, 12, 8, 10, 0))
    assert receive(mail(sender="mallory@example.com")).answered is True
    assert SupportRequest.objects.count() == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto_Submitted": "auto-replied"},
        {"Precedence": "bulk"},
        {"List_Id": "<news.example.com>"},
    ],
)
def test_automatic_mail_is_never_answered(world, headers):
    outcome = receive(mail(sender="mallory@example.com", **headers))
    assert (outcome.filed, outcome.answered) == (False, False)
    assert Notice.objects.count() == 0 and SupportRequest.objects.count() == 0


def test_a_bounce_with_an_empty_envelope_sender_is_never_answered(world):
    found = parse(mail(sender="mailer@example.com"), envelope_sender="")
    assert inbound.receive(found, refused_in_transaction=False).answered is False
    assert Notice.objects.count() == 0


def test_a_contact_who_may_not_open_requests_is_refused(world):
    outcome = receive(mail(sender="bert@acme.example"))
    assert outcome.reason == "bert@acme.example is a contact who may not open support requests."
    assert SupportRequest.objects.count() == 0


def test_a_contractual_notice_opens_a_request_per_organization_and_the_reply_lands_in_it(
    world, clock
):
    notice = queue_notice(
        key="planned:7:announcement:v1",
        thread_key="planned:7",
        kind="planned.announcement",
        subject="Maintenance of Voice on 19 December",
        body="Voice will be unavailable from 02:00 to 04:00.",
        audience=Audience.CONTACTS,
        components=[world.voice],
    )
    opened = SupportRequest.objects.filter(is_informational=True).order_by("organization__name")
    assert [(r.organization.slug, r.status, r.first_response_due_at) for r in opened] == [
        ("acme", "solved", None),
        ("globex", "solved", None),
    ]
    clock.move_to(ams(2026, 12, 7, 14, 0))
    outcome = receive(
        mail(
            sender="gina@globex.example",
            to=reply_address(notice.pk),
            subject="Re: Maintenance",
            body="Can we move it?",
        )
    )
    request = outcome.request
    assert (request.organization, request.status, request.requester) == (
        world.globex,
        "open",
        world.gina,
    )
    # Unclassified: one business day of eight hours from 14:00 Monday.
    assert request.first_response_due_at == ams(2026, 12, 8, 13, 30).astimezone(
        request.first_response_due_at.tzinfo
    )
    assert [m.kind for m in request.messages.order_by("id")] == ["notice", "customer"]
    assert kinds(request) == ["support_request.opened", "support_request.message_added"]
    # The same notice's thread root in In-Reply-To finds Acme's own request for Anna.
    acme = receive(
        mail(In_Reply_To=thread_root_id("planned:7"), subject="Re: Maintenance", body="Fine.")
    )
    assert acme.request == opened.get(organization=world.acme)


def test_a_direct_notice_opens_no_request(world):
    queue_notice(
        key="x:1",
        thread_key="x:1",
        kind="test",
        subject="Just for Anna",
        body="Hi",
        audience=Audience.DIRECT,
        direct_addresses=["anna@acme.example"],
    )
    assert SupportRequest.objects.count() == 0
