"""Fixtures for delivery tests: a real SMTP sink and HTTP receivers on 127.0.0.1, fast retry settings,
and a DNS the tests control."""

import ipaddress
import socket

import pytest
from django.utils import timezone

from forewarn.catalog.models import AuthorizedContact, Component, Organization
from forewarn.delivery.models import Channel, Subscriber

from .servers import HttpReceiver, SmtpSink

FAST = {
    "retry_base_seconds": 0.2,
    "retry_max_seconds": 1,
    "round_seconds": 2,
    "http_timeout": 2,
    "threads": 4,
}


def smtp_mailers(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }


PUBLIC_ADDRESS = "93.184.215.14"


class FakeDns:
    """``socket.getaddrinfo`` answering from ``names`` (name -> addresses); literals as usual.

    Any other name does not resolve, so no test depends on the network. ``asked`` counts
    the lookups of each name.
    """

    def __init__(self, real):
        self.real = real
        self.names: dict[str, list[str]] = {
            "hooks.example.com": [PUBLIC_ADDRESS],
            "chat.example.com": [PUBLIC_ADDRESS],
        }
        self.asked: dict[str, int] = {}

    def getaddrinfo(self, host, port, family=0, type=0, proto=0, flags=0):
        name = host.decode() if isinstance(host, bytes) else str(host)
        try:
            ipaddress.ip_address(name.split("%", 1)[0])
            return self.real(host, port, family, type, proto, flags)
        except ValueError:
            pass
        if name == "localhost":
            return self.real(host, port, family, type, proto, flags)
        self.asked[name] = self.asked.get(name, 0) + 1
        if name not in self.names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        answers = []
        for address in self.names[name]:
            answers += self.real(address, port, family, type, proto, flags)
        return answers


@pytest.fixture(autouse=True)
def dns(monkeypatch):
    fake = FakeDns(socket.getaddrinfo)
    monkeypatch.setattr(socket, "getaddrinfo", fake.getaddrinfo)
    return fake


@pytest.fixture(autouse=True)
def webhooks_to_loopback(settings):
    """The test receivers listen on 127.0.0.1: a setting production never has lets webhooks reach them."""
    settings.FOREWARN_WEBHOOKS_TO_LOOPBACK = True
    settings.FOREWARN_WEBHOOK_PORTS = []


@pytest.fixture
def smtp_sink():
    sink = SmtpSink().start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def smtp(settings, smtp_sink):
    """Mail goes over real SMTP to the sink; retries come within a fraction of a second."""
    settings.MAILERS = smtp_mailers(smtp_sink.port)
    settings.FOREWARN_DELIVERY = dict(FAST)
    return smtp_sink


@pytest.fixture
def receivers():
    """``receivers(statuses=[500])`` starts an HTTP receiver; all are stopped at the end."""
    started = []

    def start(statuses=None, delay=0.0) -> HttpReceiver:
        receiver = HttpReceiver(statuses, delay).start()
        started.append(receiver)
        return receiver

    try:
        yield start
    finally:
        for receiver in started:
            receiver.stop()


@pytest.fixture
def components(db):
    return {
        slug: Component.objects.create(slug=slug, name=name)
        for slug, name in [("sms-api", "SMS API"), ("voice", "Voice"), ("portal", "Portal")]
    }


def subscribe(address, *, channel=Channel.EMAIL, components=(), time_zone="", **fields):
    """An active (confirmed) subscriber."""
    subscriber = Subscriber.objects.create(
        channel=channel,
        address=address,
        time_zone=time_zone,
        confirmed_at=fields.pop("confirmed_at", timezone.now()),
        **fields,
    )
    subscriber.components.set(components)
    return subscriber


def contact(email, *, organization="acme", components=(), **fields):
    org, _ = Organization.objects.get_or_create(
        slug=organization, defaults={"name": organization.title()}
    )
    org.components.add(*components)
    return AuthorizedContact.objects.create(
        organization=org, name=email.split("@")[0], email=email, **fields
    )
