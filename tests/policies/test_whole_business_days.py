"""Issue 10, "notice that keeps its word": a `business_days N` deadline leaves N whole business
days before a window that starts outside business hours, in the validator, the plan, the
earliest compliant start, the notice-check API and the console form."""

import datetime as dt
from zoneinfo import ZoneInfo

from forewarn.calendars.engine import preset as calendar_preset
from forewarn.catalog.models import Role
from forewarn.policies.presets import SEED_000, SEED_003
from forewarn.policies.rules import NoticeKind, Region
from forewarn.policies.validator import check
from tests.conftest import make_staff

AMS = ZoneInfo("Europe/Amsterdam")
NL = calendar_preset("nl-business")
NL_REGION = Region("nl", "Europe/Amsterdam", [(d, dt.time(8), dt.time(20)) for d in range(5)])
# Seed 000's maintenance window (5 business days) on Saturday night 16 January 2027.
SATURDAY = dict(
    start=dt.datetime(2027, 1, 16, 22, tzinfo=AMS), end=dt.datetime(2027, 1, 17, 1, tzinfo=AMS)
)


def ams(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=AMS)


def window(now: dt.datetime):
    return check(
        SEED_000, "maintenance-window", **SATURDAY, calendar=NL, regions=[NL_REGION], now=now
    )


def test_a_saturday_night_window_is_due_when_monday_opens():
    result = window(ams(2027, 1, 11, 8, 30))
    assert result.ok
    assert result.announce_by == ams(2027, 1, 11, 8, 30)
    first = result.plan[0]
    assert (first.kind, first.due_at) == (NoticeKind.ANNOUNCEMENT, ams(2027, 1, 11, 8, 30))
    # Monday to Friday lie whole between the announcement and the start.
    assert NL.business_time_between(result.announce_by, result.start) == 5 * dt.timedelta(hours=8.5)


def test_announced_monday_evening_is_too_late_and_the_window_moves_a_week():
    result = window(ams(2027, 1, 11, 22))
    [violation] = result.violations
    assert violation.code == "too_little_notice"
    assert violation.message == (
        "Announce by Mon 11 Jan 2027 08:30 CET (5 business days before the start on "
        "Sat 16 Jan 2027 22:00 CET); it is now Mon 11 Jan 2027 22:00 CET, 13 hours 30 minutes "
        "too late."
    )
    # Tue 12 to Mon 18 Jan: from Mon 18 17:00, after the region's peak until 20:00.
    assert result.earliest_compliant_start == ams(2027, 1, 18, 20)
    moved = check(
        SEED_000,
        "maintenance-window",
        result.earliest_compliant_start,
        result.earliest_compliant_start + dt.timedelta(hours=3),
        calendar=NL,
        regions=[NL_REGION],
        now=ams(2027, 1, 11, 22),
    )
    assert moved.ok


def test_one_business_day_where_possible_before_a_saturday_window_means_friday_whole():
    result = check(
        SEED_003,
        "maintenance",
        ams(2027, 1, 16, 22),
        ams(2027, 1, 16, 23),
        calendar=NL,
        now=ams(2027, 1, 15, 9),
    )
    assert result.announce_by == ams(2027, 1, 15, 8, 30)
    [violation] = result.violations
    assert (violation.code, violation.severity) == ("too_little_notice", "warning")
    # Announced Fri 09:00, Friday is no longer whole: the earliest start is Mon 18 at 09:00.
    assert result.earliest_compliant_start == ams(2027, 1, 18, 9)


def test_the_notice_check_api_and_the_console_show_the_new_deadline(viewer_api, client, catalog):
    body = {
        "policy": "seed-000",
        "work_type": "maintenance-window",
        "start": "2027-01-16T22:00:00+01:00",
        "end": "2027-01-17T01:00:00+01:00",
        "components": ["sms-api"],
        "now": "2027-01-04T09:00:00+01:00",
    }
    answer = viewer_api.post("/api/v1/notice-check", body).json()
    assert answer["announce_by"] == "2027-01-11T08:30:00+01:00"
    assert answer["announce_by_text"] == "Announce by Mon 11 Jan 2027 08:30 CET"
    assert (answer["plan"][0]["kind"], answer["plan"][0]["due_at"]) == (
        "announcement",
        "2027-01-11T08:30:00+01:00",
    )
    client.force_login(make_staff("viewer-person", Role.VIEWER))
    page = client.get(
        "/console/policies/check/",
        {
            "work_type": "seed-000/maintenance-window",
            "start": "2027-01-16T22:00",
            "end": "2027-01-17T01:00",
            "components": ["sms-api"],
            "risk": "low",
            "impact": "none",
            "now": "2027-01-04T09:00",
        },
    ).content.decode()
    assert "Announce by Mon 11 Jan 2027 08:30 CET; no violations." in page
    assert "<tr><td>Announcement</td><td>Mon 11 Jan 2027 08:30 CET</td>" in page
