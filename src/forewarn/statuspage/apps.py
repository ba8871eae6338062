from django.apps import AppConfig


class StatuspageConfig(AppConfig):
    """The public page. Services that change what it shows call ``version.page_changed()``."""

    name = "forewarn.statuspage"
    label = "statuspage"
