"""The Cachet API v1 under ``/cachet/api/v1/`` (Cachet 2.4's routes, without trailing slashes)."""

from django.urls import path, register_converter

from . import components, general, groups, incidents, subscribers, updates
from .http import resource


class CachetId:
    """An id of at most 18 digits, so no lookup overflows a 64-bit key."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(CachetId, "cachet_id")

app_name = "cachet"
urlpatterns = [
    path("ping", resource(GET=general.ping), name="ping"),
    path("version", resource(GET=general.version), name="version"),
    path(
        "components",
        resource(GET=components.index, POST=components.store),
        name="components",
    ),
    path(
        "components/groups",
        resource(GET=groups.index, POST=groups.store),
        name="groups",
    ),
    path(
        "components/groups/<cachet_id:pk>",
        resource(GET=groups.show, PUT=groups.update, DELETE=groups.destroy),
        name="group",
    ),
    path(
        "components/<cachet_id:pk>",
        resource(GET=components.show, PUT=components.update, DELETE=components.destroy),
        name="component",
    ),
    path(
        "incidents",
        resource(incidents.NAMES, GET=incidents.index, POST=incidents.store),
        name="incidents",
    ),
    path(
        "incidents/<cachet_id:pk>",
        resource(
            incidents.NAMES, GET=incidents.show, PUT=incidents.update, DELETE=incidents.destroy
        ),
        name="incident",
    ),
    path(
        "incidents/<cachet_id:pk>/updates",
        resource(incidents.NAMES, GET=updates.index, POST=updates.store),
        name="updates",
    ),
    path(
        "incidents/<cachet_id:pk>/updates/<cachet_id:update_pk>",
        resource(incidents.NAMES, GET=updates.show, PUT=updates.update, DELETE=updates.destroy),
        name="update",
    ),
    path(
        "subscribers",
        resource(GET=subscribers.index, POST=subscribers.store),
        name="subscribers",
    ),
    path(
        "subscribers/<cachet_id:pk>",
        resource(DELETE=subscribers.destroy),
        name="subscriber",
    ),
]
