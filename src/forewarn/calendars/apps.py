from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "forewarn.calendars"
    label = "calendars"
