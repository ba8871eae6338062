from django.apps import AppConfig


class AvailabilityConfig(AppConfig):
    name = "forewarn.availability"
    label = "availability"
