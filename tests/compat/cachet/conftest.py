"""Cachet callers: a Django client sending ``X-Cachet-Token`` for a user of each role, and the
real ``cachet-client`` library pointed at a live server."""

import json
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from forewarn.api.models import ApiToken, Surface
from tests.compat.cachet.fake_metrics import FakeMetrics
from tests.conftest import make_staff

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
BASE = "/cachet/api/v1/"


class CachetCaller:
    """Calls the Cachet surface as Cachet's clients do: a token header, JSON or form bodies."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"X-Cachet-Token": token} if token else {}

    def call(self, method: str, path: str, body=None, *, form: bool = False, **params):
        url = BASE + path
        kwargs = {"headers": self.headers}
        if body is not None:
            if form:
                from urllib.parse import urlencode

                kwargs |= {
                    "data": urlencode(body, doseq=True),
                    "content_type": "application/x-www-form-urlencoded",
                }
            else:
                kwargs |= {"data": json.dumps(body), "content_type": "application/json"}
        elif params:
            kwargs["data"] = params
        return getattr(self.client, method)(url, **kwargs)

    def get(self, path, **params):
        return self.call("get", path, **params)

    def post(self, path, body=None, **kw):
        return self.call("post", path, body if body is not None else {}, **kw)

    def put(self, path, body=None, **kw):
        return self.call("put", path, body if body is not None else {}, **kw)

    def delete(self, path, body=None, **kw):
        return self.call("delete", path, body, **kw)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def cachet_token(username: str, role: str | None) -> str:
    user = make_staff(username, role) if role else make_staff(username, "viewer")
    if role is None:
        user.staff.delete()
    return ApiToken.issue(user, surface=Surface.CACHET)[1]


@pytest.fixture
def cachet_as(db, clock):
    """``cachet_as("admin")``: a CachetCaller with a Cachet token of a new user of that role."""
    made = {}

    def build(role: str | None) -> CachetCaller:
        if role == "guest":
            return CachetCaller(None)
        if role not in made:
            made[role] = cachet_token(f"cachet-{role or 'norole'}", role)
        return CachetCaller(made[role])

    return build


@pytest.fixture
def metrics(settings):
    """The metrics endpoints over an in-memory ``MetricStore``."""
    settings.FOREWARN_CACHET_METRICS = "tests.compat.cachet.fake_metrics.FakeMetrics"
    FakeMetrics.reset()
    return FakeMetrics
