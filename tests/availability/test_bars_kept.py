"""Each component's past uptime days are kept under a fingerprint of what they are measured from:
a change to one component works out only its bars again, and what is kept is never stale."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from forewarn.availability import bars
from forewarn.availability.models import Exclusion
from forewarn.catalog.models import Component, StatusInterval
from forewarn.catalog.services import set_status

from .conftest import at, history, outage

NOW = datetime(2026, 11, 24, 9, tzinfo=ZoneInfo("UTC"))
pytestmark = pytest.mark.usefixtures("nothing_kept")


@pytest.fixture
def nothing_kept():
    bars.forget_kept()
    yield
    bars.forget_kept()


@pytest.fixture
def measured(monkeypatch):
    """The ids of the components whose past days (more than one day) each pass measures."""
    passes = []
    original = bars._measure

    def spy(specs, inputs, exclusions, bounds):
        if len(bounds) > 2:
            passes.append(sorted(spec.id for spec in specs))
        return original(specs, inputs, exclusions, bounds)

    monkeypatch.setattr(bars, "_measure", spy)
    return passes


@pytest.fixture
def three(db):
    made = []
    for slug in ("api", "web", "sms"):
        component = Component.objects.create(slug=slug, name=slug.upper())
        outage(component, at(2026, 11, 20, 10), at(2026, 11, 20, 11))
        made.append(component)
    return made


def _html(found) -> dict:
    return {pk: uptime.html for pk, uptime in found.items()}


@time_machine.travel(NOW, tick=False)
def test_a_change_to_one_component_measures_only_its_past_again(three, measured):
    api, web, sms = three
    first = bars.uptime_bars(three)
    assert measured == [sorted(c.pk for c in three)]

    set_status(web, "major_outage", actor="ops")
    again = bars.uptime_bars(three)
    assert measured[1:] == []  # today's change: every past day is as it was
    assert again[web.pk].bars[-1].level == "ok" and again[api.pk].html == first[api.pk].html

    StatusInterval.objects.filter(component=sms, status="major_outage").update(
        ended_at=at(2026, 11, 20, 12)  # an hour longer, written as a backfill would
    )
    later = bars.uptime_bars(three)
    assert measured[1:] == [[sms.pk]]
    assert later[sms.pk].html != first[sms.pk].html
    bars.forget_kept()
    assert _html(bars.uptime_bars(three)) == _html(later)  # kept equals worked out afresh


@time_machine.travel(NOW, tick=False)
def test_exclusions_reach_the_components_they_name_or_everyone(three, measured):
    api = three[0]
    bars.uptime_bars(three)
    named = Exclusion.objects.create(
        reason="scheduled_maintenance", starts_at=at(2026, 11, 20, 10), ends_at=at(2026, 11, 20, 11)
    )
    named.components.set([api])
    bars.uptime_bars(three)
    assert measured[1:] == [[api.pk]]
    Exclusion.objects.create(
        reason="force_majeure", starts_at=at(2026, 11, 2, 10), ends_at=at(2026, 11, 2, 11)
    )
    bars.uptime_bars(three)
    assert measured[2:] == [sorted(c.pk for c in three)]


@time_machine.travel(NOW, tick=False)
def test_a_redundant_component_follows_its_members(db, measured):
    a = Component.objects.create(slug="a", name="Trunk A")
    b = Component.objects.create(slug="b", name="Trunk B")
    sip = Component.objects.create(slug="sip", name="SIP", min_available_members=1)
    sip.members.set([a, b])
    history(sip, (at(2026, 6, 1), "operational"))
    history(a, (at(2026, 6, 1), "operational"))
    outage(b, at(2026, 11, 20, 10), at(2026, 11, 20, 11))
    bars.uptime_bars([sip])
    StatusInterval.objects.filter(component=a).update(status="major_outage")
    assert "60 min major outage" in bars.uptime_bars([sip])[sip.pk].bars[-5].text
    assert measured[1:] == [[sip.pk]]


def test_a_new_day_measures_everything_again(three, measured):
    with time_machine.travel(NOW, tick=False):
        bars.uptime_bars(three)
    with time_machine.travel(datetime(2026, 11, 25, 9, tzinfo=ZoneInfo("UTC")), tick=False):
        found = bars.uptime_bars(three)
    assert len(measured) == 2
    assert found[three[0].pk].bars[-1].text.startswith("25 Nov 2026 (today so far)")
