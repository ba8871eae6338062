"""Answer the public page's cached URLs before Django, once Django has sent their bytes.

``PublicFastPath`` wraps Django's WSGI handler (``forewarn.wsgi``). When
``caching.public_cached`` answers a GET or HEAD from its cache, or with a 304, it leaves its
validators in the WSGI environ; this layer then keeps the status line, headers and body that
Django sent, and answers the next request for the same URL (same path, query, host, forwarded
host and scheme) itself, byte for byte, while the page is in the state those bytes were made
for: the same page version, read by this process less than ``FOREWARN_PAGE_FRESHNESS_SECONDS``
ago (``version.remembered_version``), on the same provider day, and for a stamped answer (the
page with public metrics) the same stamp, as the view's ``remembered_stamp`` tells it. Only the request id is new for
each answer, made as ``RequestIdMiddleware`` makes it (the caller's when sane).

Everything else goes through Django as before: other methods; a request carrying the session
or the CSRF cookie (a signed-in member's session may be renewed or ended, a malformed CSRF
cookie replaced; without them the answers are all alike, which is why they do not say
``Vary: Cookie``, see ``vary``); an answer that sets a cookie; a request after the window (so, once a window, one request per process reads
the version again and the next ones replay what it sent); the 304 or the 200 of a URL that
Django has not sent yet in this state.
"""

import threading
from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple

from django.conf import settings

from forewarn.ops.request_id import HEADER, request_id_of

from .caching import REPLAY_STAMP, REPLAYABLE, Validators, fresh_state, not_modified, stamped


def url_key(environ) -> tuple:
    """What a kept answer has in common with the requests it answers (besides the page state)."""
    get = environ.get
    return (
        get("PATH_INFO"),
        get("QUERY_STRING"),
        get("HTTP_HOST"),
        get("HTTP_X_FORWARDED_HOST"),
        get("HTTP_X_FORWARDED_PROTO"),
        get("SERVER_NAME"),
        get("SERVER_PORT"),
        get("wsgi.url_scheme"),
    )


MAX_BYTES = 32 * 2**20
MAX_URLS = 1000


class Answer(NamedTuple):
    status: str
    headers: list[tuple[str, str]]  # as Django sent them, less the request id
    request_id_at: int  # where the request id goes among them
    body: bytes


class Entry(NamedTuple):
    validators: Validators
    answers: dict[bool, Answer]  # by "not modified": the 304 and the 200
    stamp: Callable[[], datetime | None] | None = None  # a stamped answer's remembered stamp


def state_now(entry: Entry) -> str | None:
    """The state the entry's URL is in now, as this process knows it without a query."""
    state = fresh_state()
    if entry.stamp is None or state is None:
        return state
    extra = entry.stamp()
    return None if extra is None else stamped(state, extra)


class PublicFastPath:
    """WSGI: replays Django's answer to a public cached URL while the page state is unchanged."""

    def __init__(self, app, *, max_bytes: int = MAX_BYTES, max_urls: int = MAX_URLS):
        self.app = app
        self.max_bytes, self.max_urls = max_bytes, max_urls
        self._entries: dict[tuple, Entry] = {}
        self._bytes = 0
        self._lock = threading.Lock()
        self._cookies = (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)

    def __call__(self, environ, start_response):
        cookie = environ.get("HTTP_COOKIE")
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD") or (
            cookie and any(name in cookie for name in self._cookies)
        ):
            return self.app(environ, start_response)
        key = url_key(environ)
        entry = self._entries.get(key)
        if entry is not None and entry.validators.state == state_now(entry):
            answer = entry.answers.get(
                not_modified(
                    environ.get("HTTP_IF_NONE_MATCH"),
                    environ.get("HTTP_IF_MODIFIED_SINCE"),
                    entry.validators,
                )
            )
            if answer is not None:
                headers = answer.headers.copy()
                request_id = request_id_of(environ.get("HTTP_X_REQUEST_ID"))
                headers.insert(answer.request_id_at, (HEADER, request_id))
                environ["forewarn.answered_by"] = "fastpath"
                start_response(answer.status, headers)
                return [answer.body]
        return self._through_django(key, environ, start_response)

    def _through_django(self, key: tuple, environ, start_response):
        sent: list = []

        def remember(status, headers, exc_info=None):
            sent[:] = [status, headers]
            return start_response(status, headers, exc_info)

        result = self.app(environ, remember)
        validators = environ.get(REPLAYABLE)
        answer = _answer(*sent) if validators is not None and sent else None
        if answer is None:
            return result
        try:
            body = b"".join(result)
        finally:
            result.close()  # Django's request_finished: connections are tidied as usual
        self._keep(key, validators, answer._replace(body=body), environ.get(REPLAY_STAMP))
        return [body]

    def _keep(self, key: tuple, validators: Validators, answer: Answer, stamp=None) -> None:
        with self._lock:
            kept = self._entries.pop(key, None)
            answers = kept.answers if kept is not None and kept.validators == validators else {}
            entry = Entry(validators, answers | {answer.status.startswith("304"): answer}, stamp)
            self._bytes += _size(entry) - _size(kept)
            if self._bytes > self.max_bytes or len(self._entries) >= self.max_urls:
                self._entries.clear()  # rare: every URL is kept again at its next request
                self._bytes = _size(entry)
            self._entries[key] = entry  # replaced whole: readers never see one half-made


def _size(entry: Entry | None) -> int:
    return 0 if entry is None else sum(len(a.body) for a in entry.answers.values())


def _answer(status: str, headers: list[tuple[str, str]]) -> Answer | None:
    """The answer to keep from what Django sent, or None when it may not be replayed."""
    if not status.startswith(("200", "304")):
        return None
    names = [name.lower() for name, _ in headers]
    if "set-cookie" in names or names.count(HEADER.lower()) != 1:
        return None
    at = names.index(HEADER.lower())
    return Answer(status, headers[:at] + headers[at + 1 :], at, b"")
