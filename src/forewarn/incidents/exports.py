"""The incident report from the database, as CSV and JSON (seed 004's system of record, S11).

The events are the record's rows about the incident, the component status changes
it caused (``cause_ref`` ``incident:<id>``) and the ``notice.delivered`` rows of the
notices it queued (their keys start ``incident:<id>:``); the steps are its updates;
the cadence report comes from the update times and the priorities it had (the
current cadence policy of each). ``report.py`` turns that into rows and JSON.
"""

from datetime import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from forewarn.csvexport import csv_text
from forewarn.delivery.models import Notice
from forewarn.record.kinds import Kind
from forewarn.record.models import Event
from forewarn.record.queries import timeline

from . import cadence, report
from .models import Incident
from .timing import policy_for


def incident_report(incident: Incident, *, now: datetime | None = None) -> report.IncidentReport:
    """Everything seed 004 asks the record to show about one incident, up to ``now`` if open."""
    now = now or timezone.now()
    updates = list(incident.updates.order_by("posted_at", "pk"))
    postmortem = getattr(incident, "postmortem", None)
    facts = report.Facts(
        ref=incident.ref,
        title=incident.title,
        priority=incident.priority,
        status=incident.status,
        cause=incident.cause,
        is_public=incident.is_public,
        detected_at=incident.detected_at,
        opened_at=incident.created_at,
        acknowledged_at=incident.acknowledged_at,
        identified_at=incident.identified_at,
        resolved_at=incident.resolved_at,
        description=incident.description,
        postmortem=postmortem.body if postmortem and postmortem.published_at else "",
        contact=incident.reporter,
        responders=tuple(sorted(u.get_username() for u in incident.responders.all())),
    )
    events = [
        report.EventRow(e.at, e.kind, e.actor, e.contact, e.description) for e in _events(incident)
    ]
    steps = [
        report.Step(u.posted_at, u.status, u.author, u.body, u.notify and incident.is_public)
        for u in updates
    ]
    changes, stretches = _cadence_changes(incident, now)
    end = incident.resolved_at if not incident.is_open and incident.resolved_at else now
    times = [u.posted_at for u in updates]
    gaps = cadence.gaps(times, changes, end=max([end, *times])) if times else []
    return report.incident_report(facts, events, steps, gaps, stretches)


def _events(incident: Incident) -> QuerySet[Event]:
    """The incident's own timeline, the status changes it caused and its notices' deliveries."""
    notice_ids = Notice.objects.filter(key__startswith=f"{incident.ref}:").values_list(
        "pk", flat=True
    )
    caused = timeline(kinds=[Kind.COMPONENT_STATUS_CHANGED]).filter(details__cause_ref=incident.ref)
    delivered = timeline(subject_type="delivery.notice", kinds=[Kind.NOTICE_DELIVERED]).filter(
        subject_id__in=[str(pk) for pk in notice_ids]
    )
    return (timeline(incident) | caused | delivered).order_by("at", "id")


def _cadence_changes(
    incident: Incident, now: datetime
) -> tuple[list[cadence.RuleChange], list[report.Stretch]]:
    """The cadence in force over the incident's life: its priorities, and none while resolved."""
    marks = timeline(
        incident,
        kinds=[
            Kind.INCIDENT_CREATED,
            Kind.INCIDENT_RECLASSIFIED,
            Kind.INCIDENT_RESOLVED,
            Kind.INCIDENT_REOPENED,
        ],
    )
    changes, priorities, priority = [], [], incident.priority
    for event in marks:
        if event.kind == Kind.INCIDENT_CREATED:
            priority = event.details.get("priority", priority)
        elif event.kind == Kind.INCIDENT_RECLASSIFIED:
            priority = event.details["to"]
        if event.kind != Kind.INCIDENT_RESOLVED:
            policy = policy_for(priority)
            changes.append(cadence.RuleChange(event.at, policy.rule, policy.calendar))
            priorities.append((event.at, priority))
        else:
            changes.append(cadence.RuleChange(event.at, cadence.CadenceRule(None)))
    if not changes:  # an incident without its opening event: take what the row says
        policy = policy_for(incident.priority)
        changes = [cadence.RuleChange(incident.created_at, policy.rule, policy.calendar)]
        priorities = [(incident.created_at, incident.priority)]
    end = incident.resolved_at if not incident.is_open and incident.resolved_at else now
    stretches = []
    for (start, label), following in zip(priorities, [*priorities[1:], (end, None)], strict=True):
        if following[0] > start:
            stretches.append(report.Stretch(label, start, following[0]))
    return changes, stretches


# Export -------------------------------------------------------------------------------------


def report_json(incident: Incident) -> dict:
    return report.as_json(incident_report(incident))


def report_csv(incident: Incident) -> str:
    """The report as one CSV table (``report.COLUMNS``), times local to the provider's zone."""
    rows = report.rows(incident_report(incident), settings.PROVIDER_TIME_ZONE)
    return csv_text(report.COLUMNS, ([row[c] for c in report.COLUMNS] for row in rows))
