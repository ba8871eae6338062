"""The console's availability report and SLA statement, from status history and exclusion rows.

Worked examples from ``conftest.seed001`` (Q3 2026, Europe/Amsterdam, 132,480 minutes).
"""

import re
from datetime import datetime
from decimal import Decimal
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model

from forewarn.availability import periods, reports
from forewarn.catalog.models import Component, ComponentGroup, ProductCategory, Role
from forewarn.record.models import Event
from tests.conftest import make_staff

from .conftest import Q3_MINUTES, at, outage

REPORT = "/console/availability/"


@pytest.fixture
def viewer(client, db):
    client.force_login(make_staff("vera", Role.VIEWER))
    return client


def cells(html: str, start: str) -> list[str]:
    """The text of each cell of the first table row whose text starts with ``start``."""
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S):
        found = [
            unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        if " ".join(found).startswith(start):
            return found
    raise AssertionError(f"no row starting with {start!r}")


def test_worked_example_30_minute_outage_half_inside_maintenance(viewer, seed001):
    # SMS API: major outage 10:00–10:30 on 12 Aug; maintenance excluded 10:15–11:00 (45 min).
    # Unavailable 10:00–10:15 = 15 min. (132,480 − 45 − 15) / (132,480 − 45) × 100
    # = 132,420 / 132,435 × 100 = 99.98867…; budget 0.01 % × 132,435 = 13.2435 min → breached.
    response = viewer.get(REPORT, {"period": "2026-Q3"})
    assert response.status_code == 200
    sms = response.context["report"].sections[0].rows[0].figures
    assert (sms.total_minutes, sms.excluded_minutes, sms.unavailable_minutes) == (
        Q3_MINUTES,
        45,
        15,
    )
    assert sms.excluded_minutes_by_reason["scheduled_maintenance"] == 45
    assert sms.availability_pct == pytest.approx(132_420 / 132_435 * 100, abs=1e-12)
    assert sms.error_budget_minutes == pytest.approx(13.2435, abs=1e-12)
    assert sms.is_met is False

    html = response.content.decode()
    assert cells(html, "SMS API") == [
        "SMS API",
        "132480",
        "45 Scheduled maintenance: 45",
        "15",
        "99.9886 %",
        "99.99 %",
        "breached",
        "13.2435",
        "-1.7565",
    ]
    ref = f"exclusion:{seed001['maintenance'].pk}"
    # The interval behind the 15 minutes, with its cause from the status history.
    assert cells(html, "SMS API 12 Aug 2026 10:00:00") == [
        "SMS API",
        "12 Aug 2026 10:00:00",
        "12 Aug 2026 10:15:00 CEST",
        "Major outage",
        "15",
        "× 1",
        "15",
        "Gateway down (INC-1)",
        "—",  # entered as it happened: no change dated earlier than entered
    ]
    assert cells(html, "SMS API Scheduled maintenance") == [
        "SMS API",
        "Scheduled maintenance",
        "12 Aug 2026 10:15:00",
        "12 Aug 2026 11:00:00 CEST",
        "45",
        ref,
    ]
    assert cells(html, ref)[1:] == [
        "Scheduled maintenance",
        "12 Aug 2026 08:15",
        "12 Aug 2026 09:00",
        "SMS API",
        "Gateway upgrade",
        "anna, " + f"{seed001['maintenance'].created_at:%-d %b %Y %H:%M}",
    ]


def test_voice_sip_is_down_only_while_both_trunks_are(viewer, seed001):
    # Trunk A 10:00–11:00, trunk B 10:40–12:00: Voice/SIP down 10:40–11:00 = 20 min.
    # The category counts Voice/SIP only: (132,480 − 20) / 132,480 × 100 = 99.98490…
    html = viewer.get(REPORT, {"period": "2026-Q3", "category": "voice"}).content.decode()
    assert cells(html, "Voice/SIP")[:5] == [
        "Voice/SIP available while 1 of 2 members are",
        "132480",
        "0",
        "20",
        "99.9849 %",
    ]
    assert cells(html, "SIP trunk Amsterdam")[:4] == [
        "SIP trunk Amsterdam counted through Voice/SIP",
        "132480",
        "0",
        "60",
    ]
    assert cells(html, "All counted components")[:5] == [
        "All counted components",
        "132480",
        "0",
        "20",
        "99.9849 %",
    ]
    assert cells(html, "Voice/SIP 5 Aug 2026 10:40:00")[1:] == [
        "5 Aug 2026 10:40:00",
        "5 Aug 2026 11:00:00 CEST",
        "Major outage",
        "20",
        "× 1",
        "20",
        "Carrier A; Carrier B",
        "—",
    ]


def test_beta_component_is_excluded_whole_and_leaves_its_category_figure_unchanged(seed001):
    report = reports.build(periods.quarter(2026, 3))
    messaging = report.sections[0]
    rcs = next(r.figures for r in messaging.rows if r.component.slug == "rcs")
    assert rcs.excluded_minutes_by_reason["beta"] == Q3_MINUTES
    assert (rcs.unavailable_minutes, rcs.availability_pct, rcs.is_met) == (0, None, None)
    total = messaging.figures
    assert (total.total_minutes, total.excluded_minutes, total.unavailable_minutes) == (
        2 * Q3_MINUTES,
        Q3_MINUTES + 45,
        15,
    )
    assert total.availability_pct == pytest.approx(132_420 / 132_435 * 100, abs=1e-12)


def test_partial_outage_counts_at_the_category_weight(seed001):
    # 40 min partial outage at weight 0.5 → 20 unavailable minutes.
    cloud = ProductCategory.objects.create(
        slug="service-cloud",
        name="Service Cloud",
        target_pct=Decimal("99.9"),
        partial_outage_weight=Decimal("0.5"),
    )
    desk = Component.objects.create(slug="desk", name="Agent Workspace", category=cloud)
    outage(desk, at(2026, 7, 3, 9), at(2026, 7, 3, 9, 40), "partial_outage")
    [section] = reports.build(periods.quarter(2026, 3), [desk]).sections
    [interval] = section.rows[0].figures.unavailable_intervals
    assert (interval.minutes, interval.weight, interval.unavailable_minutes) == (40, 0.5, 20)
    assert section.figures.is_met is True


def test_a_custom_range_of_one_day(viewer, seed001):
    response = viewer.get(REPORT, {"start": "2026-08-12", "end": "2026-08-12"})
    sms = response.context["report"].sections[0].rows[0].figures
    # (1,440 − 45 − 15) / (1,440 − 45) × 100 = 98.92473…
    assert (sms.total_minutes, sms.excluded_minutes, sms.unavailable_minutes) == (1440, 45, 15)
    assert cells(response.content.decode(), "SMS API")[4] == "98.9247 %"


def test_csv_figures_are_exact(viewer, seed001):
    response = viewer.get(REPORT, {"period": "2026-Q3", "category": "voice", "format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="availability-2026-Q3.csv"'
    span = "2026-07-01T00:00:00+02:00,2026-10-01T00:00:00+02:00,Europe/Amsterdam,132480,0,0,0,0,0,0,0,0"
    assert response.content.decode().split("\r\n") == [
        "level,category,component,counted_through,period_start,period_end,time_zone,"
        "total_minutes,excluded_minutes,excluded_beta_minutes,"
        "excluded_scheduled_maintenance_minutes,excluded_emergency_maintenance_minutes,"
        "excluded_instance_resize_migration_minutes,excluded_force_majeure_minutes,excluded_third_party_minutes,"
        "excluded_client_caused_minutes,unavailable_minutes,availability_pct,target_pct,target,"
        "error_budget_minutes,error_budget_left_minutes",
        # 20 / 132,480 → 99.984903…; budget 13.248, left −6.752
        f"category,Voice,,,{span},20,99.984903,99.99,breached,13.248,-6.752",
        f"component,Voice,SIP trunk Amsterdam,Voice/SIP,{span},60,99.954710,99.99,breached,13.248,-46.752",
        f"component,Voice,SIP trunk Frankfurt,Voice/SIP,{span},80,99.939613,99.99,breached,13.248,-66.752",
        f"component,Voice,Voice/SIP,,{span},20,99.984903,99.99,breached,13.248,-6.752",
        "",
    ]


def test_csv_of_the_intervals_behind_the_figures(viewer, seed001):
    response = viewer.get(
        REPORT, {"period": "2026-Q3", "component": "sms-api", "format": "csv", "table": "intervals"}
    )
    ref = f"exclusion:{seed001['maintenance'].pk}"
    assert response.content.decode().split("\r\n")[1:] == [
        "Business Messaging,SMS API,unavailable,2026-08-12T10:00:00+02:00,"
        "2026-08-12T10:15:00+02:00,15,major_outage,1,15,,,Gateway down (INC-1),",
        "Business Messaging,SMS API,excluded,2026-08-12T10:15:00+02:00,"
        f"2026-08-12T11:00:00+02:00,45,,,,scheduled_maintenance,{ref},,",
        "",
    ]


def test_json_download_carries_the_same_figures(viewer, seed001):
    body = viewer.get(REPORT, {"period": "2026-09", "format": "json"}).json()
    assert body["period"] == {
        "label": "2026-09",
        "kind": "month",
        "first_day": "2026-09-01",
        "last_day": "2026-09-30",
    }
    messaging = body["categories"][0]
    assert [c["slug"] for c in messaging["components"]] == ["sms-api", "rcs"]
    assert messaging["components"][1]["excluded_minutes_by_reason"]["beta"] == 30 * 1440


def test_organization_statement_covers_the_components_it_uses(viewer, seed001):
    # Acme uses SMS API (15 of 132,435 min) and Voice/SIP (20 of 132,480):
    # (264,960 − 45 − 35) / (264,960 − 45) × 100 = 99.98677…
    response = viewer.get(f"{REPORT}organizations/acme/", {"period": "2026-Q3"})
    assert response.status_code == 200
    report = response.context["report"]
    assert [c.slug for c in report.components] == ["sms-api", "voice-sip"]
    overall = report.overall
    assert (overall.total_minutes, overall.excluded_minutes, overall.unavailable_minutes) == (
        2 * Q3_MINUTES,
        45,
        35,
    )
    assert overall.availability_pct == pytest.approx(264_880 / 264_915 * 100, abs=1e-12)
    html = response.content.decode()
    assert "SLA statement: Acme Retail B.V., 2026-Q3" in html
    assert "Over all these components: 99.9867 % available" in re.sub(r"<[^>]+>", "", html)
    assert [s.name for s in report.sections] == ["Business Messaging", "Voice"]
    csv_rows = viewer.get(
        f"{REPORT}organizations/acme/", {"period": "2026-Q3", "format": "csv"}
    ).content.decode()
    assert (
        "organization,,Acme Retail B.V.,,2026-07-01T00:00:00+02:00,2026-10-01T00:00:00+02:00,"
        "Europe/Amsterdam,264960,45,0,45,0,0,0,0,0,35,99.986788,,,,\r\n" in csv_rows
    )


def test_third_party_target_per_month_and_restore_within_one_hour(viewer, hosting):
    # Seed 004: network 100 % per month; restored within one hour of identification.
    response = viewer.get(REPORT, {"period": "2026-Q3"})
    [network] = response.context["report"].third_party
    assert [
        (cp.period.label, cp.figures.unavailable_minutes, cp.figures.is_met)
        for cp in network.periods
    ] == [("2026-07", 0, True), ("2026-08", 40, False), ("2026-09", 60, False)]
    # 8 Aug: 40 min → met. 20 Sep: partial then major, 14:00–15:30 = 90 min → missed by 30.
    assert [
        (c.outage.start.astimezone(network.zone).hour, c.minutes_to_restore, c.is_within_objective)
        for c in network.restores
    ] == [(3, 40, True), (14, 90, False)]
    html = response.content.decode()
    assert cells(html, "Hosting network 2026-08")[1:] == [
        "2026-08 (America/New_York)",
        "44640",
        "0",
        "40",
        "99.9103 %",
        "100 %",
        "missed",
    ]
    assert cells(html, "Hosting network 20 Sep 2026")[1:] == [
        "20 Sep 2026 14:00",
        "20 Sep 2026 15:30 EDT",
        "90 min",
        "1 h",
        "missed by 30 min",
    ]
    assert cells(html, "Hosting network 8 Aug 2026")[-1] == "met"


@time_machine.travel(datetime(2026, 11, 24, 9, tzinfo=ZoneInfo("UTC")), tick=False)
def test_default_period_is_the_current_quarter_measured_so_far(viewer, seed001):
    report = viewer.get(REPORT).context["report"]
    assert report.period.label == "2026-Q4"
    sms = report.sections[0].rows[0].figures
    # 1 Oct 00:00 CEST to 24 Nov 10:00 CET: 54 days 10 h + 1 h (25 Oct is 25 h long).
    assert sms.total_minutes == 54 * 1440 + 10 * 60 + 60


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"period": "2026-Q5"}, "period: '2026-Q5' is not a period"),
        ({"period": "2026-13"}, "period: '2026-13': months run from 01 to 12."),
        ({"start": "2026-07-01"}, "end: Give the last day of the range too."),
        ({"start": "2026-07-01", "end": "2026-02-30"}, "end: '2026-02-30' is not a date"),
        ({"start": "2026-07-02", "end": "2026-07-01"}, "end: The range ends (2026-07-01)"),
        ({"period": "2026-Q3", "component": "nope"}, "component: No component with slug nope."),
    ],
)
def test_bad_input_names_the_field(viewer, seed001, query, message):
    response = viewer.get(REPORT, query)
    assert response.status_code == 422
    assert message in unescape(response.content.decode())
    as_json = viewer.get(REPORT, query | {"format": "json"})
    assert as_json.status_code == 422
    assert message in as_json.json()["message"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"component": "nope"}, "component: No component with slug nope."),
        ({"category": "nope"}, "category: No product category with slug 'nope'."),
        ({"organization": "nope"}, "organization: No organization with slug 'nope'."),
        ({"period": "2026-Q5"}, "period: '2026-Q5' is not a period"),
    ],
)
def test_a_bad_filter_gets_the_same_status_and_words_in_the_console_and_the_api(
    viewer, viewer_api, seed001, query, message
):
    console = viewer.get(REPORT, query | {"format": "json"})
    api = viewer_api.get("/api/v1/availability", **query)
    assert (console.status_code, api.status_code) == (422, 422)
    assert console.json()["message"] == api.json()["message"]
    assert api.json()["message"].startswith(message)


