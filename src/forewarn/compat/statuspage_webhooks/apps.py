from django.apps import AppConfig


class StatuspageWebhooksConfig(AppConfig):
    name = "forewarn.compat.statuspage_webhooks"
    label = "statuspage_webhooks"
    verbose_name = "Statuspage-style webhooks"

    def ready(self):
        # Registers the format with delivery's webhook transport.
        from . import payload  # noqa: F401
