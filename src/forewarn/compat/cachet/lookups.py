"""Cachet's columns over Forewarn's rows: status numbers as an orderable column, and filters."""

from django.db.models import Case, IntegerField, QuerySet, Value, When

from forewarn import limits
from forewarn.catalog.models import Component, ComponentGroup

from . import shapes


def status_number(field: str, numbers: dict) -> Case:
    """An expression giving Cachet's number of the status word in ``field``."""
    return Case(
        *(When(**{field: word}, then=Value(number)) for word, number in numbers.items()),
        output_field=IntegerField(),
    )


def by_id(field: str):
    """A filter ``field = the integer given``."""

    def apply(rows: QuerySet, value) -> QuerySet:
        return rows.filter(**{field: shapes.integer(value, field, 0, limits.ID)})

    return apply


def by_text(field: str, name: str):
    def apply(rows: QuerySet, value) -> QuerySet:
        return rows.filter(**{field: shapes.text(value, name, limits.NAME) or ""})

    return apply


def by_flag(field: str, name: str, *, when_true: object = True, when_false: object = False):
    """A filter on a Cachet boolean (``enabled=1``) kept in ``field`` as two values."""

    def apply(rows: QuerySet, value) -> QuerySet:
        flag = shapes.boolean(value, name)
        if flag is None:
            return rows
        return rows.filter(**{field: when_true if flag else when_false})

    return apply


def by_number(field: str, name: str):
    def apply(rows: QuerySet, value) -> QuerySet:
        return rows.filter(**{field: shapes.integer(value, name, 0, limits.ID)})

    return apply


def nothing(rows: QuerySet, value) -> QuerySet:
    """A Cachet column with no Forewarn counterpart that any row has: no row matches a value."""
    return rows.none() if value not in (None, "", "0", 0, False, "false") else rows


def component(pk: int) -> Component:
    return Component.objects.select_related("group").get(pk=pk)


def group(pk: int) -> ComponentGroup:
    return ComponentGroup.objects.get(pk=pk)


def row_or_none(model, value, field: str, what: str):
    """Cachet's reference ``field`` (``group_id``, ``component_id``): 0 or empty for none, else
    the id of a ``model`` row that must exist (a 400 naming the field otherwise)."""
    pk = shapes.integer(value, field, 0, limits.ID)
    if not pk:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise shapes.InputError(field, f"there is no {what} {pk}.")
    return found


def group_or_none(value) -> ComponentGroup | None:
    return row_or_none(ComponentGroup, value, "group_id", "component group")


def component_or_none(value) -> Component | None:
    return row_or_none(Component, value, "component_id", "component")
