"""On-call rotas and their shifts in the JSON API, as in the console: viewers read them, admins
add, change and remove them, all through ``configuration``, the console's write path, so both
record the same events.

A rota is named by its id and its calendar by its slug (none: around the clock); a shift by
its id on its rota, and its person by a staff user's username or by an address alone. Every
answer about a rota lists its shifts. Bad input is a 422 naming the field, and nothing changes.
"""

from datetime import UTC, datetime
from typing import Annotated

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Router, Schema, Status

from forewarn.api.auth import actor_and_role, needs, webhook_shown
from forewarn.api.fields import Email, Instant, Name, ObjectId, Slug, Url
from forewarn.api.validation import refuse_nulls
from forewarn.calendars.api import calendar_or_422
from forewarn.catalog.models import Role
from forewarn.limits import OBJECTIVE_MINUTES

from . import configuration
from .models import OnCallRota, OnCallShift

router = Router(tags=["support"])

ResponseMinutes = Annotated[
    int,
    Field(
        ge=1,
        le=OBJECTIVE_MINUTES,
        description="the first-response target of an emergency, in the rota's business minutes",
    ),
]
CalendarSlug = Annotated[
    Slug | None, Field(description="slug of a calendar; null: around the clock")
]
Username = Annotated[str, Field(min_length=1, max_length=150)]


class OnCallShiftOut(Schema):
    id: int
    user: str | None = Field(description="the staff user's username; null: an address only")
    email: str = Field(description="the address given with the shift (may be empty)")
    address: str = Field(description="whom the shift pages: the user's address, else email")
    starts_at: datetime
    ends_at: datetime


class OnCallRotaOut(Schema):
    id: int
    name: str
    calendar: str | None = Field(description="slug; null: around the clock")
    response_minutes: int
    email: str = Field(description="paged when no shift covers the moment")
    chat_webhook_url: str = Field(
        description="a Slack-compatible webhook paged every emergency (whole for admins; "
        "others see its host)"
    )
    is_active: bool
    shifts: list[OnCallShiftOut] = Field(description="every shift, by start")


class OnCallRotaIn(Schema):
    name: Name = Field(description="unique")
    calendar: CalendarSlug = None
    response_minutes: ResponseMinutes = 30
    email: Email = ""
    chat_webhook_url: Url = ""
    is_active: bool = True


class OnCallRotaPatch(Schema):
    name: Name | None = None
    calendar: CalendarSlug = None
    response_minutes: ResponseMinutes | None = None
    email: Email | None = None
    chat_webhook_url: Url | None = None
    is_active: bool | None = None


class OnCallShiftIn(Schema):
    user: Username | None = Field(None, description="a staff user's username")
    email: Email = Field("", description="an address to page; needed when there is no user")
    starts_at: Instant
    ends_at: Instant = Field(description="after starts_at")


def shift_out(shift: OnCallShift) -> dict:
    return {
        "id": shift.pk,
        "user": shift.user.get_username() if shift.user_id else None,
        "email": shift.email,
        "address": shift.address,
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
    }


def rota_out(rota: OnCallRota, request=None) -> dict:
    """The rota as the API answers it; with ``request``, its webhook as the caller may see it
    (``webhook_shown``)."""
    shifts = rota.shifts.select_related("user").order_by("starts_at", "pk")
    return {
        "id": rota.pk,
        "name": rota.name,
        "calendar": rota.calendar.slug if rota.calendar_id else None,
        "response_minutes": rota.response_minutes,
        "email": rota.email,
        "chat_webhook_url": rota.chat_webhook_url
        if request is None
        else webhook_shown(request, rota.chat_webhook_url),
        "is_active": rota.is_active,
        "shifts": [shift_out(s) for s in shifts],
    }


def _assign(rota: OnCallRota, data: dict) -> OnCallRota:
    for field, value in data.items():
        if field == "calendar":
            rota.calendar = None if value is None else calendar_or_422(value)
        else:
            setattr(rota, field, value)
    return rota


