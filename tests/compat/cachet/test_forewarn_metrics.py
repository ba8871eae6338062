"""Cachet's metrics over Forewarn's system metrics, with the real cachet-client; skipped where
the system-metrics domain is not installed."""

import pytest

pytest.importorskip("forewarn.metrics.services", reason="the system metrics are not installed")

from forewarn.metrics.models import Metric, MetricPoint
from forewarn.record.models import Event
from tests.compat.cachet.test_client import cachet, clock, endpoint  # noqa: F401


def test_cachet_metrics_are_forewarns(cachet):  # noqa: F811
    made = cachet.metrics.create(name="API latency", description="p95", suffix="ms")
    row = Metric.objects.get(pk=made.id)
    assert (row.name, row.unit, row.slug, row.visibility) == (
        "API latency",
        "ms",
        "api-latency",
        "public",
    )
    assert (made.calc_type, made.visible, made.default_view) == (1, 1, 1)
    cachet.metrics.create(name="Errors", description="", suffix="/min")
    assert [m.name for m in cachet.metrics.list(per_page=1)] == ["API latency", "Errors"]

    point = cachet.metric_points.create(metric_id=made.id, value=120.5)
    assert (point.value, point.counter) == (120.5, 1)
    assert list(MetricPoint.objects.values_list("value", flat=True)) == [120.5]
    assert cachet.metric_points.count(made.id) == 1
    cachet.metric_points.delete(made.id, point.id)
    assert not MetricPoint.objects.exists()

    cachet.metrics.delete(made.id)
    assert list(Metric.objects.values_list("name", flat=True)) == ["Errors"]
    assert Event.objects.filter(actor="cachet-admin").count() >= 3
