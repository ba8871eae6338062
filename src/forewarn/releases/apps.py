from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    name = "forewarn.releases"
    label = "releases"
    verbose_name = "Releases"
