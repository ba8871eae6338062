"""Business-time arithmetic and calendars through the JSON API, as a client calls it."""

import pytest

from forewarn.calendars.models import Calendar
from forewarn.record.models import Event


def _add(api, slug="nl-business", **params):
    return api.get(f"/api/v1/calendars/{slug}/add", **params)


def _between(api, slug="nl-business", **params):
    return api.get(f"/api/v1/calendars/{slug}/between", **params)


@pytest.mark.parametrize(
    ("slug", "params", "result"),
    [
        # Fri 16:00 CET: one hour on Friday, two on Monday from 08:30.
        (
            "nl-business",
            {"start": "2026-12-18T16:00:00+01:00", "business_hours": 3},
            "2026-12-21T10:30:00+01:00",
        ),
        # The same across the end of summer time: Friday CEST, Monday CET.
        (
            "nl-business",
            {"start": "2026-10-23T16:00:00+02:00", "business_hours": 3},
            "2026-10-26T10:30:00+01:00",
        ),
        # Any offset in, the calendar's zone out.
        (
            "nl-business",
            {"start": "2026-12-18T15:00:00Z", "business_hours": 3},
            "2026-12-21T10:30:00+01:00",
        ),
        # Subtracting lands on an opening edge.
        (
            "nl-business",
            {"start": "2026-12-21T10:30:00+01:00", "business_hours": -3},
            "2026-12-18T16:00:00+01:00",
        ),
        (
            "nl-business",
            {"start": "2026-12-18T16:00:00+01:00", "business_hours": 1.5},
            "2026-12-21T09:00:00+01:00",
        ),
        # Business days: Christmas (Fri 25 Dec) skipped; inside opening hours the wall-clock
        # time is kept.
        (
            "nl-business",
            {"start": "2026-12-24T10:00:00+01:00", "business_days": 3},
            "2026-12-30T10:00:00+01:00",
        ),
        # Back over New Year's Day (Fri 1 Jan 2027).
        (
            "nl-business",
            {"start": "2027-01-04T10:00:00+01:00", "business_days": -3},
            "2026-12-29T10:00:00+01:00",
        ),
        # Outside them, whole business days: the notice deadline of a Saturday-night
        # window (Mon-Fri before it), and from a Saturday night to Friday's closing.
        (
            "nl-business",
            {"start": "2027-01-16T22:00:00+01:00", "business_days": -5},
            "2027-01-11T08:30:00+01:00",
        ),
        (
            "nl-business",
            {"start": "2027-01-09T22:00:00+01:00", "business_days": 5},
            "2027-01-15T17:00:00+01:00",
        ),
        # Seed 004: open until 18:00 in Los Angeles, i.e. 21:00 in New York.
        (
            "us-support",
            {"start": "2026-12-18T20:00:00-05:00", "business_hours": 2},
            "2026-12-21T09:00:00-05:00",
        ),
    ],
)
def test_add_business_time(viewer_api, calendars, slug, params, result):
    response = _add(viewer_api, slug, **params)
    assert response.status_code == 200, response.content
    assert response.json() == {"result": result}


def test_an_unencoded_plus_in_the_offset_is_read_as_the_offset(viewer_api, calendars):
    response = viewer_api.client.get(
        "/api/v1/calendars/nl-business/add?start=2026-12-18T16:00:00+01:00&business_hours=3",
        headers=viewer_api.headers,
    )
    assert response.json() == {"result": "2026-12-21T10:30:00+01:00"}


@pytest.mark.parametrize(
    ("start", "end", "seconds"),
    [
        # Across a weekend: 1 h on Friday, 2 h on Monday.
        ("2026-12-18T16:00:00+01:00", "2026-12-21T10:30:00+01:00", 3 * 3600),
        # Across the start of summer time (Sun 29 Mar 2026).
        ("2026-03-27T16:00:00+01:00", "2026-03-30T10:30:00+02:00", 3 * 3600),
        # A whole week with Christmas: Mon 21–Thu 24 Dec, 8.5 h a day.
        ("2026-12-21T00:00:00+01:00", "2026-12-28T00:00:00+01:00", 4 * 8 * 3600 + 4 * 1800),
        ("2026-12-19T10:00:00+01:00", "2026-12-19T10:00:00+01:00", 0),
    ],
)
def test_business_time_between(viewer_api, calendars, start, end, seconds):
    response = _between(viewer_api, start=start, end=end)
    assert response.status_code == 200, response.content
    assert response.json() == {"business_seconds": seconds}


