from django.apps import AppConfig
from django.conf import settings
from django.core import checks

from forewarn.delivery.dkim_signature import DkimKeyError, DkimSigner


class DeliveryConfig(AppConfig):
    name = "forewarn.delivery"
    label = "delivery"

    def ready(self):
        checks.register(webhooks_stay_outside, checks.Tags.security, deploy=True)
        checks.register(dkim_is_configured_whole)


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


def dkim_is_configured_whole(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """DKIM needs a domain, a selector and a readable RSA key, or none of them."""
    names = ("FOREWARN_DKIM_DOMAIN", "FOREWARN_DKIM_SELECTOR", "FOREWARN_DKIM_KEY_FILE")
    given = [name for name in names if getattr(settings, name, "")]
    if not given:
        return []
    if len(given) < len(names):
        missing = ", ".join(name for name in names if name not in given)
        return [checks.Error(f"DKIM signing needs {missing} too.", id="forewarn.E102")]
    try:
        DkimSigner.from_key_file(
            domain=settings.FOREWARN_DKIM_DOMAIN,
            selector=settings.FOREWARN_DKIM_SELECTOR,
            key_file=settings.FOREWARN_DKIM_KEY_FILE,
        )
    except DkimKeyError as exc:
        return [checks.Error(str(exc), id="forewarn.E103")]
    return []
