"""Cachet's metrics and points over the ``MetricStore`` interface (the live cachet-client run is
in test_client.py)."""


def test_metric_fields_read_as_cachet_reads_them(metrics, cachet_as):
    admin = cachet_as("admin")
    made = admin.post(
        "metrics",
        {
            "name": "Errors",
            "suffix": "/min",
            "calc_type": "1",
            "view": "3",
            "display_chart": "False",
        },
        form=True,
    ).json()["data"]
    assert (made["calc_type"], made["default_view"], made["display_chart"]) == (1, 3, False)
    refused = admin.post("metrics", {"name": "X", "suffix": "s", "threshold": 7})
    assert refused.json()["errors"][0]["detail"] == (
        "threshold: must divide 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60)."
    )
    changed = admin.put(f"metrics/{made['id']}", {"visible": 0}).json()["data"]
    assert changed["visible"] == 0
    assert cachet_as("guest").get(f"metrics/{made['id']}").status_code == 404
    point = admin.post(f"metrics/{made['id']}/points", {"value": "3", "timestamp": 1795510800})
    assert point.json()["data"]["created_at"] == "2026-11-24 09:00:00"
    assert admin.post(f"metrics/{made['id']}/points", {"value": "lots"}).status_code == 400


def test_metric_writes_need_a_token_and_the_stores_role(metrics, cachet_as):
    assert cachet_as("guest").post("metrics", {"name": "X", "suffix": "s"}).status_code == 401
    assert cachet_as("viewer").post("metrics", {"name": "X", "suffix": "s"}).status_code == 403
    assert metrics.metrics_by_id == {}


def test_without_a_store_the_metrics_are_not_found(cachet_as, settings):
    settings.FOREWARN_CACHET_METRICS = ""
    answer = cachet_as("admin").get("metrics")
    assert answer.status_code == 404
    assert answer.json()["errors"][0]["title"] == "Not Found"
