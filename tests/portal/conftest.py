"""Two client organizations for portal tests, each with a contact, a component private to it,
a support request, a notice and an incident, so every page can be asked for the other's.

Built inside one time travel (Monday 7 December 2026, 10:00 in Amsterdam) that tests move on
with ``clock.move_to``.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.test import Client

from forewarn import scheduler
from forewarn.catalog.models import AuthorizedContact, Component, Organization, Visibility
from forewarn.catalog.services import save_component, save_contact, save_organization
from forewarn.delivery import outbox
from forewarn.delivery.models import Audience, Notice
from forewarn.incidents.models import AffectedComponent, Incident, IncidentUpdate
from forewarn.ops.jobs import load_jobs
from forewarn.portal import signin, tokens
from forewarn.portal.models import ContactToken
from forewarn.support import services
from forewarn.support.models import SupportRequest

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # Mon 10:00 Europe/Amsterdam


@dataclass
class Side:
    """One organization with everything of its own a page could show."""

    organization: Organization
    contact: AuthorizedContact
    private: Component
    request: SupportRequest
    notice: Notice
    incident: Incident
    token: ContactToken


@dataclass
class World:
    voice: Component
    a: Side
    b: Side


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def _side(slug: str, name: str, email: str, voice: Component) -> Side:
    organization = save_organization(
        Organization(slug=slug, name=name), components=[voice], actor="t"
    )
    private = save_component(
        Component(
            slug=f"{slug}-trunk", name=f"{name} private trunk", visibility=Visibility.PRIVATE
        ),
        actor="t",
        visible_to=[organization],
    )
    organization.components.add(private)
    contact = save_contact(
        AuthorizedContact(organization=organization, name=f"{name} contact", email=email),
        actor="t",
    )
    request = services.open_request(
        requester_email=email,
        subject=f"{name} secret request",
        body=f"Only {name} may read this.",
        origin="web",
        actor=email,
    )
    notice = outbox.queue_notice(
        key=f"test:{slug}",
        thread_key=f"test:{slug}",
        kind="planned.announcement",
        subject=f"{name} secret notice",
        body=f"Only {name} hears of this.",
        audience=Audience.CONTACTS,
        organizations=[organization],
    )
    incident = Incident.objects.create(
        title=f"{name} secret incident",
        priority="P2",
        is_public=True,
        detected_at=T0,
        priority_set_at=T0,
    )
    AffectedComponent.objects.create(
        incident=incident,
        component=private,
        status_before="operational",
        status_during="major_outage",
    )
    IncidentUpdate.objects.create(
        incident=incident,
        status="investigating",
        body="Looking",
        body_html="<p>Looking</p>",
        author="t",
    )
    token, _ = tokens.issue(contact, name="script")
    return Side(organization, contact, private, request, notice, incident, token)


@pytest.fixture
def world(db, clock, settings) -> World:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.SITE_URL = "http://testserver"
    cache.clear()
    voice = save_component(Component(slug="voice", name="Voice"), actor="t")
    return World(
        voice=voice,
        a=_side("acme", "Acme", "anna@acme.example", voice),
        b=_side("globex", "Globex", "gina@globex.example", voice),
    )


def sent_link(address: str) -> str:
    """The sign-in link in the last mail to ``address`` (the worker sends the outbox)."""
    load_jobs()
    scheduler.run_once(["fan_out_due_notices", "send_due_deliveries"])
    found = [m for m in mail.outbox if address in m.to and "sign-in link" in m.subject]
    assert found, f"no mail to {address}"
    return re.search(r"http://testserver(/portal/sign-in/[\w-]+/)", found[-1].body).group(1)


def signed_in(contact: AuthorizedContact) -> Client:
    """A client with a portal session of ``contact`` (through a real link)."""
    client = Client()
    raw = signin.issue_link(contact).rsplit("/sign-in/", 1)[1].strip("/")
    response = client.post(f"/portal/sign-in/{raw}/")
    assert response.status_code == 302, response
    return client
