"""The references the API and reports take (a slug, a group's public id), turned into rows.

A reference to nothing is a ValidationError naming the field, so the caller answers 422.
Components by slug are ``services.components_by_slug``.
"""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import models

from forewarn import limits

from .models import Component, ComponentGroup, ComponentStatus


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


def component_statuses(components: Mapping[Component, str] | None) -> dict[Component, str]:
    """``{component: status}`` checked: saved components, known status words, a bounded number
    (a ValidationError on ``components`` says which is wrong)."""
    found = {}
    for component, status in (components or {}).items():
        if not isinstance(component, Component) or component.pk is None:
            raise ValidationError({"components": f"{component!r} is not a saved component."})
        if status not in ComponentStatus.values:
            raise ValidationError(
                {
                    "components": f"{component.slug}: '{status}' is not a component status; "
                    f"use one of {', '.join(ComponentStatus.values)}."
                }
            )
        found[component] = status
    if len(found) > limits.ITEMS:
        raise ValidationError({"components": f"Give at most {limits.ITEMS} components."})
    return found
