"""Shared fixtures: users of each role with API tokens, and a client that speaks the JSON API."""

import ipaddress
import json
import socket
import threading
from contextlib import ExitStack, contextmanager

import pytest
from django.contrib.auth import get_user_model
from django.db import connections, transaction
from django.test import Client, TransactionTestCase

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

    def put(self, path, body):
        return self._call("put", path, body)

    def delete(self, path):
        return self._call("delete", path)


PUBLIC_ADDRESS = "93.184.215.14"


# Names under the domains RFC 2606 reserves for examples resolve to a public address.
EXAMPLE_DOMAINS = (".example", ".example.com", ".example.org", ".example.net")


class FakeDns:
    """``socket.getaddrinfo`` answering from ``names`` (name -> addresses); literals as usual.

    Example names (RFC 2606) not in ``names`` resolve to ``PUBLIC_ADDRESS``; any other name
    does not resolve, so no test depends on the network. ``asked`` counts each name's lookups.
    """

    def __init__(self, real):
        self.real = real
        self.names: dict[str, list[str]] = {}
        self.asked: dict[str, int] = {}

    def getaddrinfo(self, host, port, family=0, type=0, proto=0, flags=0):
        name = host.decode() if isinstance(host, bytes) else str(host)
        try:
            ipaddress.ip_address(name.split("%", 1)[0])
            return self.real(host, port, family, type, proto, flags)
        except ValueError:
            pass
        if name == "localhost":
            return self.real(host, port, family, type, proto, flags)
        self.asked[name] = self.asked.get(name, 0) + 1
        if name in self.names:
            found = self.names[name]
        elif name.endswith(EXAMPLE_DOMAINS):
            found = [PUBLIC_ADDRESS]
        else:
            found = []
        if not found:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        answers = []
        for address in found:
            answers += self.real(address, port, family, type, proto, flags)
        return answers


@pytest.fixture(autouse=True)
def dns(monkeypatch):
    """Every test resolves names through ``FakeDns``: ``dns.names["x.example"] = ["10.0.0.8"]``."""
    fake = FakeDns(socket.getaddrinfo)
    monkeypatch.setattr(socket, "getaddrinfo", fake.getaddrinfo)
    return fake


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


@contextmanager
def record_guard_lifted(connection):
    """Let one transaction empty ``record_event`` despite its append-only triggers.

    Only the test runner's flush uses this (``flush_empties_the_record``): the triggers
    of record migration 0003 refuse DELETE and TRUNCATE to everyone else. PostgreSQL disables
    them inside the transaction; SQLite drops them and creates them again from their own
    definitions. Either way they are back when the transaction ends, committed or not.
    """
    if connection.vendor not in ("postgresql", "sqlite"):
        yield
        return
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE record_event DISABLE TRIGGER USER")
            else:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master"
                    " WHERE type = 'trigger' AND tbl_name = 'record_event'"
                )
                triggers = cursor.fetchall()
                for name, _ in triggers:
                    cursor.execute(f'DROP TRIGGER "{name}"')
        yield
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE record_event ENABLE TRIGGER USER")
            else:
                for _, sql in triggers:
                    cursor.execute(sql)


@pytest.fixture(autouse=True, scope="session")
def flush_empties_the_record():
    """Transactional tests end with Django's flush, which empties every table, the record too.

    The record's triggers would refuse that, so the flush (and only the flush) runs with
    them lifted: ``TransactionTestCase._fixture_teardown`` is wrapped for the session.
    """
    flush = TransactionTestCase._fixture_teardown

    def fixture_teardown(test_case):
        with ExitStack() as lifted:
            for connection in connections.all():
                lifted.enter_context(record_guard_lifted(connection))
            flush(test_case)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TransactionTestCase, "_fixture_teardown", fixture_teardown)
        yield
