"""Metrics through their services, on the real database: points in batches (all or none), the
database's downsampling against the pure reference, expiry past retention, the record and the
page version."""

import random
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from forewarn.metrics import jobs, services
from forewarn.metrics.models import Metric, MetricPoint
from forewarn.metrics.series import FINEST, DisplayMode, Period, aligned, downsample, window
from forewarn.record.kinds import Kind
from forewarn.record.models import Event
from forewarn.statuspage.models import PageVersion

from .conftest import NOW


def version() -> int:
    return PageVersion.current()[0]


def test_a_batch_is_stored_whole_and_a_bad_point_refuses_all_of_it(latency):
    stored = services.add_points(latency, [(NOW, 120), (NOW - timedelta(minutes=1), 80.5, 3)])
    assert stored == 2
    with pytest.raises(ValidationError) as refused:
        services.add_points(latency, [(NOW, 1.0), (NOW, float("inf"))])
    assert refused.value.message_dict == {
        "points": ["Point 1: inf is not a finite number within ±1e+15."]
    }
    assert sorted(MetricPoint.objects.values_list("value", "count")) == [(80.5, 3), (120.0, 1)]


def test_a_naive_instant_or_a_boolean_is_refused_with_the_reason(latency):
    with pytest.raises(ValidationError) as refused:
        services.add_points(latency, [(NOW, 1.0), (NOW.replace(tzinfo=None), 2.0)])
    assert refused.value.message_dict["points"][0].endswith("is not an instant with a UTC offset.")
    with pytest.raises(ValidationError) as refused:
        services.add_points(latency, [(NOW, True)])
    assert refused.value.message_dict == {"points": ["Point 0: True is not a number."]}


def test_a_point_slightly_ahead_of_the_clock_is_stored_as_now(latency):
    services.add_points(latency, [(NOW + timedelta(seconds=30), 1.0)])
    assert MetricPoint.objects.get().at == NOW


def test_a_batch_larger_than_the_limit_is_refused(latency):
    with pytest.raises(ValidationError) as refused:
        services.add_points(latency, [(NOW, 1.0)] * 5_001)
    assert "At most 5,000 points at once" in refused.value.message_dict["points"][0]
    assert not MetricPoint.objects.exists()


@pytest.mark.parametrize("period", list(Period))
@pytest.mark.parametrize("mode", list(DisplayMode))
def test_the_database_downsamples_exactly_as_the_reference(latency, period, mode):
    latency.display_mode = mode
    services.save_metric(latency, actor="alice")
    rng = random.Random(14)
    win = window(period, NOW)
    seconds = int((NOW - win.start).total_seconds())
    points = [
        (
            NOW - timedelta(seconds=rng.randrange(seconds), microseconds=rng.randrange(10**6)),
            round(rng.uniform(0, 500), 3),
            rng.randint(1, 4),
        )
        for _ in range(400)
    ]
    # and one point on a bucket's edge, one just before the window
    points += [(win.start + win.width, 7.0, 1), (win.start - timedelta(microseconds=1), 9.0, 1)]
    services.add_points(latency, points)
    found = services.series(latency, period)
    expected = downsample(points, win, mode)
    assert [b.start for b in found] == [b.start for b in expected]
    assert [(b.count, b.low, b.high) for b in found] == [(b.count, b.low, b.high) for b in expected]
    assert [b.value for b in found] == pytest.approx([b.value for b in expected], nan_ok=True)


def test_points_past_retention_expire_in_the_job_once(latency, clock):
    latency.retention_days = 2
    services.save_metric(latency, actor="alice")
    services.add_points(latency, [(NOW - timedelta(days=1, hours=23), 1.0), (NOW, 2.0)])
    clock.shift(timedelta(hours=2))  # the first point is now past two days
    assert jobs.expire_old_points() == 1
    assert list(MetricPoint.objects.values_list("value", flat=True)) == [2.0]
    assert jobs.expire_old_points() == 0  # not due again for an hour
    event = Event.objects.filter(kind=Kind.METRIC_POINTS_DELETED).get()
    assert (event.actor, event.details["points"], event.details["reason"]) == (
        "system",
        1,
        "retention",
    )
    assert Metric.objects.get().next_expiry_at == NOW + timedelta(hours=3)


