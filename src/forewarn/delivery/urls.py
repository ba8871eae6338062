"""Delivery pages: subscribing, confirming, preferences and unsubscribing.

The preferences and unsubscribe paths are the ones ``tokens`` puts in every email
(no trailing slash); the slashed forms work too, without a redirect that would
drop an RFC 8058 one-click POST.
"""

from django.urls import path, re_path

from . import views

app_name = "delivery"

TOKEN = r"(?P<token>[0-9A-Za-z-]{1,80})"

urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/sent/", views.subscribe_sent, name="subscribe-sent"),
    path("subscribe/confirm/<str:token>/", views.confirm, name="confirm"),
    re_path(rf"^(?:subscribe/)?preferences/{TOKEN}/?$", views.preferences, name="preferences"),
    re_path(rf"^unsubscribe/{TOKEN}/?$", views.unsubscribe, name="unsubscribe"),
]
