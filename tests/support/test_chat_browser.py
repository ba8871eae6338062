"""The chat widget in Chromium, embedded by a page on another origin as a provider's product
would embed it: the user writes, staff answer through the service, the answer appears.
(Debian's chromium driven by Playwright, as tests/statuspage/test_browser.py does it.)"""

import re
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from forewarn.support import chat_tokens, configuration, handling, services
from forewarn.support.models import ChatWidget, SupportRequest
from tests.conftest import outside_event_loop
from tests.statuspage.test_browser import CHROMIUM, CHROMIUM_ARGS

from .conftest import T0, ams

pytestmark = pytest.mark.browser


@pytest.fixture
def clock():
    """Monday 10:00 in Amsterdam, support open; the clock runs on (the browser's does)."""
    with time_machine.travel(T0, tick=True) as traveller:
        yield traveller


class Product:
    """The provider's product: a tiny web server on a port of its own, another origin, whose
    page carries the script tag with the token its backend minted."""

    def __init__(self):
        self.page = b""
        self.policy = "default-src 'self'"
        product = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                # A strict policy, as docs/support.md asks of a product: Forewarn's origin for
                # scripts and calls, no inline script or style anywhere.
                self.send_header("Content-Security-Policy", product.policy)
                self.end_headers()
                self.wfile.write(product.page)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def serve(self, forewarn: str, widget: ChatWidget, token: str) -> None:
        self.policy = (
            f"default-src 'self'; script-src {forewarn}; connect-src {forewarn}; "
            "style-src 'self'; img-src 'self'"
        )
        self.page = (
            "<!doctype html><html lang='en'><title>Acme Product</title>"
            "<h1>Acme Product</h1><p>Your dashboards.</p>"
            f"<script src='{forewarn}/support/chat.js' async data-widget='{widget.key}' "
            f"data-token='{token}' data-poll-ms='300'></script></html>"
        ).encode()


@pytest.fixture
def product():
    found = Product()
    yield found
    found.server.shutdown()
    found.server.server_close()


@pytest.fixture
def page():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser.new_context(locale="en-GB", timezone_id="Europe/London").new_page()
        finally:
            browser.close()


@pytest.fixture
def widget(transactional_db, world, product):
    return configuration.save_widget(
        ChatWidget(name="Acme Product", allowed_origins=f"http://127.0.0.1:{product.port}"),
        actor="ada",
        role="admin",
    )


def token_for(widget, email="anna@acme.example"):
    return chat_tokens.mint(
        widget.secret,
        email=email,
        organization="acme",
        expires_at=timezone.now() + timedelta(hours=1),
    )


def test_a_contact_chats_from_the_providers_product_and_sees_staffs_answer(
    live_server, widget, product, page
):
    product.serve(live_server.url, widget, token_for(widget))
    complaints = []
    page.on("console", lambda message: complaints.append(message.text))
    page.goto(f"http://127.0.0.1:{product.port}/")
    page.locator(".fw-bubble").click()
    expect(page.locator(".fw-hours")).to_contain_text("Support is open now.")
    expect(page.locator(".fw-emergency")).to_be_hidden()  # open hours: no on-call paging

    page.locator(".fw-input").fill("Calls drop after 30 seconds")
    page.locator(".fw-send").click()
    expect(page.locator(".fw-message.fw-you")).to_have_text(re.compile("Calls drop after 30"))
    request = outside_event_loop(SupportRequest.objects.get)
    assert (request.origin, request.requester_email) == ("chat", "anna@acme.example")
    expect(page.locator(".fw-hours")).to_contain_text(f"{request.reference}: New")
    expect(page.locator(".fw-hours")).to_contain_text("We answer by")

    outside_event_loop(
        handling.reply,
        request,
        body="We see it too: **trunk 2** is restarting.",
        actor="sam",
        role="responder",
    )
    answer = page.locator(".fw-message.fw-support")
    expect(answer).to_contain_text("We see it too: trunk 2 is restarting.")
    expect(answer.locator("strong")).to_have_text("trunk 2")  # the sanitised Markdown
    expect(page.locator(".fw-hours")).to_contain_text(f"{request.reference}: Open")

    page.locator(".fw-input").fill("Thanks, it works again.")
    page.locator(".fw-send").click()
    expect(page.locator(".fw-message")).to_have_count(3)
    messages = outside_event_loop(
        lambda: list(request.messages.order_by("id").values_list("kind", "origin"))
    )
    assert messages == [("customer", "chat"), ("reply", "web"), ("customer", "chat")]
    assert [c for c in complaints if "Content Security Policy" in c] == []


