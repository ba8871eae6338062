"""Delivery pages (public and console)."""

urlpatterns = []
