"""Policies pages (public and console)."""

urlpatterns = []
