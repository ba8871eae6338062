"""A notice in Statuspage's webhook shape (support.atlassian.com, "Enable webhook notifications").

Every body has ``meta`` (``unsubscribe``, ``documentation``, ``generated_at``) and ``page``
(``id``, ``status_indicator``, ``status_description``), then one of:

- ``incident``: the incident as the v2 JSON shows it (``incidents.public.incident_json``:
  ``name``, ``status``, ``impact``, ``shortlink``, ``incident_updates`` newest first, …) *as it
  stood when the notice was made*: only the updates posted by then, its status the newest
  one's. For an incident's updates and its postmortem.
- ``component_update`` (``id``, ``component_id``, ``old_status``, ``new_status``,
  ``created_at``, ``component_type``) with ``component`` (as ``components.json`` has it). For a
  component's status change (``delivery.component_updates``).
- ``incident`` for a notice of planned work: the window as Statuspage sends a scheduled
  maintenance (``planned.public.notice_json``): ``status`` ``scheduled``, ``in_progress``,
  ``verifying`` or ``completed``, ``scheduled_for``, ``scheduled_until``, ``impact``
  ``maintenance``, its ``incident_updates`` newest first, as it stood when the notice was due.

Statuspage sends no ``type`` field; consumers tell the two apart by the key present. Other
notices (a test notice) go as an ``incident``-shaped body made from the notice itself.
"""

from dataclasses import replace
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from forewarn.catalog.models import StatusInterval
from forewarn.delivery.component_updates import KIND as COMPONENT_KIND
from forewarn.delivery.emails import NoticeMail
from forewarn.delivery.models import WebhookFormat
from forewarn.delivery.webhook_formats import webhook_format
from forewarn.incidents import public as incidents
from forewarn.incidents.models import Incident
from forewarn.planned import public as planned
from forewarn.statuspage import summary

# The format's own documentation (Forewarn's is docs/integrators/webhooks.md).
DOCUMENTATION = "https://support.atlassian.com/statuspage/docs/enable-webhook-notifications/"


def iso(at: datetime | None) -> str | None:
    return incidents.iso(at)


@webhook_format(WebhookFormat.STATUSPAGE)
def render(mail: NoticeMail) -> dict | None:
    notice = mail.notice
    body = {"meta": _meta(), "page": _page()}
    if notice.kind == COMPONENT_KIND:
        found = _component_update(notice)
    elif notice.thread_key.startswith("incident:"):
        found = _incident(notice)
    elif notice.thread_key.startswith("planned:"):
        found = _maintenance(notice)
    else:
        found = None
    return body | (found if found is not None else _from_notice(notice))


def _meta() -> dict:
    return {
        "unsubscribe": f"{settings.SITE_URL}/subscribe/",
        "documentation": DOCUMENTATION,
        "generated_at": iso(timezone.now()),
    }


def _page() -> dict:
    status = summary.with_incidents(
        summary.status_of(summary.components_payload()),
        [i.impact for i in incidents.unresolved()],
    )
    return {
        "id": summary.PAGE_ID,
        "status_indicator": status.indicator,
        "status_description": status.description,
    }


def _incident(notice) -> dict | None:
    pk = notice.thread_key.removeprefix("incident:")
    public_id = Incident.objects.filter(pk=pk).values_list("public_id", flat=True).first()
    shown = incidents.by_public_id(public_id) if public_id else None
    if shown is None:
        return None
    told = [u for u in shown.updates if u.posted_at <= notice.created_at]
    if told and told != shown.updates and shown.status != "postmortem":
        shown = replace(shown, updates=told, status=told[0].status)
    return {
        "incident": incidents.incident_json(
            shown, page_id=summary.PAGE_ID, component_json=summary.component_json
        )
    }


def _maintenance(notice) -> dict | None:
    shown = planned.notice_json(
        notice, page_id=summary.PAGE_ID, component_json=summary.component_json
    )
    return None if shown is None else {"incident": shown}


def _component_update(notice) -> dict | None:
    interval_id = notice.key.rsplit(":", 1)[-1]
    interval = StatusInterval.objects.select_related("component").filter(pk=interval_id).first()
    if interval is None:
        return None
    before = (
        StatusInterval.objects.filter(
            component=interval.component, started_at__lte=interval.started_at
        )
        .exclude(pk=interval.pk)
        .order_by("-started_at", "-pk")
        .values_list("status", flat=True)
        .first()
    )
    component = interval.component
    return {
        "component_update": {
            "id": str(interval.pk),
            "component_id": component.public_id,
            "component_type": "Component",
            "old_status": before or "operational",
            "new_status": interval.status,
            "created_at": iso(interval.entered_at or interval.started_at),
        },
        # The component as it was then: a later change has its own notice.
        "component": summary.component_json(component) | {"status": interval.status},
    }


def _from_notice(notice) -> dict:
    at = iso(notice.created_at)
    update = {
        "id": str(notice.pk),
        "status": "identified",
        "body": notice.body,
        "created_at": at,
        "updated_at": at,
        "display_at": at,
        "incident_id": notice.key,
        "affected_components": None,
        "deliver_notifications": True,
    }
    return {
        "incident": {
            "id": notice.key,
            "name": notice.subject,
            "status": "identified",
            "impact": "none",
            "created_at": at,
            "updated_at": at,
            "shortlink": settings.SITE_URL,
            "page_id": summary.PAGE_ID,
            "incident_updates": [update],
            "components": [],
        }
    }
