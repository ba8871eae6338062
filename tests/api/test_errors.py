"""Only domain errors become 4xx answers; anything else is a logged 500 with a request id."""

import logging
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from forewarn.api.models import ApiToken
from forewarn.calendars.definitions import DefinitionError
from forewarn.catalog.models import Role
from forewarn.ops.request_id import RequestIdFilter
from forewarn.policies import api as policies_api
from forewarn.policies.rules import NaiveDatetimeError
from forewarn.statuspage import summary

from ..conftest import make_staff

CHECK = "/api/v1/notice-check"
WINDOW = {"policy": "seed-000", "work_type": "service-update", "start": "2026-12-21T10:00:00+01:00"}


@pytest.fixture
def raising(monkeypatch):
    """Make the notice check raise ``error``, as a service deep inside a view might."""

    def install(error: Exception) -> None:
        def run_check(**arguments):
            raise error

        monkeypatch.setattr(policies_api, "run_check", run_check)

    return install


@pytest.fixture
def quiet_client(db):
    """A viewer's client that answers a 500 as a browser would see it, instead of re-raising."""
    _, raw = ApiToken.issue(make_staff("viewer-user", Role.VIEWER))
    return Client(raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"})


@pytest.mark.parametrize(
    ("error", "body"),
    [
        (
            ValidationError({"start": "Give a start in 1900–2199."}),
            {
                "message": "start: Give a start in 1900–2199.",
                "detail": {"start": ["Give a start in 1900–2199."]},
            },
        ),
        (
            NaiveDatetimeError("start", "start must carry a time zone."),
            {
                "message": "start must carry a time zone.",
                "detail": {"start": ["start must carry a time zone."]},
            },
        ),
        (
            DefinitionError({"time_zone": "'Mars/Olympus' is not an IANA time zone."}),
            {
                "message": "time_zone: 'Mars/Olympus' is not an IANA time zone.",
                "detail": {"time_zone": ["'Mars/Olympus' is not an IANA time zone."]},
            },
        ),
    ],
)
def test_a_domain_error_is_a_422_with_its_message(viewer_api, raising, error, body):
    raising(error)
    response = viewer_api.post(CHECK, WINDOW)
    assert (response.status_code, response.json()) == (422, body)


def test_an_unexpected_error_is_a_logged_500_with_a_request_id_and_no_detail(
    quiet_client, raising, caplog
):
    raising(ValueError("min_available must be 1 to 2 (internal detail)"))
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = quiet_client.post(CHECK, WINDOW, content_type="application/json")
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert (response.status_code, response.json()) == (
        500,
        {"message": "Internal error", "request_id": request_id},
    )
    assert b"internal detail" not in response.content
    [record] = caplog.records
    assert record.getMessage() == f"Internal Server Error: {CHECK} (request {request_id})"
    assert (record.levelno, record.request_id, record.status_code) == (
        logging.ERROR,
        request_id,
        500,
    )
    assert str(record.exc_info[1]) == "min_available must be 1 to 2 (internal detail)"


def test_an_unexpected_error_is_signalled_so_the_test_client_reraises_it(viewer_api, raising):
    raising(ValueError("a bug"))
    with pytest.raises(ValueError, match="a bug"):
        viewer_api.post(CHECK, WINDOW)


@pytest.mark.parametrize(
    ("sent", "kept"),
    [("edge-7f3a.2026:01_b", True), ("two words", False), ("x" * 129, False), ("", False)],
)
def test_a_sane_incoming_request_id_is_kept_and_any_other_replaced(client, sent, kept):
    response = client.get("/healthz", headers={"X-Request-ID": sent})
    if kept:
        assert response["X-Request-ID"] == sent
    else:
        assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_a_500_outside_the_api_is_djangos_own(quiet_client, monkeypatch):
    def broken():
        raise RuntimeError("page bug")

    monkeypatch.setattr(summary, "public_groups_and_components", broken)
    response = quiet_client.get("/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
