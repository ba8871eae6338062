"""Catalog rows as the record keeps them: their values, what a save changes, and the events.

``services`` compares the row it is about to save with the stored one (locked), and records
the difference with ``record.services.changes``: references by slug (or name), many-to-many
fields as sorted lists of slugs, decimals as text, durations in minutes.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.db import models

from forewarn.record.kinds import Kind
from forewarn.record.services import append, changes, snapshot


def compare(
    obj: models.Model, fields: tuple[str, ...], **related: Iterable[models.Model] | None
) -> tuple[dict, dict[str, list[models.Model]]]:
    """The changes from the stored row (locked) to ``obj``, and the rows each many-to-many
    field in ``related`` will hold (given ones, else the stored ones)."""
    stored = None
    if obj.pk is not None:  # get() orders by nothing: no join to lock the nullable side of
        stored = type(obj).objects.select_for_update().get(pk=obj.pk)
    before, after, holds = {}, state(obj, fields), {}
    for name, given in related.items():
        kept = [] if stored is None else list(getattr(stored, name).all())
        holds[name] = kept if given is None else list(given)
        after[name] = labels(holds[name])
        if stored is not None:
            before[name] = labels(kept)
    if stored is not None:
        before |= state(stored, fields)
    return changes(before, after), holds


def set_related(obj: models.Model, holds: dict, **given: Iterable | None) -> None:
    """Set each many-to-many field that was ``given`` (not None) to what ``compare`` said it holds."""
    for name, rows in given.items():
        if rows is not None:
            getattr(obj, name).set(holds[name])


def state(obj: models.Model, fields: tuple[str, ...]) -> dict:
    """``record.services.snapshot`` with references by slug (or name) and decimals as text."""
    values = snapshot(obj, fields)
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_one:
            values[name] = label(getattr(obj, name))
        elif isinstance(field, models.DecimalField) and values[name] is not None:
            places = Decimal(1).scaleb(-field.decimal_places)
            values[name] = str(Decimal(values[name]).quantize(places))
    return values


def label(obj: models.Model | None) -> str | None:
    """How the record names a referenced row: its slug, else its text (a group's name)."""
    return None if obj is None else getattr(obj, "slug", None) or str(obj)


def labels(rows: Iterable[models.Model]) -> list[str]:
    return sorted(label(row) for row in rows)


def record_saved(
    obj: models.Model,
    diff: dict,
    *,
    created: bool,
    kinds: tuple[Kind, Kind],
    actor: str,
    contact: str = "",
) -> None:
    """Append ``kinds[0]`` (created) or ``kinds[1]`` (changed) with the fields that changed."""
    what = "created" if created else f"changed: {', '.join(diff)}"
    append(
        kinds[0] if created else kinds[1],
        subject=obj,
        actor=actor,
        contact=contact,
        description=f"{obj._meta.verbose_name.capitalize()} {obj} {what}.",
        details={"changes": diff},
    )


def record_deletion(
    obj: models.Model,
    fields: tuple[str, ...],
    kind: Kind,
    *,
    actor: str,
    contact: str = "",
    components: list[str] | None = None,
) -> None:
    """Append ``kind`` with what ``obj`` was (and the components it left without it)."""
    details = {"was": state(obj, fields)}
    if components is not None:
        details["components"] = components
    append(
        kind,
        subject=obj,
        actor=actor,
        contact=contact,
        description=f"{obj._meta.verbose_name.capitalize()} {obj} removed.",
        details=details,
    )
