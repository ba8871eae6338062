"""Prometheus metrics at ``/metrics`` (prometheus-client): requests, the delivery queue, late
notices, the scheduler.

- ``forewarn_http_requests_total{method, status, answered_by}``: every request a web process
  answered, counted by ``CountRequests`` (the outermost WSGI layer, ``forewarn.wsgi``);
  ``answered_by`` is ``fastpath`` (the status page's fast path) or ``django``. Several worker
  processes share their counts through ``PROMETHEUS_MULTIPROC_DIR`` (``forewarn web`` sets it).
- From the database at each scrape, so any web process answers for the whole installation:
  ``forewarn_delivery_queue{status}`` (deliveries queued, retrying, being sent),
  ``forewarn_delivery_oldest_queued_seconds`` (age of the oldest of them),
  ``forewarn_notices_late`` (notices due more than ``FOREWARN_METRICS_LATE_SECONDS`` ago and
  not yet delivered to everyone), ``forewarn_scheduler_lag_seconds`` (how long the most
  overdue due work has waited: a notice to fan out, a delivery to try) and
  ``forewarn_scheduler_last_run_age_seconds`` (since a worker's scheduler last went round).

Access (``metrics_view``): a client in ``FOREWARN_METRICS_NETWORKS`` (default this machine)
or one that sends ``Authorization: Bearer $FOREWARN_METRICS_TOKEN``; anyone else gets 403.
"""

import hmac
import ipaddress
import os
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, Min
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from forewarn.delivery.models import Delivery, Notice
from forewarn.delivery.views import client_ip

REQUESTS = Counter(
    "forewarn_http_requests",
    "Requests answered by the web process.",
    ["method", "status", "answered_by"],
)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
PENDING = ("queued", "retrying", "sending")
BEAT_KEY = "forewarn:scheduler:beat"
BEAT_EVERY_SECONDS = 5


def multiprocess_folder(data_dir: Path) -> str:
    """Where a web server's worker processes keep their counts: emptied for a new server."""
    folder = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or data_dir / "metrics")
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink(missing_ok=True)
    return str(folder)


class CountRequests:
    """WSGI: counts every answer in ``forewarn_http_requests_total``."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        def counted(status, headers, exc_info=None):
            method = environ.get("REQUEST_METHOD", "")
            REQUESTS.labels(
                method if method in METHODS else "other",
                status[:3],
                environ.get("forewarn.answered_by", "django"),
            ).inc()
            return start_response(status, headers, exc_info)

        return self.app(environ, counted)


_last_beat = {"at": float("-inf")}


def beat() -> None:
    """Say that this worker's scheduler went round (written at most every few seconds)."""
    now = time.time()
    if now - _last_beat["at"] >= BEAT_EVERY_SECONDS:
        caches["shared"].set(BEAT_KEY, now, None)
        _last_beat["at"] = now


class DatabaseCollector:
    """Gauges read from the database when scraped."""

    def collect(self):
        now = timezone.now()
        queue = GaugeMetricFamily(
            "forewarn_delivery_queue", "Deliveries waiting or being sent.", labels=["status"]
        )
        pending = {
            row["status"]: row
            for row in Delivery.objects.filter(status__in=PENDING)
            .values("status")
            .annotate(n=Count("id"), oldest=Min("queued_at"), due=Min("next_attempt_at"))
            .order_by()
        }
        for status in PENDING:
            queue.add_metric([status], pending.get(status, {}).get("n", 0))
        yield queue
        oldest = min((row["oldest"] for row in pending.values()), default=now)
        yield _gauge(
            "forewarn_delivery_oldest_queued_seconds",
            "Age of the oldest delivery waiting or being sent.",
            (now - oldest).total_seconds(),
        )
        grace = settings.FOREWARN_METRICS_LATE_SECONDS
        undelivered = Notice.objects.filter(delivered_at__isnull=True, cancelled_at__isnull=True)
        late = undelivered.filter(due_at__lt=now - timedelta(seconds=grace)).count()
        yield _gauge(
            "forewarn_notices_late",
            f"Notices due more than {grace:g} s ago, not yet delivered to everyone.",
            late,
        )
        due = [
            Notice.objects.filter(fanned_out_at__isnull=True, cancelled_at__isnull=True)
            .filter(due_at__lte=now)
            .aggregate(at=Min("due_at"))["at"],
            *(row["due"] for row in pending.values() if row["due"] <= now),
        ]
        waited = max(((now - at).total_seconds() for at in due if at is not None), default=0.0)
        yield _gauge(
            "forewarn_scheduler_lag_seconds", "How long the most overdue due work waited.", waited
        )
        last = caches["shared"].get(BEAT_KEY)
        yield _gauge(
            "forewarn_scheduler_last_run_age_seconds",
            "Seconds since a worker's scheduler last went round (NaN: never).",
            float("nan") if last is None else max(time.time() - last, 0.0),
        )


def _gauge(name: str, help_text: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, help_text, value=value)


def exposition() -> bytes:
    """The metrics in Prometheus's text format: this process's (or all workers'), then the DB's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)
    else:
        processes = REGISTRY
    database = CollectorRegistry(auto_describe=False)
    database.register(DatabaseCollector())
    return generate_latest(processes) + generate_latest(database)


def allowed(request) -> bool:
    """A client inside FOREWARN_METRICS_NETWORKS, or with the bearer token when one is set."""
    token = settings.FOREWARN_METRICS_TOKEN
    sent = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    try:  # the client's address honours FOREWARN_NUM_PROXIES
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(n) for n in settings.FOREWARN_METRICS_NETWORKS)


@never_cache
def metrics_view(request):
    if not allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
