"""A small public site for the static copy's tests: two components and a public incident."""

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from forewarn.catalog import services as catalog
from forewarn.catalog.models import Component
from forewarn.incidents import configuration
from forewarn.incidents import services as incidents
from forewarn.statuspage import jobs

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # Tue 10:00 in Amsterdam
HOST = "status.example.com"


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(transactional_db, clock, settings, tmp_path):
    """Two components, a public incident on one, a page served at https://status.example.com."""
    settings.SITE_URL = f"https://{HOST}"
    settings.ALLOWED_HOSTS = [HOST]
    settings.FOREWARN_STATIC_DIR = str(tmp_path / "site")
    cache.clear()
    configuration.load_seed_policies()  # a flush before this test emptied the seeded rows
    made = {
        slug: catalog.save_component(Component(slug=slug, name=name), actor="alice")
        for slug, name in [("voice", "Voice"), ("sms", "SMS API")]
    }
    clock.shift(timedelta(days=40))
    incident = incidents.open_incident(
        actor="rita",
        role="responder",
        priority="P2",
        title="Calls fail",
        message="Calls to the EU fail. We are investigating.",
        components={made["voice"]: "major_outage"},
    )
    jobs._done.update(published=None, uploaded=None, retry_at=0.0)  # a new worker process
    return made | {"incident": incident, "folder": tmp_path / "site"}


@contextmanager
def connection_kept():
    """For a WSGI call made by hand, what Django's test client does around a request: the
    request signals do not close the connection, which holds the test's transaction (on
    PostgreSQL they would close it mid-test)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
