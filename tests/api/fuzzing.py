"""What the fuzz tests share: the API's own document loaded by schemathesis against the WSGI
app, the checks each answer must pass, every caller's token, and the budget.

Each generated request is sent once per caller: without a token, then with a viewer's,
responder's, communicator's and admin's (lowest first, so the admin's writes come last). The
coverage phase's requests (each bound and enum value, each field left out, wrong types: some
hundred per operation) go as the admin alone, whose requests reach deepest, unless
``make fuzz`` asks for every caller. ``FOREWARN_FUZZ_EXAMPLES`` (``make fuzz``) raises the
examples generated per operation.
"""

import os
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from forewarn.api.models import ApiToken
from forewarn.catalog.models import ROLE_ORDER
from forewarn.wsgi import application
from tests.conftest import make_staff

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
EXAMPLES = int(os.environ.get("FOREWARN_FUZZ_EXAMPLES", "0"))
COVERAGE_AS_EVERYONE = EXAMPLES > 0
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def budget(default: int) -> int:
    return EXAMPLES or default


@pytest.fixture
def tokens(db) -> Iterator[list[str | None]]:
    """No token, then a token for a new user of each role, lowest first.

    Requests go through the WSGI app, not Django's test client: like the test client, keep
    Django from closing the test's database connection (and its transaction) after each.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield [None] + [ApiToken.issue(make_staff(f"fuzz-{r}", r))[1] for r in ROLE_ORDER]
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def call_and_validate_as_each(case, tokens: list[str | None]) -> None:
    # The Host header is Django's to refuse (ALLOWED_HOSTS answers 400); the API never sees it.
    case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "host"}
    if case.meta is not None and case.meta.phase.name == "coverage" and not COVERAGE_AS_EVERYONE:
        tokens = tokens[-1:]
    for token in tokens:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        case.call_and_validate(headers=headers, checks=CHECKS)
