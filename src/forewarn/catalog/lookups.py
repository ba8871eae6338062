"""The references the API and reports take (a slug, a group's public id), turned into rows.

A reference to nothing is a ValidationError naming the field, so the caller answers 422.
Components by slug are ``services.components_by_slug``.
"""

from django.core.exceptions import ValidationError
from django.db import models

from .models import ComponentGroup


def by_slug(model: type[models.Model], slug: str | None, field: str) -> models.Model | None:
    """The ``model`` row with ``slug`` (None for None)."""
    if slug is None:
        return None
    found = model.objects.filter(slug=slug).first()
    if found is None:
        raise ValidationError({field: f"No {model._meta.verbose_name} with slug '{slug}'."})
    return found


def group_by_id(public_id: str | None, field: str = "group") -> ComponentGroup | None:
    """The component group with ``public_id`` (None for None)."""
    if public_id is None:
        return None
    found = ComponentGroup.objects.filter(public_id=public_id).first()
    if found is None:
        raise ValidationError({field: f"No component group with id '{public_id}'."})
    return found
