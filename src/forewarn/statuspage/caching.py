"""Serve public responses from a cache keyed by the page version, and answer conditional requests.

One indexed read of the page version (``version.current_version``) tells
whether anything changed, across every web process; see ``version`` for how
long a process may reuse what it read.
"""

import functools
import hashlib
import time
from datetime import datetime, timedelta
from datetime import time as dt_time
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe
from django.views.decorators.csrf import csrf_exempt

from .vary import mark_public
from .version import current_version, remembered_version

MAX_AGE_SECONDS = 10
# The WSGI environ key under which a cached answer says it may be replayed (``fastpath``), and
# the one under which a stamped answer gives the stamp as the process knows it without a query.
REPLAYABLE = "forewarn.statuspage.replayable"
REPLAY_STAMP = "forewarn.statuspage.replay_stamp"


class Validators(NamedTuple):
    """What a public answer depends on (``state``) and the validators it was sent with."""

    state: str
    etag: str
    last_modified: int


def _etag(state: str, key: str) -> str:
    return f'"{hashlib.blake2s(f"{state}:{key}".encode(), digest_size=10).hexdigest()}"'


ALLOWED = "GET, HEAD, OPTIONS"


def public_cached(view=None, *, cors: bool = False, stamp=None, remembered_stamp=None):
    """Decorator for public GET views whose output depends only on the URL and the page's data.

    ``stamp``, a function of no arguments returning an instant or None, adds what else the
    view's output depends on and when it last moved (when the public charts last changed, see
    ``metrics.public.page_stamp``): it joins the cache key, the ETag and Last-Modified.
    ``remembered_stamp`` gives the same without asking the database (None when this process
    does not know it): with it, the fast path may replay a stamped answer too.

    They read and never write: OPTIONS answers what is allowed (a CORS preflight too), any
    other method than GET and HEAD is a 405 with ``Allow`` (RFC 9110 §15.5.6), before Django's
    CSRF check could call it a forbidden write.
    """

    def decorate(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "OPTIONS":
                return _decorate(_options(cors), cors)
            if request.method not in ("GET", "HEAD"):
                response = HttpResponseNotAllowed(["GET", "HEAD", "OPTIONS"])
                return _decorate(response, cors)
            key = request.get_full_path()
            extra = stamp() if stamp is not None else None
            validators = validators_for(current_version(), key, extra)
            if not_modified(
                request.headers.get("If-None-Match"),
                request.headers.get("If-Modified-Since"),
                validators,
            ):
                response = HttpResponseNotModified()
            else:
                cache_key = f"page:{validators.state}:{key}"
                stored = cache.get(cache_key)
                if stored is None:
                    fresh = view(request, *args, **kwargs)
                    if fresh.status_code != 200:
                        return _decorate(fresh, cors)
                    stored = (fresh.content, fresh["Content-Type"])
                    cache.set(cache_key, stored, 300)
                response = HttpResponse(stored[0], content_type=stored[1])
            if extra is None:
                request.environ[REPLAYABLE] = validators  # the fast path replays by the state
            elif remembered_stamp is not None:
                # A stamped answer (public metrics): the fast path adds the stamp it is told.
                request.environ[REPLAYABLE] = validators
                request.environ[REPLAY_STAMP] = remembered_stamp
            response["ETag"] = validators.etag
            response["Last-Modified"] = http_date(validators.last_modified)
            response["Cache-Control"] = f"public, max-age={MAX_AGE_SECONDS}"
            return _decorate(response, cors)

        return wrapper

    return decorate(view) if view is not None else decorate


def _options(cors: bool) -> HttpResponse:
    response = HttpResponse(status=204)
    response["Allow"] = ALLOWED
    if cors:
        response["Access-Control-Allow-Methods"] = ALLOWED
        response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
        response["Access-Control-Max-Age"] = "86400"
    return response


def validators_for(
    version: tuple[int, datetime], key: str, extra: datetime | None = None
) -> Validators:
    """The state, ETag and Last-Modified of the answer for ``key`` (a full path) at ``version``;
    ``extra``, a view's stamp, when its answer also depends on something else that moved then."""
    day_start = _provider_day_start()
    state = _state(version, day_start)
    moments = [version[1], day_start]
    if extra is not None:
        state = stamped(state, extra)
        moments.append(extra)
    last_modified = int(max(moments).timestamp())
    return Validators(state, _etag(state, key), last_modified)


def stamped(state: str, extra: datetime) -> str:
    """The state of an answer that also depends on a stamp moved at ``extra``."""
    return f"{state}:{extra.timestamp()}"


def fresh_state() -> str | None:
    """The state answers depend on now, when this process knows it without asking the database.

    Called before every answer of the fast path: the state of the last call is reused while
    the version and the day are the same objects.
    """
    version = remembered_version()
    if version is None:
        return None
    day_start = _provider_day_start()
    last = _last_state
    if last[0] is version and last[1] is day_start:
        return last[2]
    return _state(version, day_start)


_last_state: tuple = (None, None, None)


def _state(version: tuple[int, datetime], day_start: datetime) -> str:
    # The change time joins the counter so a restored or recreated database never meets
    # pages cached under the same number; the provider's date joins them so the uptime bars
    # move on to a new day at midnight even when nothing else changed.
    global _last_state
    number, changed_at = version
    state = f"{number}:{changed_at.timestamp()}:{day_start.date().isoformat()}"
    _last_state = (version, day_start, state)
    return state


# The provider's day: its zone, its first instant and the first instant after it (Unix time).
_day: tuple = (None, None, 0.0, 0.0)


def _provider_day_start() -> datetime:
    """Midnight of today in the provider's time zone (worked out again when the day is over)."""
    global _day
    zone_name, start, since, until = _day
    now = time.time()
    if zone_name != settings.PROVIDER_TIME_ZONE or not since <= now < until:
        zone_name = settings.PROVIDER_TIME_ZONE
        zone = ZoneInfo(zone_name)
        today = datetime.fromtimestamp(now, zone).date()
        start = datetime.combine(today, dt_time(0), tzinfo=zone)
        end = datetime.combine(today + timedelta(days=1), dt_time(0), tzinfo=zone)
        _day = (zone_name, start, start.timestamp(), end.timestamp())
    return start


def not_modified(
    if_none_match: str | None, if_modified_since: str | None, validators: Validators
) -> bool:
    """Whether a request with these conditional headers gets a 304 (RFC 9110 §13.2.2)."""
    if if_none_match is not None:
        candidates = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return validators.etag in candidates or "*" in candidates
    if not if_modified_since:
        return False
    since = parse_http_date_safe(if_modified_since)
    return since is not None and validators.last_modified <= since


def _decorate(response, cors: bool):
    if cors:
        response["Access-Control-Allow-Origin"] = "*"
    response["Vary"] = "Accept-Encoding"
    return mark_public(response)  # and not on Cookie: see ``vary``
