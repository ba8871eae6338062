"""Uptime bars in Chromium without JavaScript: focusable days with their figure, a phone layout."""

import math
from datetime import datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import sync_playwright

from forewarn.availability import services
from forewarn.availability.models import Exclusion
from forewarn.catalog.models import Component, ComponentGroup
from tests.conftest import outside_event_loop

from .conftest import history

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def api(transactional_db):
    """A public component with a 30-minute major outage yesterday, 10:00 provider time."""
    cache.clear()
    zone = services.provider_zone()
    yesterday = timezone.now().astimezone(zone).date() - timedelta(days=1)
    start = datetime.combine(yesterday, time(10), tzinfo=zone)
    group = ComponentGroup.objects.create(name="Platform")
    api = Component.objects.create(slug="api", name="REST API", group=group)
    history(
        api,
        (start - timedelta(days=120), "operational"),
        (start, "major_outage", "DB failover"),
        (start + timedelta(minutes=30), "operational"),
    )
    # Yesterday may have 23 or 25 hours (DST): (minutes − 30) / minutes, cut to two decimals.
    midnights = [
        datetime.combine(yesterday + timedelta(days=d), time(0), tzinfo=zone) for d in (0, 1)
    ]
    minutes = (midnights[1].timestamp() - midnights[0].timestamp()) / 60
    pct = f"{math.floor((minutes - 30) / minutes * 10_000) / 100:.2f}"
    api.outage_text = f"{yesterday.day} {yesterday:%b %Y}: {pct} % available, 30 min major outage"
    api.outage = (start, start + timedelta(minutes=30))
    return api


@pytest.fixture
def page():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser.new_context(java_script_enabled=False).new_page()
        finally:
            browser.close()


def test_bars_render_take_focus_and_tell_the_figure(live_server, api, page):
    page.goto(live_server.url + "/")
    bars = page.locator("[data-component=api] .uptime-bars li")
    assert bars.count() == 90
    figure = page.locator("[data-component=api] .uptime-figure").inner_text()
    assert figure.endswith("% available over the last 90 days")

    # Keyboard users reach the day with the outage; its figure appears next to the bars.
    outage = page.locator("[data-component=api] .uptime-bars li[tabindex='0']")
    assert outage.count() == 1
    tip = outage.locator(".tip")
    assert tip.bounding_box()["width"] <= 1  # visually hidden, read by screen readers
    expected = api.outage_text
    assert tip.text_content() == expected
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('tabindex')") == "0":
            break
    assert page.evaluate("document.activeElement.textContent") == expected
    assert tip.bounding_box()["width"] > 200
    assert tip.inner_text() == expected
    colour = outage.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour == "rgb(180, 35, 24)"

    # An exclusion over the outage (recorded while the browser is open) redraws the bar.
    excluded = Exclusion(reason="client_caused", starts_at=api.outage[0], ends_at=api.outage[1])
    outside_event_loop(services.save_exclusion, excluded, [api], actor="test")
    page.reload()
    assert outage.get_attribute("class") == "u-ok"
    assert tip.text_content().endswith("30 min not measured (Client-caused issue)")


def test_bars_fit_a_phone_screen_showing_30_days(live_server, api, page):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(live_server.url + "/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    visible = page.locator("[data-component=api] .uptime-bars li:visible")
    assert visible.count() == 30
    assert page.locator("[data-component=api] .uptime-axis").inner_text().startswith("30 days ago")
