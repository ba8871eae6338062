"""Calendars in the permission matrix: viewers read and compute, admins write; none is removed."""

from forewarn.calendars import services
from forewarn.calendars.models import Calendar
from tests.permission_rows import ADMIN, VIEWER, Console


def make_calendar(slug: str = "office") -> Calendar:
    hours = [{"weekday": d, "start": "09:00", "end": "17:00", "end_tz": None} for d in range(5)]
    return services.save_calendar(
        Calendar(slug=slug, name=slug.title(), time_zone="Europe/Amsterdam", opening_hours=hours),
        actor="test",
    )


API = {
    "GET /api/v1/calendars": VIEWER,
    "POST /api/v1/calendars": ADMIN,
    "GET /api/v1/calendars/{slug}": VIEWER,
    "PATCH /api/v1/calendars/{slug}": ADMIN,
    "GET /api/v1/calendars/{slug}/add": VIEWER,
    "GET /api/v1/calendars/{slug}/between": VIEWER,
}

CONSOLE = {"calendars.calendar": Console(add=ADMIN, change=ADMIN, make=make_calendar)}
