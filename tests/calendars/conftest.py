import pytest

from forewarn.policies.services import load_calendar_presets


@pytest.fixture
def calendars(db):
    """nl-business, us-support and es-business as the presets define them."""
    return load_calendar_presets()
