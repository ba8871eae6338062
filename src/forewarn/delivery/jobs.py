"""Scheduler jobs of the outbox: fan out due notices, send due deliveries, close finished notices."""

from forewarn.delivery import outbox, sender
from forewarn.scheduler import job


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
