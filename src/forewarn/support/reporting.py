"""The response-time report's Django glue: the period and organization asked for, and the
requests whose clock started in it, measured on their clocks and handed to the pure
``reports``. The console page, its CSV and JSON downloads and the API all call ``build``.

Periods are the availability reports' (``2026-Q4``, ``2026-11``, ``2026``, or start and end
dates; default: this quarter), in the provider's zone; the lines are per quarter.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils import timezone

from forewarn.availability import periods
from forewarn.catalog.models import Organization

from . import reports, timing
from .models import Pause, SupportRequest


@dataclass(frozen=True)
class Report:
    period: periods.ReportPeriod
    organization: Organization | None
    zone: str
    generated_at: datetime
    lines: list[reports.Line]

    def as_json(self) -> dict:
        return reports.as_json(
            self.lines,
            period=self.period.label,
            zone=self.zone,
            generated_at=self.generated_at,
        ) | {"organization": self.organization.slug if self.organization else None}

    def as_csv(self) -> str:
        return reports.as_csv(self.lines)

    def filename(self) -> str:
        who = f"-{self.organization.slug}" if self.organization else ""
        return f"support-response-times-{self.period.label.replace(' ', '')}{who}"


def requested(params) -> tuple[periods.ReportPeriod, Organization | None]:
    """The period and organization ``params`` ask for; ``ValidationError`` naming the field."""
    period = periods.requested(params)
    slug = (params.get("organization") or "").strip()
    organization = None
    if slug:
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise ValidationError({"organization": f"No organization '{slug}'."})
    return period, organization


def samples(
    start: datetime, end: datetime, zone: ZoneInfo, organization=None, now=None
) -> list[reports.Sample]:
    """Every request whose response clock started in ``[start, end)``, measured at ``now``."""
    now = now or timezone.now()
    found = (
        SupportRequest.objects.filter(clock_started_at__gte=start, clock_started_at__lt=end)
        .select_related("organization", "organization__region__calendar", "rota__calendar")
        .prefetch_related(Prefetch("pauses", queryset=Pause.objects.order_by("started_at", "id")))
        .order_by("clock_started_at", "id")
    )
    if organization is not None:
        found = found.filter(organization=organization)
    targets: dict[int, object] = {}
    made = []
    for request in found:
        if request.organization_id not in targets:
            targets[request.organization_id] = timing.targets_of(request.organization)
        pauses = tuple((p.started_at, p.ended_at) for p in request.pauses.all())
        clock = timing.first_response_clock(request, pauses, targets[request.organization_id])
        outcome, minutes = reports.measure(clock, request.first_responded_at, now)
        made.append(
            reports.Sample(
                organization=request.organization.slug,
                organization_name=request.organization.name,
                priority=request.priority,
                quarter=reports.quarter_of(request.clock_started_at.astimezone(zone)),
                outcome=outcome,
                business_minutes=minutes,
                target_minutes=round(clock.target.total_seconds() / 60, 1),
                reference=request.reference,
            )
        )
    return made


def build(
    period: periods.ReportPeriod, organization: Organization | None = None, now=None
) -> Report:
    zone = ZoneInfo(settings.PROVIDER_TIME_ZONE)
    now = now or timezone.now()
    bounds = period.bounds(zone)
    lines = reports.attainment(samples(bounds.start, bounds.end, zone, organization, now))
    return Report(period, organization, settings.PROVIDER_TIME_ZONE, now, lines)
