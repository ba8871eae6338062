from django.urls import path

from . import incident_pages, maintenance_pages, views

app_name = "statuspage"

urlpatterns = [
    path("", views.index, name="index"),
    path("api/v2/summary.json", views.v2_summary, name="v2-summary"),
    path("api/v2/status.json", views.v2_status, name="v2-status"),
    path("api/v2/components.json", views.v2_components, name="v2-components"),
    path("api/v2/incidents.json", views.v2_incidents, name="v2-incidents"),
    path(
        "api/v2/incidents/unresolved.json",
        views.v2_incidents_unresolved,
        name="v2-incidents-unresolved",
    ),
    path("incidents/<str:public_id>/", incident_pages.incident, name="incident"),
    path("history/", incident_pages.history, name="history"),
    path("history.atom", incident_pages.feed, name="history-feed"),
    path(
        "api/v2/scheduled-maintenances.json",
        views.v2_scheduled_maintenances,
        name="v2-maintenances",
    ),
    path(
        "api/v2/scheduled-maintenances/upcoming.json",
        views.v2_scheduled_maintenances_upcoming,
        name="v2-maintenances-upcoming",
    ),
    path(
        "api/v2/scheduled-maintenances/active.json",
        views.v2_scheduled_maintenances_active,
        name="v2-maintenances-active",
    ),
    path("maintenance/<str:public_id>/", maintenance_pages.maintenance, name="maintenance"),
    path("maintenance.ics", maintenance_pages.calendar, name="maintenance-calendar"),
    path(
        "components/<slug:slug>/maintenance.ics",
        maintenance_pages.component_calendar,
        name="component-maintenance-calendar",
    ),
    path("maintenance.atom", maintenance_pages.feed, name="maintenance-feed"),
]
