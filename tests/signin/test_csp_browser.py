"""Under the Content-Security-Policy, the console (Django admin's own templates included), the
status page and the subscribe page work in Chromium and report no violation."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import sync_playwright

from forewarn.catalog.models import Component, ComponentGroup
from tests.conftest import outside_event_loop
from tests.statuspage.test_browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser

# Collects what the browser reports as violating the page's policy, before any page script runs.
LISTEN = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
"""


@pytest.fixture
def browser_page():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context().new_page()
            page.add_init_script(LISTEN)
            page.console_messages = []
            page.on("console", lambda m: page.console_messages.append(m.text))
            yield page
        finally:
            browser.close()


@pytest.fixture
def site(transactional_db):
    group = ComponentGroup.objects.create(name="Voice")
    sip = Component.objects.create(slug="voice-sip", name="Voice/SIP", group=group)
    get_user_model().objects.create_superuser("root", "root@example.com", "a-long-password-1")
    return sip


def violations(page) -> list[str]:
    reported = page.evaluate("window.__violations")
    logged = [m for m in page.console_messages if "Content Security Policy" in m]
    return reported + logged


def test_console_login_and_a_change_form_work_with_no_violation(live_server, site, browser_page):
    page = browser_page
    page.goto(live_server.url + "/console/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "a-long-password-1")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/console/")
    assert violations(page) == []
    for path in (
        f"/console/catalog/component/{site.pk}/change/",
        "/console/delivery/subscriber/add/",
        "/console/auth/user/add/",
        "/console/authenticator/",
    ):
        page.goto(live_server.url + path)
        assert page.locator("#content").count() == 1
        assert violations(page) == [], path
    # The admin's scripts run: the change form's "Save" works.
    page.goto(live_server.url + f"/console/catalog/component/{site.pk}/change/")
    page.fill("#id_name", "Voice / SIP")
    page.click("input[name=_save]")
    page.wait_for_url(live_server.url + "/console/catalog/component/")
    assert violations(page) == []
    assert outside_event_loop(lambda: Component.objects.get(pk=site.pk).name) == "Voice / SIP"


def test_public_pages_report_no_violation(live_server, site, browser_page):
    page = browser_page
    for path in ("/", "/subscribe/"):
        page.goto(live_server.url + path)
        assert violations(page) == [], path


def test_an_inline_script_would_be_refused_and_reported(live_server, site, browser_page):
    """The listener above does see a violation: the policy is enforced, not just sent."""
    page = browser_page
    page.goto(live_server.url + "/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = true'; document.body.append(s); }"
    )
    page.wait_for_function("window.__violations.length > 0")
    assert page.evaluate("window.__ran === undefined")
    assert violations(page)[0].startswith("script-src-elem inline")


def test_the_api_documentation_renders_from_this_server_with_no_violation(
    live_server, site, browser_page
):
    """Swagger UI comes from Forewarn's own static files (no CDN) and runs under the policy."""
    page = browser_page
    outside = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
    assert "Forewarn" in page.inner_text(".swagger-ui .info .title")
    assert violations(page) == []
    assert outside == []
