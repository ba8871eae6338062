"""Cachet's metrics over Forewarn's system metrics, with the real cachet-client; skipped where
the system-metrics domain is not installed."""

import pytest
import requests

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


def test_every_metric_operation_of_cachet_client_on_forewarns_metrics(cachet, endpoint):  # noqa: F811
    made = [
        cachet.metrics.create(name=f"Latency {n}", description="API", suffix="ms") for n in range(3)
    ]
    assert [m.name for m in cachet.metrics.list(per_page=2)] == [f"Latency {n}" for n in range(3)]
    assert cachet.metrics.count() == 3

    read = cachet.metrics.get(made[0].id)
    assert (read.name, read.suffix, read.visible, read.default_view) == ("Latency 0", "ms", 1, 1)
    # cachet-client has no metrics.update: its own HTTP client sends Cachet's PUT.
    changed = cachet._http.put(
        f"metrics/{made[0].id}",
        data={"name": "API latency", "calc_type": 0, "visible": 0, "places": 1},
    ).json()["data"]
    assert (changed["name"], changed["calc_type"], changed["visible"], changed["places"]) == (
        "API latency",
        0,
        0,
        1,
    )
    row = Metric.objects.get(pk=made[0].id)
    assert (row.name, row.display_mode, row.visibility, row.decimal_places) == (
        "API latency",
        "sum",
        "internal",
        1,
    )
    assert list(Event.objects.filter(kind="metric.changed").values_list("actor", flat=True)) == [
        "cachet-admin"
    ]
    assert requests.get(f"{endpoint}/metrics/{made[0].id}", timeout=10).status_code == 404  # guest
    assert cachet.metrics.get(made[0].id).visible == 0  # staff still read it

    points = [cachet.metric_points.create(metric_id=made[1].id, value=v) for v in (10, 20, 30)]
    assert [p.value for p in cachet.metric_points.list(made[1].id, per_page=2)] == [30, 20, 10]
    assert [p.value for p in read.points()] == []  # the resource's own listing
    assert cachet.metric_points.count(made[1].id) == 3
    assert MetricPoint.objects.filter(metric_id=made[1].id).count() == 3
    # cachet-client has no point update either: Cachet's PUT through its HTTP client.
    changed = cachet._http.put(
        f"metrics/{made[1].id}/points/{points[0].id}", data={"value": 12.5}
    ).json()["data"]
    assert (changed["id"], changed["value"], changed["counter"]) == (points[0].id, 12.5, 1)
    assert MetricPoint.objects.get(pk=points[0].id).value == 12.5
    assert Event.objects.filter(kind="metric.point_changed", actor="cachet-admin").count() == 1
    with pytest.raises(requests.HTTPError) as elsewhere:  # a point of another metric
        cachet._http.put(f"metrics/{made[0].id}/points/{points[0].id}", data={"value": 1})
    assert elsewhere.value.response.status_code == 404
    with pytest.raises(requests.HTTPError) as bad:
        cachet._http.put(f"metrics/{made[1].id}/points/{points[0].id}", data={"value": "x"})
    assert bad.value.response.json()["errors"][0]["detail"].startswith("value:")
    cachet.metric_points.delete(made[1].id, points[1].id)
    assert [p.value for p in cachet.metric_points.list(made[1].id)] == [30, 12.5]
    with pytest.raises(requests.HTTPError) as missing:
        cachet.metric_points.delete(made[1].id, points[1].id)
    assert missing.value.response.status_code == 404

    cachet.metrics.delete(made[2].id)
    assert cachet.metrics.count() == 2
    with pytest.raises(requests.HTTPError) as missing:
        cachet.metrics.get(made[2].id)
    assert missing.value.response.status_code == 404
    assert missing.value.response.json()["errors"][0]["status"] == 404
    assert not Metric.objects.filter(pk=made[2].id).exists()
