"""Calendars endpoints of the JSON API: the calendars themselves and business-time arithmetic.

Every instant given must carry a UTC offset; every instant answered is ISO 8601 in the
calendar's own zone (e.g. ``2026-12-28T10:30:00+01:00`` for nl-business), so it reads as the
calendar's opening hours do.
"""

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from forewarn import limits
from forewarn.api.auth import actor, needs
from forewarn.api.fields import (
    Instant,
    Name,
    Slug,
    Text,
    TimeZoneName,
    bounded_list,
)
from forewarn.api.openapi import ErrorOut
from forewarn.api.validation import refuse_nulls
from forewarn.catalog.models import Role

from . import services
from .models import Calendar

router = Router(tags=["calendars"])


def calendar_or_404(slug: Slug) -> Calendar:
    found = Calendar.objects.filter(slug=slug).first()
    if found is None:
        raise Http404(f"No calendar {slug!r}.")
    return found


def calendar_or_422(slug: str, field: str = "calendar") -> Calendar:
    found = Calendar.objects.filter(slug=slug).first()
    if found is None:
        known = ", ".join(Calendar.objects.values_list("slug", flat=True)) or "none yet"
        raise ValidationError({field: f"No calendar {slug!r}; there are {known}."})
    return found


def engine_of(calendar: Calendar):
    """The calendar's engine; a stored definition that no longer reads is a 422, not a 500."""
    try:
        return calendar.to_engine()
    except ValueError as error:
        raise ValidationError({"calendar": f"{calendar.slug} needs correcting: {error}"}) from None


# --- the calendars ---------------------------------------------------------------------------

_HOURS_EXAMPLE = [
    {"weekday": d, "start": "08:30", "end": "17:00", "end_tz": None} for d in range(5)
]


HolidaySpec = Annotated[str, Field(max_length=64)]
DayMinutes = Annotated[int, Field(ge=1, le=limits.DAY_MINUTES)]
Ranges = bounded_list(Any, limits.RANGES)
Dates = bounded_list(Any)


class CalendarIn(Schema):
    slug: Slug
    name: Name
    time_zone: TimeZoneName = Field(description="IANA zone, e.g. Europe/Amsterdam")
    opening_hours: Ranges = Field(
        description='[{"weekday": 0-6 (0 = Monday), "start": "HH:MM", "end": "HH:MM", '
        '"end_tz": IANA zone the end is read in, or null}]; end ≤ start runs past midnight',
        examples=[_HOURS_EXAMPLE],
    )
    holiday_spec: HolidaySpec = Field(
        "", description="nl-general, or a country code such as NL, US-CA"
    )
    added_dates: Dates = Field(default_factory=list, description="extra closed dates")
    removed_dates: Dates = Field(default_factory=list, description="holidays worked here")
    closures: Dates = Field(
        default_factory=list,
        description='[{"start": ISO, "end": ISO, "reason": "…"}], with offsets',
    )
    business_day_minutes: DayMinutes = Field(480, description="a 'business day' target in minutes")
    source: Text = ""


class CalendarPatch(Schema):
    name: Name | None = None
    time_zone: TimeZoneName | None = None
    opening_hours: Ranges | None = None
    holiday_spec: HolidaySpec | None = None
    added_dates: Dates | None = None
    removed_dates: Dates | None = None
    closures: Dates | None = None
    business_day_minutes: DayMinutes | None = None
    source: Text | None = None


class CalendarOut(Schema):
    slug: str
    name: str
    summary: str
    time_zone: str
    opening_hours: list[Any]
    holiday_spec: str
    added_dates: list[Any]
    removed_dates: list[Any]
    closures: list[Any]
    business_day_minutes: int
    source: str
    updated_at: dt.datetime


@router.get("/calendars", response=list[CalendarOut], auth=needs(Role.VIEWER))
def list_calendars(request):
    return Calendar.objects.all()


@router.post("/calendars", response={201: CalendarOut}, auth=needs(Role.ADMIN))
def create_calendar(request, payload: CalendarIn):
    """Create a calendar (admin); every field is checked and a message names what to fix."""
    calendar = Calendar(**payload.dict())
    return Status(201, services.save_calendar(calendar, actor=actor(request)))


@router.get("/calendars/{slug}", response=CalendarOut, auth=needs(Role.VIEWER))
def get_calendar(request, slug: Slug):
    return calendar_or_404(slug)


@router.patch("/calendars/{slug}", response=CalendarOut, auth=needs(Role.ADMIN))
def update_calendar(request, slug: Slug, payload: CalendarPatch):
    calendar = calendar_or_404(slug)
    for field, value in refuse_nulls(payload.dict(exclude_unset=True)).items():
        setattr(calendar, field, value)
    return services.save_calendar(calendar, actor=actor(request))


# --- business-time arithmetic -----------------------------------------------------------------


class AddQuery(Schema):
    start: Instant
    business_hours: float | None = Field(
        None, ge=-87_600, le=87_600, allow_inf_nan=False, description="may be fractional"
    )
    business_days: int | None = Field(None, ge=-3_650, le=3_650)


class AddOut(Schema):
    result: str = Field(description="ISO 8601 in the calendar's zone")


class BetweenQuery(Schema):
    start: Instant
    end: Instant


class BetweenOut(Schema):
    business_seconds: int = Field(description="opening time from start to end, whole seconds")


@router.get("/calendars/{slug}/add", response={200: AddOut, 422: ErrorOut}, auth=needs(Role.VIEWER))
def add(request, slug: Slug, query: Query[AddQuery]):
    """Add business time to `start`: exactly one of `business_hours` (opening time) or
    `business_days` (whole business days, as `business_days` notice counts them: -N gives
    the latest instant that leaves N whole business days before `start`, its deadline; N
    the earliest instant with N whole business days after `start`). The result is in the
    calendar's zone."""
    calendar = calendar_or_422(slug)
    if (query.business_hours is None) == (query.business_days is None):
        given = "neither" if query.business_hours is None else "both"
        raise ValidationError(
            {
                "business_hours": f"Give exactly one of business_hours and business_days, not {given}."
            }
        )
    engine = engine_of(calendar)
    try:
        if query.business_days is not None:
            n = query.business_days
            if n < 0:
                result = engine.business_days_before(query.start, -n)
            else:
                result = engine.business_days_after(query.start, n)
        else:
            result = engine.add_business_time(query.start, dt.timedelta(hours=query.business_hours))
    except (ValueError, OverflowError) as error:
        field = "business_days" if query.business_days is not None else "business_hours"
        raise ValidationError({field: str(error)}) from None
    return {"result": result.astimezone(ZoneInfo(calendar.time_zone)).isoformat()}


@router.get(
    "/calendars/{slug}/between", response={200: BetweenOut, 422: ErrorOut}, auth=needs(Role.VIEWER)
)
def between(request, slug: Slug, query: Query[BetweenQuery]):
    """The opening time from `start` to `end` (not before `start`), in whole seconds."""
    calendar = calendar_or_422(slug)
    if query.end < query.start:
        raise ValidationError(
            {"end": f"{query.end.isoformat()} is before start {query.start.isoformat()}."}
        )
    try:
        elapsed = engine_of(calendar).business_time_between(query.start, query.end)
    except (ValueError, OverflowError) as error:
        raise ValidationError({"end": str(error)}) from None
    return {"business_seconds": elapsed // dt.timedelta(seconds=1)}
