"""A small world for incident tests: components, a client with a success manager, staff, subscribers.

Everything is built inside one time travel (Tuesday 24 November 2026, 10:00 in
Amsterdam, a business day) that tests move on with ``clock.shift``.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError

from forewarn.api.models import ApiToken
from forewarn.catalog.models import AuthorizedContact, Component, Organization
from forewarn.catalog.services import save_component, save_contact, save_organization
from forewarn.delivery.models import Channel, Subscriber
from forewarn.incidents import configuration, services
from forewarn.record.models import Event
from tests.conftest import ApiClient, make_staff

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # Tue 10:00 Europe/Amsterdam


@dataclass
class World:
    voice: Component
    sms: Component
    portal: Component
    cloud: Component  # an upstream, third-party component
    client: Organization
    manager: object  # the client's success manager (Tier 1)
    responder: object
    communicator: object
    viewer: object


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(db, clock, settings) -> World:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    cache.clear()
    configuration.load_seed_policies()  # a transactional test elsewhere may have emptied them
    made = {}
    for slug, name in [("voice", "Voice"), ("sms", "SMS API"), ("portal", "Portal")]:
        made[slug] = save_component(Component(slug=slug, name=name), actor="alice")
    made["cloud"] = save_component(
        Component(
            slug="cloud",
            name="Cloud servers",
            is_third_party=True,
            restore_objective=timedelta(hours=1),  # seed 004: restored within an hour
        ),
        actor="alice",
    )
    manager = get_user_model().objects.create_user(
        "carla", "carla@provider.example", "pw", is_staff=True
    )
    client = save_organization(
        Organization(slug="acme", name="Acme", success_manager=manager),
        components=[made["voice"]],
        actor="alice",
    )
    save_contact(
        AuthorizedContact(organization=client, name="Ann", email="ann@acme.example"),
        actor="alice",
    )
    subscriber(["voice"], "voice-fan@example.com")
    subscriber(["sms"], "sms-fan@example.com")
    subscriber([], "all@example.com")
    return World(
        voice=made["voice"],
        sms=made["sms"],
        portal=made["portal"],
        cloud=made["cloud"],
        client=client,
        manager=manager,
        responder=make_staff("rita", "responder"),
        communicator=make_staff("cody", "communicator"),
        viewer=make_staff("vic", "viewer"),
    )


def subscriber(slugs, address, channel=Channel.EMAIL) -> Subscriber:
    found = Subscriber.objects.create(channel=channel, address=address, confirmed_at=T0, secret="")
    found.components.set(Component.objects.filter(slug__in=slugs))
    return found


def kinds(incident) -> list[str]:
    """The kinds recorded about ``incident``, oldest first."""
    return list(
        Event.objects.filter(subject_type="incidents.incident", subject_id=str(incident.pk))
        .order_by("at", "id")
        .values_list("kind", flat=True)
    )


def open_p(world, priority="P1", *, components=None, **fields):
    """Open an incident as the responder; Voice in major outage unless told otherwise."""
    fields.setdefault("title", "Calls fail")
    fields.setdefault("message", "Calls to the EU fail. We are investigating.")
    fields.setdefault("actor", "rita")
    return services.open_incident(
        role="responder",
        priority=priority,
        components={world.voice: "major_outage"} if components is None else components,
        **fields,
    )


@contextmanager
def refused(field: str, text: str):
    """Expect a ValidationError naming ``field`` with ``text`` in its message."""
    with pytest.raises(ValidationError) as caught:
        yield
    messages = caught.value.message_dict
    assert field in messages, messages
    assert text in " ".join(messages[field]), messages


@pytest.fixture
def api(world):
    """``api("rita")`` speaks the API as that user; ``api(None)`` sends no token."""

    users = {"rita": world.responder, "cody": world.communicator, "vic": world.viewer}

    def as_user(username: str | None) -> ApiClient:
        if username is None:
            return ApiClient(None)
        if username not in users:
            users[username] = make_staff(username, "admin")
        return ApiClient(ApiToken.issue(users[username])[1])

    return as_user
