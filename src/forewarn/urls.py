from django.contrib import admin
from django.urls import include, path

from forewarn.api.v1 import api
from forewarn.ops import metrics
from forewarn.ops import views as ops_views

admin.site.site_header = "Forewarn console"
admin.site.site_title = "Forewarn console"
admin.site.index_title = "Operations"

urlpatterns = [
    # Domain pages first: each may add console pages under /console/<domain>/ before the admin's catch-all.
    path("", include("forewarn.policies.urls")),
    path("", include("forewarn.delivery.urls")),
    path("", include("forewarn.availability.urls")),
    path("", include("forewarn.signin.urls")),
    path("", include("forewarn.incidents.urls")),
    path("", include("forewarn.compat.alertmanager.urls")),
    path("", include("forewarn.support.urls")),
    path("", include("forewarn.portal.urls")),
    path("", include("forewarn.releases.urls")),
    path("console/", admin.site.urls),
    path("api/v1/", api.urls),
    path("cachet/api/v1/", include("forewarn.compat.cachet.urls")),
    path("healthz", ops_views.healthz, name="healthz"),
    path("readyz", ops_views.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("", include("forewarn.statuspage.urls")),
]
