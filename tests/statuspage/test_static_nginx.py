"""The shipped nginx configuration serves the static copy as the web process serves the page.

Real processes on 127.0.0.1: the demo data in a SQLite file, `forewarn web`, `forewarn
publish`, Debian's nginx with deploy/nginx/forewarn-static.conf in front, and at the end a
real `forewarn worker`. Every URL of the copy is asked of nginx and of the web process:
the same status, the same bytes, the same headers where they should be the same. The
tests run in file order (one module, one process) and the last ones change the data.
"""

import http.client
import json
import os
import re
import subprocess
import sys
import time
from urllib.parse import urlencode

import pytest

from forewarn.statuspage import site_files

from .servers import MISSING, NGINX, Platform, free_port, nginx, site_config

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not NGINX.exists(), reason=MISSING),
]

# Security headers, as Django's settings write them: the fallback page has them too.
SECURITY = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
    "Cross-Origin-Opener-Policy",
    "Permissions-Policy",
)
# Headers both must send alike (ETag too for assets: nginx and WhiteNoise both write mtime-size).
ALIKE = (
    "Content-Type",
    "Content-Length",
    "Last-Modified",
    "Cache-Control",
    "Access-Control-Allow-Origin",
    "Vary",
    *SECURITY,
)
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
# Today's bar and the 90-day figure are measured up to the moment the page is rendered; the
# web process's cache and the copy each keep their first render after a change, so during an
# outage they may differ there (and only there) by the seconds between the two renders.
SO_FAR = re.compile(
    rb'<li class="u-\w+"[^>]*><span class="tip">[^<]*\(today so far\)[^<]*</span></li>'
    rb'|<span class="uptime-figure">[^<]*</span>'
)


class Answer:
    def __init__(self, response: http.client.HTTPResponse):
        self.status = response.status
        self.headers = response.headers
        self.body = response.read()

    def alike(self, skip=()) -> dict:
        return {name: self.headers.get(name) for name in ALIKE if name not in skip}


def ask(port: int, url: str, method="GET", headers=None, body=None, host=None) -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        sent = {"Host": host or f"127.0.0.1:{port}"} | (headers or {})
        connection.request(method, url, body=body, headers=sent)
        return Answer(connection.getresponse())
    finally:
        connection.close()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """The demo platform behind nginx; ``stack.web``/``stack.front`` ask one or the other."""
    front_port, web_port = free_port(), free_port()
    platform = Platform(tmp_path_factory.mktemp("platform"), f"http://127.0.0.1:{front_port}")
    platform.load_demo()
    with platform.web(web_port) as web:
        platform.run("publish")
        config = site_config(platform.site, front_port, f"127.0.0.1:{web_port}")
        with nginx(config, platform.folder / "nginx", front_port):
            yield Stack(platform, web, front_port, web_port)


class Stack:
    def __init__(self, platform, web, front_port, web_port):
        self.platform, self.web_process = platform, web
        self.front_port, self.web_port = front_port, web_port

    def front(self, url, **kwargs) -> Answer:
        return ask(self.front_port, url, **kwargs)

    def web(self, url, **kwargs) -> Answer:
        """The web process, asked as a visitor of the public address asks it."""
        return ask(self.web_port, url, host=f"127.0.0.1:{self.front_port}", **kwargs)

    def urls(self) -> list[str]:
        files = site_files.read_manifest(self.platform.site)["files"]
        return sorted(about["url"] for about in files.values())


def differences(stack: Stack) -> list[str]:
    found = []
    for url in stack.urls():
        front, web = stack.front(url), stack.web(url)
        front_body, web_body = front.body, web.body
        if url == "/subscribe/":  # proxied: a new CSRF token each time
            front_body, web_body = CSRF.sub(b"", front_body), CSRF.sub(b"", web_body)
        if url == "/":
            front_body, web_body = SO_FAR.sub(b"", front_body), SO_FAR.sub(b"", web_body)
        if (front.status, front_body) != (200, web_body) or web.status != 200:
            found.append(
                f"{url}: {front.status} vs {web.status}, {_first_difference(front_body, web_body)}"
            )
        if url == "/subscribe/":
            continue
        skip = ("Content-Length",) if url == "/" else ()  # see SO_FAR
        if front.alike(skip) != web.alike(skip):
            found.append(f"{url}: {front.alike(skip)} != {web.alike(skip)}")
        if not front.headers.get("ETag"):
            found.append(f"{url}: no ETag")
        if url.startswith("/static/") and front.headers["ETag"] != web.headers["ETag"]:
            found.append(f"{url}: ETag {front.headers['ETag']} != {web.headers['ETag']}")
    return found


