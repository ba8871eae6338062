"""An in-memory ``MetricStore`` for the Cachet metrics tests (the interface, not a domain)."""

from dataclasses import replace

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from forewarn.catalog.models import ROLE_ORDER
from forewarn.compat.cachet.metric_store import Metric, Point

DEFAULTS = {
    "description": "",
    "default_value": 0.0,
    "calc_type": 0,
    "display_chart": True,
    "places": 2,
    "default_view": 1,
    "threshold": 5,
    "order": 0,
    "visible": 1,
}


class FakeMetrics:
    metrics_by_id: dict[int, Metric] = {}
    points_by_id: dict[int, Point] = {}
    calls: list[tuple] = []

    @classmethod
    def reset(cls):
        cls.metrics_by_id, cls.points_by_id, cls.calls = {}, {}, []

    def _allow(self, role):
        if role is None or ROLE_ORDER.index(role) < ROLE_ORDER.index("responder"):
            raise PermissionDenied("Metrics need the 'responder' role or above.")

    def metrics(self, *, public_only, sort, descending, offset, limit):
        rows = [m for m in self.metrics_by_id.values() if m.visible == 1 or not public_only]
        rows.sort(key=lambda m: getattr(m, sort or "id"), reverse=descending)
        return len(rows), rows[offset : offset + limit]

    def metric(self, pk, *, public_only):
        found = self.metrics_by_id[pk]
        if public_only and found.visible != 1:
            raise LookupError(pk)
        return found

    def create_metric(self, fields, *, actor, role):
        self._allow(role)
        now = timezone.now()
        pk = max(self.metrics_by_id, default=0) + 1
        made = Metric(id=pk, created_at=now, updated_at=now, **(DEFAULTS | dict(fields)))
        self.metrics_by_id[pk] = made
        self.calls.append(("create", actor, dict(fields)))
        return made

    def update_metric(self, pk, fields, *, actor, role):
        self._allow(role)
        changed = replace(self.metrics_by_id[pk], **fields, updated_at=timezone.now())
        self.metrics_by_id[pk] = changed
        return changed

    def delete_metric(self, pk, *, actor, role):
        self._allow(role)
        del self.metrics_by_id[pk]

    def points(self, metric_pk, *, public_only, offset, limit):
        self.metric(metric_pk, public_only=public_only)
        rows = [p for p in self.points_by_id.values() if p.metric_id == metric_pk]
        return len(rows), rows[offset : offset + limit]

    def add_point(self, metric_pk, value, at, *, actor, role):
        self._allow(role)
        self.metric(metric_pk, public_only=False)
        at = at or timezone.now()
        pk = max(self.points_by_id, default=0) + 1
        point = Point(pk, metric_pk, value, 1, at, at)
        self.points_by_id[pk] = point
        return point

    def update_point(self, metric_pk, point_pk, value, at, *, actor, role):
        self._allow(role)
        point = self.points_by_id.get(point_pk)
        if point is None or point.metric_id != metric_pk:
            raise LookupError(point_pk)
        changed = replace(point, value=value, created_at=at or point.created_at)
        self.points_by_id[point_pk] = changed
        return changed

    def delete_point(self, metric_pk, point_pk, *, actor, role):
        self._allow(role)
        if self.points_by_id[point_pk].metric_id != metric_pk:
            raise LookupError(point_pk)
        del self.points_by_id[point_pk]
