"""Calendars pages (public and console)."""

urlpatterns = []
