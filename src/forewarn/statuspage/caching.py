"""Serve public responses from a cache keyed by the page version, and answer conditional requests.

One indexed read of the page version (``version.current_version``) tells
whether anything changed, across every web process; see ``version`` for how
long a process may reuse what it read.
"""

import functools
import hashlib
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseNotModified
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe
from django.views.decorators.csrf import csrf_exempt

from .version import current_version

MAX_AGE_SECONDS = 10


def _etag(state: str, key: str) -> str:
    return f'"{hashlib.blake2s(f"{state}:{key}".encode(), digest_size=10).hexdigest()}"'


ALLOWED = "GET, HEAD, OPTIONS"


def public_cached(view=None, *, cors: bool = False, stamp=None):
    """Decorator for public GET views whose output depends only on the URL and the page's data.

    ``stamp``, a function of no arguments returning an instant or None, adds what else the
    view's output depends on and when it last moved (the metrics' current bucket, see
    ``metrics.public.page_stamp``): it joins the cache key, the ETag and Last-Modified.

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
            version, changed_at = current_version()
            # The change time joins the counter so a restored or recreated database never
            # meets pages cached under the same number; the provider's date joins them so the
            # uptime bars move on to a new day at midnight even when nothing else changed.
            day_start = _provider_day_start()
            state = f"{version}:{changed_at.timestamp()}:{day_start.date().isoformat()}"
            moments = [changed_at, day_start]
            if stamp is not None and (extra := stamp()) is not None:
                state += f":{extra.timestamp()}"
                moments.append(extra)
            key = request.get_full_path()
            etag = _etag(state, key)
            last_modified = int(max(moments).timestamp())
            if _not_modified(request, etag, last_modified):
                response = HttpResponseNotModified()
            else:
                cache_key = f"page:{state}:{key}"
                stored = cache.get(cache_key)
                if stored is None:
                    fresh = view(request, *args, **kwargs)
                    if fresh.status_code != 200:
                        return _decorate(fresh, cors)
                    stored = (fresh.content, fresh["Content-Type"])
                    cache.set(cache_key, stored, 300)
                response = HttpResponse(stored[0], content_type=stored[1])
            response["ETag"] = etag
            response["Last-Modified"] = http_date(last_modified)
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


def _provider_day_start() -> datetime:
    """Midnight of today in the provider's time zone."""
    now = timezone.localtime(timezone.now(), ZoneInfo(settings.PROVIDER_TIME_ZONE))
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def _not_modified(request, etag: str, last_modified: int) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        candidates = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return etag in candidates or "*" in candidates
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and last_modified <= since


def _decorate(response, cors: bool):
    if cors:
        response["Access-Control-Allow-Origin"] = "*"
    response["Vary"] = "Accept-Encoding"
    return response
