from django.apps import AppConfig


class PlannedConfig(AppConfig):
    name = "forewarn.planned"
    label = "planned"
    verbose_name = "Planned work"

    def ready(self):
        # Registers the availability exclusion provider for maintenance windows.
        from . import exclusions  # noqa: F401