def _first_difference(one: bytes, other: bytes) -> str:
    at = next(
        (i for i, (a, b) in enumerate(zip(one, other, strict=False)) if a != b),
        min(len(one), len(other)),
    )
    return f"from byte {at}: {one[at - 40 : at + 40]!r} vs {other[at - 40 : at + 40]!r}"


def test_every_url_of_the_copy_answers_as_the_web_process(stack):
    urls = stack.urls()
    assert {"/", "/api/v2/summary.json", "/history.atom", "/subscribe/"} <= set(urls)
    assert any(u.startswith("/incidents/") for u in urls) and any("?month=" in u for u in urls)
    found = differences(stack)
    if (
        found
        and stack.front("/").headers["Last-Modified"] != stack.web("/").headers["Last-Modified"]
    ):
        stack.platform.run("publish")  # the provider's day turned meanwhile: publish, ask again
        found = differences(stack)
    assert found == [], "\n".join(found)
    assert stack.front("/").headers.get("X-Request-ID") is None  # served from disk, not proxied


@pytest.mark.parametrize("url", ["/", "/api/v2/summary.json", "/history.atom"])
def test_conditional_requests_get_the_same_304(stack, url):
    front, web = stack.front(url), stack.web(url)
    again = stack.front(url, headers={"If-None-Match": front.headers["ETag"]})
    assert (again.status, again.body) == (304, b"")
    web_again = stack.web(url, headers={"If-None-Match": web.headers["ETag"]})
    assert web_again.status == 304
    same = [h for h in ALIKE if h not in ("Content-Type", "Content-Length")]
    assert {h: again.headers.get(h) for h in same} == {h: web_again.headers.get(h) for h in same}
    since = {"If-Modified-Since": web.headers["Last-Modified"]}
    assert stack.front(url, headers=since).status == stack.web(url, headers=since).status == 304


def test_a_cors_preflight_is_answered_as_the_web_process_answers_it(stack):
    asked = {"Origin": "https://widget.example", "Access-Control-Request-Method": "GET"}
    front = stack.front("/api/v2/summary.json", method="OPTIONS", headers=asked)
    web = stack.web("/api/v2/summary.json", method="OPTIONS", headers=asked)
    assert front.status == web.status == 204
    preflight = (
        "Allow",
        "Access-Control-Allow-Origin",
        "Access-Control-Allow-Methods",
        "Access-Control-Allow-Headers",
        "Access-Control-Max-Age",
        "Cache-Control",
    )
    assert {h: front.headers.get(h) for h in preflight} == {
        h: web.headers.get(h) for h in preflight
    }


def test_other_methods_and_pages_outside_the_copy_reach_the_web_process(stack):
    posted = stack.front("/api/v2/summary.json", method="POST", body=b"")
    assert (posted.status, posted.headers["Allow"]) == (405, "GET, HEAD, OPTIONS")
    assert posted.headers["X-Request-ID"]  # the web process's answer
    console = stack.front("/console/")
    assert (console.status, console.headers["Location"]) == (302, "/console/login/?next=/console/")
    old_month = stack.front("/history/?month=2001-01")
    assert old_month.status == 200 and b"No incidents reported in January 2001" in old_month.body
    assert stack.front("/.forewarn-copy.json").status == 404


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("POST", "/"),
        ("PUT", "/history/"),
        ("DELETE", "/api/v2/incidents/unresolved.json"),
        ("POST", "/api/v2/nothing.json"),
        ("GET", "/api/v2/nothing.json"),
        ("GET", "/api/v2/incidents"),  # a folder of the copy: not nginx's redirect to a slash
        ("GET", "/api/v2/incidents/"),
        ("GET", "/api/v2/"),
        ("GET", "/static/forewarn/"),
    ],
)
def test_methods_and_folders_the_copy_does_not_answer_reach_the_web_process(stack, method, url):
    front = stack.front(url, method=method, body=b"" if method != "GET" else None)
    web = stack.web(url, method=method, body=b"" if method != "GET" else None)
    assert front.headers["X-Request-ID"]  # proxied: the web process's own answer
    assert front.status == web.status
    assert front.headers.get("Location") == web.headers.get("Location")


@pytest.mark.parametrize("url", ["/", "/api/v2/summary.json", "/static/forewarn/status.css"])
def test_head_gets_the_headers_of_get_without_the_body(stack, url):
    get, head = stack.front(url), stack.front(url, method="HEAD")
    assert (head.status, head.body) == (200, b"")
    assert head.alike() == get.alike() and head.headers["ETag"] == get.headers["ETag"]


