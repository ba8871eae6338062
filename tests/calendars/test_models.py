"""Calendars in the database: validation with clear messages, the summary, the cached engine."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from forewarn.calendars.models import Calendar
from forewarn.calendars.services import save_calendar
from forewarn.policies.presets import calendar_for
from forewarn.record.models import Event

AMS = ZoneInfo("Europe/Amsterdam")


def _calendar(**fields) -> Calendar:
    defaults = {
        "slug": "desk",
        "name": "Desk",
        "time_zone": "Europe/Amsterdam",
        "opening_hours": [{"weekday": 0, "start": "09:00", "end": "17:00", "end_tz": None}],
        "holiday_spec": "nl-general",
    }
    return Calendar(**(defaults | fields))


def _errors(calendar: Calendar) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        calendar.full_clean()
    return error.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"time_zone": "Mars/Olympus_Mons"},
            "time_zone",
            "'Mars/Olympus_Mons' is not an IANA time zone such as Europe/Amsterdam.",
        ),
        (
            {"opening_hours": []},
            "opening_hours",
            'Give at least one range such as {"weekday": 0, "start": "08:30", "end": "17:00"}: '
            "a calendar that never opens cannot count business time.",
        ),
        (
            {"opening_hours": [{"weekday": 7, "start": "09:00", "end": "17:00"}]},
            "opening_hours",
            "Range 1: weekday must be 0 (Monday) to 6 (Sunday), not 7.",
        ),
        (
            {"opening_hours": [{"weekday": 0, "start": "9.00", "end": "17:00"}]},
            "opening_hours",
            "Range 1: start must be a wall-clock time such as 08:30 (00:00 for midnight), "
            "not '9.00'.",
        ),
        (
            {"opening_hours": [{"weekday": 0, "start": "08:00", "end": "18:00", "end_tz": "PST"}]},
            "opening_hours",
            "Range 1: end_tz 'PST' is not an IANA time zone such as America/Los_Angeles.",
        ),
        (
            {"opening_hours": [{"weekday": 0, "start": "08:00", "end": "18:00", "days": 5}]},
            "opening_hours",
            "Range 1: unknown key 'days'; use weekday, start, end, end_tz.",
        ),
        (
            {"holiday_spec": "atlantis"},
            "holiday_spec",
            "'atlantis' is neither a named holiday set (nl-general) nor a country code with an "
            "optional subdivision such as NL, US or US-CA.",
        ),
        (
            {"added_dates": ["24-12-2026"]},
            "added_dates",
            "'24-12-2026' is not a date such as 2026-12-24.",
        ),
        (
            {"closures": [{"start": "2026-12-24T12:00", "end": "2026-12-24T17:00+01:00"}]},
            "closures",
            "Closure 1: start '2026-12-24T12:00' has no UTC offset; add one, such as +01:00 or Z.",
        ),
        (
            {"closures": [{"start": "2026-12-24T17:00+01:00", "end": "2026-12-24T12:00+01:00"}]},
            "closures",
            "Closure 1 ends at 2026-12-24T12:00:00+01:00, not after its start "
            "2026-12-24T17:00:00+01:00.",
        ),
        (
            {"business_day_minutes": 0},
            "business_day_minutes",
            "Give a whole number of minutes from 1 to 1440, such as 480 for eight hours, not 0.",
        ),
        (
            {"business_day_minutes": 1441},
            "business_day_minutes",
            "Give a whole number of minutes from 1 to 1440, such as 480 for eight hours, not 1441.",
        ),
        (
            {
                "closures": [
                    {
                        "start": "2026-12-24T12:00+01:00",
                        "end": "2026-12-24T17:00+01:00",
                        "reason": "x" * 301,
                    }
                ]
            },
            "closures",
            "Closure 1: give its reason as a text of at most 300 characters.",
        ),
        (
            {"opening_hours": [{"weekday": 0, "start": "09:00", "end": "10:00"}] * 101},
            "opening_hours",
            "Give at most 100 entries, not 101.",
        ),
    ],
)
def test_invalid_calendar_is_refused_naming_the_field(fields, field, message):
    assert _errors(_calendar(**fields))[field] == [message]


@pytest.mark.django_db
def test_an_invalid_time_zone_is_reported_once():
    assert _errors(_calendar(time_zone="Nowhere"))["time_zone"] == [
        "'Nowhere' is not an IANA time zone such as Europe/Amsterdam."
    ]


def test_summary_reads_at_a_glance(calendars):
    assert {slug: c.summary for slug, c in calendars.items()} == {
        "nl-business": "Mon–Fri 08:30–17:00 Europe/Amsterdam, nl-general",
        "us-support": "Mon–Fri 08:00 America/New_York–18:00 America/Los_Angeles, US",
        "es-business": "Mon–Fri 09:00–18:00 Europe/Madrid, ES",
    }


def test_summary_groups_days_and_counts_changes():
    calendar = _calendar(
        opening_hours=[{"weekday": d, "start": "09:00", "end": "12:00"} for d in (0, 1, 2, 4)]
        + [{"weekday": 5, "start": "10:00", "end": "14:00"}],
        added_dates=["2026-12-24"],
        closures=[{"start": "2026-12-31T12:00+01:00", "end": "2026-12-31T17:00+01:00"}],
    )
    assert calendar.summary == (
        "Mon–Wed, Fri 09:00–12:00; Sat 10:00–14:00 Europe/Amsterdam, nl-general "
        "(1 added date, 1 closure)"
    )


def test_engine_matches_the_preset_and_is_reused_until_the_row_changes(calendars):
    calendar = Calendar.objects.get(slug="nl-business")
    engine = calendar.to_engine()
    assert engine == calendar_for("nl-business")
    assert Calendar.objects.get(slug="nl-business").to_engine() is engine

    calendar.closures = [
        {"start": "2026-12-24T12:00+01:00", "end": "2026-12-24T17:00+01:00", "reason": "Xmas Eve"}
    ]
    save_calendar(calendar, actor="ops")
    changed = Calendar.objects.get(slug="nl-business").to_engine()
    assert changed is not engine
    thursday = dt.datetime(2026, 12, 24, 11, tzinfo=AMS)
    assert changed.add_business_time(thursday, dt.timedelta(hours=2)) == dt.datetime(
        2026, 12, 28, 9, 30, tzinfo=AMS
    )


def test_saving_records_the_change_and_an_unchanged_save_records_nothing(calendars):
    calendar = Calendar.objects.get(slug="us-support")
    before = Event.objects.count()
    save_calendar(calendar, actor="ops")
    assert Event.objects.count() == before
    calendar.business_day_minutes = 600
    save_calendar(calendar, actor="ops")
    event = Event.objects.first()
    assert (event.kind, event.actor, event.details["changes"]) == (
        "calendar.changed",
        "ops",
        {"business_day_minutes": {"from": 480, "to": 600}},
    )


def test_invalid_calendar_is_not_saved(calendars):
    calendar = Calendar.objects.get(slug="nl-business")
    calendar.opening_hours = [{"weekday": 0, "start": "17:00"}]
    with pytest.raises(ValidationError):
        save_calendar(calendar, actor="ops")
    assert Calendar.objects.get(slug="nl-business").opening_hours[0]["start"] == "08:30"
