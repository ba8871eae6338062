"""General announcements: to the contacts of chosen organizations and of chosen products'
users, once; an organization not chosen and not using the products hears nothing."""

from datetime import timedelta

from django.core import mail
from django.test import Client
from django.urls import reverse

from forewarn.releases import services
from forewarn.releases.models import Announcement
from forewarn.support.models import SupportRequest
from tests.conftest import make_staff

from .conftest import T0, WHO, refused, tick, told


def test_an_announcement_reaches_the_chosen_organizations_and_the_products_users(
    world, clock, settings
):
    settings.FOREWARN_NOTICE_SENDERS = {"announcement": "News <news@forewarn.example>"}
    with refused("organizations", "Choose organizations"):
        services.announce(**WHO, title="New manual", body="Read it.", topic="manuals")
    with refused("topic", "not a topic"):
        services.announce(**WHO, title="x", body="y", topic="gossip", organizations=[world.gamma])
    found = services.announce(
        **WHO,
        title="Updated user documentation",
        body="The **export** guide is new.",
        topic="documentation",
        products=[world.docs],
    )
    tick(clock, T0 + timedelta(seconds=1))
    assert told(f"announcement:{found.pk}") == [
        ("announcement.documentation", "email", "ann@acme.example"),
        ("announcement.documentation", "email", "bob@beta.example"),
    ]
    (sent,) = [m for m in mail.outbox if m.subject == "Updated user documentation"][:1]
    assert sent.from_email == "News <news@forewarn.example>"
    assert SupportRequest.objects.filter(is_informational=True).count() == 2
    rates = services.announce(
        **WHO, title="Rates", body="Cheaper.", topic="rates", organizations=[world.gamma]
    )
    tick(clock, T0 + timedelta(seconds=2))
    assert told(f"announcement:{rates.pk}") == [
        ("announcement.rates", "email", "gus@gamma.example")
    ]


def test_announcements_through_the_api_and_the_console(world, api_as):
    viewer, communicator = api_as("viewer"), api_as("communicator")
    body = {
        "title": "New integration",
        "body": "Slack.",
        "topic": "integrations",
        "organizations": ["gamma"],
    }
    assert viewer.post("/api/v1/releases/announcements", body).status_code == 403
    created = communicator.post("/api/v1/releases/announcements", body)
    assert created.status_code == 201, created.json()
    assert created.json()["told"] == ["gamma"]
    bad = communicator.post("/api/v1/releases/announcements", body | {"products": ["nope"]})
    assert bad.status_code == 422 and "products" in str(bad.json())
    assert [a["title"] for a in viewer.get("/api/v1/releases/announcements").json()] == [
        "New integration"
    ]
    client = Client()
    client.force_login(make_staff("cora", "communicator"))
    page = client.post(
        reverse("admin:releases_announcement_add"),
        {
            "title": "SLA update",
            "body": "Version 2.",
            "topic": "policies",
            "products": [world.docs.pk],
        },
    )
    assert page.status_code == 302
    assert sorted(Announcement.objects.get(title="SLA update").told) == sorted(
        [world.acme.pk, world.beta.pk]
    )
