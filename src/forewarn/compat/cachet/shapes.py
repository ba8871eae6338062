"""The words and numbers of Cachet 2.4's API v1, and the envelope its clients read.

Pure Python, no Django. Cachet speaks in integers where Forewarn speaks in words: a
component's status 0–4, an incident's 1–4 (0 was 2.3's "scheduled", now its own
resource), a schedule's 0–2. Timestamps are ``YYYY-MM-DD HH:MM:SS`` in one time zone
(Cachet's ``app.timezone``). Lists come in ``{"data": [...], "meta": {"pagination": …}}``,
errors in ``{"errors": [{"id", "status", "title", "detail", "meta"}]}``.
"""

import math
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from forewarn.catalog.statuses import Status
from forewarn.incidents.lifecycle import IncidentStatus

API_VERSION = "2.4.1"  # the Cachet release whose API v1 this surface answers as

# Cachet has no "under maintenance" component status; its 0 ("Unknown") carries it both ways,
# so a script that reads a component and writes it back keeps the status it had.
COMPONENT_STATUS = {
    Status.UNDER_MAINTENANCE: 0,
    Status.OPERATIONAL: 1,
    Status.DEGRADED_PERFORMANCE: 2,
    Status.PARTIAL_OUTAGE: 3,
    Status.MAJOR_OUTAGE: 4,
}
COMPONENT_STATUS_NAMES = {
    0: "Under maintenance",
    1: "Operational",
    2: "Performance Issues",
    3: "Partial Outage",
    4: "Major Outage",
}
INCIDENT_STATUS = {
    IncidentStatus.INVESTIGATING: 1,
    IncidentStatus.IDENTIFIED: 2,
    IncidentStatus.MONITORING: 3,
    IncidentStatus.RESOLVED: 4,
}
INCIDENT_STATUS_NAMES = {
    0: "Scheduled",
    1: "Investigating",
    2: "Identified",
    3: "Watching",
    4: "Fixed",
}
INCIDENT_ICONS = {
    0: "icon ion-android-calendar",
    1: "icon ion-flag oranges",
    2: "icon ion-alert yellows",
    3: "icon ion-eye blues",
    4: "icon ion-checkmark greens",
}
SCHEDULE_STATUS_NAMES = {0: "Upcoming", 1: "In Progress", 2: "Complete"}

TIMESTAMP = "%Y-%m-%d %H:%M:%S"
_READ_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


class InputError(ValueError):
    """Input Cachet would refuse with a 400; ``field`` names what was wrong."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def component_status(number: object, field: str = "status") -> Status:
    """The component status of Cachet's number (0–4)."""
    found = _number(number, field, 0, 4)
    return next(status for status, n in COMPONENT_STATUS.items() if n == found)


def incident_status(number: object, field: str = "status") -> IncidentStatus:
    """The incident status of Cachet's number (1–4); 0, "scheduled", is planned work here."""
    found = _number(number, field, 0, 4)
    if found == 0:
        raise InputError(
            field, "0 (Scheduled) is not an incident status here: planned work is a schedule."
        )
    return next(status for status, n in INCIDENT_STATUS.items() if n == found)


def _number(value: object, field: str, low: int, high: int) -> int:
    found = integer(value, field, low, high)
    if found is None:
        raise InputError(field, f"is required: a number from {low} to {high}.")
    return found


def integer(value: object, field: str, low: int, high: int) -> int | None:
    """An integer from ``low`` to ``high`` from JSON or form text; None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit() and len(value) < 20:
        value = int(value.strip())
    if not isinstance(value, int):
        raise InputError(field, f"'{_shown(value)}' is not a whole number.")
    if not low <= value <= high:
        raise InputError(field, f"must be from {low} to {high}, not {value}.")
    return value


def number(value: object, field: str, limit: float = 1e15) -> float | None:
    """A finite number (JSON or form text) no larger than ``limit`` either way; None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InputError(field, "must be a number.")
    try:
        found = float(value) if not isinstance(value, str) or len(value) < 40 else None
    except ValueError:
        found = None
    if found is None or found != found or abs(found) > limit:
        raise InputError(field, f"'{_shown(value)}' is not a number within ±{limit:g}.")
    return found


_TRUE = {"1", "true", "on", "yes"}
_FALSE = {"0", "false", "off", "no", ""}


def boolean(value: object, field: str) -> bool | None:
    """Cachet's booleans: true/false, 1/0 (numbers or text), True/False, on/off; None when absent."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower() if isinstance(value, str) else None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InputError(field, f"'{_shown(value)}' is not a boolean: use true/false or 1/0.")


def text(value: object, field: str, limit: int, *, required: bool = False) -> str | None:
    """A string of at most ``limit`` characters (numbers are taken as their text)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InputError(field, "is required.")
        return None if value is None else ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InputError(field, "must be text.")
    found = str(value)
    if len(found) > limit:
        raise InputError(field, f"has at most {limit} characters, not {len(found)}.")
    return found