def test_report_needs_a_login_and_a_staff_role(client, db):
    response = client.get(REPORT)
    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/?next=/console/availability/")
    client.force_login(get_user_model().objects.create_user("no-role", is_staff=True))
    assert client.get(REPORT).status_code == 403


def test_console_home_links_the_report(viewer):
    assert f'href="{REPORT}"' in viewer.get("/console/").content.decode()


def test_report_takes_few_queries(viewer, seed001, hosting, django_assert_max_num_queries):
    voice = ComponentGroup.objects.create(name="Voice")
    Component.objects.filter(slug__in=["voice-sip", "trunk-ams", "trunk-fra"]).update(group=voice)
    # Session, user, profile; components, members, history, exclusions, their recorded rows;
    # the console's permissions (2) and the organizations linked; whether the user must use a
    # second factor (signin.SecondFactorMiddleware); the incidents' exclusions and the incidents
    # behind the third parties' outages (their identification); planned work's holds.
    with django_assert_max_num_queries(15):
        assert viewer.get(REPORT, {"period": "2026-Q3"}).status_code == 200


def test_communicator_records_an_exclusion_in_the_console(client, seed001):
    client.force_login(make_staff("cora", Role.COMMUNICATOR))
    response = client.post(
        "/console/availability/exclusion/add/",
        {
            "reason": "client_caused",
            "starts_at_0": "2026-09-02",
            "starts_at_1": "08:00:00",
            "ends_at_0": "2026-09-02",
            "ends_at_1": "09:00:00",
            "components": [seed001["sms"].pk],
            "description": "Client flooded the API",
            "ref": "T-77",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get(kind="exclusion.created")
    assert (event.actor, event.details["reason"], event.details["components"]) == (
        "cora",
        "client_caused",
        ["sms-api"],
    )
    sms = reports.build(periods.month(2026, 9), [seed001["sms"]]).sections[0].rows[0].figures
    assert sms.excluded_minutes_by_reason["client_caused"] == 60


def test_viewer_reads_exclusions_but_cannot_add_them(viewer, seed001):
    assert viewer.get("/console/availability/exclusion/").status_code == 200
    assert viewer.get("/console/availability/exclusion/add/").status_code == 403