def _rota(rota_id: int) -> OnCallRota:
    found = OnCallRota.objects.select_related("calendar").filter(pk=rota_id).first()
    if found is None:
        raise Http404(f"No on-call rota {rota_id}.")
    return found


def _shift(rota: OnCallRota, shift_id: int) -> OnCallShift:
    found = rota.shifts.select_related("user").filter(pk=shift_id).first()
    if found is None:
        raise Http404(f"No shift {shift_id} on the rota {rota.name}.")
    return found


def _user(username: str | None):
    if username is None:
        return None
    found = get_user_model().objects.filter(username=username, is_active=True).first()
    if found is None:
        raise ValidationError({"user": f"No active user named {username}."})
    return found


@router.get("/support/rotas", response=list[OnCallRotaOut], auth=needs(Role.VIEWER))
def list_rotas(request):
    """Every on-call rota by name, active or not, each with its shifts."""
    rotas = OnCallRota.objects.select_related("calendar").order_by("name")
    return [rota_out(r, request) for r in rotas]


@router.post("/support/rotas", response={201: OnCallRotaOut}, auth=needs(Role.ADMIN))
def create_rota(request, payload: OnCallRotaIn):
    """Add a rota (without shifts: add them one by one)."""
    rota = _assign(OnCallRota(), payload.dict())
    return Status(201, rota_out(configuration.save_rota(rota, **actor_and_role(request))))


@router.get("/support/rotas/{rota_id}", response=OnCallRotaOut, auth=needs(Role.VIEWER))
def get_rota(request, rota_id: ObjectId):
    return rota_out(_rota(rota_id), request)


@router.patch("/support/rotas/{rota_id}", response=OnCallRotaOut, auth=needs(Role.ADMIN))
def update_rota(request, rota_id: ObjectId, payload: OnCallRotaPatch):
    """Change the fields given; those left out keep their value. ``calendar: null`` makes the
    rota around the clock; a null anywhere else is refused."""
    rota = _rota(rota_id)
    data = payload.dict(exclude_unset=True)
    refuse_nulls(data, [f for f in data if f != "calendar"])
    return rota_out(configuration.save_rota(_assign(rota, data), **actor_and_role(request)))


@router.delete("/support/rotas/{rota_id}", response={204: None}, auth=needs(Role.ADMIN))
def delete_rota(request, rota_id: ObjectId):
    """Remove a rota and its shifts; requests it took keep their clocks. The record keeps the
    rota and each shift."""
    configuration.delete_rota(_rota(rota_id), **actor_and_role(request))
    return Status(204, None)


@router.post(
    "/support/rotas/{rota_id}/shifts", response={201: OnCallShiftOut}, auth=needs(Role.ADMIN)
)
def add_shift(request, rota_id: ObjectId, payload: OnCallShiftIn):
    """Put someone on call from ``starts_at`` to ``ends_at`` (instants with a UTC offset): a
    staff user by username, or an address alone. The answer is the shift, with its id."""
    rota = _rota(rota_id)
    shift = OnCallShift(
        rota=rota,
        user=_user(payload.user),
        email=payload.email,
        # In UTC, as stored: the answer and the record read as a later read does.
        starts_at=payload.starts_at.astimezone(UTC),
        ends_at=payload.ends_at.astimezone(UTC),
    )
    return Status(201, shift_out(configuration.save_shift(shift, **actor_and_role(request))))


@router.delete(
    "/support/rotas/{rota_id}/shifts/{shift_id}", response={204: None}, auth=needs(Role.ADMIN)
)
def delete_shift(request, rota_id: ObjectId, shift_id: ObjectId):
    """Take a shift off the rota; the record keeps what it was."""
    configuration.delete_shift(_shift(_rota(rota_id), shift_id), **actor_and_role(request))
    return Status(204, None)