def name(value: object, *, creating: bool, limit: int) -> str | None:
    """A resource's ``name``: required when creating, never emptied; None when not given."""
    found = text(value, "name", limit, required=creating)
    if found is not None and not found.strip():
        raise InputError("name", "is required.")
    return found


def timestamp(at: datetime | None, zone: str) -> str | None:
    """``YYYY-MM-DD HH:MM:SS`` of an aware instant in ``zone``; None stays None."""
    return None if at is None else at.astimezone(ZoneInfo(zone)).strftime(TIMESTAMP)


def instant(value: object, field: str, zone: str) -> datetime | None:
    """An aware instant from Cachet's ``Y-m-d H:i[:s]`` (read in ``zone``) or ISO 8601 with an offset."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 40:
        raise InputError(field, "must be a date and time such as 2026-12-28 14:30:00.")
    raw = value.strip()
    for pattern in _READ_FORMATS:
        try:
            return datetime.strptime(raw, pattern).replace(tzinfo=ZoneInfo(zone))
        except ValueError:
            continue
    try:
        found = datetime.fromisoformat(raw)
    except ValueError:
        raise InputError(
            field, f"'{_shown(raw)}' is not a date and time such as 2026-12-28 14:30:00."
        ) from None
    return found if found.utcoffset() is not None else found.replace(tzinfo=ZoneInfo(zone))


def seconds_between(start: datetime | None, end: datetime | None) -> int:
    """Whole seconds from ``start`` to ``end`` (0 when either is missing)."""
    if start is None or end is None:
        return 0
    return int(abs((end - start) / timedelta(seconds=1)))


# --- lists -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Listing:
    """What a list request asks for: a page, its size, a sort, and exact-match filters."""

    page: int
    per_page: int
    sort: str | None
    descending: bool
    filters: dict[str, object]

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


DEFAULT_PER_PAGE = 20  # Cachet's
PAGING = ("page", "per_page", "sort", "order")


def listing(
    params: dict[str, object],
    *,
    sortable: Iterable[str],
    searchable: Iterable[str],
    max_per_page: int,
    max_page: int,
) -> Listing:
    """Read ``page``, ``per_page``, ``sort``, ``order`` and the filters Cachet allows.

    As in Cachet, a sort on a column it does not sort by is ignored, as are unknown filters;
    ``order=desc`` reverses (anything else is ascending).
    """
    per_page = integer(params.get("per_page"), "per_page", 1, max_per_page) or DEFAULT_PER_PAGE
    page = integer(params.get("page"), "page", 1, max_page) or 1
    sort = params.get("sort")
    sort = sort if isinstance(sort, str) and sort in set(sortable) else None
    order = params.get("order")
    descending = isinstance(order, str) and order.strip().lower() == "desc"
    allowed = set(searchable)
    filters = {k: v for k, v in params.items() if k in allowed and k not in PAGING}
    return Listing(page, per_page, sort, descending, filters)


def pagination(
    total: int, count: int, wanted: Listing, page_url: Callable[[int], str]
) -> dict[str, object]:
    """Cachet's ``meta.pagination``: Laravel's paginator, links to the neighbouring pages."""
    total_pages = max(1, math.ceil(total / wanted.per_page))
    page = wanted.page
    return {
        "pagination": {
            "total": total,
            "count": count,
            "per_page": wanted.per_page,
            "current_page": page,
            "total_pages": total_pages,
            "links": {
                "next_page": page_url(page + 1) if page < total_pages else None,
                "previous_page": page_url(page - 1) if page > 1 else None,
            },
        }
    }


# --- errors ------------------------------------------------------------------------------------

TITLES = {
    400: ("Bad Request", "The request cannot be fulfilled due to bad syntax."),
    401: (
        "Unauthorized",
        "Authentication is required and has failed or has not yet been provided.",
    ),
    403: (
        "Forbidden",
        "The request was a legal request, but the server is refusing to respond to it.",
    ),
    404: (
        "Not Found",
        "The requested resource could not be found but may be available again in the future.",
    ),
    405: (
        "Method Not Allowed",
        "A request was made of a resource using a request method not supported by that resource.",
    ),
    409: (
        "Conflict",
        "The request could not be completed due to a conflict with the current state of the resource.",
    ),
    413: ("Payload Too Large", "The request is larger than the server is willing to process."),
    415: (
        "Unsupported Media Type",
        "The request entity has a media type which the server does not support.",
    ),
}


def error(status: int, details: Iterable[str] = (), detail: str | None = None) -> dict:
    """Cachet's error body (graham-campbell/exceptions' JSON API shape); ``details`` are the
    validation messages, each naming its field, that Cachet puts in ``meta.details``."""
    title, standard = TITLES.get(status, ("Error", "The request failed."))
    found = {
        "id": str(uuid.uuid4()),
        "status": status,
        "title": title,
        "detail": detail or standard,
    }
    details = list(details)
    if details:
        found["meta"] = {"details": details}
    return {"errors": [found]}


def _shown(value: object) -> str:
    shown = str(value)
    return shown if len(shown) <= 40 else shown[:37] + "…"
