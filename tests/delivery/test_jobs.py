"""Housekeeping jobs of the delivery app."""

from datetime import timedelta

from django.utils import timezone

from forewarn.delivery import jobs
from forewarn.delivery.models import Subscriber


def test_unconfirmed_subscribers_are_purged_after_30_days_at_most_hourly(db):
    old = timezone.now() - timedelta(days=31)
    Subscriber.objects.create(address="stale@example.com", created_at=old)
    Subscriber.objects.create(address="fresh@example.com")
    Subscriber.objects.create(address="kept@example.com", created_at=old, confirmed_at=old)
    jobs._last_purge["at"] = float("-inf")

    jobs.purge_unconfirmed_subscribers()
    assert sorted(Subscriber.objects.values_list("address", flat=True)) == [
        "fresh@example.com",
        "kept@example.com",
    ]

    Subscriber.objects.create(address="stale2@example.com", created_at=old)
    jobs.purge_unconfirmed_subscribers()  # within the hour: nothing runs
    assert Subscriber.objects.filter(address="stale2@example.com").exists()
