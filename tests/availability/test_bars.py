"""Uptime bars on the public status page: 90 provider-zone days per public component."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from forewarn.availability import bars, engine, services
from forewarn.availability.models import Exclusion
from forewarn.catalog.models import Component, ComponentGroup, ProductCategory
from forewarn.statuspage.version import page_changed

from .conftest import at, history, outage

# 24 Nov 2026 10:00 in Amsterdam; the last 90 days run from 27 Aug to today.
NOW = datetime(2026, 11, 24, 9, tzinfo=ZoneInfo("UTC"))
pytestmark = pytest.mark.usefixtures("fresh_cache")


@pytest.fixture
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api(db):
    group = ComponentGroup.objects.create(name="Platform")
    api = Component.objects.create(slug="api", name="REST API", group=group)
    # Yesterday 14:00–14:30 major outage.
    outage(api, at(2026, 11, 23, 14), at(2026, 11, 23, 14, 30), "major_outage", "DB failover")
    page_changed()  # written directly, as demo loading does, so it marks the page changed itself
    return api


@time_machine.travel(NOW, tick=False)
def test_an_outage_yesterday_shows_that_days_figure(client, api):
    html = client.get("/").content.decode()
    # (1,440 − 30) / 1,440 = 97.916…% → below 99: red, focusable, the figure in words.
    assert (
        '<li class="u-major" tabindex="0"><span class="tip">'
        "23 Nov 2026: 97.91 % available, 30 min major outage</span></li>"
    ) in html
    assert '<li class="u-ok"><span class="tip">22 Nov 2026: 100 % available</span></li>' in html
    assert "24 Nov 2026 (today so far): 100 % available" in html
    # 90 days: 89 whole days (one of them 25 h long) and 10 h today = 128,820 min; 30 down.
    # (128,820 − 30) / 128,820 = 99.9767… → 99.97 %.
    assert '<span class="uptime-figure">99.97 % available over the last 90 days</span>' in html
    assert html.count('<li class="u-') == 90


@time_machine.travel(NOW, tick=False)
def test_days_before_the_history_have_no_data_and_excluded_days_say_why(db):
    web = Component.objects.create(slug="web", name="Web")
    history(web, (at(2026, 11, 20, 12), "operational"))
    maintenance = Exclusion.objects.create(
        reason="scheduled_maintenance", starts_at=at(2026, 11, 22), ends_at=at(2026, 11, 23)
    )
    maintenance.components.set([web])
    uptime = bars.uptime_bars([web])[web.pk]
    assert [(b.day, b.level, b.text) for b in uptime.bars[-6:]] == [
        (date(2026, 11, 19), "none", "19 Nov 2026: no data"),
        (date(2026, 11, 20), "ok", "20 Nov 2026: 100 % available"),
        (date(2026, 11, 21), "ok", "21 Nov 2026: 100 % available"),
        (date(2026, 11, 22), "excluded", "22 Nov 2026: not measured (Scheduled maintenance)"),
        (date(2026, 11, 23), "ok", "23 Nov 2026: 100 % available"),
        (date(2026, 11, 24), "ok", "24 Nov 2026 (today so far): 100 % available"),
    ]
    assert [b.is_focusable for b in uptime.bars[-6:]] == [False, False, False, True, False, False]
    assert uptime.text == "100 % available over the last 90 days"


@time_machine.travel(NOW, tick=False)
def test_bars_agree_with_the_engine_for_a_redundant_component(db):
    # Voice/SIP through two trunks: both down 10:40–11:00 on 20 Nov → 20 min that day.
    voice = ProductCategory.objects.create(slug="voice", name="Voice", target_pct="99.99")
    a = Component.objects.create(slug="a", name="Trunk A", category=voice)
    b = Component.objects.create(slug="b", name="Trunk B", category=voice)
    sip = Component.objects.create(slug="sip", name="Voice/SIP", category=voice)
    sip.members.set([a, b])
    sip.min_available_members = 1
    sip.save()
    outage(a, at(2026, 11, 20, 10), at(2026, 11, 20, 11))
    outage(b, at(2026, 11, 20, 10, 40), at(2026, 11, 20, 12))
    history(sip, (at(2026, 6, 1), "operational"))

    uptime = bars.uptime_bars([sip, a])
    inputs = services.engine_inputs([sip], engine.Period(at(2026, 8, 27), at(2026, 11, 25)))
    expected = engine.daily_availability(
        inputs.specs[sip.pk],
        inputs.statuses,
        inputs.exclusions,
        tz="Europe/Amsterdam",
        end_date=date(2026, 11, 24),
        category=inputs.categories[voice.pk],
        now=NOW,
    )
    assert [b.availability_pct for b in uptime[sip.pk].bars] == [
        b.availability_pct for b in expected
    ]
    assert uptime[sip.pk].bars[-5].text == "20 Nov 2026: 98.61 % available, 20 min major outage"
    assert uptime[a.pk].bars[-5].text == "20 Nov 2026: 95.83 % available, 60 min major outage"


@time_machine.travel(NOW, tick=False)
def test_a_beta_component_shows_its_real_uptime(db):
    # A minute of partial outage counts only with a category weight (none here); major counts.
    beta = Component.objects.create(slug="rcs", name="RCS", is_beta=True)
    outage(beta, at(2026, 11, 23, 9), at(2026, 11, 23, 9, 1), "partial_outage")
    beta_major = Component.objects.create(slug="rcs2", name="RCS 2", is_beta=True)
    outage(beta_major, at(2026, 11, 23, 9), at(2026, 11, 23, 9, 1))
    found = bars.uptime_bars([beta, beta_major])
    assert found[beta.pk].bars[-2].text == (
        "23 Nov 2026: 100 % available; partial outage not counted as downtime"
    )
    assert found[beta_major.pk].bars[-2].text == (
        "23 Nov 2026: 99.93 % available, 1 min major outage"
    )
    assert found[beta_major.pk].bars[-2].level == "minor"


@time_machine.travel(NOW, tick=False)
def test_a_new_exclusion_redraws_the_page(client, api, admin_api):
    client.get("/")  # cached
    response = admin_api.post(
        "/api/v1/availability/exclusions",
        {
            "reason": "client_caused",
            "starts_at": "2026-11-23T14:00:00+01:00",
            "ends_at": "2026-11-23T14:30:00+01:00",
            "components": ["api"],
        },
    )
    assert response.status_code == 201
    html = client.get("/").content.decode()
    assert (
        '<li class="u-ok" tabindex="0"><span class="tip">23 Nov 2026: 100 % available; '
        "major outage not counted as downtime; 30 min not measured (Client-caused issue)</span>"
    ) in html


@time_machine.travel(NOW, tick=False)
def test_page_with_bars_takes_few_queries(client, api, django_assert_max_num_queries):
    # The page: version (twice), groups, their components, ungrouped. The bars: components,
    # members, history, exclusions (recorded ones, then the incidents', then planned work's
    # holds). The open public incidents (one query when there are none), planned work's
    # windows (one when there are none), the public system metrics and their stamp (two). The
    # version and the stamp are read afresh each time in tests (freshness 0); a web process
    # reads the version once a second at most.
    with django_assert_max_num_queries(17):
        assert client.get("/").status_code == 200