@pytest.mark.parametrize(
    ("call", "params", "message"),
    [
        (
            _add,
            {"start": "2026-12-18T16:00:00", "business_hours": 3},
            "start: '2026-12-18T16:00:00' has no UTC offset; add one, such as +01:00 or Z, so the "
            "instant is exact",
        ),
        (
            _add,
            {"start": "next friday", "business_hours": 3},
            "start: 'next friday' is not an ISO 8601 date and time such as 2026-12-28T10:00:00+01:00",
        ),
        (
            _add,
            {"start": "2026-12-18T16:00:00+01:00", "business_hours": 3, "business_days": 1},
            "business_hours: Give exactly one of business_hours and business_days, not both.",
        ),
        (
            _add,
            {"start": "2026-12-18T16:00:00+01:00"},
            "business_hours: Give exactly one of business_hours and business_days, not neither.",
        ),
        (
            _add,
            {"start": "2026-12-18T16:00:00+01:00", "business_days": 1.5},
            "business_days: Input should be a valid integer, unable to parse string as an integer",
        ),
        (
            _between,
            {"start": "2026-12-21T10:30:00+01:00", "end": "2026-12-18T16:00:00+01:00"},
            "end: 2026-12-18T16:00:00+01:00 is before start 2026-12-21T10:30:00+01:00.",
        ),
        (
            _between,
            {"start": "2026-12-18T16:00:00+01:00", "end": "2026-12-21T10:30:00"},
            "end: '2026-12-21T10:30:00' has no UTC offset; add one, such as +01:00 or Z, so the "
            "instant is exact",
        ),
        (_between, {"start": "2026-12-18T16:00:00+01:00"}, "end: Field required"),
    ],
)
def test_bad_arithmetic_input_is_a_422_naming_the_field(
    viewer_api, calendars, call, params, message
):
    response = call(viewer_api, **params)
    assert response.status_code == 422
    assert response.json()["message"] == message


@pytest.mark.parametrize("call", [_add, _between])
def test_unknown_calendar_is_a_422_naming_it(viewer_api, calendars, call):
    response = call(
        viewer_api,
        "mars",
        start="2026-12-18T16:00:00+01:00",
        end="2026-12-19T16:00:00+01:00",
        business_hours=1,
    )
    assert response.status_code == 422
    assert response.json()["message"] == (
        "calendar: No calendar 'mars'; there are es-business, nl-business, us-support."
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"start": "0001-01-01T00:00:00+01:00", "business_hours": 3},
            "start: '0001-01-01T00:00:00+01:00' is outside the years 1900–2199 Forewarn works with",
        ),
        (
            {"start": "2026-12-18T16:00:00+01:00", "business_days": 100_000},
            "business_days: Input should be less than or equal to 3650",
        ),
        (
            {"start": "2026-12-18T16:00:00+01:00", "business_hours": "inf"},
            "business_hours: Input should be a finite number",
        ),
    ],
)
def test_instants_and_amounts_out_of_range_are_a_422(viewer_api, calendars, params, message):
    response = _add(viewer_api, **params)
    assert response.status_code == 422
    assert response.json()["message"] == message


def test_arithmetic_needs_a_token(api_as, calendars):
    response = _add(api_as(None), start="2026-12-18T16:00:00+01:00", business_hours=3)
    assert response.status_code == 401


# --- the calendars themselves ----------------------------------------------------------------

