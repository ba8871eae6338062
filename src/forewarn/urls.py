from django.contrib import admin
from django.urls import include, path

from forewarn.api.v1 import api

admin.site.site_header = "Forewarn console"
admin.site.site_title = "Forewarn console"
admin.site.index_title = "Operations"

urlpatterns = [
    path("console/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("forewarn.statuspage.urls")),
]
