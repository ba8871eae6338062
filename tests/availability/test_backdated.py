"""A status change dated earlier than it was entered shows beside the interval it shaped, in the
console's report, its CSV and its JSON (the API's): an auditor sees that an outage public for
75 seconds was recorded as lasting one."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from forewarn.catalog import services
from forewarn.catalog.models import Component, ProductCategory, Role
from tests.conftest import make_staff

from .test_reports import cells

T = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # 11:00 in Amsterdam
REPORT = "/console/availability/"


@pytest.fixture
def shortened(db):
    """An outage at T, made public at once, then declared over 1 s after it began, 75 s later."""
    with time_machine.travel(T - timedelta(days=30), tick=False):
        messaging = ProductCategory.objects.create(
            slug="messaging", name="Messaging", target_pct=Decimal("99.99")
        )
        sms = services.save_component(
            Component(slug="sms", name="SMS", category=messaging), actor="setup"
        )
    with time_machine.travel(T, tick=False):
        services.set_status(sms, "major_outage", actor="rita", cause="gateway down")
    with time_machine.travel(T + timedelta(seconds=75), tick=False):
        services.set_status(
            sms,
            "operational",
            actor="rita",
            at=T + timedelta(seconds=1),
            backdate_reason="false alarm",
        )
    return sms


@pytest.fixture
def viewer(client, db):
    client.force_login(make_staff("vera", Role.VIEWER))
    return client


def test_the_report_lists_the_backdated_change_beside_the_interval(viewer, shortened):
    html = viewer.get(REPORT, {"period": "2026-11"}).content.decode()
    assert cells(html, "SMS 20 Nov 2026 11:00:00") == [
        "SMS",
        "20 Nov 2026 11:00:00",
        "20 Nov 2026 11:00:01 CET",
        "Major outage",
        "0.0167",
        "× 1",
        "0.0167",
        "gateway down",
        "Operational at 20 Nov 2026 11:00:01, entered 20 Nov 2026 11:01:15 by rita: false alarm",
    ]


def test_the_csv_and_json_carry_it_too(viewer, api_as, shortened):
    csv = viewer.get(REPORT, {"period": "2026-11", "format": "csv", "table": "intervals"})
    assert csv.content.decode().split("\r\n")[1] == (
        "Messaging,SMS,unavailable,2026-11-20T11:00:00+01:00,2026-11-20T11:00:01+01:00,0.0167,"
        'major_outage,1,0.0167,,,gateway down,"operational at 2026-11-20T11:00:01+01:00, entered '
        '2026-11-20T11:01:15+01:00 (74 s later) by rita: false alarm"'
    )
    body = api_as("viewer").get("/api/v1/availability", period="2026-11").json()
    [interval] = body["categories"][0]["components"][0]["unavailable_intervals"]
    assert interval["backdated_changes"] == [
        {
            "component": "sms",
            "at": "2026-11-20T11:00:01+01:00",
            "entered_at": "2026-11-20T11:01:15+01:00",
            "status": "operational",
            "reason": "false alarm",
            "actor": "rita",
        }
    ]
