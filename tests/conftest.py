"""Shared fixtures: users of each role with API tokens, and a client that speaks the JSON API."""

import json
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.test import Client

from forewarn.api.models import ApiToken
from forewarn.catalog.models import Role, StaffProfile


class ApiClient:
    """A Django test client that sends a bearer token and JSON bodies."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _call(self, method: str, path: str, body=None, **params):
        kwargs = {"headers": self.headers}
        if body is not None:
            kwargs |= {"data": json.dumps(body), "content_type": "application/json"}
        elif params:
            kwargs["data"] = params
        return getattr(self.client, method)(path, **kwargs)

    def get(self, path, **params):
        return self._call("get", path, **params)

    def post(self, path, body=None):
        return self._call("post", path, body if body is not None else {})

    def patch(self, path, body):
        return self._call("patch", path, body)

    def delete(self, path):
        return self._call("delete", path)


def make_staff(username: str, role: str):
    user = get_user_model().objects.create_user(
        username, f"{username}@forewarn.example", "pw-" + username, is_staff=True
    )
    StaffProfile.objects.create(user=user, role=role)
    return user


@pytest.fixture
def api_as(db):
    """``api_as("responder")`` returns an ApiClient authenticated as a new user with that role."""

    def build(role: str | None) -> ApiClient:
        if role is None:
            return ApiClient(None)
        user = make_staff(f"{role}-user", role)
        _, raw = ApiToken.issue(user)
        return ApiClient(raw)

    return build


@pytest.fixture
def admin_api(api_as):
    return api_as(Role.ADMIN)


@pytest.fixture
def viewer_api(api_as):
    return api_as(Role.VIEWER)


def outside_event_loop(fn, *args, **kwargs):
    """Run ORM work on a fresh thread and close its connection.

    Playwright's sync API keeps an event loop in the test thread; ORM calls made
    there get a connection of their own that nobody closes, which keeps the
    PostgreSQL test database busy at teardown.
    """
    outcome = {}

    def run():
        try:
            outcome["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # re-raised in the caller
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


@pytest.fixture(autouse=True)
def strict_page_freshness(settings):
    """Tests read the page version on every request; test_freshness checks the reuse window itself."""
    settings.FOREWARN_PAGE_FRESHNESS_SECONDS = 0


@pytest.fixture(autouse=True)
def isolated_data_dir(settings, tmp_path_factory):
    """Each test gets its own data folder, so files one test leaves (delivery journals) meet no other."""
    settings.DATA_DIR = tmp_path_factory.mktemp("data")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create many users; MD5 keeps that cheap (production keeps Django's default)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
