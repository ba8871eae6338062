"""The checks every planned-work service starts with: the caller's role, the input's shape.

Each raises what the API and the console turn into an answer: ``PermissionDenied`` (403)
with the reason, ``ValidationError`` (422) naming the field. Nothing here changes state.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError

from forewarn import limits
from forewarn.calendars.definitions import FIRST_YEAR, LAST_YEAR
from forewarn.catalog.models import ROLE_ORDER, Role
from forewarn.policies.models import LONGEST_WINDOW
from forewarn.policies.rules import Risk

from .lifecycle import Move, PlannedState, TransitionError, check_move
from .models import PlannedWork, Window
from .occurrences import OccurrenceError
from .occurrences import windows as expand

# Who may do what (S1 roles, each including the ones before it).
DRAFT = Role.RESPONDER  # plan work: drafts stay private
RUN = Role.RESPONDER  # run it: extend, complete, release
PUBLISH = Role.COMMUNICATOR  # say it: publish, reschedule, cancel
OVERRIDE = Role.ADMIN  # publish over a firm violation the work type lets be overridden
FEATURES = 50


def is_emergency(work_type) -> bool:
    """Emergency maintenance for the SLA: work announced as soon as possible, or named so."""
    slug = work_type.slug.lower()
    return work_type.notice_unit == "asap" or "emergency" in slug or "urgent" in slug


def allow(role: str | None, needed: str, what: str) -> None:
    if role in ROLE_ORDER and ROLE_ORDER.index(role) >= ROLE_ORDER.index(needed):
        return
    who = f"the '{role}' role" if role in ROLE_ORDER else "no staff role"
    raise PermissionDenied(f"To {what} needs the '{needed}' role or above; you have {who}.")


def locked(work: PlannedWork) -> PlannedWork:
    return (
        PlannedWork.objects.select_for_update()
        .select_related("policy__calendar", "work_type")
        .get(pk=work.pk)
    )


def moved(state: str, move: Move, field: str = "state") -> PlannedState:
    try:
        return check_move(state, move)
    except TransitionError as error:
        raise ValidationError({field: str(error)}) from None


def required(field: str, value: str, what: str, limit: int = limits.TEXT) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: f"Give {what}."})
    if len(value) > limit:
        raise ValidationError({field: f"At most {limit} characters, not {len(value)}."})
    return value


def bounded(field: str, value: str, limit: int = limits.TEXT) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationError({field: f"At most {limit} characters, not {len(value)}."})
    return value


def risk_of(value: str) -> str:
    if value not in Risk.__members__.values():
        raise ValidationError({"risk": f"'{value}' is not a risk; use one of {', '.join(Risk)}."})
    return value


def instant(field: str, value: dt.datetime) -> dt.datetime:
    if not isinstance(value, dt.datetime) or value.utcoffset() is None:
        raise ValidationError({field: "Give a date and time with a UTC offset."})
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError({field: f"Give a time in the years {FIRST_YEAR}–{LAST_YEAR}."})
    return value


def window_list(work_type, start, end, time_zone: str, rrule: str):
    """The windows of the work (``occurrences``), with the work type's default duration when
    no end is given; ValidationError naming the field."""
    start = instant("start", start)
    if end is None:
        if work_type.default_duration is None:
            raise ValidationError(
                {"end": f"A {work_type.name} has no default duration; give an end."}
            )
        end = start + work_type.default_duration
    end = instant("end", end)
    if end - start > LONGEST_WINDOW:
        raise ValidationError(
            {"end": f"A window of work may last at most {LONGEST_WINDOW.days} days."}
        )
    try:
        return expand(start, end, time_zone, rrule)
    except OccurrenceError as error:
        raise ValidationError({error.field: str(error)}) from None


def features(value) -> list[dict]:
    """``[{"name": "…", "plans": ["Enterprise"]}]``; no plans: included in every plan."""
    if not isinstance(value, list | tuple) or len(value) > FEATURES:
        raise ValidationError({"new_features": f"Give a list of at most {FEATURES} features."})
    found = []
    for n, item in enumerate(value, 1):
        if not isinstance(item, dict) or set(item) - {"name", "plans"}:
            raise ValidationError(
                {"new_features": f'Feature {n}: give {{"name": "…", "plans": ["…"]}}.'}
            )
        name = required("new_features", str(item.get("name", "")), f"feature {n} a name", 200)
        plans = item.get("plans") or []
        if (
            not isinstance(plans, list)
            or len(plans) > 100
            or not all(isinstance(p, str) and 0 < len(p) <= 100 for p in plans)
        ):
            raise ValidationError({"new_features": f"Feature {n}: plans is a list of plan names."})
        found.append({"name": name, "plans": plans})
    return found


def plan_changes(value) -> dict[str, str]:
    if not isinstance(value, dict) or len(value) > 100:
        raise ValidationError({"plan_changes": 'Give {"plan name": "the change"}, at most 100.'})
    found = {}
    for plan, text in value.items():
        if not isinstance(plan, str) or not 0 < len(plan) <= 100 or not isinstance(text, str):
            raise ValidationError({"plan_changes": f"{plan!r}: give a plan name and a text."})
        found[plan] = bounded("plan_changes", text, limits.SHORT_TEXT * 10)
    return found


def window_of(work: PlannedWork, index: int | None, field: str = "window") -> Window:
    """The window at ``index``, or the first one still open when None."""
    windows = Window.objects.select_for_update().filter(work=work)
    if index is None:
        found = next(
            (w for w in windows.order_by("index") if not PlannedState(w.state).is_final), None
        )
        if found is None:
            raise ValidationError({field: "Every window of this work is closed."})
        return found
    found = windows.filter(index=index).first()
    if found is None:
        raise ValidationError({field: f"This work has no window {index}."})
    return found
