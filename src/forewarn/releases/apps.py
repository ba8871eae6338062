from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    name = "forewarn.releases"
    label = "releases"
    verbose_name = "Releases"

    def ready(self):
        # The availability engine measures each period against the SLA version then in force.
        from forewarn.availability.services import target_provider

        from . import sla

        target_provider(sla.targets)