def test_a_contact_chooses_another_of_their_requests_or_a_new_one(
    live_server, widget, product, page
):
    def by_mail():
        from forewarn.catalog.models import Organization

        return services.open_request(
            requester_email="anna@acme.example",
            organization=Organization.objects.get(slug="acme"),
            subject="Invoices are late",
            body="The **November** invoice never came.",
            origin="email",
            actor="anna@acme.example",
        )

    mailed = outside_event_loop(by_mail)
    product.serve(live_server.url, widget, token_for(widget))
    page.goto(f"http://127.0.0.1:{product.port}/")
    page.locator(".fw-bubble").click()
    choose = page.locator(".fw-choose")
    expect(choose).to_have_value("new")  # no chat request yet: writing opens one
    page.locator(".fw-input").fill("Calls drop after 30 seconds")
    page.locator(".fw-send").click()
    expect(page.locator(".fw-message.fw-you")).to_have_text(re.compile("Calls drop"))
    chatted = outside_event_loop(SupportRequest.objects.get, origin="chat")
    expect(choose).to_have_value(chatted.reference)
    expect(choose.locator("option")).to_have_text(
        [
            f"{chatted.reference} · Chat: Calls drop after 30 seconds (New)",
            f"{mailed.reference} · Invoices are late (New)",
            "New request",
        ]
    )

    choose.select_option(mailed.reference)  # the one opened by email
    expect(page.locator(".fw-message")).to_have_count(1)
    expect(page.locator(".fw-message strong")).to_have_text("November")
    page.locator(".fw-input").fill("Any news on the invoice?")
    page.locator(".fw-send").click()
    expect(page.locator(".fw-message.fw-you")).to_have_count(2)
    expect(page.locator(".fw-hours")).to_contain_text(f"{mailed.reference}: New")

    choose.select_option("new")
    expect(page.locator(".fw-message")).to_have_count(0)
    page.locator(".fw-input").fill("A third topic")
    page.locator(".fw-send").click()
    expect(page.locator(".fw-message.fw-you")).to_have_text(re.compile("A third topic"))
    expect(choose.locator("option")).to_have_count(4)

    def threads():
        return {
            r.subject: list(r.messages.order_by("id").values_list("origin", flat=True))
            for r in SupportRequest.objects.all()
        }

    assert outside_event_loop(threads) == {
        "Chat: Calls drop after 30 seconds": ["chat"],
        "Invoices are late": ["email", "chat"],
        "Chat: A third topic": ["chat"],
    }


def test_a_chosen_request_closed_meanwhile_goes_back_to_the_current_one_saying_why(
    live_server, widget, product, page
):
    product.serve(live_server.url, widget, token_for(widget))
    page.goto(f"http://127.0.0.1:{product.port}/")
    page.locator(".fw-bubble").click()
    page.locator(".fw-input").fill("Calls drop after 30 seconds")
    page.locator(".fw-send").click()
    choose = page.locator(".fw-choose")
    choose.select_option("new")
    page.locator(".fw-input").fill("Invoices are late")
    page.locator(".fw-send").click()
    expect(page.locator(".fw-message.fw-you")).to_have_text(re.compile("Invoices are late"))
    later = outside_event_loop(SupportRequest.objects.get, subject="Chat: Invoices are late")
    expect(choose).to_have_value(later.reference)

    def close():
        handling.set_status(later, "solved", actor="sam", role="responder")
        handling.set_status(later, "closed", actor="sam", role="responder")

    outside_event_loop(close)  # staff close it while the widget shows it
    expect(page.locator(".fw-problem")).to_contain_text(f"{later.reference} is closed")
    first = outside_event_loop(
        SupportRequest.objects.get, subject="Chat: Calls drop after 30 seconds"
    )
    expect(choose).to_have_value(first.reference)  # the current chat request again
    expect(page.locator(".fw-message.fw-you")).to_have_text(re.compile("Calls drop"))
    expect(page.locator(".fw-problem")).to_contain_text("is closed")  # still says why


def test_the_widget_refuses_whom_the_provider_did_not_authorize(live_server, widget, product, page):
    # Bert is a contact of Acme who may not open requests: a clear refusal, nothing filed.
    product.serve(live_server.url, widget, token_for(widget, email="bert@acme.example"))
    page.goto(f"http://127.0.0.1:{product.port}/")
    page.locator(".fw-bubble").click()
    expect(page.locator(".fw-problem")).to_contain_text("may not open support requests")
    page.locator(".fw-input").fill("Let me in")
    page.locator(".fw-send").click()
    expect(page.locator(".fw-problem")).to_contain_text("may not open support requests")
    assert outside_event_loop(SupportRequest.objects.count) == 0


def test_a_page_on_an_origin_not_configured_cannot_use_the_widget(
    live_server, widget, product, page
):
    product.serve(live_server.url, widget, token_for(widget))
    page.goto(f"http://localhost:{product.port}/")  # same server, an origin not in the list
    page.locator(".fw-bubble").click()
    expect(page.locator(".fw-problem")).to_contain_text("not available")
    page.locator(".fw-input").fill("Hello?")
    page.locator(".fw-send").click()
    expect(page.locator(".fw-message")).to_have_count(0)
    assert outside_event_loop(SupportRequest.objects.count) == 0


def test_after_hours_the_widget_says_when_support_opens_in_the_users_zone_and_pages_on_call(
    live_server, widget, rota, product, clock
):
    clock.move_to(ams(2026, 12, 12, 11, 0))  # Saturday in Amsterdam; support opens Monday 08:30
    product.serve(live_server.url, widget, token_for(widget))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="en-US", timezone_id="America/New_York")
            page = context.new_page()
            page.goto(f"http://127.0.0.1:{product.port}/")
            page.locator(".fw-bubble").click()
            hours = page.locator(".fw-hours")
            # Monday 08:30 in Amsterdam is 02:30 in New York, where the user is
            expect(hours).to_contain_text(
                re.compile(r"closed now; it opens Mon, Dec 14, 02:30\sAM EST")
            )
            expect(hours).to_contain_text("A question now is answered by")
            expect(page.locator(".fw-emergency")).to_be_visible()
            page.locator(".fw-input").fill("Every call fails!")
            page.locator(".fw-emergency").check()
            page.locator(".fw-send").click()
            expect(page.locator(".fw-message.fw-you")).to_contain_text("Every call fails!")
            expect(hours).to_contain_text(re.compile(r"We answer by Sat, Dec 12, 05:3\d\sAM EST"))
        finally:
            browser.close()
    request = outside_event_loop(SupportRequest.objects.get)
    assert (request.emergency, request.on_call, request.origin) == (True, True, "chat")
