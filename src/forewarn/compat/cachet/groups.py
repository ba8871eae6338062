"""Cachet's component groups: Forewarn's component groups, through ``catalog.services``.

``order`` is the group's position; ``visible`` 1 is a public group, 0 one guests do not see
(internal, or private to named organizations, which stays private). ``collapsed`` (0–4) is
checked and not kept: the page decides how a group shows. Groups need an admin to change.
"""

from forewarn import limits
from forewarn.catalog import services
from forewarn.catalog.models import Component, ComponentGroup, Role, Visibility
from forewarn.catalog.statuses import SEVERITY, Status

from . import components, lookups, shapes
from .http import Call, item, no_content, page_of

SORTABLE = {"id": "pk", "name": "name", "order": "position", "visible": "visibility"}
FILTERS = {
    "id": lookups.by_id("pk"),
    "name": lookups.by_text("name", "name"),
    "order": lookups.by_number("position", "order"),
    "collapsed": lookups.nothing,
}


def _by_visible(rows, value):
    flag = shapes.boolean(value, "visible")
    if flag is None:
        return rows
    public = rows.filter(visibility=Visibility.PUBLIC)
    return public if flag else rows.exclude(visibility=Visibility.PUBLIC)


FILTERS["visible"] = _by_visible


def present(groups: list[ComponentGroup], call: Call) -> list[dict]:
    members: dict[int, list[Component]] = {g.pk: [] for g in groups}
    shown = components.visible(call).exclude(visibility=Visibility.INTERNAL)
    for component in shown.filter(group__in=groups).order_by("position", "pk"):
        members[component.group_id].append(component)
    return [_one(group, members[group.pk], call) for group in groups]


def _one(group: ComponentGroup, enabled: list[Component], call: Call) -> dict:
    lowest = sorted(enabled, key=lambda c: -SEVERITY[Status(c.status)])
    worst = (
        shapes.COMPONENT_STATUS_NAMES[shapes.COMPONENT_STATUS[Status(lowest[0].status)]]
        if lowest
        else None
    )
    return {
        "id": group.pk,
        "name": group.name,
        "order": group.position,
        "collapsed": 0,
        "visible": 1 if group.visibility == Visibility.PUBLIC else 0,
        "created_at": call.timestamp(group.created_at),
        "updated_at": call.timestamp(group.updated_at),
        "enabled_components": [components.present(c, call) for c in enabled],
        "enabled_components_lowest": [components.present(c, call) for c in lowest],
        "lowest_human_status": worst,
    }


def visible(call: Call):
    rows = ComponentGroup.objects.all()
    return rows if call.is_staff_reader else rows.filter(visibility=Visibility.PUBLIC)


def index(call: Call):
    return page_of(
        call,
        visible(call),
        lambda found: present(found, call),
        sortable=SORTABLE,
        filters=FILTERS,
    )


def show(call: Call, pk: int):
    return item(present([visible(call).get(pk=pk)], call)[0])


def _fields(call: Call, group: ComponentGroup, *, creating: bool) -> None:
    given = call.fields
    name = shapes.name(given.get("name"), creating=creating, limit=limits.NAME)
    if name is not None:
        group.name = name
    order = shapes.integer(given.get("order"), "order", 0, limits.POSITION)
    if order is not None:
        group.position = order
    shapes.integer(given.get("collapsed"), "collapsed", 0, 4)
    shown = shapes.boolean(given.get("visible"), "visible")
    if shown is None and creating:
        shown = False  # Cachet's default: seen by signed-in users only
    if shown:
        group.visibility = Visibility.PUBLIC
    elif shown is False and group.visibility == Visibility.PUBLIC:
        group.visibility = Visibility.INTERNAL


def store(call: Call):
    call.require(Role.ADMIN)
    group = ComponentGroup()
    _fields(call, group, creating=True)
    services.save_group(group, actor=call.actor)
    return item(present([group], call)[0])


def update(call: Call, pk: int):
    call.require(Role.ADMIN)
    group = ComponentGroup.objects.get(pk=pk)
    _fields(call, group, creating=False)
    services.save_group(group, actor=call.actor)
    return item(present([ComponentGroup.objects.get(pk=pk)], call)[0])


def destroy(call: Call, pk: int):
    """Remove the group; its components stay, outside any group (``catalog.services``)."""
    call.require(Role.ADMIN)
    services.delete_group(lookups.group(pk), actor=call.actor)
    return no_content()
