"""SLA versions: published with an effective date, told to the contacts of the organizations
using the category; an availability report across the change measures each quarter against
the version in force when it began."""

from datetime import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail

from forewarn.availability import periods, reports
from forewarn.catalog.models import AuthorizedContact, Component, Organization, ProductCategory
from forewarn.delivery import outbox, sender
from forewarn.releases import services
from tests.availability.conftest import AMS, at, history

from .conftest import refused

WHO = {"actor": "cody", "role": "communicator"}


@pytest.fixture
def voice(db, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    mail.outbox = []
    category = ProductCategory.objects.create(
        slug="voice", name="Voice", target_pct=Decimal("99.99")
    )
    trunk = Component.objects.create(slug="trunk", name="SIP trunk", category=category)
    other = Component.objects.create(slug="sms", name="SMS")
    acme = Organization.objects.create(slug="acme", name="Acme")
    acme.components.set([trunk])
    AuthorizedContact.objects.create(organization=acme, name="Ann", email="ann@acme.example")
    gamma = Organization.objects.create(slug="gamma", name="Gamma")
    gamma.components.set([other])
    AuthorizedContact.objects.create(organization=gamma, name="Gus", email="gus@gamma.example")
    # 30 minutes down in each quarter: over 99.99 % a breach (budget 13 min), within 99.9 %.
    history(
        trunk,
        (at(2026, 6, 1), "operational"),
        (at(2026, 8, 12, 10), "major_outage"),
        (at(2026, 8, 12, 10, 30), "operational"),
        (at(2026, 11, 12, 10), "major_outage"),
        (at(2026, 11, 12, 10, 30), "operational"),
    )
    return category


def report(quarter: str, now: datetime):
    period = periods.parse(quarter, now=now, default_tz=AMS)
    (section,) = reports.build(period, Component.objects.filter(slug="trunk"), now=now).sections
    return section.figures


def test_a_report_across_a_change_of_sla_version(voice):
    published = at(2026, 9, 15, 12)
    with time_machine.travel(published, tick=False):
        with refused("effective_from", "not in the past"):
            services.publish_sla_version(
                voice,
                **WHO,
                label="2026.2",
                target_pct="99.9",
                effective_from=at(2026, 9, 1),
                summary="x",
            )
        with refused("target_pct", "0 to 100"):
            services.publish_sla_version(
                voice,
                **WHO,
                label="2027.1",
                target_pct="100.5",
                effective_from=at(2026, 10, 1),
                summary="x",
            )
        services.publish_sla_version(
            voice,
            **WHO,
            label="2027.1",
            target_pct="99.9",
            effective_from=at(2026, 10, 1),
            summary="Voice is held to 99.9 % from the fourth quarter.",
        )
        outbox.fan_out_due()
        sender.send_due()
    told = [m for m in mail.outbox if "SLA version" in m.subject]
    assert [m.to for m in told] == [["ann@acme.example"]]  # Gamma does not use Voice
    assert "99.9 %" in told[0].body
    now = at(2027, 1, 5)
    q3, q4 = report("2026-Q3", now), report("2026-Q4", now)
    assert (q3.target_pct, q3.is_met) == (Decimal("99.99"), False)
    assert (q4.target_pct, q4.is_met) == (Decimal("99.9"), True)


def test_sla_versions_through_the_api(voice, api_as):
    with time_machine.travel(at(2026, 9, 15, 12), tick=False):
        viewer, communicator = api_as("viewer"), api_as("communicator")
        body = {
            "category": "voice",
            "label": "2027.1",
            "target_pct": "99.9",
            "effective_from": "2026-10-01T00:00:00+02:00",
            "summary": "From Q4.",
        }
        assert viewer.post("/api/v1/releases/sla-versions", body).status_code == 403
        created = communicator.post("/api/v1/releases/sla-versions", body)
        assert created.status_code == 201, created.json()
        again = communicator.post("/api/v1/releases/sla-versions", body)
        assert again.status_code == 422 and "label" in str(again.json())
        wrong = communicator.post("/api/v1/releases/sla-versions", body | {"category": "nope"})
        assert wrong.status_code == 422 and "category" in str(wrong.json())
        assert [v["label"] for v in viewer.get("/api/v1/releases/sla-versions").json()] == [
            "2027.1"
        ]
