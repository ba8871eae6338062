"""How the API and the console read planned work: with everything its pages show, in one go."""

from django.db.models import Prefetch

from .models import AffectedComponent, PlannedWork, Window


def works():
    """Planned work with its policy, work types, owner, components (by name), windows (in
    order) and justifications, so a page or an answer costs a fixed number of queries."""
    return PlannedWork.objects.select_related("policy", "work_type", "owner").prefetch_related(
        "other_work_types__policy",
        Prefetch(
            "affected",
            queryset=AffectedComponent.objects.select_related("component").order_by(
                "component__name"
            ),
        ),
        Prefetch("windows", queryset=Window.objects.order_by("index")),
        "justifications__window",
    )
