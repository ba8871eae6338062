"""Response-time attainment per organization, priority and quarter: the pure aggregation,
then the report over real requests in the console (HTML, CSV, JSON) and the API."""

import csv
import io
from datetime import UTC, datetime, time, timedelta

import pytest
from django.test import Client

from forewarn.calendars.engine import BusinessCalendar, weekly_hours
from forewarn.support import handling, reporting, services
from forewarn.support.clocks import Clock
from forewarn.support.reports import (
    CSV_COLUMNS,
    Line,
    Outcome,
    Sample,
    as_csv,
    attainment,
    measure,
    nearest_rank,
    quarter_of,
)

from .conftest import ams, open_as_anna

# --- pure -----------------------------------------------------------------------------------

NINE_TO_FIVE = BusinessCalendar("Europe/Amsterdam", weekly_hours(time(9), time(17), range(5)))
MONDAY_9 = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # 09:00 in Amsterdam


def clock(target_minutes=60, pauses=()):
    return Clock(MONDAY_9, timedelta(minutes=target_minutes), NINE_TO_FIVE, pauses)


def test_an_answer_in_time_is_met_with_its_business_minutes():
    assert measure(clock(), MONDAY_9 + timedelta(minutes=45), MONDAY_9) == (Outcome.MET, 45.0)
    assert measure(clock(), MONDAY_9 + timedelta(minutes=60), MONDAY_9) == (Outcome.MET, 60.0)


def test_a_late_answer_counts_business_time_only():
    friday_4pm = datetime(2026, 12, 11, 15, 0, tzinfo=UTC)
    late = Clock(friday_4pm, timedelta(hours=1), NINE_TO_FIVE)
    monday_930 = datetime(2026, 12, 14, 8, 30, tzinfo=UTC)  # one hour Friday, 30 min Monday
    assert measure(late, monday_930, monday_930) == (Outcome.BREACHED, 90.0)


def test_pauses_are_left_out_of_the_response_time():
    paused = ((MONDAY_9 + timedelta(minutes=10), MONDAY_9 + timedelta(minutes=70)),)
    answered = MONDAY_9 + timedelta(minutes=80)
    assert measure(clock(pauses=paused), answered, answered) == (Outcome.MET, 20.0)


def test_unanswered_is_pending_until_due_then_breached():
    assert measure(clock(), None, MONDAY_9 + timedelta(minutes=59)) == (Outcome.PENDING, None)
    assert measure(clock(), None, MONDAY_9 + timedelta(minutes=61)) == (Outcome.BREACHED, None)


def test_the_90th_percentile_is_the_nearest_rank():
    assert nearest_rank(list(range(1, 11)), 90) == 9
    assert nearest_rank(list(range(1, 12)), 90) == 10
    assert nearest_rank([7.0], 90) == 7.0
    assert nearest_rank([30.0, 90.0], 90) == 90.0
    assert nearest_rank([], 90) is None


def test_quarters_are_of_the_local_date():
    assert quarter_of(datetime(2026, 12, 31, 23, 59)) == "2026-Q4"
    assert quarter_of(datetime(2027, 1, 1, 0, 0)) == "2027-Q1"
    assert quarter_of(datetime(2026, 4, 1)) == "2026-Q2"


def sample(org, priority, outcome, minutes, quarter="2026-Q4", target=60.0, ref=""):
    return Sample(org, org.capitalize(), priority, quarter, outcome, minutes, target, ref)


def test_lines_per_quarter_organization_and_priority_in_order():
    lines = attainment(
        [
            sample("zeta", "normal", Outcome.MET, 100.0, target=480.0),
            sample("acme", "normal", Outcome.PENDING, None, target=480.0),
            sample("acme", "high", Outcome.MET, 30.0),
            sample("acme", "high", Outcome.BREACHED, 90.0, ref="SR-2"),
            sample("acme", "high", Outcome.BREACHED, None, ref="SR-3"),
            sample("acme", "high", Outcome.MET, 10.0, target=30.0),
            sample("acme", "high", Outcome.MET, 5.0, quarter="2026-Q3"),
        ]
    )
    assert [(line.quarter, line.organization, line.priority) for line in lines] == [
        ("2026-Q3", "acme", "high"),
        ("2026-Q4", "acme", "high"),
        ("2026-Q4", "acme", "normal"),
        ("2026-Q4", "zeta", "normal"),
    ]
    assert lines[1] == Line(
        quarter="2026-Q4",
        organization="acme",
        organization_name="Acme",
        priority="high",
        requests=4,
        met=2,
        breached=2,
        pending=0,
        attainment_pct=50.0,
        median_minutes=30.0,
        p90_minutes=90.0,
        target_minutes=None,  # 60 and 30: mixed
        breached_requests=("SR-2", "SR-3"),
    )
    assert (lines[2].attainment_pct, lines[2].median_minutes, lines[2].pending) == (None, None, 1)


