"""Downsampling, pure: which bucket a point falls in, what a bucket shows in each mode, and a
property that the database's GROUP BY and this reference agree is in test_services.py."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from forewarn.metrics.series import (
    Bucket,
    DisplayMode,
    Period,
    aligned,
    changed_until,
    charts_stamp,
    downsample,
    overall,
    point_problem,
    window,
)

NOW = datetime(2026, 11, 24, 9, 2, 30, tzinfo=UTC)


def test_each_period_has_a_fixed_number_of_aligned_buckets_ending_with_the_current_one():
    day, week, month = (window(p, NOW) for p in Period)
    assert (day.size, week.size, month.size) == (288, 168, 180)
    assert day.end == datetime(2026, 11, 24, 9, 5, tzinfo=UTC)
    assert day.start == datetime(2026, 11, 23, 9, 5, tzinfo=UTC)
    assert week.end == datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    assert month.end == datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # 4-hour buckets from 00:00 UTC
    assert month.start == month.end - timedelta(days=30)


def test_a_point_on_a_bucket_edge_belongs_to_the_bucket_it_starts():
    day = window(Period.DAY, NOW)
    edge = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert (day.index(edge - timedelta(microseconds=1)), day.index(edge)) == (286, 287)
    assert day.index(day.end) is None and day.index(day.start) == 0


def test_average_weighs_each_reading_and_sum_adds_them():
    day = window(Period.DAY, NOW)
    at = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    points = [(at, 100.0, 1), (at + timedelta(minutes=1), 200.0, 3)]
    average = downsample(points, day, DisplayMode.AVERAGE)
    total = downsample(points, day, DisplayMode.SUM)
    assert average[287] == Bucket(at, 175.0, 700.0, 4, 100.0, 200.0)
    assert total[287].value == 700.0
    assert [b.value for b in average[:287]] == [None] * 287


def test_an_empty_bucket_shows_the_default_value_when_one_is_set():
    day = window(Period.DAY, NOW)
    buckets = downsample([], day, DisplayMode.SUM, default=0.0)
    assert {b.value for b in buckets} == {0.0}
    assert overall(buckets, DisplayMode.SUM) is None  # no reading at all


def test_aligned_is_the_same_for_every_instant_of_a_bucket():
    width = timedelta(hours=4)
    assert aligned(datetime(2026, 3, 29, 3, 59, tzinfo=UTC), width) == datetime(
        2026, 3, 29, 0, 0, tzinfo=UTC
    )


def test_points_are_refused_with_the_reason():
    oldest, skew = NOW - timedelta(days=90), timedelta(seconds=60)

    def problem(at, value=1.0, count=1):
        return point_problem(at, value, count, now=NOW, oldest=oldest, skew=skew)

    assert problem(NOW) is None
    assert problem(NOW + timedelta(seconds=60)) is None
    assert problem(NOW + timedelta(seconds=61)) == "2026-11-24T09:03:31+00:00 is in the future."
    assert problem(NOW.replace(tzinfo=None)).endswith("is not an instant with a UTC offset.")
    assert problem(NOW, float("nan")) == "nan is not a finite number within ±1e+15."
    assert problem(NOW, True) == "True is not a number."
    assert problem(NOW, 1.0, 0) == "count 0 is not a whole number from 1 to 1,000,000."
    assert problem(oldest - timedelta(seconds=1)).startswith("2026-08-26T09:02:29+00:00 is older")


@given(
    st.lists(
        st.tuples(
            st.integers(0, 30 * 24 * 3600 - 1),
            st.floats(-1e6, 1e6, allow_nan=False),
            st.integers(1, 5),
        ),
        max_size=60,
    ),
    st.sampled_from(list(Period)),
)
def test_every_reading_in_the_window_is_counted_once(raw, period):
    win = window(period, NOW)
    points = [(win.end - timedelta(seconds=s + 1), v, c) for s, v, c in raw]
    buckets = downsample(points, win, DisplayMode.SUM)
    inside = [(at, v, c) for at, v, c in points if at >= win.start]
    assert sum(b.count for b in buckets) == sum(c for _, _, c in inside)
    assert len(buckets) == win.size


def _at(minute: int, second: int = 0) -> datetime:
    return datetime(2026, 11, 24, 9, minute, second, tzinfo=UTC)


def test_the_charts_stamp_moves_with_the_bucket_and_a_minute_after_points():
    assert charts_stamp(_at(2, 30), None) == _at(0)  # no points: the day chart's bucket
    until = changed_until(_at(2, 30))
    assert until == _at(3)
    assert charts_stamp(_at(2, 59), until) == _at(2)  # within the minute: as before
    assert charts_stamp(_at(3, 0), until) == _at(3)  # once the minute is over: moved
    assert charts_stamp(_at(4, 59), until) == _at(3)  # a quiet minute moves nothing
    assert charts_stamp(_at(5, 0), until) == _at(5)  # the next bucket


@given(
    rendered=st.integers(0, 3600),
    arrived=st.integers(0, 3600),
    later=st.integers(0, 3600),
)
def test_points_after_a_render_always_move_the_stamp_within_a_minute(rendered, arrived, later):
    """A page rendered at ``rendered`` seconds (stamp then), points arriving after it: by the
    end of their minute, and ever after, the stamp differs from the rendered page's."""
    start = _at(0)
    rendered_at = start + timedelta(seconds=rendered)
    arrived_at = rendered_at + timedelta(seconds=arrived)
    before = changed_until(start)  # earlier points
    shown = charts_stamp(rendered_at, before)
    until = max(before, changed_until(arrived_at))
    checked = until + timedelta(seconds=later)
    assert checked - arrived_at <= timedelta(minutes=1) + timedelta(seconds=later)
    assert charts_stamp(checked, until) > shown
