"""A request's clocks and due-time columns, recomputed from the pure ``clocks`` whenever its
state changes.

Services and the runner call ``recompute`` inside their transactions; it sets the fields
and the caller saves them. The calendar is the organization's region calendar (seed 001's
Business Hours, ``nl-business``, when it has none); an emergency routed on call runs in its
rota's calendar with the rota's target. Targets come from the organization's row, else its
plan's, else seed 001 §5.
"""

from datetime import datetime, timedelta

from forewarn.calendars.engine import BusinessCalendar
from forewarn.catalog.models import Organization
from forewarn.incidents.models import business_calendar

from .clocks import SEED_001, Clock, Targets
from .models import OnCallRota, Pause, ResponseTarget, SupportRequest


def calendar_of(organization: Organization) -> BusinessCalendar:
    region = organization.region
    return business_calendar(region.calendar if region is not None else None)


def targets_of(organization: Organization) -> Targets:
    found = ResponseTarget.objects.filter(organization=organization).first()
    if found is None and organization.plan:
        found = ResponseTarget.objects.filter(plan=organization.plan).first()
    return found.to_core() if found is not None else SEED_001


def active_rota() -> OnCallRota | None:
    return (
        OnCallRota.objects.filter(is_active=True).select_related("calendar").order_by("pk").first()
    )


def pauses_of(request: SupportRequest) -> tuple:
    if request.pk is None:
        return ()
    return tuple(Pause.objects.filter(request=request).values_list("started_at", "ended_at"))


def first_response_clock(
    request: SupportRequest, pauses: tuple | None = None, targets: Targets | None = None
) -> Clock | None:
    if request.clock_started_at is None:
        return None
    pauses = pauses_of(request) if pauses is None else pauses
    if request.on_call and request.rota is not None:
        return Clock(
            request.clock_started_at,
            timedelta(minutes=request.rota.response_minutes),
            request.rota.business_calendar(),
            pauses,
        )
    calendar = calendar_of(request.organization)
    targets = targets or targets_of(request.organization)
    target = targets.first_response_for(request.priority, calendar)
    return Clock(request.clock_started_at, target, calendar, pauses)


def resolution_clock(
    request: SupportRequest, pauses: tuple | None = None, targets: Targets | None = None
) -> Clock | None:
    if request.clock_started_at is None:
        return None
    target = (targets or targets_of(request.organization)).resolution_for(request.priority)
    if target is None:
        return None
    pauses = pauses_of(request) if pauses is None else pauses
    return Clock(request.clock_started_at, target, calendar_of(request.organization), pauses)


def recompute(request: SupportRequest, targets: Targets | None = None) -> None:
    """Set the due instants and ``next_check_at`` (the next warning or breach not yet told)."""
    pauses = pauses_of(request)
    targets = targets or targets_of(request.organization)
    checks: list[datetime] = []
    first = (
        first_response_clock(request, pauses, targets)
        if request.first_responded_at is None
        else None
    )
    request.first_response_due_at = first.due_at() if first else None
    checks += _pending(
        first, request.first_response_due_at, request.warned_for, request.breached_for
    )
    resolution = resolution_clock(request, pauses, targets) if request.solved_at is None else None
    request.resolution_due_at = resolution.due_at() if resolution else None
    checks += _pending(
        resolution,
        request.resolution_due_at,
        request.resolution_warned_for,
        request.resolution_breached_for,
    )
    request.next_check_at = min(checks) if checks else None


def _pending(clock: Clock | None, due, warned_for, breached_for) -> list[datetime]:
    if clock is None or due is None:
        return []
    found = []
    if warned_for != due:
        found.append(clock.warn_at())
    if breached_for != due:
        found.append(due)
    return found
