"""Cachet's metrics and their points, translated onto a ``metric_store.MetricStore``.

The store is the system-metrics domain's (``FOREWARN_CACHET_METRICS``, a dotted path to a
callable returning one; by default ``forewarn_metrics.store`` over ``forewarn.metrics``);
without one, these paths answer 404. Reads are public for metrics
Cachet calls visible to guests (``visible`` 1); writes need a token, and the store checks the
role. A point's ``timestamp`` is Unix seconds, as Cachet takes it (or a Cachet time).
"""

from datetime import UTC, datetime

from django.conf import settings
from django.http import Http404
from django.utils.module_loading import import_string

from forewarn import limits

from . import metric_store, shapes
from .http import Call, envelope, item, no_content, wanted
from .metric_store import Metric, MetricStore, Point

NAMES = {"unit": "suffix", "mode": "calc_type", "visibility": "visible"}


def store() -> MetricStore:
    """The configured store; 404 when none is named or its domain is not installed."""
    path = getattr(settings, "FOREWARN_CACHET_METRICS", "")
    try:
        factory = import_string(path) if path else None
    except ImportError:
        factory = None
    if factory is None:
        raise Http404("No system metrics are set up for the Cachet API.")
    return factory()


def _found(lookup):
    try:
        return lookup()
    except LookupError:
        raise Http404("No such metric or point.") from None


def present(metric: Metric, call: Call) -> dict:
    return {
        "id": metric.id,
        "name": metric.name,
        "suffix": metric.suffix,
        "description": metric.description,
        "default_value": metric.default_value,
        "calc_type": metric.calc_type,
        "display_chart": metric.display_chart,
        "places": metric.places,
        "default_view": metric.default_view,
        "threshold": metric.threshold,
        "order": metric.order,
        "visible": metric.visible,
        "created_at": call.timestamp(metric.created_at),
        "updated_at": call.timestamp(metric.updated_at),
        "default_view_name": metric_store.VIEWS.get(metric.default_view),
    }


def present_point(point: Point, call: Call) -> dict:
    return {
        "id": point.id,
        "metric_id": point.metric_id,
        "value": point.value,
        "counter": point.counter,
        "created_at": call.timestamp(point.created_at),
        "updated_at": call.timestamp(point.updated_at),
        "calculated_value": point.value * point.counter,
    }


def index(call: Call):
    asked = wanted(call, sortable=metric_store.SORTABLE, filters={})
    total, found = store().metrics(
        public_only=not call.is_staff_reader,
        sort=asked.sort,
        descending=asked.descending,
        offset=asked.offset,
        limit=asked.per_page,
    )
    return envelope(call, asked, total, [present(m, call) for m in found])


def show(call: Call, pk: int):
    return item(
        present(_found(lambda: store().metric(pk, public_only=not call.is_staff_reader)), call)
    )


def fields(call: Call, *, creating: bool) -> dict[str, object]:
    """The metric fields given, read as Cachet reads them (``view`` is ``default_view``)."""
    given = dict(call.fields)
    if "default_view" not in given and "view" in given:
        given["default_view"] = given["view"]
    found = {
        "name": shapes.name(given.get("name"), creating=creating, limit=limits.NAME),
        "suffix": shapes.text(given.get("suffix"), "suffix", limits.SHORT_TEXT, required=creating),
        "description": shapes.text(given.get("description"), "description", limits.TEXT),
        "default_value": shapes.number(given.get("default_value"), "default_value"),
        "calc_type": shapes.integer(given.get("calc_type"), "calc_type", 0, 1),
        "display_chart": shapes.boolean(given.get("display_chart"), "display_chart"),
        "places": shapes.integer(given.get("places"), "places", 0, 4),
        "default_view": shapes.integer(given.get("default_view"), "default_view", 0, 3),
        "threshold": shapes.integer(given.get("threshold"), "threshold", 1, 60),
        "order": shapes.integer(given.get("order"), "order", 0, limits.POSITION),
        "visible": shapes.integer(given.get("visible"), "visible", 0, 2),
    }
    if found["threshold"] is not None and 60 % found["threshold"]:
        raise shapes.InputError(
            "threshold", "must divide 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60)."
        )
    return {k: v for k, v in found.items() if v is not None}


def create(call: Call):
    call.require()
    made = store().create_metric(fields(call, creating=True), actor=call.actor, role=call.role)
    return item(present(made, call))


def update(call: Call, pk: int):
    call.require()
    changed = _found(
        lambda: store().update_metric(
            pk, fields(call, creating=False), actor=call.actor, role=call.role
        )
    )
    return item(present(changed, call))


def destroy(call: Call, pk: int):
    call.require()
    _found(lambda: store().delete_metric(pk, actor=call.actor, role=call.role))
    return no_content()


def points(call: Call, pk: int):
    asked = wanted(call, sortable=(), filters={})
    total, found = _found(
        lambda: store().points(
            pk, public_only=not call.is_staff_reader, offset=asked.offset, limit=asked.per_page
        )
    )
    return envelope(call, asked, total, [present_point(p, call) for p in found])


def _when(value: object, call: Call) -> datetime | None:
    if (
        isinstance(value, int | float | str)
        and not isinstance(value, bool)
        and str(value).isdigit()
    ):
        seconds = shapes.integer(value, "timestamp", 0, 253_402_300_799)  # up to 9999-12-31
        return datetime.fromtimestamp(seconds, tz=UTC)
    return shapes.instant(value, "timestamp", call.zone)


def add_point(call: Call, pk: int):
    call.require()
    value = shapes.number(call.fields.get("value"), "value")
    if value is None:
        raise shapes.InputError("value", "is required: a number.")
    when = _when(call.fields.get("timestamp"), call)
    point = _found(lambda: store().add_point(pk, value, when, actor=call.actor, role=call.role))
    return item(present_point(point, call))


def update_point(call: Call, pk: int, point_pk: int):
    """Cachet's ``PUT metrics/{id}/points/{point}``: ``value`` and an optional ``timestamp``."""
    call.require()
    value = shapes.number(call.fields.get("value"), "value")
    if value is None:
        raise shapes.InputError("value", "is required: a number.")
    when = _when(call.fields.get("timestamp"), call)
    point = _found(
        lambda: store().update_point(pk, point_pk, value, when, actor=call.actor, role=call.role)
    )
    return item(present_point(point, call))


def delete_point(call: Call, pk: int, point_pk: int):
    call.require()
    _found(lambda: store().delete_point(pk, point_pk, actor=call.actor, role=call.role))
    return no_content()
