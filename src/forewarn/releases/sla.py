"""The SLA versions in force, for the availability engine: registered with
``availability.services.target_provider`` in ``apps.ReleasesConfig.ready``.

Each period is measured against the version of its category's SLA in force when the period
began (one query for every category measured); a category without a version in force then
keeps its own target."""

from datetime import datetime

from .models import SlaVersion


def targets(categories: list, at: datetime) -> dict:
    """{category id: target_pct} of the latest version effective at or before ``at``."""
    ids = [c.pk for c in categories]
    if not ids:
        return {}
    found = {}
    rows = (
        SlaVersion.objects.filter(category_id__in=ids, effective_from__lte=at)
        .order_by("category_id", "-effective_from")
        .values_list("category_id", "target_pct")
    )
    for category_id, target in rows:
        found.setdefault(category_id, target)
    return found
