"""Availability console pages, matched before the admin's catch-all under /console/."""

from django.urls import path

from . import views

app_name = "availability"

urlpatterns = [
    path("console/availability/", views.report, name="report"),
    path(
        "console/availability/organizations/<slug:slug>/",
        views.organization_statement,
        name="organization",
    ),
]
