"""A small world for support tests: two client organizations with authorized contacts, a
success manager, staff, an on-call rota.

Everything is built inside one time travel (Monday 7 December 2026, 10:00 in Amsterdam, a
business day in seed 001's Business Hours) that tests move on with ``clock.move_to``.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.cache import cache

from forewarn.catalog.models import AuthorizedContact, Component, Organization
from forewarn.catalog.services import save_component, save_contact, save_organization
from forewarn.delivery.models import Notice
from forewarn.record.models import Event
from forewarn.support import services
from forewarn.support.models import OnCallRota, SupportRequest
from tests.conftest import make_staff

AMS = ZoneInfo("Europe/Amsterdam")
T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # Mon 10:00 Europe/Amsterdam


def ams(*args) -> datetime:
    return datetime(*args, tzinfo=AMS)


@dataclass
class World:
    voice: Component
    acme: Organization
    globex: Organization
    anna: AuthorizedContact  # Acme, may open requests
    bert: AuthorizedContact  # Acme, receives notices but may not open requests
    gina: AuthorizedContact  # Globex
    manager: object  # Acme's success manager (Tier 1)
    agent: object  # a responder who handles requests
    viewer: object


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(db, clock, settings) -> World:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.FOREWARN_SUPPORT_EMAIL = "support@forewarn.example"
    cache.clear()
    voice = save_component(Component(slug="voice", name="Voice"), actor="alice")
    manager = get_user_model().objects.create_user(
        "carla", "carla@provider.example", "pw", is_staff=True
    )
    acme = save_organization(
        Organization(slug="acme", name="Acme", success_manager=manager),
        components=[voice],
        actor="alice",
    )
    globex = save_organization(
        Organization(slug="globex", name="Globex"), components=[voice], actor="alice"
    )
    anna = save_contact(
        AuthorizedContact(organization=acme, name="Anna", email="anna@acme.example"), actor="alice"
    )
    bert = save_contact(
        AuthorizedContact(
            organization=acme, name="Bert", email="bert@acme.example", may_open_requests=False
        ),
        actor="alice",
    )
    gina = save_contact(
        AuthorizedContact(organization=globex, name="Gina", email="gina@globex.example"),
        actor="alice",
    )
    return World(
        voice=voice,
        acme=acme,
        globex=globex,
        anna=anna,
        bert=bert,
        gina=gina,
        manager=manager,
        agent=make_staff("sam", "responder"),
        viewer=make_staff("vic", "viewer"),
    )


@pytest.fixture
def rota(world) -> OnCallRota:
    return OnCallRota.objects.create(
        name="Night desk",
        response_minutes=30,
        email="oncall@provider.example",
        chat_webhook_url="https://chat.example/hooks/oncall",
    )


def open_as_anna(world, **fields) -> SupportRequest:
    fields.setdefault("subject", "Calls drop after 30 seconds")
    fields.setdefault("body", "Since this morning every call drops.")
    fields.setdefault("origin", "web")
    fields.setdefault("actor", "anna@acme.example")
    return services.open_request(requester_email=world.anna.email, **fields)


def kinds(request) -> list[str]:
    return list(
        Event.objects.filter(subject_type="support.supportrequest", subject_id=str(request.pk))
        .order_by("at", "id")
        .values_list("kind", flat=True)
    )


def notice_keys(prefix: str = "support:") -> list[str]:
    return list(
        Notice.objects.filter(key__startswith=prefix).order_by("pk").values_list("key", flat=True)
    )


def refused_every(caller, calls, message: str) -> None:
    """Each ``(method, url, body)`` of ``calls`` is a 403 saying ``message`` (``caller``: an
    ``ApiClient``, for a staff or a contact's token)."""
    for method, url, body in calls:
        args = (body,) if body is not None else ()
        response = getattr(caller, method)(url, *args)
        assert (response.status_code, response.json()) == (403, {"message": message}), (
            method,
            url,
        )
