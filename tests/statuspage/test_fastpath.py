"""The fast path answers exactly what Django answers, header by header and byte by byte, and
follows a change within the freshness window like the rest of the page."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client, RequestFactory

from forewarn.catalog import services as catalog
from forewarn.catalog.models import Component, ComponentGroup
from forewarn.incidents import configuration
from forewarn.incidents import services as incidents
from forewarn.statuspage import urls as statuspage_urls
from forewarn.statuspage import version
from forewarn.statuspage.fastpath import PublicFastPath
from forewarn.statuspage.models import PageVersion

from .conftest import connection_kept

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # Tue 10:00 Europe/Amsterdam

# Every Statuspage v2 URL the page serves, as its URLconf lists them.
V2 = [
    "/" + str(p.pattern)
    for p in statuspage_urls.urlpatterns
    if str(p.pattern).startswith("api/v2/")
]


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def page(db, clock, settings, django_capture_on_commit_callbacks):
    """A page with two groups, an open public incident, and a fast path over a Django handler."""
    settings.FOREWARN_PAGE_FRESHNESS_SECONDS = 60
    cache.clear()
    configuration.load_seed_policies()
    with django_capture_on_commit_callbacks(execute=True):
        voice = catalog.save_group(ComponentGroup(name="Voice", position=0), actor="alice")
        messaging = catalog.save_group(ComponentGroup(name="Messaging", position=1), actor="alice")
        sip = catalog.save_component(Component(slug="sip", name="SIP", group=voice), actor="a")
        sms = catalog.save_component(
            Component(slug="sms", name="SMS API", group=messaging), actor="a"
        )
        incident = incidents.open_incident(
            actor="rita",
            role="responder",
            priority="P2",
            title="Calls fail",
            message="Calls to the EU fail. We are investigating.",
            components={sip: "major_outage"},
        )
    django = WSGIHandler()
    return {
        "django": django,
        "fast": PublicFastPath(django),
        "incident": incident,
        "sip": sip,
        "sms": sms,
    }


def call(app, path, method="GET", **headers):
    """(status, headers, body, who answered) for one request through ``app``."""
    request = RequestFactory().generic(method, path, headers=headers)
    sent = {}

    def start_response(status, response_headers, exc_info=None):
        sent.update(status=status, headers=response_headers)

    with connection_kept():
        result = app(request.environ, start_response)
        try:
            body = b"".join(result)
        finally:
            getattr(result, "close", lambda: None)()
    return sent["status"], sent["headers"], body, request.environ.get("forewarn.answered_by")


def urls(page) -> list[str]:
    public_id = page["incident"].public_id
    pages = ["/history/", "/history/?month=2026-10", "/history.atom", f"/incidents/{public_id}/"]
    return ["/", *V2, *pages]


def test_every_public_url_is_answered_as_django_answers_it(page):
    headers = {"X-Request-ID": "checked-1", "Cookie": "theme=dark; _ga=GA1.2.3"}
    for url in urls(page):
        etag = dict(call(page["django"], url)[1])["ETag"]
        variants = [
            ("GET", {}),
            ("HEAD", {}),
            ("GET", {"If-None-Match": etag}),
            ("GET", {"If-None-Match": f'W/{etag}, "other"'}),
            ("GET", {"If-None-Match": '"other"'}),
            ("GET", {"If-Modified-Since": "Tue, 24 Nov 2026 10:00:00 GMT"}),
            ("GET", {"If-Modified-Since": "Mon, 23 Nov 2026 10:00:00 GMT"}),
        ]
        for method, conditional in variants:
            asked = {**headers, **conditional}
            call(page["fast"], url, method, **asked)  # through Django: the fast path keeps it
            *fast, answered_by = call(page["fast"], url, method, **asked)
            *full, _ = call(page["django"], url, method, **asked)
            assert answered_by == "fastpath", (url, method, conditional)
            assert fast[0] == full[0], (url, method, conditional)
            assert fast[1] == full[1], (url, method, conditional)  # same names, values, order
            assert fast[2] == full[2], (url, method, conditional)  # same bytes
    statuses = {call(page["fast"], url, **headers)[0] for url in urls(page)}
    assert statuses == {"200 OK"}


def test_each_answer_gets_its_own_request_id(page):
    call(page["fast"], "/")
    ids = [dict(call(page["fast"], "/")[1])["X-Request-ID"] for _ in range(2)]
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids) and ids[0] != ids[1]
    assert dict(call(page["fast"], "/", **{"X-Request-ID": "bad id!"})[1])["X-Request-ID"] != (
        "bad id!"
    )


@pytest.mark.parametrize(
    ("method", "headers"),
    [
        ("POST", {}),
        ("OPTIONS", {}),
        ("GET", {"Cookie": "sessionid=abc"}),  # a signed-in member's session may be renewed
        ("GET", {"Cookie": "csrftoken=abc"}),  # Django replaces a malformed one
    ],
)
def test_writes_preflights_and_sessions_go_through_django(page, method, headers):
    for _ in range(2):
        *fast, answered_by = call(page["fast"], "/api/v2/summary.json", method, **headers)
        assert answered_by is None
    *full, _ = call(page["django"], "/api/v2/summary.json", method, **headers)
    assert (fast[0], fast[2]) == (full[0], full[2])


def test_errors_and_other_pages_are_never_kept(page):
    for url in ["/incidents/nope/", "/history/?month=2026-13", "/healthz", "/subscribe/"]:
        for _ in range(2):
            assert call(page["fast"], url)[3] is None, url
    assert page["fast"]._entries == {}


def _changed_by_another_process(component):
    """Write what another web process would: no commit hook runs in this one."""
    Component.objects.filter(pk=component.pk).update(status="operational")
    number, _ = PageVersion.current()
    PageVersion.objects.filter(pk=1).update(version=number + 1)


def test_a_change_elsewhere_shows_once_the_window_passes(page):
    url = "/api/v2/components.json"
    call(page["fast"], url)
    assert b'"major_outage"' in call(page["fast"], url)[2]
    _changed_by_another_process(page["sip"])

    _, _, body, answered_by = call(page["fast"], url)  # inside the window: as before
    assert (answered_by, b'"major_outage"' in body) == ("fastpath", True)
    version._remembered["read_at"] -= 61  # the window passes
    _, _, body, answered_by = call(page["fast"], url)
    assert (answered_by, b'"major_outage"' in body) == (None, False)
    *fast, answered_by = call(page["fast"], url)
    assert answered_by == "fastpath" and fast[2] == body


def test_a_change_made_in_this_process_shows_at_once(page, django_capture_on_commit_callbacks):
    url = "/"
    call(page["fast"], url)
    before = call(page["fast"], url)
    with django_capture_on_commit_callbacks(execute=True):
        catalog.set_status(page["sms"], "partial_outage")
    after = call(page["fast"], url)
    assert after[3] is None and after[2] != before[2]
    assert dict(after[1])["ETag"] != dict(before[1])["ETag"]


def test_with_zero_freshness_every_request_goes_through_django(page, settings):
    settings.FOREWARN_PAGE_FRESHNESS_SECONDS = 0
    for _ in range(3):
        assert call(page["fast"], "/")[3] is None


def test_a_new_provider_day_is_a_new_state(page, clock):
    call(page["fast"], "/")
    assert call(page["fast"], "/")[3] == "fastpath"
    clock.shift(timedelta(hours=14))  # past midnight in Amsterdam
    _, headers, _, answered_by = call(page["fast"], "/")
    assert answered_by is None
    assert dict(headers)["Last-Modified"] == "Tue, 24 Nov 2026 23:00:00 GMT"


def test_what_is_kept_stays_bounded(page):
    fast = PublicFastPath(page["django"], max_urls=3)
    for month in range(1, 10):
        call(fast, f"/history/?month=2026-{month:02d}")
    assert len(fast._entries) <= 3
    small = PublicFastPath(page["django"], max_bytes=1)
    for url in V2:
        call(small, url)
    assert len(small._entries) == 1


def test_public_answers_vary_on_encoding_only_so_shared_caches_keep_one_copy(page, client):
    staff = get_user_model().objects.create_user("sam", "sam@provider.example", "pw")
    signed_in = Client()
    signed_in.force_login(staff)
    for who in (client, signed_in):
        for url in urls(page):
            assert who.get(url, HTTP_COOKIE="_ga=GA1.2.3")["Vary"] == "Accept-Encoding", url
    # Answers that do depend on the visitor keep Django's Vary: Cookie.
    assert "Cookie" in signed_in.get("/console/")["Vary"]
