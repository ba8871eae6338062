"""Metrics tests run at a fixed instant (a Tuesday morning, 24 November 2026) with the clock stopped."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache

from forewarn.metrics.models import Metric
from forewarn.metrics.services import save_metric

NOW = datetime(2026, 11, 24, 9, 2, 30, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        cache.clear()
        yield traveller
        cache.clear()


@pytest.fixture
def latency(db, clock):
    """A public average metric in milliseconds."""
    return save_metric(
        Metric(name="API response time", slug="api-latency", unit="ms", decimal_places=0),
        actor="alice",
    )
