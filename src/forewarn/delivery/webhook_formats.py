"""Webhook payload formats besides Standard Webhooks' own, by ``WebhookFormat`` value.

The module that knows a format registers a function from the notice to the JSON body with
``@webhook_format(name)`` (``compat.statuspage_webhooks`` does, for Statuspage's); the webhook
transport (``channels.WebhookTransport``) looks it up by the subscriber's ``payload_format``. A
function may return None for a notice that has no form in its format.
"""

from collections.abc import Callable

FORMATS: dict[str, Callable[[object], dict | None]] = {}


def webhook_format(name: str):
    """Register ``render(mail) -> dict | None`` as the body of webhooks in format ``name``."""

    def register(render):
        FORMATS[name] = render
        return render

    return register
