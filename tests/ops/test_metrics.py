"""/metrics: request counts, the delivery queue, late notices and the scheduler, for those allowed."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.test import RequestFactory
from prometheus_client import REGISTRY

from forewarn.delivery.models import Delivery, Notice
from forewarn.ops import jobs, metrics

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def value(text: str, name: str) -> float:
    found = re.search(rf"^{re.escape(name)} (\S+)$", text, flags=re.MULTILINE)
    assert found, f"{name} not in the metrics"
    return float(found.group(1))


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _notice(key: str, due_at, **fields) -> Notice:
    return Notice.objects.create(
        key=key, thread_key=key, kind="test", subject=key, body="-", due_at=due_at, **fields
    )


@pytest.mark.parametrize(
    ("address", "headers", "status"),
    [
        ("127.0.0.1", {}, 200),
        ("203.0.113.9", {}, 403),
        ("203.0.113.9", {"Authorization": "Bearer s3cret-token"}, 200),
        ("203.0.113.9", {"Authorization": "Bearer wrong"}, 403),
        ("10.1.2.3", {}, 200),
    ],
)
def test_only_the_allowed_networks_or_the_token_read_the_metrics(
    db, client, settings, address, headers, status
):
    settings.FOREWARN_METRICS_TOKEN = "s3cret-token"
    settings.FOREWARN_METRICS_NETWORKS = ["127.0.0.1/32", "10.0.0.0/8"]
    answer = client.get("/metrics", headers=headers, REMOTE_ADDR=address)
    assert answer.status_code == status
    assert answer["Cache-Control"].startswith("max-age=0")
    if status == 200:
        assert answer["Content-Type"].startswith("text/plain; version=")


def test_without_networks_only_the_token_opens_them(db, client, settings):
    settings.FOREWARN_METRICS_NETWORKS = []
    settings.FOREWARN_METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 403
    settings.FOREWARN_METRICS_TOKEN = "t"
    assert client.get("/metrics", headers={"Authorization": "Bearer t"}).status_code == 200


def test_requests_are_counted_by_method_status_and_who_answered():
    def app(environ, start_response):
        start_response("304 Not Modified", [])
        return [b""]

    environ = RequestFactory().get("/").environ
    labels = {"method": "GET", "status": "304", "answered_by": "fastpath"}
    before = REGISTRY.get_sample_value("forewarn_http_requests_total", labels) or 0
    environ["forewarn.answered_by"] = "fastpath"
    metrics.CountRequests(app)(environ, lambda *a: None)
    assert REGISTRY.get_sample_value("forewarn_http_requests_total", labels) == before + 1
    odd = RequestFactory().generic("BREW", "/").environ
    metrics.CountRequests(app)(odd, lambda *a: None)
    assert REGISTRY.get_sample_value(
        "forewarn_http_requests_total", {**labels, "method": "other", "answered_by": "django"}
    )


def test_the_queue_late_notices_and_the_scheduler(db, clock, client):
    caches["shared"].delete(metrics.BEAT_KEY)
    fanned = _notice("old", NOW - timedelta(minutes=5), fanned_out_at=NOW - timedelta(minutes=5))
    for n, status in enumerate(["queued", "queued", "retrying", "sent"]):
        Delivery.objects.create(
            notice=fanned,
            channel="email",
            address=f"a{n}@example.com",
            status=status,
            queued_at=NOW - timedelta(minutes=5 - n),
            next_attempt_at=NOW - timedelta(seconds=30) if n == 0 else NOW + timedelta(minutes=1),
        )
    _notice("waiting", NOW - timedelta(seconds=90))  # due, not fanned out
    _notice("soon", NOW + timedelta(minutes=1))
    _notice("gone", NOW - timedelta(hours=1), cancelled_at=NOW - timedelta(hours=1))

    text = client.get("/metrics").content.decode()
    assert value(text, 'forewarn_delivery_queue{status="queued"}') == 2
    assert value(text, 'forewarn_delivery_queue{status="retrying"}') == 1
    assert value(text, 'forewarn_delivery_queue{status="sending"}') == 0
    assert value(text, "forewarn_delivery_oldest_queued_seconds") == 300
    assert value(text, "forewarn_notices_late") == 2  # "old" (undelivered) and "waiting"
    assert value(text, "forewarn_scheduler_lag_seconds") == 90
    assert "forewarn_scheduler_last_run_age_seconds NaN" in text

    metrics._last_beat["at"] = float("-inf")
    jobs.scheduler_heartbeat()
    text = client.get("/metrics").content.decode()
    assert value(text, "forewarn_scheduler_last_run_age_seconds") == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_a_web_process_adds_up_its_workers_requests(tmp_path):
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR")
    }
    env["FOREWARN_DATA_DIR"] = str(tmp_path)
    forewarn = [sys.executable, "-m", "forewarn.cli"]
    subprocess.run([*forewarn, "migrate", "-v", "0"], env=env, check=True, timeout=120)
    port = _free_port()
    web = subprocess.Popen(
        [*forewarn, "web", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                assert time.monotonic() < deadline, "forewarn web did not answer within 60 s"
                time.sleep(0.2)
        for _ in range(40):  # spread over both workers by the kernel
            urllib.request.urlopen(base + "/healthz", timeout=5).read()
        text = urllib.request.urlopen(base + "/metrics", timeout=5).read().decode()
    finally:
        web.terminate()
        web.wait(timeout=30)
    counted = value(
        text, 'forewarn_http_requests_total{answered_by="django",method="GET",status="200"}'
    )
    assert counted >= 41
    assert len(list((tmp_path / "metrics").glob("counter_*.db"))) == 2  # one file per worker
