"""Cachet's incidents: Forewarn's incidents, through ``incidents.services`` and ``classification``.

An incident's Cachet id is its primary key; ``name`` its title; ``status`` 1–4 investigating,
identified, monitoring (Cachet's "watching"), resolved ("fixed"); ``visible`` whether it is
public; ``occurred_at`` when it was detected; ``message`` its latest update's message; and
``component_id`` the first component it affected. Cachet has no priority: an incident opened
here takes ``meta[priority]`` (P1–P5) or, by ``visible``, ``FOREWARN_CACHET_PUBLIC_PRIORITY``
(P3) or ``FOREWARN_CACHET_INTERNAL_PRIORITY`` (P4), so the cadence, escalation and notices of
that priority apply. The opening update is the incident's own message in Cachet's terms; the
updates after it are Cachet's incident updates (``updates``).

Every Forewarn rule stands: roles (responders open and update, communicators override
visibility), the record, notices, page version. What Forewarn does not do is refused with
the reason: renaming an incident, editing or removing an update. Deleting an incident takes
it off the page (internal); the record keeps it.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Prefetch

from forewarn import limits
from forewarn.catalog.models import Role
from forewarn.incidents import classification, services
from forewarn.incidents.lifecycle import IncidentStatus
from forewarn.incidents.models import AffectedComponent, Incident, IncidentTemplate, IncidentUpdate
from forewarn.incidents.priorities import Priority

from . import lookups, shapes
from .http import Call, item, no_content, page_of

NAMES = {
    "title": "name",
    "detected_at": "occurred_at",
    "components": "component_id",
    "is_public": "visible",
    "priority": "meta[priority]",
}
SORTABLE = {
    "id": "pk",
    "name": "title",
    "status": "cachet_status",
    "visible": "is_public",
    "occurred_at": "detected_at",
}
FILTERS = {
    "id": lookups.by_id("pk"),
    "name": lookups.by_text("title", "name"),
    "visible": lookups.by_flag("is_public", "visible"),
    "stickied": lookups.nothing,
    "user_id": lookups.nothing,
}


def _by_status(rows, value):
    return rows.filter(status=shapes.incident_status(value).value)


def _by_component(rows, value):
    pk = shapes.integer(value, "component_id", 0, limits.ID)
    return rows.filter(affected__isnull=True) if not pk else rows.filter(affected__component_id=pk)


FILTERS |= {"status": _by_status, "component_id": _by_component}


def rows(call: Call):
    found = Incident.objects.prefetch_related(
        Prefetch("updates", queryset=IncidentUpdate.objects.order_by("posted_at", "pk")),
        Prefetch("affected", queryset=AffectedComponent.objects.order_by("added_at", "pk")),
    ).annotate(cachet_status=lookups.status_number("status", shapes.INCIDENT_STATUS))
    return found if call.is_staff_reader else found.filter(is_public=True)


def user_ids(usernames) -> dict[str, int]:
    """The user ids of the authors named (Cachet gives a user_id; Forewarn keeps the name)."""
    found = get_user_model().objects.filter(username__in=set(usernames))
    return dict(found.values_list("username", "pk"))


def permalink(incident: Incident) -> str:
    return f"{settings.SITE_URL}/incidents/{incident.public_id}/"


def present_update(update: IncidentUpdate, incident: Incident, users: dict, call: Call) -> dict:
    number = shapes.INCIDENT_STATUS[IncidentStatus(update.status)]
    return {
        "id": update.pk,
        "incident_id": incident.pk,
        "status": number,
        "message": update.body,
        "user_id": users.get(update.author),
        "created_at": call.timestamp(update.posted_at),
        "updated_at": call.timestamp(update.posted_at),
        "human_status": shapes.INCIDENT_STATUS_NAMES[number],
        "permalink": f"{permalink(incident)}#update-{update.public_id}",
    }


def present(incidents: list[Incident], call: Call) -> list[dict]:
    users = user_ids(
        [i.created_by for i in incidents] + [u.author for i in incidents for u in i.updates.all()]
    )
    return [_one(incident, users, call) for incident in incidents]


def _one(incident: Incident, users: dict, call: Call) -> dict:
    opening, *later = list(incident.updates.all()) or [None]
    latest = later[-1] if later else None
    number = shapes.INCIDENT_STATUS[IncidentStatus(incident.status)]
    latest_number = shapes.INCIDENT_STATUS[IncidentStatus(latest.status)] if latest else number
    affected = list(incident.affected.all())
    return {
        "id": incident.pk,
        "component_id": affected[0].component_id if affected else 0,
        "name": incident.title,
        "status": number,
        "visible": 1 if incident.is_public else 0,
        "stickied": False,
        "notifications": bool(opening.notify) if opening else False,
        "message": (latest or opening).body if opening else "",
        "user_id": users.get(incident.created_by),
        "occurred_at": call.timestamp(incident.detected_at),
        "created_at": call.timestamp(incident.created_at),
        "updated_at": call.timestamp(incident.updated_at),
        "deleted_at": None,
        "is_resolved": incident.status == IncidentStatus.RESOLVED,
        "human_status": shapes.INCIDENT_STATUS_NAMES[number],
        "latest_update_id": latest.pk if latest else None,
        "latest_status": latest_number,
        "latest_human_status": shapes.INCIDENT_STATUS_NAMES[latest_number],
        "latest_icon": shapes.INCIDENT_ICONS[latest_number],
        "permalink": permalink(incident),
        "duration": shapes.seconds_between(incident.created_at, latest.posted_at) if latest else 0,
        "meta": {"priority": incident.priority},
        "updates": [
            present_update(u, incident, users, call) for u in sorted(later, key=_newest_first)
        ],
    }


def _newest_first(update: IncidentUpdate):
    return (-update.posted_at.timestamp(), -update.pk)


def index(call: Call):
    return page_of(
        call,
        rows(call),
        lambda found: present(found, call),
        sortable=SORTABLE,
        filters=FILTERS,
    )


def one(call: Call, pk: int) -> dict:
    return present([rows(call).get(pk=pk)], call)[0]


def show(call: Call, pk: int):
    return item(one(call, pk))


# --- writing -----------------------------------------------------------------------------------


def affected(call: Call) -> dict | None:
    """``component_id`` with ``component_status``: the component and the status to set."""
    component = lookups.component_or_none(call.fields.get("component_id"))
    status = call.fields.get("component_status")
    if component is None or status in (None, ""):
        return None
    return {component: shapes.component_status(status, "component_status").value}


def _priority(call: Call, shown: bool | None) -> str:
    meta = call.fields.get("meta")
    named = meta.get("priority") if isinstance(meta, dict) else None
    if named not in (None, ""):
        if named not in Priority.__members__.values():
            raise shapes.InputError(
                "meta[priority]", f"'{str(named)[:10]}' is not one of {', '.join(Priority)}."
            )
        return named
    if shown is False:
        return settings.FOREWARN_CACHET_INTERNAL_PRIORITY
    return settings.FOREWARN_CACHET_PUBLIC_PRIORITY


def _template(call: Call) -> IncidentTemplate | None:
    name = shapes.text(call.fields.get("template"), "template", limits.NAME)
    if not name:
        return None
    found = IncidentTemplate.objects.filter(name=name).first()
    if found is None:
        raise shapes.InputError("template", f"there is no incident template named '{name}'.")
    return found


@transaction.atomic
def store(call: Call):
    """Open an incident. Forewarn opens every incident investigating: a later status is a
    second update with the same message, not notified again (the opening one was)."""
    call.require(Role.RESPONDER)
    given = call.fields
    status = shapes.incident_status(given.get("status"))
    shown = shapes.boolean(given.get("visible"), "visible")
    notify = shapes.boolean(given.get("notify"), "notify")
    template = _template(call)
    message = shapes.text(given.get("message"), "message", limits.TEXT) or ""
    incident = services.open_incident(
        actor=call.actor,
        role=call.role,
        title=shapes.text(given.get("name"), "name", limits.NAME) or "",
        priority=_priority(call, shown),
        message=message,
        components=affected(call),
        template=template,
        is_public=shown,
        notify=notify is not False,
        detected_at=call.instant("occurred_at"),
    )
    if status != IncidentStatus.INVESTIGATING:
        services.post_update(
            incident, actor=call.actor, role=call.role, message=message, status=status, notify=False
        )
    return item(one(call, incident.pk))


@transaction.atomic
def update(call: Call, pk: int):
    """Cachet's edit, as Forewarn's steps: visibility, then an update if the status, the
    components or the message changed (a resolved incident is reopened by an open status)."""
    call.require(Role.RESPONDER)
    incident = Incident.objects.select_for_update().get(pk=pk)
    now = one(call, pk)
    given = call.fields
    name = shapes.text(given.get("name"), "name", limits.NAME)
    if name is not None and name != incident.title:
        raise shapes.InputError("name", "an incident keeps the title it was opened with.")
    shown = shapes.boolean(given.get("visible"), "visible")
    if shown is not None and shown != incident.is_public:
        change = classification.make_public if shown else classification.make_internal
        change(incident, actor=call.actor, role=call.role, reason="changed through the Cachet API")
    status = given.get("status")
    new = (
        IncidentStatus(incident.status) if status in (None, "") else shapes.incident_status(status)
    )
    message = shapes.text(given.get("message"), "message", limits.TEXT)
    changed_message = message is not None and message.strip() and message != now["message"]
    components = affected(call)
    if changed_message or components or new != incident.status:
        post(call, incident, new, message if changed_message else "", components)
    return item(one(call, pk))


def post(call: Call, incident: Incident, status, message: str, components) -> IncidentUpdate:
    """Post an update (reopening a resolved incident when ``status`` is open)."""
    notify = shapes.boolean(call.fields.get("notify"), "notify") is not False
    label = shapes.INCIDENT_STATUS_NAMES[shapes.INCIDENT_STATUS[status]]
    text = message or f"Status: {label.lower()}."
    step = services.reopen if not incident.is_open and status.is_open else services.post_update
    return step(
        incident,
        actor=call.actor,
        role=call.role,
        message=text,
        status=status,
        components=components,
        notify=notify,
    )


def destroy(call: Call, pk: int):
    """Take the incident off the page; Forewarn keeps incidents, as the record does."""
    call.require(Role.COMMUNICATOR)
    incident = Incident.objects.get(pk=pk)
    if incident.is_public:
        classification.make_internal(
            incident, actor=call.actor, role=call.role, reason="deleted through the Cachet API"
        )
    return no_content()
