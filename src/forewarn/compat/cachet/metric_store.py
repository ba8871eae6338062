"""What the Cachet surface needs from Forewarn's system metrics: a small interface.

Pure Python, no Django. Cachet's ``metrics`` and ``metrics/{id}/points`` translate onto a
``MetricStore``: the system-metrics domain provides one (named by the setting
``FOREWARN_CACHET_METRICS``, a dotted path to a callable returning it), which owns the rows and
their rules; until one is configured the endpoints answer 404. A store raises what the other
services raise (``ValidationError`` naming the field, ``PermissionDenied``), and
``LookupError`` for a metric or point that does not exist (or that the caller may not read).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

SUM, AVERAGE = 0, 1  # Cachet's calc_type
VISIBLE_SIGNED_IN, VISIBLE_PUBLIC, VISIBLE_HIDDEN = 0, 1, 2  # Cachet's visible
VIEWS = {0: "Last Hour", 1: "Last 12 Hours", 2: "Week", 3: "Month"}  # Cachet's default_view


@dataclass(frozen=True)
class Metric:
    """A metric as Cachet shows it."""

    id: int
    name: str
    suffix: str
    description: str
    default_value: float
    calc_type: int
    display_chart: bool
    places: int
    default_view: int
    threshold: int
    order: int
    visible: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Point:
    """A point as Cachet shows it: ``counter`` points of ``value`` merged into one."""

    id: int
    metric_id: int
    value: float
    counter: int
    created_at: datetime
    updated_at: datetime


SORTABLE = ("id", "name", "display_chart", "default_value", "calc_type", "order", "visible")
FIELDS = (
    "name",
    "suffix",
    "description",
    "default_value",
    "calc_type",
    "display_chart",
    "places",
    "default_view",
    "threshold",
    "order",
    "visible",
)


class MetricStore(Protocol):
    """The system metrics, as the Cachet surface reads and changes them.

    ``public_only``: a guest's read (Cachet's ``visible`` 1 only). ``fields`` hold the
    ``FIELDS`` given, already read into numbers and booleans; ``actor`` and ``role`` are the
    caller's, for the store's own role checks and the record.
    """

    def metrics(
        self, *, public_only: bool, sort: str | None, descending: bool, offset: int, limit: int
    ) -> tuple[int, list[Metric]]: ...

    def metric(self, pk: int, *, public_only: bool) -> Metric: ...

    def create_metric(
        self, fields: Mapping[str, object], *, actor: str, role: str | None
    ) -> Metric: ...

    def update_metric(
        self, pk: int, fields: Mapping[str, object], *, actor: str, role: str | None
    ) -> Metric: ...

    def delete_metric(self, pk: int, *, actor: str, role: str | None) -> None: ...

    def points(
        self, metric_pk: int, *, public_only: bool, offset: int, limit: int
    ) -> tuple[int, list[Point]]: ...

    def add_point(
        self, metric_pk: int, value: float, at: datetime | None, *, actor: str, role: str | None
    ) -> Point: ...

    def update_point(
        self,
        metric_pk: int,
        point_pk: int,
        value: float,
        at: datetime | None,
        *,
        actor: str,
        role: str | None,
    ) -> Point: ...

    def delete_point(
        self, metric_pk: int, point_pk: int, *, actor: str, role: str | None
    ) -> None: ...
