from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "forewarn.incidents"
    label = "incidents"
    verbose_name = "Incidents"

    def ready(self):
        # Registers the availability exclusion provider for incidents' SLA causes.
        from . import exclusions  # noqa: F401
