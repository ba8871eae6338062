from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "forewarn.catalog"
    label = "catalog"
