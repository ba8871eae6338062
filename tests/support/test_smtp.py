"""The built-in SMTP receiver with a real SMTP client: filed while the client waits, refused in
the SMTP transaction (so nothing is sent back: no backscatter), only the support address."""

import smtplib
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine

from forewarn.delivery.models import Notice
from forewarn.support import inbound
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


# Group commit: the mails that arrive while a batch is being filed are filed together -------


def answer(receiver, raw: bytes, sender: str) -> tuple[int, str]:
    """The receiver's answer to DATA, whatever its code."""
    with smtplib.SMTP(receiver.hostname, receiver.port, timeout=30) as client:
        client.ehlo()
        client.mail(sender)
        client.rcpt("support@forewarn.example")
        code, text = client.data(raw)
    return code, text.decode()


def _wait(condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("waited in vain")
        time.sleep(0.01)


def hold_first_batch(monkeypatch, until) -> threading.Event:
    """The first batch waits in ``receive_many`` until ``until(mails of that batch)``, so that
    what arrives meanwhile is filed together after it; the event is set once it waits."""
    real = inbound.receive_many
    held = threading.Event()

    def receive_many(mails, **options):
        if not held.is_set():
            held.set()
            _wait(lambda: until(mails))
        return real(mails, **options)

    monkeypatch.setattr(inbound, "receive_many", receive_many)
    return held


def filed(reply: tuple[int, str]) -> SupportRequest:
    code, text = reply
    assert (code, text.partition(" SR-")[0]) == (250, "2.0.0 Filed as"), reply
    return SupportRequest.objects.get(pk=text.rpartition("SR-")[2])


def test_eight_clients_at_once_are_filed_together_each_told_its_own_request(
    receiver, world, monkeypatch
):
    filer = receiver.handler.filer
    hold_first_batch(monkeypatch, lambda mails: len(mails) + filer.waiting.qsize() == 8)
    with ThreadPoolExecutor(8) as pool:
        replies = list(
            pool.map(
                lambda n: answer(receiver, mail(subject=f"Trunk {n}"), "anna@acme.example"),
                range(8),
            )
        )
    assert [filed(reply).subject for reply in replies] == [f"Trunk {n}" for n in range(8)]
    assert SupportRequest.objects.count() == 8
    assert sum(size * count for size, count in filer.batch_sizes.items()) == 8
    assert max(filer.batch_sizes) > 1


def _first_then_together(receiver, monkeypatch, later: list[tuple[bytes, str]]):
    """Gina's mail is filed alone and, while it is, ``later`` arrive and are filed as one
    batch: the answers to Gina and to each of ``later``."""
    filer = receiver.handler.filer
    held = hold_first_batch(monkeypatch, lambda mails: filer.waiting.qsize() == len(later))
    with ThreadPoolExecutor(len(later) + 1) as pool:
        first = pool.submit(
            answer, receiver, mail(sender="gina@globex.example"), "gina@globex.example"
        )
        held.wait(10)
        replies = list(pool.map(lambda sent: answer(receiver, *sent), later))
        assert filer.batch_sizes == {1: 1, len(later): 1}
        return first.result(), replies


def test_a_batch_answers_the_authorized_250_and_the_unauthorized_550(receiver, world, monkeypatch):
    gina, (anna, mallory) = _first_then_together(
        receiver,
        monkeypatch,
        [
            (mail(subject="From Anna"), "anna@acme.example"),
            (mail(sender="mallory@example.com", subject="From Mallory"), "mallory@example.com"),
        ],
    )
    assert filed(anna).requester == world.anna
    assert mallory == (550, "5.7.1 Not filed: mallory@example.com is not an authorized contact.")
    assert filed(gina).requester == world.gina
    assert sorted(SupportRequest.objects.values_list("subject", flat=True)) == [
        "Calls drop",
        "From Anna",
    ]


def test_a_mail_the_filing_fails_on_is_told_to_try_later_and_its_batch_is_filed(
    receiver, world, monkeypatch, caplog
):
    real = inbound.receive_many

    def receive_many(mails, **options):
        if any(m.subject == "Breaks the filing" for m in mails):
            raise RuntimeError("a bug met in one mail")
        return real(mails, **options)

    monkeypatch.setattr(inbound, "receive_many", receive_many)
    gina, (first, broken, last) = _first_then_together(
        receiver,
        monkeypatch,
        [
            (mail(subject="Before"), "anna@acme.example"),
            (mail(subject="Breaks the filing"), "anna@acme.example"),
            (mail(subject="After"), "anna@acme.example"),
        ],
    )
    assert broken == (451, "4.3.0 Not filed for now: a temporary failure; try again later")
    assert (filed(first).subject, filed(last).subject) == ("Before", "After")
    assert filed(gina).requester == world.gina
    assert SupportRequest.objects.count() == 3  # each filed once, after its batch failed
    assert "a batch of 3 failed; filing each alone" in caplog.text


def test_mail_waiting_when_the_receiver_stops_is_filed_and_answered(world, monkeypatch):
    receiver = controller("127.0.0.1", free_port())
    receiver.start()
    filer = receiver.handler.filer
    held = hold_first_batch(monkeypatch, lambda mails: filer.is_stopping)
    with ThreadPoolExecutor(3) as pool:
        first = pool.submit(answer, receiver, mail(subject="First"), "anna@acme.example")
        held.wait(10)
        waiting = pool.submit(answer, receiver, mail(subject="Waiting"), "anna@acme.example")
        _wait(lambda: filer.waiting.qsize() == 1)
        stopped = pool.submit(receiver.stop)
        replies = [first.result(), waiting.result()]
        stopped.result()
    assert [filed(reply).subject for reply in replies] == ["First", "Waiting"]
    assert not filer.thread.is_alive()
    with socket.socket() as probe:
        assert probe.connect_ex((receiver.hostname, receiver.port)) != 0
