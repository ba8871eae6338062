"""Scheduler jobs of the outbox: fan out due notices, send due deliveries, close finished notices."""

import time

from forewarn.delivery import outbox, sender, subscriptions
from forewarn.scheduler import job

PURGE_EVERY_SECONDS = 3600
_last_purge = {"at": float("-inf")}


@job("fan_out_due_notices")
def fan_out_due_notices() -> int:
    """Notices whose ``due_at`` has passed become delivery rows, exactly once."""
    return outbox.fan_out_due()


@job("send_due_deliveries")
def send_due_deliveries() -> int:
    """One sending round: claimed rows sent on parallel connections, outcomes recorded."""
    return sender.send_due()


@job("complete_delivered_notices")
def complete_delivered_notices() -> int:
    """Append ``notice.delivered`` once each notice's deliveries are all done."""
    return outbox.complete_finished_notices()


@job("purge_unconfirmed_subscribers")
def purge_unconfirmed_subscribers() -> int:
    """Forget addresses that never confirmed within 30 days; at most once an hour per worker."""
    now = time.monotonic()
    if now - _last_purge["at"] < PURGE_EVERY_SECONDS:
        return 0
    _last_purge["at"] = now
    subscriptions.purge_unconfirmed()
    return 0  # housekeeping never makes the loop spin again at once
