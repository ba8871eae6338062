import pytest

from forewarn.calendars.models import Calendar
from forewarn.catalog.models import Component, Region
from forewarn.policies.services import load_presets


@pytest.fixture
def presets(db):
    """The five seed policies and their calendars, loaded as `forewarn load_demo` does."""
    return {p.slug: p for p in load_presets()}


@pytest.fixture
def catalog(presets):
    """Two regions busy 08:00–20:00 on weekdays, each with its own calendar, and a component
    in each."""
    peak = [{"weekday": d, "start": "08:00", "end": "20:00"} for d in range(5)]
    eu = Region.objects.create(
        slug="eu",
        name="Europe",
        time_zone="Europe/Amsterdam",
        peak_hours=peak,
        calendar=Calendar.objects.get(slug="nl-business"),
    )
    us = Region.objects.create(
        slug="us",
        name="United States",
        time_zone="America/New_York",
        peak_hours=peak,
        calendar=Calendar.objects.get(slug="us-support"),
    )
    Component.objects.create(slug="sms-api", name="SMS API", region=eu)
    Component.objects.create(slug="ticketing", name="Ticketing", region=us)
    return {"eu": eu, "us": us}
