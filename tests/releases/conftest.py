"""A small world for releases: the presets, three clients (Acme uses the product by name,
Beta by its plan, Gamma nothing), their contacts, a subscriber of the release notes, staff.

Everything is built inside one time travel (Monday 4 January 2027, 10:00 in Madrid) that
tests move on with ``tick``, which does what the worker does every second.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError

from forewarn.catalog.models import AuthorizedContact, Component, Organization
from forewarn.catalog.services import save_component, save_contact, save_organization
from forewarn.delivery import outbox, sender
from forewarn.delivery.models import Channel, Delivery, Subscriber
from forewarn.planned import jobs
from forewarn.policies.services import load_presets
from forewarn.releases import services
from forewarn.releases.models import Product
from tests.conftest import make_staff

T0 = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)  # Mon 10:00 Europe/Madrid
WHO = {"actor": "cody", "role": "communicator"}


@dataclass
class World:
    docs: Product  # Athento-like: used by Acme (named) and Beta (Enterprise plan)
    engine: Component
    acme: Organization
    beta: Organization
    gamma: Organization
    fan: Subscriber
    chat: Subscriber


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(db, clock, settings) -> World:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.FOREWARN_NOTICE_SENDERS = {"release": "Releases <releases@forewarn.example>"}
    cache.clear()
    mail.outbox = []
    load_presets()
    engine = save_component(Component(slug="engine", name="Document engine"), actor="alice")
    other = save_component(Component(slug="voice", name="Voice"), actor="alice")
    acme = save_organization(Organization(slug="acme", name="Acme", plan="Basic"), actor="alice")
    beta = save_organization(
        Organization(slug="beta", name="Beta", plan="Enterprise"), actor="alice"
    )
    gamma = save_organization(
        Organization(slug="gamma", name="Gamma", plan="Basic"), components=[other], actor="alice"
    )
    for org, name in ((acme, "ann"), (beta, "bob"), (gamma, "gus")):
        save_contact(
            AuthorizedContact(organization=org, name=name, email=f"{name}@{org.slug}.example"),
            actor="alice",
        )
    fan = Subscriber.objects.create(address="fan@example.com", confirmed_at=T0, secret="")
    chat = Subscriber.objects.create(
        channel=Channel.CHAT, address="https://chat.example.com/hook", confirmed_at=T0, secret=""
    )
    docs = services.save_product(
        **WHO,
        slug="docs",
        name="Athento Docs",
        organizations=[acme],
        plans=["enterprise"],
        components=[engine],
        subscribers=[fan, chat],
        chat_webhooks=["https://chat.example.com/security"],
    )
    make_staff("cody", "communicator")
    make_staff("vic", "viewer")
    return World(docs, engine, acme, beta, gamma, fan, chat)


def tick(clock, at: datetime) -> None:
    """Move to ``at`` and do what the worker does every second."""
    clock.move_to(at)
    jobs.planned_transitions()
    outbox.fan_out_due()
    sender.send_due()
    outbox.complete_finished_notices()


def told(thread: str) -> list[tuple[str, str, str]]:
    """(notice kind, channel, address) of every delivery in ``thread``, sorted."""
    rows = Delivery.objects.filter(notice__thread_key=thread).select_related("notice")
    return sorted((d.notice.kind, d.channel, d.address) for d in rows)


@contextmanager
def refused(field: str, text: str):
    """Expect a ValidationError naming ``field`` with ``text`` in its message."""
    with pytest.raises(ValidationError) as caught:
        yield
    messages = caught.value.message_dict
    assert field in messages, messages
    assert text in " ".join(messages[field]), messages
