"""Mail filed in batches (the SMTP receiver files mail that arrives together in one
transaction): each mail gets the outcome it would get alone, in order; a refused one writes
nothing and leaves the others filed; a reply threads into a request opened earlier in the same
batch; and every request is opened, recorded and acknowledged as ``open_request`` does."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forewarn.delivery.models import Delivery, Notice
from forewarn.delivery.outbox import QueuedNotice, queue_notices
from forewarn.delivery.tokens import reply_address
from forewarn.record.models import Event
from forewarn.support import inbound, services
from forewarn.support.mail import parse
from forewarn.support.models import RequestMessage, SupportRequest

from .conftest import kinds, open_as_anna
from .test_inbound import mail


def direct(key: str, subject: str, address: str, **fields) -> QueuedNotice:
    return QueuedNotice(
        key=key,
        thread_key="k",
        kind="t",
        subject=subject,
        body="b",
        audience="direct",
        direct_addresses=[address],
        **fields,
    )


def receive_all(*raws: bytes, in_transaction=True):
    return inbound.receive_many([parse(r) for r in raws], refused_in_transaction=in_transaction)


def test_a_batch_files_each_mail_as_it_would_be_filed_alone(world):
    outcomes = receive_all(
        mail(subject="Calls drop"),
        mail(sender="mallory@example.com", subject="Let me in"),
        mail(sender="Gina <gina@globex.example>", subject="Fax lines", body=""),
        mail(sender="gina@globex.example", subject="Trunk down"),
        mail(subject="Away", Auto_Submitted="auto-replied"),
    )
    assert [o.filed for o in outcomes] == [True, False, False, True, False]
    assert outcomes[1].reason == "mallory@example.com is not an authorized contact."
    assert outcomes[2].reason == "Say what the request is about."
    assert outcomes[4].reason == "Automatic mail (RFC 3834) is not filed."
    first, fourth = outcomes[0].request, outcomes[3].request
    assert (first.organization, first.subject) == (world.acme, "Calls drop")
    assert (fourth.organization, fourth.requester) == (world.globex, world.gina)
    assert SupportRequest.objects.count() == 2
    assert Notice.objects.count() == 2  # refused in the SMTP transaction: nothing sent back
    for request in (first, fourth):
        assert kinds(request) == ["support_request.opened"]
        assert request.messages.get().body in ("Every call drops after 30 seconds.",)
        ack = Notice.objects.get(key=f"support:{request.pk}:ack")
        assert ack.reply_to_ref and ack.fanned_out_at is not None
        assert Delivery.objects.get(notice=ack).address == request.requester_email
        assert request.links.filter(notice=ack).exists()
        assert request.first_response_due_at is not None


def test_mail_refused_outside_the_smtp_transaction_is_answered_once(world):
    outcomes = receive_all(
        mail(sender="mallory@example.com"),
        mail(sender="mallory@example.com"),
        mail(),
        in_transaction=False,
    )
    assert [(o.filed, o.answered) for o in outcomes] == [
        (False, True),
        (False, False),
        (True, False),
    ]
    assert Notice.objects.filter(kind="support.refusal").count() == 1


def test_a_reply_threads_into_a_request_opened_earlier_in_the_same_batch(world):
    outcomes = receive_all(
        mail(message_id="<first@acme.example>", subject="Calls drop"),
        mail(
            subject="Re: Calls drop",
            body="And now the fax too.",
            In_Reply_To="<first@acme.example>",
        ),
    )
    assert [o.filed for o in outcomes] == [True, True]
    assert outcomes[1].request == outcomes[0].request
    assert SupportRequest.objects.count() == 1
    assert list(outcomes[0].request.messages.order_by("id").values_list("body", flat=True)) == [
        "Every call drops after 30 seconds.",
        "And now the fax too.",
    ]


def test_a_reply_by_token_is_filed_beside_new_requests(world):
    request = open_as_anna(world)
    ack = Notice.objects.get(key=f"support:{request.pk}:ack")
    outcomes = receive_all(
        mail(subject="New one"),
        mail(to=reply_address(ack.pk), subject="Re: it", body="Still broken."),
        mail(sender="bert@acme.example", to=reply_address(ack.pk), body="Me too."),
    )
    assert [o.filed for o in outcomes] == [True, True, False]
    assert outcomes[1].request == request
    assert "bert@acme.example is a contact of Acme who may not open support requests." in (
        outcomes[2].reason
    )
    assert request.messages.count() == 2
    assert SupportRequest.objects.count() == 2


def test_a_batch_writes_each_table_once_not_once_a_mail(world):
    receive_all(mail())  # the first request of a table may need more
    with CaptureQueriesContext(connection) as eight:
        receive_all(*(mail(subject=f"Batch {n}") for n in range(8)))
    with CaptureQueriesContext(connection) as one:
        receive_all(mail(subject="Alone"))
    assert SupportRequest.objects.count() == 10
    assert len(eight.captured_queries) == len(one.captured_queries)


def test_open_requests_gives_each_refusal_in_its_place(world, rota, clock):
    clock.move_to("2026-12-07T21:00:00Z")  # 22:00 in Amsterdam: after hours
    opened = services.open_requests(
        [
            services.Opening(
                requester_email="anna@acme.example",
                subject="Trunk down",
                body="All calls fail.",
                origin="api",
                actor="anna@acme.example",
                emergency=True,
            ),
            services.Opening(
                requester_email="anna@acme.example",
                subject="",
                body="No subject.",
                origin="api",
                actor="anna@acme.example",
            ),
            services.Opening(
                requester_email="gina@globex.example",
                subject="For Acme",
                body="Not mine to ask.",
                origin="api",
                actor="gina@globex.example",
                organization=world.acme,
            ),
        ]
    )
    emergency, no_subject, wrong_organization = opened
    assert emergency.on_call and emergency.rota == rota
    assert kinds(emergency) == ["support_request.opened", "support_request.paged"]
    assert isinstance(no_subject, ValidationError)
    assert no_subject.message_dict == {"subject": ["Give a subject."]}
    assert isinstance(wrong_organization, services.NotAuthorized)
    assert str(wrong_organization) == "gina@globex.example is not an authorized contact of Acme."
    assert SupportRequest.objects.count() == 1
    assert Notice.objects.filter(key=f"support:{emergency.pk}:page").exists()


def test_open_request_alone_raises_the_refusal(world):
    with pytest.raises(services.NotAuthorized):
        services.open_request(
            requester_email="mallory@example.com",
            subject="Hi",
            body="Let me in.",
            origin="web",
            actor="mallory@example.com",
        )
    assert SupportRequest.objects.count() == RequestMessage.objects.count() == 0
    assert not Event.objects.filter(kind="support_request.opened").exists()


def test_notices_queued_together_keep_one_per_key(world):
    before = queue_notices([direct("k:1", "One", "a@example.com")])[0]
    found = queue_notices(
        [
            direct("k:1", "Again", "a@example.com"),
            direct("k:2", "Two", "b@example.com"),
            direct("k:2", "Two again", "c@example.com"),
            direct(
                "k:3",
                "Later",
                "d@example.com",
                due_at=before.created_at + timedelta(days=1),
            ),
        ]
    )
    assert found[0] == before and found[1] == found[2]
    assert [n.subject for n in found] == ["One", "Two", "Two", "Later"]
    assert sorted(Delivery.objects.values_list("address", flat=True)) == [
        "a@example.com",
        "b@example.com",
    ]
    assert found[3].fanned_out_at is None  # not due yet: the worker fans it out then
    assert len({n.reply_to_ref for n in found}) == 3


def test_a_bad_notice_in_a_batch_writes_none_of_them(world):
    with pytest.raises(ValidationError) as refused:
        queue_notices(
            [
                direct("k:1", "One", "a@example.com"),
                direct("k:2", "Two", "not an address"),
            ]
        )
    assert refused.value.message_dict == {
        "direct_addresses": ["'not an address' is not an email address."]
    }
    assert Notice.objects.count() == 0


def test_a_key_queued_meanwhile_gives_the_notice_already_there(world, monkeypatch):
    theirs = queue_notices([direct("k:1", "Theirs", "a@example.com")])[0]
    # The race: another worker inserts k:1 after this one looked for it.
    real_filter = Notice.objects.filter

    def blind(*args, **kwargs):
        return Notice.objects.none() if "key__in" in kwargs else real_filter(*args, **kwargs)

    monkeypatch.setattr(Notice.objects, "filter", blind)
    found = queue_notices(
        [
            direct("k:1", "Mine", "b@example.com"),
            direct("k:2", "New", "c@example.com"),
        ]
    )
    assert found[0] == theirs and found[0].subject == "Theirs"
    assert found[1].subject == "New" and found[1].reply_to_ref
    assert sorted(Delivery.objects.values_list("address", flat=True)) == [
        "a@example.com",
        "c@example.com",
    ]
