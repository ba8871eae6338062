"""The Cachet API v1 under ``/cachet/api/v1/`` (Cachet 2.4's routes, without trailing slashes)."""

from importlib.util import find_spec

from django.urls import path, register_converter

from . import components, general, groups, incidents, metrics, subscribers, updates
from .http import resource


class CachetId:
    """An id of at most 18 digits, so no lookup overflows a 64-bit key."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(CachetId, "cachet_id")


def route(pattern: str, name: str, names: dict | None = None, **handlers):
    """One Cachet path and the handler of each of its methods."""
    return path(pattern, resource(names, **handlers), name=name)


INCIDENT_NAMES = incidents.NAMES
app_name = "cachet"
urlpatterns = [
    route("ping", "ping", GET=general.ping),
    route("version", "version", GET=general.version),
    route("components", "components", GET=components.index, POST=components.store),
    route("components/groups", "groups", GET=groups.index, POST=groups.store),
    route(
        "components/groups/<cachet_id:pk>",
        "group",
        GET=groups.show,
        PUT=groups.update,
        DELETE=groups.destroy,
    ),
    route(
        "components/<cachet_id:pk>",
        "component",
        GET=components.show,
        PUT=components.update,
        DELETE=components.destroy,
    ),
    route("incidents", "incidents", INCIDENT_NAMES, GET=incidents.index, POST=incidents.store),
    route(
        "incidents/<cachet_id:pk>",
        "incident",
        INCIDENT_NAMES,
        GET=incidents.show,
        PUT=incidents.update,
        DELETE=incidents.destroy,
    ),
    route(
        "incidents/<cachet_id:pk>/updates",
        "updates",
        INCIDENT_NAMES,
        GET=updates.index,
        POST=updates.store,
    ),
    route(
        "incidents/<cachet_id:pk>/updates/<cachet_id:update_pk>",
        "update",
        INCIDENT_NAMES,
        GET=updates.show,
        PUT=updates.update,
        DELETE=updates.destroy,
    ),
    route("metrics", "metrics", metrics.NAMES, GET=metrics.index, POST=metrics.create),
    route(
        "metrics/<cachet_id:pk>",
        "metric",
        metrics.NAMES,
        GET=metrics.show,
        PUT=metrics.update,
        DELETE=metrics.destroy,
    ),
    route(
        "metrics/<cachet_id:pk>/points",
        "points",
        metrics.NAMES,
        GET=metrics.points,
        POST=metrics.add_point,
    ),
    route(
        "metrics/<cachet_id:pk>/points/<cachet_id:point_pk>",
        "point",
        metrics.NAMES,
        PUT=metrics.update_point,
        DELETE=metrics.delete_point,
    ),
    route("subscribers", "subscribers", GET=subscribers.index, POST=subscribers.store),
    route("subscribers/<cachet_id:pk>", "subscriber", DELETE=subscribers.destroy),
]

# Cachet's schedules are Forewarn's planned work: mapped once the planned-work domain is there.
if find_spec("forewarn.planned.services") is not None:
    from . import schedules

    urlpatterns += [
        route("schedules", "schedules", schedules.NAMES, GET=schedules.index, POST=schedules.store),
        route(
            "schedules/<cachet_id:pk>",
            "schedule",
            schedules.NAMES,
            GET=schedules.show,
            PUT=schedules.update,
            DELETE=schedules.destroy,
        ),
    ]
