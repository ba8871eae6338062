"""Support's mail out threads under the customer's own first mail: the acknowledgement answers
it (In-Reply-To), and staff replies name it first in References, then the request's thread,
on both ways a notice is written (Django's mailer and the SMTP fast path)."""

from email import message_from_bytes
from email.policy import default

from django.core import mail as django_mail

from forewarn import scheduler
from forewarn.delivery.emails import NoticeMail, Recipient, thread_root_id
from forewarn.delivery.models import Notice
from forewarn.ops.jobs import load_jobs
from forewarn.support import handling

from .conftest import open_as_anna
from .test_inbound import mail, receive

FIRST = "<first-mail@acme.example>"


def sent_to_anna() -> dict[str, object]:
    load_jobs()
    scheduler.run_once(["fan_out_due_notices", "send_due_deliveries"])
    return {m.subject: m for m in django_mail.outbox if "anna@acme.example" in m.to}


def test_the_acknowledgement_and_replies_thread_under_the_customers_mail(world):
    request = receive(mail(subject="Calls drop", message_id=FIRST)).request
    handling.reply(request, body="We restarted the trunk.", actor="sam", role="responder")
    found = sent_to_anna()
    root = thread_root_id(request.ref)
    ack = found[f"Calls drop [SR-{request.pk}]"]
    assert (ack.extra_headers["Message-ID"], ack.extra_headers["In-Reply-To"]) == (root, FIRST)
    assert ack.extra_headers["References"] == FIRST
    reply = found[f"Re: Calls drop [SR-{request.pk}]"]
    assert reply.extra_headers["In-Reply-To"] == root
    assert reply.extra_headers["References"] == f"{FIRST} {root}"

    notice = Notice.objects.get(key__startswith=f"support:{request.pk}:reply:")
    raw = NoticeMail(notice).as_bytes(Recipient(address="anna@acme.example"))
    parsed = message_from_bytes(raw, policy=default)
    assert (parsed["In-Reply-To"], parsed["References"].split()) == (root, [FIRST, root])


def test_a_request_not_opened_by_mail_threads_as_before(world):
    request = open_as_anna(world)
    handling.reply(request, body="Hello", actor="sam", role="responder")
    found = sent_to_anna()
    root = thread_root_id(request.ref)
    ack = found[f"{request.subject} [SR-{request.pk}]"]
    assert "In-Reply-To" not in ack.extra_headers
    reply = found[f"Re: {request.subject} [SR-{request.pk}]"]
    assert (reply.extra_headers["In-Reply-To"], reply.extra_headers["References"]) == (root, root)
