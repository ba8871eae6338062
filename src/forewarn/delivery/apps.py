from django.apps import AppConfig
from django.conf import settings
from django.core import checks


class DeliveryConfig(AppConfig):
    name = "forewarn.delivery"
    label = "delivery"

    def ready(self):
        checks.register(webhooks_stay_outside, checks.Tags.security, deploy=True)


def webhooks_stay_outside(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Production never lets webhooks reach this machine (``forewarn check --deploy``)."""
    if getattr(settings, "FOREWARN_WEBHOOKS_TO_LOOPBACK", False):
        return [
            checks.Error(
                "FOREWARN_WEBHOOKS_TO_LOOPBACK is on: webhooks could reach services on this machine.",
                hint="It is for tests and development; remove it from production settings.",
                id="forewarn.E101",
            )
        ]
    return []
