"""The built-in SMTP receiver with a real SMTP client: filed while the client waits, refused in
the SMTP transaction (so nothing is sent back: no backscatter), only the support address."""

import smtplib
import socket

import pytest
import time_machine

from forewarn.delivery.models import Notice
from forewarn.support.models import SupportRequest
from forewarn.support.smtp import controller

from .conftest import T0
from .test_inbound import REPLY, mail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def clock():
    # The receiver's event loop and threads need time to pass: travel, but let it tick.
    with time_machine.travel(T0, tick=True) as traveller:
        yield traveller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def receiver(world):
    found = controller("127.0.0.1", free_port())
    found.start()
    yield found
    found.stop()


def send(receiver, raw: bytes, *, sender="anna@acme.example", to="support@forewarn.example"):
    with smtplib.SMTP(receiver.hostname, receiver.port, timeout=10) as client:
        return client.sendmail(sender, [to], raw)


def test_mail_from_an_authorized_contact_is_filed_during_the_transaction(receiver, world):
    with smtplib.SMTP(receiver.hostname, receiver.port, timeout=10) as client:
        client.ehlo()
        client.mail("anna@acme.example")
        client.rcpt("support@forewarn.example")
        code, answer = client.data(mail(body=REPLY))
    request = SupportRequest.objects.get()
    assert (code, answer.decode()) == (250, f"2.0.0 Filed as SR-{request.pk}")
    assert (request.requester, request.origin) == (world.anna, "email")
    assert request.messages.get().body == "Thanks, that fixed it."


def test_anyone_else_is_refused_in_the_transaction_and_nothing_is_sent(receiver):
    with pytest.raises(smtplib.SMTPDataError) as refused:
        send(receiver, mail(sender="mallory@example.com"), sender="mallory@example.com")
    assert refused.value.smtp_code == 550
    assert refused.value.smtp_error.decode() == (
        "5.7.1 Not filed: mallory@example.com is not an authorized contact."
    )
    assert SupportRequest.objects.count() == 0
    assert Notice.objects.count() == 0  # the sending server tells its user, not Forewarn


def test_only_the_support_address_is_taken(receiver):
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send(receiver, mail(), to="someone-else@forewarn.example")
    assert SupportRequest.objects.count() == 0
