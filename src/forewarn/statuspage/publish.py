"""``forewarn publish``: the whole public site written as files, each one answered by the real view.

Every URL goes through Django's own WSGI handler (every middleware, the page cache,
WhiteNoise for the assets), as the web process answers a visitor, so each file is
byte for byte what the platform serves at that URL. The site is found the way a
visitor finds it: from every route of the status page that takes no argument (the
page, the Statuspage v2 JSON, the history, the feed) and the subscribe page, then
every page, style sheet and asset they link to on this site (incident pages, earlier
months of the history); only status-page routes, the subscribe page and the static
files are followed. ``site_files`` names the files and swaps the copy in atomically.

The page state (version, change time, provider's date, and the public metrics' stamp) is the
one the page's cache keys use; the copy records the state it was rendered at, and ``jobs`` publishes again
when the state moves on.
"""

import io
import logging
import sys
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import parse_http_date_safe

from forewarn.metrics import public as metrics

from . import site_files
from . import urls as page_urls
from .models import PageVersion
from .version import forget_version

logger = logging.getLogger("forewarn.statuspage.publish")

# Pages outside the status page's own routes that the copy holds too.
ALSO_PUBLISHED = ("delivery:subscribe",)
MAX_FILES = 20_000  # a bound on the crawl, far above any real page


class PublishFailed(RuntimeError):
    """A page the copy cannot do without did not answer 200."""


@dataclass(frozen=True)
class Published:
    state: str
    copy: Path
    files: int
    seconds: float


def page_state() -> str:
    """The state the public page shows, read from the database now (not a remembered one).

    With public metrics, their stamp too (``metrics.public.read_stamp``): the copy is published
    again when the charts change, at most once a minute however many points arrive.
    """
    version, changed_at = PageVersion.current()
    now = timezone.now()
    today = timezone.localdate(now, ZoneInfo(settings.PROVIDER_TIME_ZONE))
    state = f"{version}:{changed_at.timestamp()}:{today.isoformat()}"
    stamp = metrics.read_stamp(now)
    return state if stamp is None else f"{state}:{stamp.timestamp()}"


def published_state(folder: Path) -> str | None:
    manifest = site_files.read_manifest(Path(folder))
    return manifest.get("state") if manifest else None


def publish(folder: Path) -> Published:
    """Render the whole public site and swap it in at ``folder``.

    The state is read before rendering: if the page changes meanwhile, the copy says the
    older state, so the worker publishes again at once.
    """
    started = time.monotonic()
    forget_version()  # render what the database says now, not what this process remembers
    state = page_state()
    files = collect()
    about = {"state": state, "site_url": settings.SITE_URL, "published_at": _now()}
    copy = site_files.write_copy(Path(folder), files, about)
    return Published(state, copy, len(files), time.monotonic() - started)


def seeds() -> list[str]:
    """The URLs every copy holds: each status-page route without arguments, and ALSO_PUBLISHED."""
    names = [
        f"{page_urls.app_name}:{p.name}"
        for p in page_urls.urlpatterns
        if not getattr(p.pattern, "converters", {})
    ]
    return [reverse(name) for name in [*names, *ALSO_PUBLISHED]]


def collect() -> list[site_files.SiteFile]:
    """Every file of the site, starting from ``seeds`` and following the links on this site."""
    origin = _origin()
    handler = WSGIHandler()
    required = seeds()
    queue, seen, found = deque(required), set(required), []
    while queue:
        url = queue.popleft()
        status, headers, body = _get(handler, origin, url)
        if status != 200:
            if url in required:
                hint = (
                    " Is the host of FOREWARN_SITE_URL in ALLOWED_HOSTS?" if status == 400 else ""
                )
                raise PublishFailed(f"{url} answered {status}; the copy needs it.{hint}")
            logger.warning("Not publishing %s, linked from the page: it answered %s.", url, status)
            continue
        found.append(_site_file(url, headers, body))
        text = body.decode("utf-8", "replace")
        for href in site_files.links(text, headers.get("content-type", "")):
            path = site_files.local(href, url, origin)
            if path and path not in seen and _publishable(path) and len(seen) < MAX_FILES:
                seen.add(path)
                queue.append(path)
    return found


def _publishable(path: str) -> bool:
    try:
        site_files.file_for(path)
    except site_files.NotPublishable:
        return False
    route = urlsplit(path).path
    if route.startswith(settings.STATIC_URL):
        return True
    try:
        match = resolve(route)
    except Resolver404:
        return False
    return match.namespace == page_urls.app_name or match.view_name in ALSO_PUBLISHED


def _site_file(url: str, headers: dict, body: bytes) -> site_files.SiteFile:
    modified = parse_http_date_safe(headers.get("last-modified", ""))
    return site_files.SiteFile(
        url=url,
        body=body,
        content_type=headers.get("content-type", "application/octet-stream"),
        cache_control=headers.get("cache-control", ""),
        last_modified=modified if modified is not None else int(time.time()),
    )


def _origin() -> str:
    parts = urlsplit(settings.SITE_URL)
    return f"{parts.scheme}://{parts.netloc}"


def _get(handler: WSGIHandler, origin: str, url: str) -> tuple[int, dict, bytes]:
    """GET ``url`` from the WSGI application, as a visitor of ``origin`` would."""
    site, target = urlsplit(origin), urlsplit(url)
    environ = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": target.path,
        "QUERY_STRING": target.query,
        "SERVER_NAME": site.hostname,
        "SERVER_PORT": str(site.port or (443 if site.scheme == "https" else 80)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": site.netloc,
        "HTTP_ACCEPT": "*/*",
        "HTTP_X_FORWARDED_PROTO": site.scheme,  # trusted only behind FOREWARN_TLS_PROXY
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": site.scheme,
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["headers"] = {name.lower(): value for name, value in headers}

    body = handler(environ, start_response)
    try:
        content = b"".join(body)
    finally:
        getattr(body, "close", lambda: None)()
    return answer["status"], answer["headers"], content


def _now() -> str:
    return timezone.now().isoformat(timespec="seconds")
