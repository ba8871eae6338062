from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "forewarn.delivery"
    label = "delivery"
