"""Metrics through /api/v1: defined by admins, fed one point or a batch by a responder's token,
read as buckets by viewers; bad input is a 422 naming the field and stores nothing."""

from datetime import timedelta

import pytest

from forewarn.api.models import ApiToken, Surface
from forewarn.compat.alertmanager import services as alertmanager
from forewarn.metrics.models import Metric, MetricPoint
from tests.conftest import ApiClient, make_staff

from .conftest import NOW


@pytest.fixture
def api(api_as, clock):
    return api_as("admin")


def _create(api, **fields):
    body = {"name": "API response time", "slug": "api-latency", "unit": "ms"} | fields
    response = api.post("/api/v1/metrics", body)
    assert response.status_code == 201, response.json()
    return response.json()


def test_an_admin_defines_a_metric_and_a_viewer_reads_it(api, api_as):
    created = _create(api, display_mode="sum", retention_days=30)
    assert (created["display_mode"], created["retention_days"], created["visibility"]) == (
        "sum",
        30,
        "public",
    )
    viewer = api_as("viewer")
    assert viewer.get("/api/v1/metrics/api-latency").json()["unit"] == "ms"
    assert viewer.post("/api/v1/metrics", {"name": "x", "slug": "x"}).status_code == 403
    changed = api.patch("/api/v1/metrics/api-latency", {"default_value": 0, "unit": "s"})
    assert (changed.json()["default_value"], changed.json()["unit"]) == (0.0, "s")
    assert api.patch("/api/v1/metrics/api-latency", {"unit": None}).status_code == 422


def test_one_point_then_a_batch_then_the_series(api, api_as):
    _create(api)
    sender = api_as("responder")
    one = sender.post("/api/v1/metrics/api-latency/points", {"value": 120})
    assert (one.status_code, one.json()) == (201, {"stored": 1})
    batch = [
        {"at": (NOW - timedelta(minutes=m)).isoformat(), "value": 100 + m, "count": 2}
        for m in range(1, 11)
    ]
    response = sender.post("/api/v1/metrics/api-latency/points", {"points": batch})
    assert response.json() == {"stored": 10}
    series = api_as("viewer").get("/api/v1/metrics/api-latency/series", period="day").json()
    assert (series["period"], series["bucket_seconds"], len(series["buckets"])) == ("day", 300, 288)
    last = series["buckets"][-1]  # 09:00–09:05: 120 (×1), 101 and 102 (×2 each)
    assert (last["start"], last["count"], last["value"]) == ("2026-11-24T09:00:00Z", 5, 105.2)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"value": "fast"},
            "value: Input should be a valid number, unable to parse string as a number",
        ),
        ({"value": 1e16}, "value: Input should be less than or equal to 1000000000000000"),
        ({}, "value: Send a value, or a batch of points."),
        (
            {"value": 1, "points": []},
            "points: Send one point (value) or a batch (points), not both.",
        ),
        (
            {"points": [{"value": 1}, {"value": 2, "at": "2026-11-24T10:00:00"}]},
            "points.1.at: '2026-11-24T10:00:00' has no UTC offset; add one, such "
            "as +01:00 or Z, so the instant is exact",
        ),
        (
            {"points": [{"value": 1}, {"value": 2, "at": "2027-01-01T00:00:00Z"}]},
            "points: Point 1: 2027-01-01T00:00:00+00:00 is in the future.",
        ),
        (
            {"points": [{"value": 1}] * 5001},
            "points: List should have at most 5000 items after validation, not 5001",
        ),
    ],
)
def test_a_bad_point_refuses_the_batch_with_the_field_named(api, api_as, body, message):
    _create(api)
    response = api_as("responder").post("/api/v1/metrics/api-latency/points", body)
    assert (response.status_code, response.json()["message"]) == (422, message)
    assert not MetricPoint.objects.exists()


def test_points_need_a_token_and_a_role(api, api_as):
    _create(api)
    assert api_as(None).post("/api/v1/metrics/api-latency/points", {"value": 1}).status_code == 401
    assert (
        api_as("viewer").post("/api/v1/metrics/api-latency/points", {"value": 1}).status_code == 403
    )
    assert api.post("/api/v1/metrics/nothing/points", {"value": 1}).status_code == 404


def test_an_admin_deletes_old_points_then_the_metric(api):
    _create(api)
    api.post(
        "/api/v1/metrics/api-latency/points",
        {"points": [{"at": (NOW - timedelta(hours=h)).isoformat(), "value": h} for h in range(4)]},
    )
    before = (NOW - timedelta(hours=1, minutes=30)).isoformat()
    assert api.delete(
        f"/api/v1/metrics/api-latency/points?before={before.replace('+', '%2B')}"
    ).json() == {"deleted": 2}
    assert api.delete("/api/v1/metrics/api-latency").status_code == 204
    assert not Metric.objects.exists() and not MetricPoint.objects.exists()


JUNK = [None, "", "x" * 3000, -1, 2**70, 1.5, True, [], {}, ["a", 1], {"a": {"b": 1}}, "NaN"]


def _refused_or_done(response, where) -> None:
    assert response.status_code < 500, (where, response.content)
    if response.status_code >= 400:
        assert response.json()["message"], where  # the API's error shape


def test_no_input_to_the_metrics_api_gets_a_500(api, api_as):
    """Each field of each write, junk: done, or a 4xx in the API's shape naming what is wrong."""
    _create(api)
    responder = api_as("responder")
    fields = ("name", "slug", "unit", "display_mode", "visibility", "retention_days")
    fields += ("decimal_places", "default_view", "default_value", "position", "description")
    for field in fields:
        for n, value in enumerate(JUNK):
            body = {"name": "Errors", "slug": f"errors-{field}-{n}".replace("_", "-")}
            _refused_or_done(api.post("/api/v1/metrics", body | {field: value}), (field, value))
            _refused_or_done(api.patch("/api/v1/metrics/api-latency", {field: value}), field)
    for field in ("value", "at", "count", "points"):
        for value in JUNK:
            response = responder.post("/api/v1/metrics/api-latency/points", {field: value})
            _refused_or_done(response, (field, value))
            batch = {"points": [{"value": 1, field: value}]}
            _refused_or_done(responder.post("/api/v1/metrics/api-latency/points", batch), field)
    for query in ({"period": "year"}, {"period": ""}):
        _refused_or_done(api.get("/api/v1/metrics/api-latency/series", **query), query)
    for before in ("yesterday", "", "2026-13-45T00:00:00Z"):
        _refused_or_done(api.delete(f"/api/v1/metrics/api-latency/points?before={before}"), before)
    for raw in (b"{not json", b"\xff\xfe", b"[1, 2]", b"null"):
        response = responder.client.post(
            "/api/v1/metrics/api-latency/points",
            raw,
            content_type="application/json",
            headers=responder.headers,
        )
        _refused_or_done(response, raw)
        assert response.status_code in (400, 422)


def test_a_cachet_or_alertmanager_token_opens_nothing_here(api):
    _create(api)
    _, cachet = ApiToken.issue(make_staff("scripts", "admin"), surface=Surface.CACHET)
    _, hook = alertmanager.create_integration("Prometheus", actor="alice")
    for token in (cachet, hook):
        stranger = ApiClient(token)
        response = stranger.post("/api/v1/metrics/api-latency/points", {"value": 1})
        assert response.status_code == 401
        assert response.json()["message"].startswith("Authentication required")
        assert stranger.get("/api/v1/metrics").status_code == 401
    assert not MetricPoint.objects.exists()
