from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "forewarn.api"
    label = "api"
