"""Cachet's components: Forewarn's catalog components, through ``catalog.services``.

A Cachet id is the component's primary key. ``order`` is its position, ``group_id`` its
group (0: none), ``status`` the number of its status (``shapes.COMPONENT_STATUS``), and
``enabled`` says it is not internal: disabling or deleting a component makes it internal
(off the page, its history kept, as the console does; components are never removed). A
responder may change the status; every other change needs an admin, as in the console.
``link``, ``tags`` and ``meta`` are accepted and not kept: Forewarn has no such fields.
"""

from django.db import transaction
from django.utils.text import slugify

from forewarn import limits
from forewarn.catalog import services
from forewarn.catalog.models import Component, Role, Visibility
from forewarn.catalog.statuses import Status

from . import lookups, shapes
from .http import Call, item, no_content, page_of

CAUSE = "changed through the Cachet API"
SORTABLE = {
    "id": "pk",
    "name": "name",
    "status": "cachet_status",
    "order": "position",
    "group_id": "group_id",
    "enabled": "visibility",
}
FILTERS = {
    "id": lookups.by_id("pk"),
    "name": lookups.by_text("name", "name"),
    "order": lookups.by_number("position", "order"),
}


def _by_status(rows, value):
    return rows.filter(status=shapes.component_status(value).value)


def _by_group(rows, value):
    pk = shapes.integer(value, "group_id", 0, limits.ID)
    return rows.filter(group__isnull=True) if not pk else rows.filter(group_id=pk)


def _by_enabled(rows, value):
    flag = shapes.boolean(value, "enabled")
    if flag is None:
        return rows
    internal = rows.filter(visibility=Visibility.INTERNAL)
    return rows.exclude(visibility=Visibility.INTERNAL) if flag else internal


def _by_tags(rows, value):
    return rows.none() if value else rows  # no component carries Cachet tags


FILTERS |= {
    "status": _by_status,
    "group_id": _by_group,
    "enabled": _by_enabled,
    "tags": _by_tags,
}


def present(component: Component, call: Call) -> dict:
    number = shapes.COMPONENT_STATUS[Status(component.status)]
    return {
        "id": component.pk,
        "name": component.name,
        "description": component.description,
        "link": "",
        "status": number,
        "order": component.position,
        "group_id": component.group_id or 0,
        "enabled": component.visibility != Visibility.INTERNAL,
        "meta": None,
        "created_at": call.timestamp(component.created_at),
        "updated_at": call.timestamp(component.updated_at),
        "deleted_at": None,
        "status_name": shapes.COMPONENT_STATUS_NAMES[number],
        "tags": {},
    }


def visible(call: Call):
    """The components the caller may read: guests only public ones."""
    rows = Component.objects.select_related("group")
    return rows if call.is_staff_reader else rows.filter(visibility=Visibility.PUBLIC)


def index(call: Call):
    rows = visible(call).annotate(
        cachet_status=lookups.status_number("status", shapes.COMPONENT_STATUS)
    )
    return page_of(
        call,
        rows,
        lambda found: [present(c, call) for c in found],
        sortable=SORTABLE,
        filters=FILTERS,
    )


def show(call: Call, pk: int):
    return item(present(visible(call).get(pk=pk), call))


def unique_slug(name: str) -> str:
    """A free slug made from ``name`` (``api``, ``api-2``, …)."""
    base = (slugify(name) or "component")[: limits.SLUG - 6].strip("-") or "component"
    taken = set(Component.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _fields(call: Call, component: Component, *, creating: bool) -> None:
    """Set what the body gives (and a new component's defaults) on ``component``."""
    given = call.fields
    name = shapes.name(given.get("name"), creating=creating, limit=limits.NAME)
    if name is not None:
        component.name = name
    description = shapes.text(given.get("description"), "description", limits.TEXT)
    if description is not None:
        component.description = description
    shapes.text(given.get("link"), "link", limits.URL)
    order = shapes.integer(given.get("order"), "order", 0, limits.POSITION)
    if order is not None:
        component.position = order
    if "group_id" in given:
        component.group = lookups.group_or_none(given.get("group_id"))
    enabled = shapes.boolean(given.get("enabled"), "enabled")
    if enabled is False:
        component.visibility = Visibility.INTERNAL
    elif enabled and component.visibility == Visibility.INTERNAL:
        component.visibility = Visibility.PUBLIC


def store(call: Call):
    call.require(Role.ADMIN)
    component = Component()
    _fields(call, component, creating=True)
    component.status = shapes.component_status(call.fields.get("status")).value
    component.slug = unique_slug(component.name)
    services.save_component(component, actor=call.actor)
    return item(present(lookups.component(component.pk), call))


EDITED = ("name", "description", "position", "group_id", "visibility")


@transaction.atomic
def update(call: Call, pk: int):
    call.require(Role.RESPONDER)
    component = Component.objects.select_for_update().get(pk=pk)
    before = {field: getattr(component, field) for field in EDITED}
    _fields(call, component, creating=False)
    status = call.fields.get("status")
    new_status = None if status in (None, "") else shapes.component_status(status)
    if any(getattr(component, field) != before[field] for field in EDITED):
        call.require(Role.ADMIN)
        services.save_component(component, actor=call.actor)
    if new_status is not None and new_status != component.status:
        services.set_status(component, new_status.value, cause=CAUSE, actor=call.actor)
    return item(present(lookups.component(pk), call))


def destroy(call: Call, pk: int):
    """Take the component off the page (internal); its history and the record stay."""
    call.require(Role.ADMIN)
    component = Component.objects.get(pk=pk)
    if component.visibility != Visibility.INTERNAL:
        component.visibility = Visibility.INTERNAL
        services.save_component(component, actor=call.actor)
    return no_content()
