"""A small world for planned work: the five presets, a region with peak hours, two components,
two clients on different plans with their contacts, public subscribers and staff.

Everything is built inside one time travel (Monday 4 January 2027, 10:00 in Amsterdam) that
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

from forewarn.calendars.models import Calendar
from forewarn.catalog.models import AuthorizedContact, Component, Organization, Region
from forewarn.catalog.services import save_component, save_contact, save_organization, save_region
from forewarn.delivery import outbox, sender
from forewarn.delivery.models import Channel, Delivery, Subscriber
from forewarn.planned import jobs, services
from forewarn.policies.models import Policy
from forewarn.policies.services import load_presets
from tests.conftest import make_staff

T0 = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)  # Mon 10:00 Europe/Amsterdam
PEAK = [{"weekday": d, "start": "08:00", "end": "20:00"} for d in range(5)]


@dataclass
class World:
    voice: Component
    sms: Component
    acme: Organization  # Enterprise, uses voice
    beta: Organization  # Basic, uses voice and sms
    responder: object
    communicator: object
    admin: object
    viewer: object


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(db, clock, settings) -> World:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.PROVIDER_TIME_ZONE = "Europe/Amsterdam"
    cache.clear()
    mail.outbox = []
    load_presets()
    eu = save_region(
        Region(
            slug="eu",
            name="Europe",
            time_zone="Europe/Amsterdam",
            peak_hours=PEAK,
            calendar=Calendar.objects.get(slug="nl-business"),
        ),
        actor="alice",
    )
    voice = save_component(Component(slug="voice", name="Voice", region=eu), actor="alice")
    sms = save_component(Component(slug="sms", name="SMS API", region=eu), actor="alice")
    acme = save_organization(
        Organization(slug="acme", name="Acme", plan="Enterprise"), components=[voice], actor="alice"
    )
    beta = save_organization(
        Organization(slug="beta", name="Beta", plan="Basic"), components=[voice, sms], actor="alice"
    )
    save_contact(
        AuthorizedContact(
            organization=acme, name="Ann", email="ann@acme.example", time_zone="America/New_York"
        ),
        actor="alice",
    )
    save_contact(
        AuthorizedContact(organization=beta, name="Bob", email="bob@beta.example"), actor="alice"
    )
    subscriber(["voice"], "voice-fan@example.com")
    subscriber(["sms"], "sms-fan@example.com")
    subscriber([], "all@example.com")
    return World(
        voice=voice,
        sms=sms,
        acme=acme,
        beta=beta,
        responder=make_staff("rita", "responder"),
        communicator=make_staff("cody", "communicator"),
        admin=make_staff("ada", "admin"),
        viewer=make_staff("vic", "viewer"),
    )


def subscriber(slugs, address, channel=Channel.EMAIL) -> Subscriber:
    found = Subscriber.objects.create(channel=channel, address=address, confirmed_at=T0, secret="")
    found.components.set(Component.objects.filter(slug__in=slugs))
    return found


def tick(clock, at: datetime) -> None:
    """Move to ``at`` and do what the worker does every second."""
    clock.move_to(at)
    jobs.planned_transitions()
    outbox.fan_out_due()
    sender.send_due()
    outbox.complete_finished_notices()


def draft(world, policy="seed-000", work_type="service-update", *, components=None, **fields):
    """Draft work as the responder; Voice under maintenance unless told otherwise."""
    policy_row = Policy.objects.get(slug=policy)
    fields.setdefault("title", "Database upgrade")
    fields.setdefault("impact_text", "Calls may drop for up to five minutes.")
    return services.create_draft(
        actor="rita",
        role="responder",
        policy=policy_row,
        work_type=policy_row.work_types.get(slug=work_type),
        components={world.voice: "under_maintenance"} if components is None else components,
        owner=world.responder,
        **fields,
    )


def sent(work) -> list[tuple[str, datetime, str]]:
    """(notice kind, when it went out, address) of every delivery about ``work``, in the order
    they went out (then by kind and address)."""
    rows = Delivery.objects.filter(notice__thread_key=f"planned:{work.pk}", sent_at__isnull=False)
    return in_order(
        (d.notice.kind.removeprefix("planned."), d.sent_at, d.address)
        for d in rows.select_related("notice")
    )


def in_order(rows) -> list[tuple[str, datetime, str]]:
    return sorted(rows, key=lambda row: (row[1], row[0], row[2]))


@contextmanager
def refused(field: str, text: str):
    """Expect a ValidationError naming ``field`` with ``text`` in its message."""
    with pytest.raises(ValidationError) as caught:
        yield
    messages = caught.value.message_dict
    assert field in messages, messages
    assert text in " ".join(messages[field]), messages
