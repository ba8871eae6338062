from django.urls import path

from . import views

app_name = "alertmanager"

urlpatterns = [path("hooks/alertmanager", views.hook, name="hook")]
