"""The fast path and the page with public metrics: replayed while its charts stand, through
Django again once points or the clock move them."""

from datetime import timedelta

from forewarn.metrics import services as metrics
from forewarn.metrics.models import Metric
from forewarn.statuspage import version

from .test_fastpath import T0, call, clock, page  # noqa: F401


def test_the_page_with_public_metrics_is_replayed_until_its_charts_change(page, clock):  # noqa: F811
    latency = metrics.save_metric(
        Metric(name="API response time", slug="api-latency", unit="ms"), actor="alice"
    )
    version.forget_version()  # as the metric's commit would
    call(page["fast"], "/")
    first = call(page["fast"], "/")
    assert first[3] == "fastpath"
    metrics.add_points(latency, [(T0, 120.0)])  # as another process would: no version change
    assert call(page["fast"], "/")[3] == "fastpath"  # within the minute: the same page
    clock.shift(timedelta(minutes=1))  # the minute with points is over: the stamp moves
    version._remembered["read_at"] -= 61  # and this process reads the version again
    _, _, body, answered_by = call(page["fast"], "/")
    assert answered_by is None and b"latest 120" in body
    *again, answered_by = call(page["fast"], "/")
    assert answered_by == "fastpath" and again[2] == body
    clock.shift(timedelta(minutes=4))  # 09:05: a new chart bucket, even without points
    assert call(page["fast"], "/")[3] is None