NEW = {
    "slug": "playvox-west",
    "name": "West coast desk",
    "time_zone": "America/Los_Angeles",
    "opening_hours": [{"weekday": d, "start": "08:00", "end": "17:00"} for d in range(5)],
    "holiday_spec": "US-CA",
    "closures": [
        {"start": "2026-12-24T12:00-08:00", "end": "2026-12-24T17:00-08:00", "reason": "Eve"}
    ],
}


def test_viewer_lists_calendars_with_their_summary(viewer_api, calendars):
    response = viewer_api.get("/api/v1/calendars")
    assert response.status_code == 200
    assert [(c["slug"], c["summary"]) for c in response.json()] == [
        ("es-business", "Mon–Fri 09:00–18:00 Europe/Madrid, ES"),
        ("nl-business", "Mon–Fri 08:30–17:00 Europe/Amsterdam, nl-general"),
        ("us-support", "Mon–Fri 08:00 America/New_York–18:00 America/Los_Angeles, US"),
    ]


def test_admin_creates_a_calendar_and_it_counts_at_once(admin_api, calendars):
    response = admin_api.post("/api/v1/calendars", NEW)
    assert response.status_code == 201, response.content
    assert (
        response.json()["summary"] == "Mon–Fri 08:00–17:00 America/Los_Angeles, US-CA (1 closure)"
    )
    answer = _add(admin_api, "playvox-west", start="2026-12-24T11:00:00-08:00", business_hours=2)
    # One hour before the closure at noon, Christmas closed, one hour on Monday.
    assert answer.json() == {"result": "2026-12-28T09:00:00-08:00"}
    event = Event.objects.get(kind="calendar.created", actor="admin-user")
    assert event.subject_id == str(Calendar.objects.get(slug="playvox-west").pk)


def test_viewer_may_not_create_a_calendar(viewer_api, calendars):
    response = viewer_api.post("/api/v1/calendars", NEW)
    assert response.status_code == 403
    assert not Calendar.objects.filter(slug="playvox-west").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"time_zone": "Pacific"},
            "time_zone: 'Pacific' is not an IANA time zone such as Europe/Amsterdam.",
        ),
        (
            {"opening_hours": [{"weekday": "monday", "start": "08:00", "end": "17:00"}]},
            "opening_hours: Range 1: weekday must be 0 (Monday) to 6 (Sunday), not 'monday'.",
        ),
        (
            {"closures": [{"start": "2026-12-24", "end": "2026-12-25T00:00-08:00"}]},
            "closures: Closure 1: start '2026-12-24' has no UTC offset; add one, such as +01:00 or Z.",
        ),
        ({"slug": "nl-business"}, "slug: Calendar with this Slug already exists."),
    ],
)
def test_invalid_calendar_is_a_422_and_writes_nothing(admin_api, calendars, change, message):
    response = admin_api.post("/api/v1/calendars", NEW | change)
    assert response.status_code == 422
    assert response.json()["message"] == message
    assert Calendar.objects.count() == 3
    assert not Event.objects.filter(kind="calendar.created", actor="admin-user").exists()


def test_admin_changes_a_calendar_and_the_change_is_recorded(admin_api, calendars):
    response = admin_api.patch("/api/v1/calendars/nl-business", {"business_day_minutes": 510})
    assert response.status_code == 200
    assert response.json()["business_day_minutes"] == 510
    event = Event.objects.get(kind="calendar.changed")
    assert (event.actor, event.details["changes"]) == (
        "admin-user",
        {"business_day_minutes": {"from": 480, "to": 510}},
    )


def test_unknown_calendar_page_is_404(viewer_api, calendars):
    response = viewer_api.get("/api/v1/calendars/mars")
    assert response.status_code == 404
    assert response.json()["message"] == "No calendar 'mars'."


def test_null_in_a_calendar_patch_is_refused_and_changes_nothing(admin_api, calendars):
    response = admin_api.patch("/api/v1/calendars/nl-business", {"time_zone": None})
    assert response.status_code == 422
    assert (
        response.json()["message"]
        == "time_zone: may not be null; omit the field to leave it unchanged."
    )
    assert Calendar.objects.get(slug="nl-business").time_zone == "Europe/Amsterdam"
