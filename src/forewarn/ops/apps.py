from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the product: the command line, the scheduler loop, demo data."""

    name = "forewarn.ops"
    label = "ops"