def test_a_preflight_for_any_json_of_the_copy_is_answered_alike(stack):
    asked = {"Origin": "https://widget.example", "Access-Control-Request-Method": "GET"}
    url = "/api/v2/incidents/unresolved.json"
    front = stack.front(url, method="OPTIONS", headers=asked)
    web = stack.web(url, method="OPTIONS", headers=asked)
    assert front.status == web.status == 204
    assert front.headers.get("X-Request-ID") is None  # answered by nginx
    # A 204 has no body: nginx sends no Content-Length (RFC 9110, 8.6), nor a type.
    same = [h for h in ALIKE if h not in ("Content-Type", "Content-Length")]
    same += ["Allow", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers"]
    assert {h: front.headers.get(h) for h in same} == {h: web.headers.get(h) for h in same}


def test_the_subscribe_form_reaches_the_platform_through_nginx(stack):
    page = stack.front("/subscribe/")
    assert page.status == 200 and page.headers["X-Request-ID"]  # proxied, never the copy's
    cookie = page.headers["Set-Cookie"].split(";")[0]
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1)
    form = urlencode(
        {"csrfmiddlewaretoken": token.decode(), "email": "ann@example.com", "scope": "all"}
    )
    sent = stack.front(
        "/subscribe/",
        method="POST",
        body=form,
        headers={
            "Cookie": cookie,
            "Origin": f"http://127.0.0.1:{stack.front_port}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert (sent.status, sent.headers["Location"]) == (302, "/subscribe/sent/")


def test_a_status_change_reaches_the_copy_through_a_real_worker(stack):
    change = (
        "from forewarn.catalog.models import Component; from forewarn.catalog import services; "
        "c = Component.objects.filter(visibility='public').order_by('pk').first(); "
        "services.set_status(c, 'major_outage', actor='test'); print(c.public_id)"
    )
    with stack.platform.worker():
        deadline = time.monotonic() + 60
        while stack.front("/").headers["Last-Modified"] != stack.web("/").headers["Last-Modified"]:
            assert time.monotonic() < deadline, "the worker's first publish never came"
            time.sleep(0.1)
        public_id = stack.platform.run("shell", "-v", "0", "-c", change).split()[-1]
        deadline = time.monotonic() + 60
        while f'"{public_id}"' not in _components_in("major_outage", stack):
            assert time.monotonic() < deadline, "the change never reached the copy"
            time.sleep(0.1)
        # What the page shows may change again after that publish: the change's notices mark
        # it changed, a public chart starts a new minute. The worker publishes that too (a
        # chart's at most once a minute), so the copy and the web process agree again within
        # about a minute (the web process may also reuse the version it read for a second).
        deadline = time.monotonic() + 120
        while found := differences(stack):
            assert time.monotonic() < deadline, found
            time.sleep(0.5)


def test_a_new_copy_is_served_from_the_first_answer_after_its_swap(stack):
    """nginx keeps files open (open_file_cache), but checks their names on every answer."""
    change = (
        "from forewarn.catalog.models import Component; from forewarn.catalog import services; "
        "c = Component.objects.filter(visibility='public').order_by('pk').first(); "
        "services.set_status(c, 'partial_outage', actor='test'); print(c.public_id)"
    )
    public_id = stack.platform.run("shell", "-v", "0", "-c", change).split()[-1]
    site = stack.platform.site
    before = os.readlink(site)
    publish = subprocess.Popen(
        [sys.executable, "-m", "forewarn.cli", "publish"], env=stack.platform.env
    )
    try:
        while os.readlink(site) == before:  # nginx answers from the open file meanwhile
            assert publish.poll() is None, "publish ended without swapping the copy"
            _components_in("partial_outage", stack)
        assert f'"{public_id}"' in _components_in("partial_outage", stack)
    finally:
        assert publish.wait(timeout=300) == 0


def _components_in(status: str, stack: Stack) -> str:
    found = json.loads(stack.front("/api/v2/components.json").body)["components"]
    return " ".join(f'"{c["id"]}"' for c in found if c["status"] == status)


def test_with_the_platform_down_the_copy_still_answers(stack):
    before = {url: stack.front(url).body for url in ("/", "/api/v2/summary.json")}
    security = {h: stack.web("/subscribe/").headers.get(h) for h in SECURITY}
    stack.web_process.terminate()
    stack.web_process.wait(timeout=20)
    for url, body in before.items():
        assert (stack.front(url).status, stack.front(url).body) == (200, body)
    subscribe = stack.front("/subscribe/")
    assert subscribe.status == 200 and subscribe.headers["Cache-Control"] == "no-cache"
    assert {h: subscribe.headers.get(h) for h in SECURITY} == security
    assert b'action="/subscribe/"' in subscribe.body
    assert stack.front("/subscribe/", method="POST", body=b"email=x").status == 503
    assert stack.front("/incidents/x/follow/", method="POST", body=b"email=x").status == 503
    assert stack.front("/console/").status == 503
    preflight = stack.front("/api/v2/summary.json", method="OPTIONS")
    assert (preflight.status, preflight.headers["Access-Control-Allow-Origin"]) == (204, "*")
