"""The ``MetricStore`` over Forewarn's system metrics (``forewarn.metrics``): Cachet's metrics
and points are its metrics and points, changed through ``metrics.services``.

``suffix`` is the unit, ``calc_type`` the display mode (0 sum, 1 average), ``places`` the
decimal places, ``default_view`` the chart open on the page (1 day, 2 week, 3 month; Cachet's 0,
the last hour, opens the day), ``order`` the position, ``visible`` 1 public, 0 staff only, 2
hidden. ``display_chart`` and ``threshold`` are checked and not kept (every metric has a chart;
points are bucketed by the chart). Roles as in ``/api/v1``: admins change metrics, responders
add points, admins change and delete them. Named by ``FOREWARN_CACHET_METRICS``.
"""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.text import slugify

from forewarn import limits
from forewarn.catalog.models import ROLE_ORDER
from forewarn.metrics import services
from forewarn.metrics.models import Metric as Row
from forewarn.metrics.models import MetricPoint
from forewarn.metrics.series import DisplayMode, MetricVisibility, Period

from .metric_store import Metric, Point

MODES = {DisplayMode.SUM: 0, DisplayMode.AVERAGE: 1}
SHOWN = {MetricVisibility.INTERNAL: 0, MetricVisibility.PUBLIC: 1, MetricVisibility.HIDDEN: 2}
VIEWS = {Period.DAY: 1, Period.WEEK: 2, Period.MONTH: 3}
ORDER = {"id": "pk", "name": "name", "calc_type": "display_mode", "order": "position"}


def store() -> "ForewarnMetrics":
    return ForewarnMetrics()


def _allow(role: str | None, needed: str) -> None:
    if role is None or ROLE_ORDER.index(role) < ROLE_ORDER.index(needed):
        raise PermissionDenied(f"This needs the '{needed}' role or above.")


def _metric(row: Row) -> Metric:
    return Metric(
        id=row.pk,
        name=row.name,
        suffix=row.unit,
        description=row.description,
        default_value=row.default_value or 0,
        calc_type=MODES[DisplayMode(row.display_mode)],
        display_chart=True,
        places=row.decimal_places,
        default_view=VIEWS[Period(row.default_view)],
        threshold=5,
        order=row.position,
        visible=SHOWN[MetricVisibility(row.visibility)],
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _point(row: MetricPoint) -> Point:
    return Point(row.pk, row.metric_id, row.value, row.count, row.at, row.at)


def _slug(name: str) -> str:
    base = (slugify(name) or "metric")[: limits.SLUG - 6].strip("-") or "metric"
    taken = set(Row.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _set(row: Row, fields) -> Row:
    plain = {
        "name": "name",
        "suffix": "unit",
        "description": "description",
        "places": "decimal_places",
        "order": "position",
        "default_value": "default_value",
    }
    for cachet, field in plain.items():
        if cachet in fields:
            setattr(row, field, fields[cachet])
    if "calc_type" in fields:
        row.display_mode = next(m for m, n in MODES.items() if n == fields["calc_type"]).value
    if "visible" in fields:
        row.visibility = next(v for v, n in SHOWN.items() if n == fields["visible"]).value
    if "default_view" in fields:
        row.default_view = next(
            (p for p, n in VIEWS.items() if n == fields["default_view"]), Period.DAY
        ).value
    return row


class ForewarnMetrics:
    def _rows(self, public_only: bool):
        rows = Row.objects.all()
        return rows.filter(visibility=MetricVisibility.PUBLIC) if public_only else rows

    def _row(self, pk: int, public_only: bool = False) -> Row:
        found = self._rows(public_only).filter(pk=pk).first()
        if found is None:
            raise LookupError(pk)
        return found

    def metrics(self, *, public_only, sort, descending, offset, limit):
        rows = self._rows(public_only)
        if sort in ORDER:
            rows = rows.order_by(("-" if descending else "") + ORDER[sort], "pk")
        else:
            rows = rows.order_by("pk")
        return rows.count(), [_metric(r) for r in rows[offset : offset + limit]]

    def metric(self, pk, *, public_only):
        return _metric(self._row(pk, public_only))

    def create_metric(self, fields, *, actor, role):
        _allow(role, "admin")
        row = _set(Row(), fields)
        row.slug = _slug(row.name)
        return _metric(services.save_metric(row, actor=actor))

    def update_metric(self, pk, fields, *, actor, role):
        _allow(role, "admin")
        return _metric(services.save_metric(_set(self._row(pk), fields), actor=actor))

    def delete_metric(self, pk, *, actor, role):
        _allow(role, "admin")
        services.delete_metric(self._row(pk), actor=actor)

    def points(self, metric_pk, *, public_only, offset, limit):
        found = MetricPoint.objects.filter(metric=self._row(metric_pk, public_only)).order_by(
            "-at", "-pk"
        )
        return found.count(), [_point(p) for p in found[offset : offset + limit]]

    def add_point(self, metric_pk, value, at, *, actor, role):
        _allow(role, "responder")
        row = self._row(metric_pk)
        services.add_points(row, [(at or timezone.now(), value)])
        return _point(MetricPoint.objects.filter(metric=row).latest("pk"))

    def update_point(self, metric_pk, point_pk, value, at, *, actor, role):
        _allow(role, "admin")
        row = self._row(metric_pk)
        try:
            return _point(services.change_point(row, point_pk, value=value, at=at, actor=actor))
        except MetricPoint.DoesNotExist:
            raise LookupError(point_pk) from None

    def delete_point(self, metric_pk, point_pk, *, actor, role):
        _allow(role, "admin")
        row = self._row(metric_pk)
        if not services.delete_points(row, actor=actor, ids=[point_pk]):
            raise LookupError(point_pk)
