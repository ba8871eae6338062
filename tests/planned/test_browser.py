"""An operator plans work in the console, checks it and has it published, and the status page
shows it: in Chromium (Debian's, driven by Playwright), signing in as each member of staff; once
in full for seed 000, then for each other seed preset's own kind of work."""

from datetime import UTC, datetime

import pytest
import time_machine
from playwright.sync_api import sync_playwright

from forewarn.calendars.models import Calendar
from forewarn.catalog.models import Component, Region
from forewarn.catalog.services import save_component, save_region
from forewarn.planned.models import PlannedWork
from forewarn.policies.services import load_presets
from tests.conftest import make_staff, outside_event_loop
from tests.statuspage.test_browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # Tue 10:00 in Amsterdam


@pytest.fixture
def clock():
    """The whole test, fixtures included, from a fixed Tuesday morning (the clock runs on)."""
    with time_machine.travel(T0, tick=True) as traveller:
        yield traveller


@pytest.fixture
def browser():
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def world(transactional_db, clock):
    load_presets()  # a flush before this test emptied the seeded rows
    eu = save_region(
        Region(
            slug="eu",
            name="Europe",
            time_zone="Europe/Amsterdam",
            calendar=Calendar.objects.get(slug="nl-business"),
        ),
        actor="alice",
    )
    save_component(Component(slug="voice", name="Voice", region=eu), actor="alice")
    save_component(Component(slug="sms", name="SMS API", region=eu), actor="alice")
    make_staff("rita", "responder")
    make_staff("cody", "communicator")


def signed_in(browser, live_server, username: str):
    """A fresh browser session signed in to the console as ``username``."""
    page = browser.new_context().new_page()
    page.goto(live_server.url + "/console/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-" + username)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/console/")
    return page


def test_an_operator_plans_checks_and_publishes_and_the_page_shows_it(live_server, world, browser):
    rita = signed_in(browser, live_server, "rita")
    rita.get_by_role("link", name="Planned work").first.click()
    rita.locator("a.addlink").click()
    rita.fill("#id_title", "Database upgrade")
    rita.select_option("#id_work_type", "seed-000/service-update")
    rita.fill("#id_description", "We upgrade the **database** to version 15.")
    rita.fill("#id_impact_text", "Calls may drop for up to five minutes.")
    rita.fill("#id_start", "2026-12-01T10:00")
    rita.fill("#id_end", "2026-12-01T12:00")
    rita.select_option("#id_time_zone", "Europe/Amsterdam")
    rita.select_option("#id_component_voice", "under_maintenance")
    rita.click("input[type=submit][value='Draft it']")
    assert rita.locator("#state").inner_text().startswith("Draft: private")
    assert rita.locator("#windows tbody td").nth(1).inner_text() == (
        "Tue 1 Dec 2026 10:00 – Tue 1 Dec 12:00 CET"
    )

    rita.get_by_role("link", name="Check and publish").click()
    assert rita.locator("#verdict").inner_text() == (
        "Every window keeps every policy: it may be published as it is."
    )
    assert rita.locator(".announce-by").inner_text() == "Thu 26 Nov 2026 10:00 CET"
    announcement = rita.locator("table.plan tbody tr").filter(has_text="Announcement")
    assert announcement.locator("td").all_inner_texts()[3:] == [
        "Thu 26 Nov 2026 10:00 CET",
        "Thu 26 Nov 2026 10:00 CET",
        "Thu 26 Nov 2026 10:00 CET",
    ]
    assert rita.get_by_text("A communicator publishes it.").count() == 1
    assert rita.locator("#step-publish").count() == 0

    cody = signed_in(browser, live_server, "cody")
    work_id = outside_event_loop(lambda: PlannedWork.objects.get().pk)
    cody.goto(f"{live_server.url}/console/planned/plannedwork/{work_id}/check/")
    cody.click("#step-publish input[type=submit]")
    assert cody.locator("#state").inner_text().startswith("Scheduled")
    assert outside_event_loop(lambda: PlannedWork.objects.get().state) == "scheduled"

    visitor = browser.new_context(java_script_enabled=False).new_page()
    visitor.goto(live_server.url + "/")
    section = visitor.locator("#maintenance-upcoming")
    assert section.locator("h2").inner_text() == "Scheduled maintenance"
    assert section.locator("h3").inner_text() == "Database upgrade"
    section.get_by_role("link", name="Database upgrade").click()
    assert visitor.locator("h1").inner_text() == "Database upgrade"
    assert visitor.locator("strong", has_text="database").count() == 1
    assert visitor.locator(".incident-update .status").all_inner_texts() == ["Scheduled"]
    response = visitor.request.get(live_server.url + "/maintenance.ics")
    assert "SUMMARY:Database upgrade" in response.text()


