"""A demo metric: API response time, a point every 5 minutes for the last 30 days.

Through the services. Loading again adds the points missing since the last one, so the charts
of a demo that was stopped for a while run up to now.
"""

import math
import random
from datetime import timedelta

from django.utils import timezone

from . import services
from .models import Metric, MetricPoint

SLUG = "api-response-time"
EVERY = timedelta(minutes=5)


def load() -> None:
    metric = Metric.objects.filter(slug=SLUG).first() or services.save_metric(
        Metric(
            name="API response time",
            slug=SLUG,
            description="Median time to answer a request to the public API, measured each minute.",
            unit="ms",
            decimal_places=0,
        ),
        actor="demo",
    )
    now = timezone.now()
    last = MetricPoint.objects.filter(metric=metric).order_by("-at").values_list("at", flat=True)
    start = max(last.first() or now - timedelta(days=30), now - timedelta(days=30)) + EVERY
    rng = random.Random(14)
    points, at = [], start
    while at <= now:
        hour = at.hour + at.minute / 60
        daily = 40 * math.sin((hour - 8) / 24 * 2 * math.pi)  # busier in the afternoon (UTC)
        points.append((at, round(120 + daily + rng.gauss(0, 8), 1), 60))
        at += EVERY
    for first in range(0, len(points), 5_000):
        services.add_points(metric, points[first : first + 5_000], now=now)
