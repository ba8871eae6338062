"""In Chromium: an authorized contact asks for a sign-in link, opens it from the captured
mail, sees its organization's status (a component private to it) and opens a request."""

import os
import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect, sync_playwright

from forewarn import scheduler
from forewarn.catalog.models import AuthorizedContact, Component, Organization, Visibility
from forewarn.ops.jobs import load_jobs
from forewarn.support.models import SupportRequest
from tests.conftest import outside_event_loop

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # Mon 10:00 in Amsterdam: support is open


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=True) as traveller:
        yield traveller


@pytest.mark.browser
def test_a_contact_signs_in_from_the_mail_and_opens_a_request(
    live_server, settings, transactional_db, clock
):
    assert os.path.exists(CHROMIUM), "Install Debian's chromium: apt-get install -y chromium"
    settings.SITE_URL = live_server.url
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    cache.clear()
    mail.outbox = []
    acme = Organization.objects.create(slug="acme", name="Acme")
    trunk = Component.objects.create(
        slug="acme-trunk", name="Acme SIP trunk", visibility=Visibility.PRIVATE
    )
    trunk.visible_to.add(acme)
    acme.components.add(trunk, Component.objects.create(slug="voice", name="Voice"))
    AuthorizedContact.objects.create(organization=acme, name="Anna", email="anna@acme.example")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            page.goto(live_server.url + "/portal/")
            expect(page.get_by_role("heading", level=1)).to_have_text(
                "Sign in to the customer portal"
            )
            page.get_by_label("Email address").fill("anna@acme.example")
            page.get_by_role("button", name="Email me a sign-in link").click()
            expect(page.get_by_role("status")).to_contain_text("we have sent a sign-in link")

            load_jobs()
            outside_event_loop(scheduler.run_once, ["fan_out_due_notices", "send_due_deliveries"])
            [message] = mail.outbox
            link = re.search(re.escape(live_server.url) + r"/portal/sign-in/\S+/", message.body)
            page.goto(link.group(0))
            page.get_by_role("button", name="Sign in").click()

            expect(page.get_by_role("heading", level=1)).to_have_text("Acme: Operational")
            expect(page.get_by_text("Acme SIP trunk")).to_be_visible()
            expect(page.get_by_text("private to you")).to_be_visible()

            page.get_by_role("link", name="Requests").first.click()
            page.get_by_role("link", name="Open a request").click()
            page.get_by_label("Subject").fill("Calls drop after 30 seconds")
            page.get_by_label("What happened").fill("Every call on the trunk drops.")
            page.get_by_label("Priority").select_option("high")
            page.get_by_label("Affected component").select_option("acme-trunk")
            page.get_by_role("button", name="Open the request").click()

            expect(page.get_by_role("heading", level=1)).to_contain_text(
                "Calls drop after 30 seconds"
            )
            expect(page.get_by_text("Every call on the trunk drops.")).to_be_visible()
            page.get_by_role("button", name="Sign out").click()
            expect(page.get_by_role("heading", level=1)).to_have_text(
                "Sign in to the customer portal"
            )
        finally:
            browser.close()

    request = outside_event_loop(
        lambda: SupportRequest.objects.select_related("requester", "component").get()
    )
    assert (request.requester.email, request.priority, request.component.slug) == (
        "anna@acme.example",
        "high",
        "acme-trunk",
    )
