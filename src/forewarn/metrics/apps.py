from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "forewarn.metrics"
    label = "metrics"
    verbose_name = "Metrics"
