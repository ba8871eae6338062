from django.apps import AppConfig


class AlertmanagerConfig(AppConfig):
    name = "forewarn.compat.alertmanager"
    label = "alertmanager"
    verbose_name = "Alertmanager"
