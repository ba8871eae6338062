"""Availability pages (public and console)."""

urlpatterns = []
