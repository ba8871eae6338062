"""Time under maintenance in reports, downloads and uptime bars (S8: excluded, not available).

November 2026 measured up to the suite's fixed now (24 Nov 10:00 CET): 23 days 10 hours =
33,720 minutes. On 3 Nov an operator set the web app under maintenance by hand 02:00–03:30
(90 min, emergency maintenance), planned work 7 held it 22:00–23:00 (60 min, scheduled
maintenance), and it was down 12:00–12:15.
"""

from decimal import Decimal

import pytest
import time_machine

from forewarn.availability import bars, engine, periods, reports, services
from forewarn.catalog.models import Component, ProductCategory, Role
from forewarn.catalog.services import set_status
from tests.conftest import make_staff

from .conftest import at, history
from .test_reports import REPORT, cells

NOVEMBER_SO_FAR = 23 * 1440 + 10 * 60


@pytest.fixture
def web(db):
    cloud = ProductCategory.objects.create(
        slug="service-cloud", name="Service Cloud", target_pct=Decimal("99.9")
    )
    web = Component.objects.create(slug="web", name="Web app", category=cloud)
    history(web, (at(2026, 6, 1), "operational"))
    for status, when, cause, cause_ref in [
        ("under_maintenance", at(2026, 11, 3, 2), "Disk swap", ""),
        ("operational", at(2026, 11, 3, 3, 30), "", ""),
        ("major_outage", at(2026, 11, 3, 12), "Cache stampede", "incident:3"),
        ("operational", at(2026, 11, 3, 12, 15), "", ""),
        ("under_maintenance", at(2026, 11, 3, 22), "Firmware update", "planned:7"),
        ("operational", at(2026, 11, 3, 23), "", "planned:7"),
    ]:
        with time_machine.travel(when, tick=False):  # entered as it happened, not backdated
            set_status(web, status, cause=cause, cause_ref=cause_ref, actor="olga")
    return web


def test_time_under_maintenance_is_excluded_by_reason_not_counted_as_available(web):
    # Excluded 150 (emergency 90, scheduled 60), unavailable 15:
    # (33,720 − 150 − 15) / (33,720 − 150) × 100 = 33,555 / 33,570 × 100 = 99.95531…
    # Before: nothing excluded, (33,720 − 15) / 33,720.
    [section] = reports.build(periods.month(2026, 11)).sections
    f = section.rows[0].figures
    assert (f.total_minutes, f.excluded_minutes, f.unavailable_minutes) == (
        NOVEMBER_SO_FAR,
        150,
        15,
    )
    assert {k: v for k, v in f.excluded_minutes_by_reason.items() if v} == {
        "scheduled_maintenance": 60,
        "emergency_maintenance": 90,
    }
    assert f.availability_pct == pytest.approx(33_555 / 33_570 * 100, abs=1e-12)
    assert section.figures.excluded_minutes == 150


def test_the_page_and_the_downloads_show_where_the_excluded_time_came_from(client, web):
    client.force_login(make_staff("vera", Role.VIEWER))
    html = client.get(REPORT, {"period": "2026-11"}).content.decode()
    assert cells(html, "Web app Emergency maintenance") == [
        "Web app",
        "Emergency maintenance",
        "3 Nov 2026 02:00:00",
        "3 Nov 2026 03:30:00 CET",
        "90",
        "Under maintenance in the status history: Disk swap",
    ]
    assert cells(html, "Web app Scheduled maintenance")[4:] == [
        "60",
        "Under maintenance in the status history: Firmware update (planned:7)",
    ]

    rows = client.get(
        REPORT, {"period": "2026-11", "format": "csv", "table": "intervals"}
    ).content.decode()
    assert rows.split("\r\n")[1:] == [
        "Service Cloud,Web app,unavailable,2026-11-03T12:00:00+01:00,2026-11-03T12:15:00+01:00,"
        "15,major_outage,1,15,,,Cache stampede (incident:3),",
        "Service Cloud,Web app,excluded,2026-11-03T02:00:00+01:00,2026-11-03T03:30:00+01:00,"
        "90,under_maintenance,,,emergency_maintenance,,Disk swap,",
        "Service Cloud,Web app,excluded,2026-11-03T22:00:00+01:00,2026-11-03T23:00:00+01:00,"
        "60,under_maintenance,,,scheduled_maintenance,planned:7,Firmware update (planned:7),",
        "",
    ]

    body = client.get(REPORT, {"period": "2026-11", "format": "json"}).json()
    [component] = body["categories"][0]["components"]
    assert component["excluded_minutes"] == 150
    assert component["exclusions"][1] == {
        "ref": "planned:7",
        "reason": "scheduled_maintenance",
        "start": "2026-11-03T22:00:00+01:00",
        "end": "2026-11-03T23:00:00+01:00",
        "minutes": 60,
        "status": "under_maintenance",
        "causes": ["Firmware update (planned:7)"],
    }


def test_the_uptime_bar_of_that_day_excludes_the_same_minutes(web):
    # 3 Nov: (1,440 − 150 − 15) / (1,440 − 150) = 1,275 / 1,290 = 98.837… %; 5 Nov: 100 %.
    uptime = bars.uptime_bars([web])[web.pk]
    day = next(b for b in uptime.bars if b.day.isoformat() == "2026-11-03")
    assert day.availability_pct == pytest.approx(1_275 / 1_290 * 100, abs=1e-12)
    assert day.text == (
        "3 Nov 2026: 98.83 % available, 15 min major outage; 150 min not measured "
        "(Emergency maintenance)"
    )


def test_planned_works_exclusion_over_the_same_minutes_counts_once(web, monkeypatch):
    # The planned-work provider excludes 21:30–23:00 for planned:7 (it counts from the window's
    # start): 22:00–23:00 is also under maintenance. Excluded: 90 by hand + 21:30–23:00 = 180,
    # not 240.
    def planned_work(components, period):
        return [
            engine.Exclusion(
                at(2026, 11, 3, 21, 30),
                at(2026, 11, 3, 23),
                "scheduled_maintenance",
                (web.pk,),
                "planned:7",
            )
        ]

    monkeypatch.setattr(services, "PROVIDERS", [*services.PROVIDERS, planned_work])
    f = reports.build(periods.month(2026, 11)).sections[0].rows[0].figures
    assert {k: v for k, v in f.excluded_minutes_by_reason.items() if v} == {
        "scheduled_maintenance": 90,
        "emergency_maintenance": 90,
    }
    assert (f.excluded_minutes, f.unavailable_minutes) == (180, 15)


def test_emergency_planned_work_reads_as_emergency_maintenance_in_the_status_too(web, monkeypatch):
    # Planned work 7 was emergency work: its provider says so, and its status time follows.
    def planned_work(components, period):
        return [
            engine.Exclusion(
                at(2026, 11, 3, 22),
                at(2026, 11, 3, 23),
                "emergency_maintenance",
                (web.pk,),
                "planned:7",
            )
        ]

    monkeypatch.setattr(services, "PROVIDERS", [*services.PROVIDERS, planned_work])
    f = reports.build(periods.month(2026, 11)).sections[0].rows[0].figures
    assert {k: v for k, v in f.excluded_minutes_by_reason.items() if v} == {
        "emergency_maintenance": 150
    }
