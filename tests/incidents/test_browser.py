"""An incident on the status page in a real browser, JavaScript off (Debian's chromium driven by
Playwright, as tests/statuspage/test_browser.py does it)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from playwright.sync_api import sync_playwright

from forewarn.catalog import services as catalog
from forewarn.catalog.models import Component
from forewarn.incidents import configuration, services
from tests.conftest import outside_event_loop
from tests.statuspage.test_browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # Tue 10:00 in Amsterdam


@pytest.fixture
def clock():
    """The whole test, fixtures included, from a fixed Tuesday morning (the clock runs on)."""
    with time_machine.travel(T0, tick=True) as traveller:
        yield traveller


@pytest.fixture
def page():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser.new_context(java_script_enabled=False).new_page()
        finally:
            browser.close()


@pytest.fixture
def incident(transactional_db, clock):
    configuration.load_seed_policies()  # a flush before this test emptied the seeded rows
    voice = catalog.save_component(Component(slug="voice", name="Voice"), actor="alice")
    catalog.save_component(Component(slug="sms", name="SMS API"), actor="alice")
    return services.open_incident(
        actor="rita",
        role="responder",
        title="Calls to the EU fail",
        priority="P1",
        message="We are investigating failed calls.",
        components={voice: "major_outage"},
    )


def _post(incident, message: str, status: str):
    services.post_update(incident, actor="rita", role="responder", message=message, status=status)


def test_during_an_incident_the_page_shows_it_first_and_its_page_every_update(
    live_server, incident, page, clock
):
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Major System Outage"
    sections = page.locator("main h2").all_inner_texts()
    assert sections[:2] == ["Active incidents", "Components"]
    card = page.locator(".incident-card")
    assert card.locator("h3").inner_text() == "Calls to the EU fail"
    assert card.locator(".incident-update p:not(.meta)").all_inner_texts() == [
        "We are investigating failed calls."
    ]

    clock.shift(timedelta(minutes=12))
    outside_event_loop(_post, incident, "A carrier dropped our trunks.", "identified")
    page.reload()
    assert page.locator(".incident-card .status").all_inner_texts() == [
        "Identified",
        "Investigating",
    ]

    page.get_by_role("link", name="Calls to the EU fail").click()
    assert page.locator("h1").inner_text() == "Calls to the EU fail"
    assert page.locator(".incident-update p:not(.meta)").all_inner_texts() == [
        "A carrier dropped our trunks.",
        "We are investigating failed calls.",
    ]
    assert page.get_by_role("button", name="Follow this incident").count() == 1
    assert page.get_by_label("Email address").count() == 1

    outside_event_loop(_post, incident, "Calls connect again.", "resolved")
    page.goto(live_server.url + "/")
    assert page.locator(".incident-card").count() == 0
    assert page.locator("h1").inner_text() == "All Systems Operational"
