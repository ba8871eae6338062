from django.urls import path

from . import views

urlpatterns = [
    path("console/authenticator/", views.authenticator, name="signin-authenticator"),
]
