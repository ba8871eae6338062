"""The status page in a real browser (Debian's chromium driven by Playwright)."""

import os

import pytest
from playwright.sync_api import sync_playwright

from forewarn.catalog import services
from forewarn.catalog.models import Component, ComponentGroup
from tests.conftest import outside_event_loop

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def page():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(java_script_enabled=False)
            yield context.new_page()
        finally:
            browser.close()


@pytest.fixture
def voice(transactional_db):
    group = ComponentGroup.objects.create(name="Voice")
    sip = Component.objects.create(slug="voice-sip", name="Voice/SIP", group=group)
    sms = Component.objects.create(slug="sms-api", name="SMS API")
    services.ensure_history(sip)
    services.ensure_history(sms)
    return sip


def test_visitor_sees_status_and_its_change_without_javascript(live_server, voice, page):
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "All Systems Operational"
    assert page.locator("[data-component=voice-sip] .badge").inner_text() == "Operational"
    assert page.get_by_role("main").count() == 1
    assert page.get_by_role("navigation", name="Site").count() == 1

    outside_event_loop(services.set_status, voice, "major_outage", cause="carrier down")
    page.reload()

    assert page.locator("h1").inner_text() == "Partial System Outage"
    assert page.locator("[data-component=voice-sip] .badge").inner_text() == "Major outage"
    banner_colour = page.locator(".overall").evaluate("e => getComputedStyle(e).backgroundColor")
    assert banner_colour == "rgb(180, 35, 24)"


def test_page_fits_a_phone_screen(live_server, voice, page):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(live_server.url + "/")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 375
    page.screenshot(
        path=str(os.environ.get("FOREWARN_SCREENSHOT", "/tmp/forewarn-phone.png")), full_page=True
    )
