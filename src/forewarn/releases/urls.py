from django.urls import path

from . import public

app_name = "releases"

urlpatterns = [
    path("whats-new/", public.whats_new, name="whats-new"),
    path("whats-new/feed.atom", public.feed, name="whats-new-feed"),
    path("whats-new/releases.json", public.whats_new_json, name="whats-new-json"),
    path("whats-new/deprecations.json", public.deprecations_json, name="deprecations-json"),
    path("whats-new/<slug:slug>/", public.whats_new, name="whats-new-product"),
    path("whats-new/<slug:slug>/feed.atom", public.feed, name="whats-new-product-feed"),
    path(
        "whats-new/<slug:slug>/releases.json", public.whats_new_json, name="whats-new-product-json"
    ),
]
