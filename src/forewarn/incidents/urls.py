"""Incident pages outside the console: following one incident by email (its page links here)."""

from django.urls import path

from . import views

app_name = "incidents"

urlpatterns = [
    path("incidents/<str:public_id>/follow/", views.follow, name="follow"),
    path("incidents/<str:public_id>/follow/sent/", views.follow_sent, name="follow-sent"),
    path("incidents/follow/confirm/<str:token>/", views.confirm, name="follow-confirm"),
    path("incidents/follow/stop/<str:token>/", views.stop, name="follow-stop"),
]
