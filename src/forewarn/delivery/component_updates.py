"""Component status changes as notices, for the webhook subscribers that asked for them.

Statuspage sends its webhook subscribers a ``component_update`` whenever a component's status
changes; subscribers in that format (``WebhookFormat.STATUSPAGE``) get the same here. Nobody
else is told of a bare status change (email subscribers hear of incidents and planned work),
so nothing is queued unless such a subscriber exists. ``catalog.services.set_status`` calls
``announce`` in its transaction; the notice's key names the status interval it opened, from
which the payload (``compat.statuspage_webhooks``) reads the old and the new status.
"""

from forewarn.catalog.models import Component, StatusInterval, Visibility
from forewarn.catalog.statuses import LABELS

from .models import Audience, Notice, Subscriber
from .outbox import queue_notice

KIND = "component.status_changed"


def key_of(interval: StatusInterval) -> str:
    return f"component:{interval.component_id}:status:{interval.pk}"


def announce(
    component: Component, interval: StatusInterval, previous: str, *, actor: str
) -> Notice | None:
    """Queue the change for Statuspage-format webhooks of a public component (None: nobody)."""
    if component.visibility != Visibility.PUBLIC:
        return None
    if not Subscriber.statuspage_webhooks().exists():
        return None
    return queue_notice(
        key=key_of(interval),
        thread_key=f"component:{component.public_id}",
        kind=KIND,
        subject=f"{component.name}: {LABELS[interval.status]}",
        body=f"{component.name} changed from {LABELS[previous]} to {LABELS[interval.status]}.",
        audience=Audience.STATUSPAGE_WEBHOOKS,
        components=[component.pk],
        event_times={"changed": interval.started_at.isoformat()},
        created_by=actor,
    )
