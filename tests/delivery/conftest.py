"""Fixtures for delivery tests: a real SMTP sink and HTTP receivers on 127.0.0.1, fast retry settings."""

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
