"""Cachet's incident updates: the updates posted on a Forewarn incident after its opening one.

Posting one is ``incidents.services.post_update`` (or ``reopen``, when a resolved incident
gets an open status), so the cadence restarts and customers are told as for any update.
Updates are part of the record: an edit that changes nothing answers with the update, any
other edit and any removal is refused (405) with the reason.
"""

from django.db import transaction

from forewarn.catalog.models import Role
from forewarn.incidents.models import Incident, IncidentUpdate

from . import incidents, lookups, shapes
from .http import Call, NotAllowed, item, page_of

KEPT = (
    "Updates are part of the record and are neither edited nor removed: "
    "post a new update to correct one."
)
SORTABLE = {"id": "pk", "status": "cachet_status"}


def _incident(call: Call, pk: int) -> Incident:
    return incidents.rows(call).get(pk=pk)


def _later(incident: Incident):
    """The incident's updates after its opening one (which is the incident's own message)."""
    opening = incident.updates.order_by("posted_at", "pk").first()
    rows = incident.updates.order_by("-posted_at", "-pk")
    return rows.exclude(pk=opening.pk) if opening else rows


def _present(incident: Incident, found: list[IncidentUpdate], call: Call) -> list[dict]:
    users = incidents.user_ids(u.author for u in found)
    return [incidents.present_update(u, incident, users, call) for u in found]


def index(call: Call, pk: int):
    incident = _incident(call, pk)
    found = _later(incident).annotate(
        cachet_status=lookups.status_number("status", shapes.INCIDENT_STATUS)
    )
    return page_of(
        call,
        found,
        lambda rows: _present(incident, rows, call),
        sortable=SORTABLE,
        filters={},
        default_order=("-posted_at", "-pk"),
    )


def show(call: Call, pk: int, update_pk: int):
    incident = _incident(call, pk)
    return item(_present(incident, [_later(incident).get(pk=update_pk)], call)[0])


@transaction.atomic
def store(call: Call, pk: int):
    call.require(Role.RESPONDER)
    incident = Incident.objects.select_for_update().get(pk=pk)
    status = shapes.incident_status(call.fields.get("status"))
    message = shapes.text(call.fields.get("message"), "message", 20_000, required=True)
    posted = incidents.post(call, incident, status, message, incidents.affected(call))
    return item(_present(incident, [posted], call)[0])


def update(call: Call, pk: int, update_pk: int):
    call.require(Role.RESPONDER)
    incident = _incident(call, pk)
    found = _later(incident).get(pk=update_pk)
    shown = _present(incident, [found], call)[0]
    status = call.fields.get("status")
    message = call.fields.get("message")
    same_status = status in (None, "") or shapes.incident_status(status) == found.status
    if same_status and message in (None, "", shown["message"]):
        return item(shown)
    raise NotAllowed(KEPT, allow="GET")


def destroy(call: Call, pk: int, update_pk: int):
    call.require(Role.RESPONDER)
    _later(_incident(call, pk)).get(pk=update_pk)
    raise NotAllowed(KEPT, allow="GET")
