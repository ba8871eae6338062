"""A visitor subscribes from the status page in Chromium, confirms from the email, and unsubscribes."""

import os
import re

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect, sync_playwright

from forewarn import scheduler
from forewarn.catalog.models import Component, ComponentGroup
from forewarn.delivery.models import Subscriber
from forewarn.ops.jobs import load_jobs
from tests.conftest import outside_event_loop

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.mark.browser
def test_a_visitor_subscribes_confirms_and_unsubscribes(live_server, settings, transactional_db):
    assert os.path.exists(CHROMIUM), "Install Debian's chromium: apt-get install -y chromium"
    settings.SITE_URL = live_server.url
    cache.clear()
    mail.outbox = []
    platform = ComponentGroup.objects.create(name="Platform")
    Component.objects.create(slug="api", name="API", group=platform)
    Component.objects.create(slug="web", name="Web app", group=platform)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            page.goto(live_server.url + "/")
            page.get_by_role("link", name="Subscribe to updates").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Subscribe to updates")

            page.get_by_label("Email address").fill("ann@example.com")
            page.get_by_label("Only the components I choose").check()
            page.get_by_role("group", name="Platform").get_by_label("API", exact=True).check()
            page.get_by_label("Time zone (optional)").select_option("Asia/Tokyo")
            page.get_by_role("button", name="Subscribe").click()
            expect(page.get_by_role("status")).to_have_text(
                "Check your inbox: if the address can receive updates, we have sent a link to confirm."
            )

            load_jobs()
            outside_event_loop(scheduler.run_once)  # the worker sends the confirmation email
            [message] = mail.outbox
            confirm_url = re.search(
                re.escape(live_server.url) + r"/subscribe/confirm/\S+/", message.body
            )
            page.goto(confirm_url.group(0))
            assert outside_event_loop(lambda: Subscriber.objects.get().confirmed_at) is None
            page.get_by_role("button", name="Confirm subscription").click()

            expect(page.get_by_role("heading", level=1)).to_have_text("Your preferences")
            expect(page.get_by_role("status")).to_have_text("Your subscription is confirmed.")
            expect(page.get_by_label("API", exact=True)).to_be_checked()
            expect(page.get_by_label("Web app")).not_to_be_checked()
            expect(page.get_by_label("Time zone (optional)")).to_have_value("Asia/Tokyo")

            page.get_by_role("button", name="Unsubscribe").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
        finally:
            browser.close()

    ann = Subscriber.objects.get()
    assert (ann.address, ann.time_zone) == ("ann@example.com", "Asia/Tokyo")
    assert ann.confirmed_at is not None and ann.unsubscribed_at is not None
