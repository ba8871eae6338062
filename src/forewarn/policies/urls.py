"""Policies pages in the console."""

from django.contrib import admin
from django.urls import path

from . import views

app_name = "policies"

urlpatterns = [
    path(
        "console/policies/check/",
        admin.site.admin_view(views.notice_check),
        name="check",
    ),
]
