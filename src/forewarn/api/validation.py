"""Input rules shared by every router of the JSON API."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError


def refuse_nulls(data: dict, fields: Iterable[str] | None = None) -> dict:
    """Refuse an explicit null in a PATCH for ``fields`` (all given fields when None).

    In a PATCH, omitting a field keeps it; null would clear it, which fields that
    cannot be empty must refuse with a message naming them.
    """
    checked = data if fields is None else [f for f in fields if f in data]
    nulls = [field for field in checked if data[field] is None]
    if nulls:
        raise ValidationError(
            {field: "may not be null; omit the field to leave it unchanged." for field in nulls}
        )
    return data
