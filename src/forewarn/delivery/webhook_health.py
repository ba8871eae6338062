"""Webhook and chat subscribers that keep failing are disabled, and their owner is told.

Persistent failure: ``disable_after_failures`` deliveries in a row ended failed
(10 by default), or the subscriber has been failing for ``disable_after_seconds``
(24 h) without a single success.  Called by ``outbox.record_outcomes`` inside
its transaction.
"""

from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q

from forewarn.delivery.models import Audience, Delivery, DeliveryStatus, Subscriber
from forewarn.delivery.outbox import queue_notice, tuning
from forewarn.record.kinds import Kind
from forewarn.record.services import append


def note_results(
    *, succeeded: list[int], failed_attempts: list[int], ended_failed: list[int], now: datetime
) -> list[Subscriber]:
    """Update the failure streaks of the subscribers involved; disable the ones past the limit."""
    tune = tuning()
    if succeeded:
        Subscriber.objects.filter(pk__in=set(succeeded)).filter(
            Q(consecutive_failures__gt=0) | Q(failing_since__isnull=False)
        ).update(consecutive_failures=0, failing_since=None)
    if failed_attempts:
        Subscriber.objects.filter(pk__in=set(failed_attempts), failing_since__isnull=True).update(
            failing_since=now
        )
    for pk, count in Counter(ended_failed).items():
        Subscriber.objects.filter(pk=pk).update(
            consecutive_failures=F("consecutive_failures") + count
        )
    involved = set(failed_attempts) | set(ended_failed)
    if not involved:
        return []
    too_long = now - timedelta(seconds=tune.disable_after_seconds)
    disabled = []
    for subscriber in Subscriber.objects.filter(pk__in=involved, disabled_at__isnull=True).filter(
        Q(consecutive_failures__gte=tune.disable_after_failures) | Q(failing_since__lte=too_long)
    ):
        if subscriber.consecutive_failures >= tune.disable_after_failures:
            reason = f"{subscriber.consecutive_failures} deliveries in a row failed."
        else:
            reason = (
                f"Failing since {subscriber.failing_since:%Y-%m-%d %H:%M} UTC without a success."
            )
        disable(subscriber, reason=reason, now=now)
        disabled.append(subscriber)
    return disabled


def disable(subscriber: Subscriber, *, reason: str, now: datetime) -> None:
    """Disable the subscriber, skip what is still queued for it, record it and tell its owner."""
    Subscriber.objects.filter(pk=subscriber.pk).update(
        disabled_at=now, disabled_reason=reason[:300]
    )
    subscriber.disabled_at, subscriber.disabled_reason = now, reason[:300]
    Delivery.objects.filter(
        subscriber=subscriber, status__in=[DeliveryStatus.QUEUED, DeliveryStatus.RETRYING]
    ).update(status=DeliveryStatus.SKIPPED, last_error=f"Subscriber disabled: {reason}")
    append(
        Kind.SUBSCRIBER_DISABLED,
        subject=subscriber,
        actor="system",
        contact=subscriber.owner_email,
        description=f"{subscriber.channel} subscriber {subscriber.address} disabled: {reason}",
        details={"channel": subscriber.channel, "address": subscriber.address, "reason": reason},
        at=now,
    )
    if subscriber.owner_email:
        queue_notice(
            key=f"subscriber-disabled:{subscriber.pk}:{now.isoformat()}",
            thread_key=f"subscriber:{subscriber.pk}",
            kind="subscriber.disabled",
            subject=f"{settings.PAGE_NAME}: your {subscriber.get_channel_display().lower()} was disabled",
            body=(
                f"We stopped sending notices to **{subscriber.address}** because it kept failing.\n\n"
                f"Reason: {reason}\n\n"
                "Fix the endpoint, then subscribe it again on the status page to receive notices again."
            ),
            audience=Audience.DIRECT,
            direct_addresses=[subscriber.owner_email],
            created_by="system",
        )
