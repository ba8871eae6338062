"""A web process may reuse the page version briefly, but never past the window, and never its own change."""

import pytest

from forewarn.catalog import services
from forewarn.catalog.models import Component
from forewarn.statuspage import version
from forewarn.statuspage.models import PageVersion


@pytest.fixture
def sms(transactional_db, settings):
    settings.FOREWARN_PAGE_FRESHNESS_SECONDS = 60
    component = Component.objects.create(slug="sms", name="SMS API")
    services.ensure_history(component)
    version.forget_version()
    return component


def _changed_by_another_process(component):
    """Write what another process would, without this process's signal or commit hook."""
    Component.objects.filter(pk=component.pk).update(status="major_outage")
    version, _ = PageVersion.current()
    PageVersion.objects.filter(pk=1).update(version=version + 1)


def test_change_by_another_process_shows_once_the_window_passes(client, sms):
    assert "All Systems Operational" in client.get("/").content.decode()
    _changed_by_another_process(sms)

    assert "All Systems Operational" in client.get("/").content.decode()  # inside the 60 s window
    version._remembered["read_at"] -= 61  # the window passes
    assert "Major System Outage" in client.get("/").content.decode()


def test_with_zero_freshness_every_request_reads_the_version(client, sms, settings):
    settings.FOREWARN_PAGE_FRESHNESS_SECONDS = 0
    client.get("/")
    _changed_by_another_process(sms)
    assert "Major System Outage" in client.get("/").content.decode()


def test_a_change_made_in_this_process_is_seen_at_once(client, sms):
    client.get("/")
    services.set_status(sms, "major_outage")
    assert "Major System Outage" in client.get("/").content.decode()