def test_the_csv_has_a_header_and_neutralises_formulas():
    lines = attainment([Sample("x", "=HYPERLINK(1)", "high", "2026-Q4", Outcome.MET, 5.0, 60.0)])
    rows = list(csv.reader(io.StringIO(as_csv(lines))))
    assert rows[0] == CSV_COLUMNS
    assert rows[1][:5] == ["2026-Q4", "x", "'=HYPERLINK(1)", "high", "1"]


# --- over real requests ------------------------------------------------------------------


@pytest.fixture
def answered(world, clock):
    """Monday 7 December 2026 10:00 in Amsterdam: Acme asks two High questions and a Normal
    one, Globex a Normal one; answers at 10:30, 11:30 and Tuesday 09:00."""
    first = open_as_anna(world, subject="One", priority="high")
    second = open_as_anna(world, subject="Two", priority="high")
    unanswered = open_as_anna(world, subject="Three", priority="normal")
    globex = services.open_request(
        requester_email=world.gina.email,
        subject="Four",
        body="A Globex question",
        origin="email",
        actor="gina",
        priority="normal",
    )
    staff = {"actor": "sam", "role": "responder"}
    clock.move_to(ams(2026, 12, 7, 10, 30))
    handling.reply(first, body="Done.", **staff)
    clock.move_to(ams(2026, 12, 7, 11, 30))
    handling.reply(second, body="Late, sorry.", **staff)
    clock.move_to(ams(2026, 12, 8, 9, 0))
    handling.reply(globex, body="Here.", **staff)
    clock.move_to(ams(2026, 12, 8, 9, 45))
    services.open_request(
        requester_email=world.gina.email,
        subject="Five",
        body="Another",
        origin="web",
        actor="gina",
        priority="normal",
    )
    clock.move_to(ams(2026, 12, 8, 10, 0))  # Acme's Normal one was due at 09:30
    return first, second, unanswered


def test_attainment_over_the_quarter(answered, world):
    _, second, unanswered = answered
    report = reporting.build(reporting.requested({"period": "2026-Q4"})[0])
    summary = [
        (
            line.organization,
            line.priority,
            line.requests,
            line.met,
            line.breached,
            line.pending,
            line.attainment_pct,
            line.median_minutes,
            line.p90_minutes,
            line.target_minutes,
        )
        for line in report.lines
    ]
    assert summary == [
        ("acme", "high", 2, 1, 1, 0, 50.0, 60.0, 90.0, 60.0),
        ("acme", "normal", 1, 0, 1, 0, 0.0, None, None, 480.0),
        # 7 business hours on Monday and 30 minutes on Tuesday: 450, in time
        ("globex", "normal", 2, 1, 0, 1, 100.0, 450.0, 450.0, 480.0),
    ]
    assert report.lines[0].breached_requests == (second.reference,)
    assert report.lines[1].breached_requests == (unanswered.reference,)
    only = reporting.build(reporting.requested({"period": "2026-Q4"})[0], world.globex)
    assert [line.organization for line in only.lines] == ["globex"]
    assert reporting.build(reporting.requested({"period": "2027-Q1"})[0]).lines == []


@pytest.fixture
def viewer_client(world):
    client = Client()
    client.force_login(world.viewer)
    return client


URL = "/console/support/reports/"


def test_the_console_page_csv_and_json(answered, viewer_client):
    page = viewer_client.get(URL, {"period": "2026-Q4"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="response-times"' in html and "50.0 %" in html and "450.0 min" in html
    assert "?period=2026-Q4&amp;format=csv" in html

    got = viewer_client.get(URL, {"period": "2026-Q4", "format": "csv"})
    assert got["Content-Disposition"] == (
        'attachment; filename="support-response-times-2026-Q4.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(got.content.decode())))
    assert [(r["organization"], r["priority"], r["met"], r["breached"]) for r in rows] == [
        ("acme", "high", "1", "1"),
        ("acme", "normal", "0", "1"),
        ("globex", "normal", "1", "0"),
    ]
    data = viewer_client.get(URL, {"period": "2026-Q4", "format": "json"}).json()
    assert data["period"] == "2026-Q4"
    assert data["lines"][0]["median_minutes"] == 60.0
    assert data["lines"][0]["p90_minutes"] == 90.0


def test_bad_input_names_the_field(world, viewer_client):
    page = viewer_client.get(URL, {"period": "someday"})
    assert page.status_code == 422
    assert "period: &#x27;someday&#x27; is not a period" in page.content.decode()
    found = viewer_client.get(URL, {"organization": "nobody", "format": "json"})
    assert (found.status_code, found.json()["detail"]) == (
        422,
        {"organization": ["No organization 'nobody'."]},
    )
    assert viewer_client.get(URL, {"format": "xml"}).status_code == 422


def test_the_api_gives_the_same_json(answered, world, api_as):
    viewer = api_as("viewer")
    path = "/api/v1/support/reports/response-times"
    data = viewer.get(path, period="2026-Q4", organization="globex").json()
    assert data["organization"] == "globex"
    assert [(line["priority"], line["met"], line["pending"]) for line in data["lines"]] == [
        ("normal", 1, 1)
    ]
    refused = viewer.get(path, period="2026-Q9")
    assert refused.status_code == 422
    assert "period" in refused.json()["detail"]