def test_many_old_points_expire_in_rounds(latency, clock, monkeypatch):
    monkeypatch.setattr(services, "EXPIRY_BATCH", 3)
    latency.retention_days = 1
    services.save_metric(latency, actor="alice")
    services.add_points(latency, [(NOW - timedelta(hours=20, minutes=m), 1.0) for m in range(7)])
    clock.shift(timedelta(hours=5))
    assert [jobs.expire_old_points() for _ in range(4)] == [1, 1, 1, 0]
    assert not MetricPoint.objects.exists()


def test_points_do_not_move_the_page_version_and_public_definitions_do(latency):
    before = version()
    services.add_points(latency, [(NOW, 1.0)])
    assert version() == before
    latency.unit = "s"
    services.save_metric(latency, actor="alice")
    assert version() == before + 1
    latency.retention_days = 30  # not shown on the page
    services.save_metric(latency, actor="alice")
    internal = services.save_metric(
        Metric(name="Queue", slug="queue", visibility="internal"), actor="a"
    )
    internal.unit = "jobs"
    services.save_metric(internal, actor="alice")
    assert version() == before + 1
    latency.visibility = "hidden"
    services.save_metric(latency, actor="alice")  # a public chart goes away
    assert version() == before + 2


def test_deleting_points_and_the_metric_is_recorded_with_counts(latency):
    services.add_points(latency, [(NOW - timedelta(minutes=m), float(m)) for m in range(5)])
    ids = list(MetricPoint.objects.order_by("at").values_list("pk", flat=True)[:2])
    assert services.delete_points(latency, actor="alice", ids=ids) == 2
    services.delete_metric(latency, actor="alice")
    assert not MetricPoint.objects.exists()
    kinds = list(Event.objects.order_by("id").values_list("kind", "details"))
    assert kinds[-2] == (
        "metric.points_deleted",
        {"points": 2, "reason": "request", "ids": sorted(ids)},
    )
    assert kinds[-1][0] == "metric.deleted" and kinds[-1][1]["points"] == 3


def test_points_for_a_metric_deleted_meanwhile_are_refused(latency):
    stale = Metric.objects.get(pk=latency.pk)
    services.delete_metric(latency, actor="alice")
    with pytest.raises(Metric.DoesNotExist):
        services.add_points(stale, [(NOW, 1.0)])
    assert not MetricPoint.objects.exists()


def _remaining(metric):
    return list(MetricPoint.objects.filter(metric=metric).values_list("at", "value", "count"))


def test_the_rollups_follow_deletions_and_expiry(latency, clock):
    rng = random.Random(5)
    points = [
        (NOW - timedelta(seconds=rng.randrange(3 * 24 * 3600)), float(rng.randrange(100)), 1)
        for _ in range(300)
    ]
    services.add_points(latency, points)
    win = window(Period.WEEK, NOW)

    def agrees():
        expected = downsample(_remaining(latency), win, DisplayMode.AVERAGE)
        found = services.series(latency, Period.WEEK)
        assert [(b.count, b.low, b.high) for b in found] == [
            (b.count, b.low, b.high) for b in expected
        ]

    ids = list(MetricPoint.objects.order_by("?").values_list("pk", flat=True)[:40])
    services.delete_points(latency, actor="alice", ids=ids)
    agrees()
    services.delete_points(latency, actor="alice", before=NOW - timedelta(days=2, minutes=7))
    agrees()
    latency.retention_days = 2
    services.save_metric(latency, actor="alice")
    clock.shift(timedelta(hours=13, minutes=3))
    jobs.expire_old_points()
    win = window(Period.WEEK, NOW + timedelta(hours=13, minutes=3))
    agrees()
    assert (
        MetricPoint.objects.filter(
            at__lt=NOW + timedelta(hours=13, minutes=3) - timedelta(days=2)
        ).count()
        == 0
    )


def test_a_changed_point_moves_its_rollups_with_it(latency):
    services.add_points(latency, [(NOW - timedelta(minutes=20), 100.0), (NOW, 200.0)])
    moved = MetricPoint.objects.get(value=100.0)
    services.change_point(latency, moved.pk, value=400.0, at=NOW, actor="alice")
    day = services.series(latency, Period.DAY, now=NOW)
    shown = {b.start: (b.value, b.count) for b in day if b.count}
    assert shown == {aligned(NOW, FINEST): (300.0, 2)}  # both now in the current bucket
    with pytest.raises(ValidationError, match="in the future"):
        services.change_point(latency, moved.pk, value=1.0, at=NOW + timedelta(hours=1), actor="a")
    with pytest.raises(MetricPoint.DoesNotExist):
        services.change_point(latency, 999_999, value=1.0, actor="alice")
