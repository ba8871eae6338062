"""A seed 001 catalog for 2026-Q3 built from real rows: status history and exclusions.

Q3 2026 in Europe/Amsterdam has no DST change: 92 days = 132,480 minutes.
"""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from forewarn.availability.models import Exclusion
from forewarn.catalog.models import (
    Component,
    Organization,
    ProductCategory,
    Region,
    StatusInterval,
)

AMS = ZoneInfo("Europe/Amsterdam")
Q3_MINUTES = 92 * 1440
# Every test here runs as if it were this instant, fixtures included: the reports measure up
# to "now", and the fixtures' Q3 2026 history must lie in the past whatever day the suite runs.
NOW = datetime(2026, 11, 24, 9, tzinfo=ZoneInfo("UTC"))


@pytest.fixture(autouse=True)
def fixed_now():
    """Start the clock at NOW (it ticks on, so live servers and timeouts behave)."""
    with time_machine.travel(NOW, tick=True):
        yield


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=AMS)


def history(component: Component, *changes: tuple) -> None:
    """Contiguous history: each change is (start, status[, cause[, cause_ref]]); the last stays open."""
    for (start, status, *cause), following in zip(changes, [*changes[1:], None], strict=True):
        StatusInterval.objects.create(
            component=component,
            status=status,
            started_at=start,
            ended_at=following[0] if following else None,
            cause=cause[0] if cause else "",
            cause_ref=cause[1] if len(cause) > 1 else "",
        )


def outage(component: Component, start: datetime, end: datetime, status="major_outage", *cause):
    """Operational since 1 June, ``status`` from ``start`` to ``end``, operational since."""
    history(
        component,
        (at(2026, 6, 1), "operational"),
        (start, status, *cause),
        (end, "operational"),
    )


@pytest.fixture
def seed001(db):
    """Business Messaging and Voice (99.99 % per quarter), a beta, trunks, an organization."""
    messaging = ProductCategory.objects.create(
        slug="business-messaging", name="Business Messaging", target_pct=Decimal("99.99")
    )
    voice = ProductCategory.objects.create(slug="voice", name="Voice", target_pct=Decimal("99.99"))
    sms = Component.objects.create(slug="sms-api", name="SMS API", category=messaging, position=0)
    rcs = Component.objects.create(
        slug="rcs", name="RCS Messaging", category=messaging, is_beta=True, position=1
    )
    trunk_a = Component.objects.create(
        slug="trunk-ams", name="SIP trunk Amsterdam", category=voice, position=0
    )
    trunk_b = Component.objects.create(
        slug="trunk-fra", name="SIP trunk Frankfurt", category=voice, position=1
    )
    sip = Component.objects.create(
        slug="voice-sip", name="Voice/SIP", category=voice, min_available_members=1, position=2
    )
    sip.members.set([trunk_a, trunk_b])

    # SMS API: 30 min major outage, its second half inside a scheduled maintenance exclusion.
    outage(
        sms, at(2026, 8, 12, 10), at(2026, 8, 12, 10, 30), "major_outage", "Gateway down", "INC-1"
    )
    maintenance = Exclusion.objects.create(
        reason="scheduled_maintenance",
        starts_at=at(2026, 8, 12, 10, 15),
        ends_at=at(2026, 8, 12, 11),
        ref="CHG-7",
        description="Gateway upgrade",
        created_by="anna",
    )
    maintenance.components.set([sms])
    # The beta component's outage is not counted: all of it is excluded.
    outage(rcs, at(2026, 9, 1, 9), at(2026, 9, 1, 12))
    # Trunk A down 10:00–11:00, trunk B 10:40–12:00 on 5 Aug: Voice/SIP down 10:40–11:00 only.
    outage(trunk_a, at(2026, 8, 5, 10), at(2026, 8, 5, 11), "major_outage", "Carrier A")
    outage(trunk_b, at(2026, 8, 5, 10, 40), at(2026, 8, 5, 12), "major_outage", "Carrier B")
    history(sip, (at(2026, 6, 1), "operational"))

    acme = Organization.objects.create(slug="acme", name="Acme Retail B.V.")
    acme.components.set([sms, sip])
    return {
        "messaging": messaging,
        "voice": voice,
        "sms": sms,
        "rcs": rcs,
        "trunk_a": trunk_a,
        "trunk_b": trunk_b,
        "sip": sip,
        "acme": acme,
        "maintenance": maintenance,
    }


@pytest.fixture
def hosting(db):
    """Seed 004's upstream providers: network 100 % monthly and hosts restored within an hour."""
    us = Region.objects.create(slug="us", name="US East", time_zone="America/New_York")
    network = Component.objects.create(
        slug="hosting-network",
        name="Hosting network",
        region=us,
        visibility="internal",
        is_third_party=True,
        third_party_target_pct=Decimal("100"),
        third_party_period="month",
        restore_objective=timedelta(hours=1),
    )
    ny = ZoneInfo("America/New_York")
    # 8 Aug 03:00–03:40 New York: restored in 40 min (met); 20 Sep 14:00–15:30: 90 min (missed).
    history(
        network,
        (datetime(2026, 6, 1, tzinfo=ny), "operational"),
        (datetime(2026, 8, 8, 3, tzinfo=ny), "major_outage", "Switch failure"),
        (datetime(2026, 8, 8, 3, 40, tzinfo=ny), "operational"),
        (datetime(2026, 9, 20, 14, tzinfo=ny), "partial_outage", "Power feed"),
        (datetime(2026, 9, 20, 14, 30, tzinfo=ny), "major_outage", "Power feed"),
        (datetime(2026, 9, 20, 15, 30, tzinfo=ny), "operational"),
    )
    return network
