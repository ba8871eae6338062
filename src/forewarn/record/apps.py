from django.apps import AppConfig


class RecordConfig(AppConfig):
    name = "forewarn.record"
    label = "record"
