"""The chart and its text alternative: the summary says the period's figure, the lowest, the
highest and the latest value with their local times; the table lists every bucket with a value;
the status page shows it all without a script, and re-renders for new points once per bucket."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import html5lib
import pytest
from django.test import Client

from forewarn.metrics import public, services
from forewarn.metrics.chart import draw
from forewarn.metrics.models import Metric
from forewarn.metrics.series import DisplayMode, Period, downsample, window

from .conftest import NOW

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
SVG_TITLE = "{http://www.w3.org/2000/svg}title"


def _day_chart(points, mode=DisplayMode.AVERAGE, unit="ms", decimals=0):
    buckets = downsample(points, window(Period.DAY, NOW), mode)
    return draw(
        buckets,
        name="API response time",
        period=Period.DAY,
        mode=mode,
        unit=unit,
        decimals=decimals,
        zone=AMSTERDAM,
    )


def test_the_summary_names_the_figure_the_extremes_and_the_latest_in_local_time():
    at = NOW - timedelta(hours=2)  # 07:02 UTC, 08:02 in Amsterdam
    chart = _day_chart([(at, 80.0, 1), (at + timedelta(minutes=30), 300.0, 1), (NOW, 110.0, 2)])
    assert chart.title == "API response time, last day"
    assert chart.summary == (
        "Average over the last day: 150 ms; lowest 80 ms at 08:00; "
        "highest 300 ms at 08:30; latest 110 ms at 10:00."
    )
    assert chart.rows == [("08:00", "80 ms"), ("08:30", "300 ms"), ("10:00", "110 ms")]
    assert chart.bucket_text == "every 5 minutes"


def test_a_sum_shows_the_total_and_a_percentage_sticks_to_its_number():
    chart = _day_chart([(NOW, 12.5, 2)], mode=DisplayMode.SUM, unit="%", decimals=1)
    assert chart.summary.startswith("Total over the last day: 25.0%;")


def test_gaps_break_the_line_and_a_lone_value_is_a_dot():
    at = NOW - timedelta(hours=3)
    points = [(at, 1.0, 1), (at + timedelta(minutes=5), 2.0, 1), (NOW, 3.0, 1)]
    chart = _day_chart(points)
    assert len(chart.lines) == 1 and chart.lines[0].count(",") == 2
    assert len(chart.dots) == 1
    assert chart.dots[0][0] == 596.0  # the last bucket, at the right edge


def test_no_points_says_so():
    chart = _day_chart([])
    assert (chart.summary, chart.rows, chart.has_data) == ("No data for the last day.", [], False)


@pytest.fixture
def page(latency):
    services.add_points(latency, [(NOW - timedelta(minutes=m), 100.0 + m) for m in range(0, 60, 5)])
    return Client()


def _figure(html: str, period: str):
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    svg = tree.find(f".//*[@aria-labelledby='chart-api-latency-{period}-title']")
    return tree, svg


def test_the_page_shows_each_public_metric_with_its_text_alternative(page):
    html = page.get("/").content.decode()
    tree, svg = _figure(html, "day")
    assert svg.get("role") == "img"
    title = svg.find(SVG_TITLE)
    assert title.text == "API response time, last day"
    caption = tree.find(".//figcaption[@id='chart-api-latency-day-summary']")
    assert caption.text == (
        "Average over the last day: 128 ms; lowest 100 ms at 10:00; "
        "highest 155 ms at 09:05; latest 100 ms at 10:00."
    )
    assert svg.get("aria-describedby") == "chart-api-latency-day-summary"
    rows = tree.findall(".//figure//table/tbody/tr")
    assert [[td.text for td in row] for row in rows[:2]] == [
        ["09:05", "155 ms"],
        ["09:10", "150 ms"],
    ]
    # the week and the month are a click away, in <details>, with their own text
    _, week = _figure(html, "week")
    assert week.find(SVG_TITLE).text == "API response time, last week"
    assert "<script" not in html


def test_internal_and_hidden_metrics_are_not_on_the_page(page, latency):
    services.save_metric(Metric(name="Queue depth", slug="queue", visibility="internal"), actor="a")
    html = page.get("/").content.decode()
    assert "Queue depth" not in html and "API response time" in html
    latency.visibility = "hidden"
    services.save_metric(latency, actor="alice")
    assert "System metrics" not in page.get("/").content.decode()


def test_new_points_show_once_their_bucket_is_current_not_on_every_point(page, latency, clock):
    first = page.get("/")
    services.add_points(latency, [(NOW, 999.0)])
    again = page.get("/", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304  # the same 5-minute bucket: the cached page stands
    clock.shift(timedelta(minutes=3))  # 09:05:30, the next bucket
    later = page.get("/")
    assert later["ETag"] != first["ETag"]
    assert "<td>10:00</td><td>550 ms</td>" in later.content.decode()  # (100 + 999) / 2


def test_points_reach_the_page_once_their_minute_is_over(page, latency, clock):
    first = page.get("/")  # 09:02:30; the fixture's points came this minute
    services.add_points(latency, [(NOW, 999.0)])
    same = page.get("/", headers={"if-none-match": first["ETag"]})
    assert same.status_code == 304  # later in the same minute: the cached page stands
    clock.shift(timedelta(seconds=30))  # 09:03:00: the minute with points is over
    moved = page.get("/", headers={"if-none-match": first["ETag"]})
    assert moved.status_code == 200
    assert "<td>10:00</td><td>550 ms</td>" in moved.content.decode()
    clock.shift(timedelta(minutes=1))  # 09:04:00 after a minute without points: unchanged
    assert page.get("/", headers={"if-none-match": moved["ETag"]}).status_code == 304


def test_the_charts_are_drawn_once_per_state_for_every_url(page, latency, monkeypatch):
    drawn = []
    real = public.charts
    monkeypatch.setattr(public, "charts", lambda *a: drawn.append(1) or real(*a))
    for url in ("/", "/?utm_source=mail", "/?lang=en"):
        assert "API response time" in page.get(url).content.decode()
    assert len(drawn) == 1
    services.save_metric(Metric(name="Queue depth", slug="queue"), actor="alice")
    assert "Queue depth" in page.get("/").content.decode()  # a new state: drawn again
    assert len(drawn) == 2
