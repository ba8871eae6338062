from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "forewarn.portal"
    label = "portal"
    verbose_name = "Customer portal"

    def ready(self):
        # Imported here: the app registry is not ready when apps.py loads.
        from forewarn.api.auth import refuse_other_tokens

        from . import tokens

        refuse_other_tokens(tokens.refusal_on_staff_operations)