# One compliant piece of work per seed preset (seed 000's is the walkthrough above): the work
# type, its window in Amsterdam, what else the form needs, the announce-by the check shows, and
# the notices of the plan with the announcement's instant in the policy's zone, the provider's
# and the region's.
PRESETS = {
    "seed-001": (
        "scheduled-maintenance",
        ("2026-12-15T22:00", "2026-12-15T23:00"),
        {},
        "Tue 1 Dec 2026 22:00 CET",
        ["Announcement"],
        ["Tue 1 Dec 2026 22:00 CET"] * 3,
    ),
    "seed-002": (
        "scheduled-maintenance",
        ("2026-12-15T22:00", "2026-12-15T23:00"),
        {},
        "Tue 8 Dec 2026 22:00 CET",
        ["Announcement"],
        ["Tue 8 Dec 2026 22:00 CET"] * 3,
    ),
    "seed-003": (
        "maintenance",
        ("2026-11-26T22:00", "2026-11-26T23:00"),
        {},
        "Thu 26 Nov 2026 08:30 CET",
        ["Announcement", "Start", "Completion", "Extension"],
        ["Thu 26 Nov 2026 08:30 CET"] * 3,
    ),
    "seed-004": (
        "security-patch",
        ("2026-11-24T22:00", "2026-11-24T23:00"),
        {"#id_validated_on_test_environment": True},
        "no deadline",
        ["Announcement"],
        ["Tue 24 Nov 2026 04:00 EST", "Tue 24 Nov 2026 10:00 CET", "Tue 24 Nov 2026 10:00 CET"],
    ),
}


@pytest.mark.parametrize("policy", sorted(PRESETS))
def test_each_preset_is_planned_checked_published_and_shown(live_server, world, browser, policy):
    work_type, (start, end), checks, announce_by, kinds, announced_at = PRESETS[policy]
    rita = signed_in(browser, live_server, "rita")
    rita.goto(live_server.url + "/console/planned/plannedwork/add/")
    rita.fill("#id_title", f"Voice platform work ({policy})")
    rita.select_option("#id_work_type", f"{policy}/{work_type}")
    rita.fill("#id_impact_text", "Calls may drop for up to five minutes; no security impact.")
    rita.fill("#id_start", start)
    rita.fill("#id_end", end)
    rita.select_option("#id_time_zone", "Europe/Amsterdam")
    rita.select_option("#id_component_voice", "under_maintenance")
    for box, checked in checks.items():
        rita.set_checked(box, checked)
    rita.click("input[type=submit][value='Draft it']")
    assert rita.locator("#state").inner_text().startswith("Draft: private")

    rita.get_by_role("link", name="Check and publish").click()
    assert rita.locator("#verdict").inner_text() == (
        "Every window keeps every policy: it may be published as it is."
    )
    check = rita.locator("section.policy-check")
    assert check.locator("h3").inner_text().startswith(f"{policy}, {work_type}")
    assert check.locator(".announce-by").inner_text() == announce_by
    rows = check.locator("table.plan tbody tr")
    assert [rows.nth(n).locator("td").first.inner_text() for n in range(rows.count())] == kinds
    announcement = rows.filter(has_text="Announcement")
    assert announcement.locator("td").all_inner_texts()[3:] == announced_at

    cody = signed_in(browser, live_server, "cody")
    work = outside_event_loop(lambda: PlannedWork.objects.get())
    cody.goto(f"{live_server.url}/console/planned/plannedwork/{work.pk}/check/")
    cody.click("#step-publish input[type=submit]")
    assert cody.locator("#state").inner_text().startswith("Scheduled")

    visitor = browser.new_context(java_script_enabled=False).new_page()
    visitor.goto(live_server.url + "/")
    section = visitor.locator("#maintenance-upcoming")
    section.get_by_role("link", name=f"Voice platform work ({policy})").click()
    assert visitor.url.endswith(f"/{work.public_id}/")
    assert visitor.locator("h1").inner_text() == f"Voice platform work ({policy})"
    assert visitor.locator(".incident-update .status").all_inner_texts() == ["Scheduled"]
