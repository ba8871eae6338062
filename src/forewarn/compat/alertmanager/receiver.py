"""What a notification from Alertmanager does: open, update, calm down and resolve incidents.

One notification is one transaction, taken under a lock on its integration (its deliveries
are handled one at a time, in the order they arrive), through the incidents' services with
actor ``hook:alertmanager`` — so the record, the notices, the cadence and the page follow as
they would for a person:

- **firing**: the firing alerts go through the rules (``rules.plan``). The first time a group
  fires, it opens one incident (priority and component statuses from the rules); later, when
  its set of firing alerts changes, it posts an update to that same incident (back to
  investigating if it was calming down). Components inside an in-progress planned window
  (``windows``) are left alone; when that leaves none, the alerts are recorded and no
  incident opens. An incident opens **internal**, without notices, for a responder to review,
  unless a matched rule says publish at once (then it takes its priority's visibility).
- **resolved**: the incident moves to monitoring and ``resolve_due_at`` is set to the end of
  the integration's quiet period; ``jobs`` resolves it then, restoring the components.

Alertmanager resends a group's state on its repeat interval and retries a notification it
thinks failed. A notification already received (same digest) changes nothing, and a firing
notification with the same firing alerts as the group already has changes nothing either.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from forewarn.catalog.services import components_by_slug
from forewarn.incidents import services as incidents
from forewarn.incidents.lifecycle import IncidentStatus
from forewarn.incidents.models import Incident
from forewarn.record.kinds import Kind
from forewarn.record.services import append

from . import payload, rules
from .models import AlertDelivery, AlertGroup, AlertIntegration
from .services import to_core
from .windows import under_maintenance_now

ACTOR = "hook:alertmanager"
# The hook acts with the rights an admin gave it by creating the integration: it opens and
# updates incidents and chooses their visibility (internal until reviewed).
ROLE = "communicator"
TITLE_MAX = 200


class Revoked(Exception):
    """The integration was revoked while the notification was on its way."""


@dataclass(frozen=True)
class Outcome:
    result: str  # opened | updated | monitoring | resolved | unchanged | duplicate | ...
    incident: Incident | None = None

    def as_json(self) -> dict:
        return {
            "status": "success",
            "result": self.result,
            "incident": self.incident.public_id if self.incident else None,
        }


def receive(integration: AlertIntegration, body: object) -> Outcome:
    """Handle one notification (parsed JSON). Raises ``payload.PayloadError`` for a bad one."""
    note = payload.read(body)
    with transaction.atomic():
        integration = AlertIntegration.objects.select_for_update().get(pk=integration.pk)
        if integration.revoked_at is not None:
            raise Revoked()
        now = timezone.now()
        AlertIntegration.objects.filter(pk=integration.pk).update(last_used_at=now)
        seen = AlertDelivery.objects.filter(integration=integration, digest=note.digest).first()
        if seen is not None:
            AlertDelivery.objects.filter(pk=seen.pk).update(times=seen.times + 1)
            return Outcome("duplicate", _incident(seen_group(integration, note)))
        group, _ = AlertGroup.objects.get_or_create(
            integration=integration, group_key=note.group_key, defaults={"first_seen_at": now}
        )
        if note.status == "firing":
            outcome = _fire(integration, group, note, now)
        else:
            outcome = _calm(integration, group, note, now)
        AlertDelivery.objects.create(
            integration=integration,
            digest=note.digest,
            group_key=note.group_key,
            status=note.status,
            alerts=len(note.alerts),
            outcome=outcome.result,
            received_at=now,
        )
        return outcome


def seen_group(integration, note) -> AlertGroup | None:
    return AlertGroup.objects.filter(integration=integration, group_key=note.group_key).first()


def _incident(group: AlertGroup | None) -> Incident | None:
    return group.incident if group is not None else None


def _open_incident(group: AlertGroup) -> Incident | None:
    incident = group.incident
    if incident is None:
        return None
    incident.refresh_from_db()
    return incident if incident.is_open else None


def _fire(integration, group: AlertGroup, note: payload.Notification, now) -> Outcome:
    firing = {a.fingerprint: a for a in note.firing}
    snapshot = {fp: a.labels for fp, a in sorted(firing.items())}
    if group.status == "firing" and group.firing == snapshot:
        return Outcome("unchanged", group.incident)  # Alertmanager's repeat notification
    group.status, group.firing, group.changed_at, group.resolve_due_at = (
        "firing",
        snapshot,
        now,
        None,
    )
    plan = rules.plan(
        firing.values(), [to_core(r) for r in integration.rules.prefetch_related("components")]
    )
    components = components_by_slug(plan.statuses)
    maintained = [c for c in components if under_maintenance_now(c)]
    statuses = {c: plan.statuses[c.slug] for c in components if c not in maintained}
    incident = _open_incident(group)
    if not plan.statuses:
        result = "no rule matched"
    elif not statuses:
        result = "under planned maintenance"
    elif incident is not None:
        incidents.post_update(
            incident,
            actor=ACTOR,
            role=ROLE,
            message=_message(note, "Alerts changed"),
            status=IncidentStatus.INVESTIGATING
            if incident.status == IncidentStatus.MONITORING
            else None,
            components=statuses,
        )
        result = "updated"
    else:
        incident = incidents.open_incident(
            actor=ACTOR,
            role=ROLE,
            title=_title(note),
            priority=plan.priority,
            message=_message(note, "Alertmanager reports"),
            components=statuses,
            is_public=None if plan.publish_at_once else False,
            detected_at=_detected_at(note, now),
            acknowledged=False,
        )
        group.incident = incident
        result = "opened"
    group.save()
    append(
        Kind.ALERT_GROUP_FIRED,
        subject=group,
        actor=ACTOR,
        description=f"Alerts of group {group.group_key} firing ({len(firing)}): {result}.",
        details={
            "group_key": group.group_key,
            "alerts": sorted(firing),
            "rules": sorted(set(plan.taken.values())),
            "ignored": list(plan.ignored),
            "under_maintenance": sorted(c.slug for c in maintained),
            "result": result,
            "incident": incident.pk if incident and result in ("opened", "updated") else None,
        },
        at=now,
    )
    return Outcome(result, incident if result in ("opened", "updated") else group.incident)


def _calm(integration, group: AlertGroup, note: payload.Notification, now) -> Outcome:
    if group.status == "resolved":
        return Outcome("unchanged", group.incident)
    group.status, group.firing, group.changed_at = "resolved", {}, now
    incident = _open_incident(group)
    result = "no incident"
    if incident is not None:
        quiet = timedelta(minutes=integration.quiet_minutes)
        incidents.post_update(
            incident,
            actor=ACTOR,
            role=ROLE,
            message=_message(note, "All alerts resolved")
            + f"\n\nMonitoring; resolves after {integration.quiet_minutes} quiet minutes.",
            status=IncidentStatus.MONITORING,
        )
        group.resolve_due_at = now + quiet
        result = "monitoring"
    group.save()
    append(
        Kind.ALERT_GROUP_RESOLVED,
        subject=group,
        actor=ACTOR,
        description=f"Alerts of group {group.group_key} resolved: {result}.",
        details={
            "group_key": group.group_key,
            "result": result,
            "incident": incident.pk if incident else None,
            "resolve_due_at": group.resolve_due_at.isoformat() if group.resolve_due_at else None,
        },
        at=now,
    )
    if incident is not None and integration.quiet_minutes == 0:
        resolve_quiet(group, now)
        result = "resolved"
    return Outcome(result, incident)


def resolve_quiet(group: AlertGroup, now) -> bool:
    """Resolve the group's incident if its alerts stayed resolved; the job calls this."""
    incident = _open_incident(group)
    group.resolve_due_at = None
    group.save(update_fields=["resolve_due_at"])
    if group.status != "resolved" or incident is None:
        return False
    minutes = group.integration.quiet_minutes
    incidents.resolve(
        incident,
        actor=ACTOR,
        role=ROLE,
        message=f"No alert for {minutes} minutes since they resolved: resolved.",
    )
    return True


def _title(note: payload.Notification) -> str:
    title = note.common_annotations.get("summary") or note.common_labels.get("alertname")
    if not title:
        names = sorted({a.labels.get("alertname", "") for a in note.firing} - {""})
        title = ", ".join(names) or "Alert"
    return title[:TITLE_MAX]


def _message(note: payload.Notification, lead: str) -> str:
    shown = note.firing or note.alerts
    lines = [f"{lead}: {len(note.firing)} alert{'s' if len(note.firing) != 1 else ''} firing."]
    for alert in shown[:20]:
        name = alert.labels.get("alertname", "alert")
        where = ", ".join(f"{k}={v}" for k, v in sorted(alert.labels.items()) if k != "alertname")
        text = alert.annotations.get("summary") or alert.annotations.get("description", "")
        lines.append(f"- **{name}** ({alert.status}) {where}{': ' + text if text else ''}")
    if len(shown) > 20:
        lines.append(f"- and {len(shown) - 20} more")
    return "\n".join(lines)


def _detected_at(note: payload.Notification, now):
    starts = [a.starts_at for a in note.firing if a.starts_at is not None]
    earliest = min(starts, default=now)
    return earliest if now - timedelta(days=1) <= earliest <= now else now
