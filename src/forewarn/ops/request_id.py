"""A request id on every response and log line, and a JSON 500 for the API that quotes it.

``RequestIdMiddleware`` takes the caller's ``X-Request-ID`` when it is a sane token (a proxy
or client that already tags its requests keeps its id), makes one up otherwise, and sends it
back in the ``X-Request-ID`` header. ``RequestIdFilter`` puts it on every log record written
while the request runs (``-`` outside a request). An exception that escapes a view under
``/api/`` is logged with its traceback and answered with
``{"message": "Internal error", "request_id": ...}``: the caller gets an id to quote, never
the exception's text.
"""

import logging
import os
import re
from contextvars import ContextVar

from django.core.signals import got_request_exception
from django.http import JsonResponse
from django.utils.log import log_response

HEADER = "X-Request-ID"
# Letters, digits and - _ . : only, so an id is safe in a header and a log line.
_SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")
_current: ContextVar[str] = ContextVar("request_id", default="-")


def request_id_of(header: str | None) -> str:
    """The caller's id when it is a sane token, else a new one (32 random hex digits)."""
    if header and _SANE.fullmatch(header):
        return header
    return os.urandom(16).hex()  # 128 random bits; cheaper than uuid4().hex


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id``: the id of the request being served, or ``-``."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get()
        return True


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_of(request.headers.get(HEADER))
        token = _current.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request.request_id
        return response

    def process_exception(self, request, exception):
        """Under /api/: log the error and answer JSON with the request id; elsewhere Django's 500."""
        if not request.path.startswith("/api/"):
            return None
        got_request_exception.send(sender=None, request=request)
        response = JsonResponse(
            {"message": "Internal error", "request_id": request.request_id}, status=500
        )
        log_response(
            "Internal Server Error: %s (request %s)",
            request.path,
            request.request_id,
            response=response,
            request=request,
            exception=exception,
        )
        return response
