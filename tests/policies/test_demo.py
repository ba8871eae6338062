"""`forewarn load_demo` (and so `make demo`) loads the five presets and their calendars, and
loading again changes nothing."""

import pytest
from django.core.management import call_command

from forewarn.calendars.models import Calendar
from forewarn.catalog.models import Region
from forewarn.policies.models import Policy, WorkType
from forewarn.record.models import Event


def _rows():
    return (
        sorted(Calendar.objects.values_list("pk", "slug", "updated_at")),
        sorted(Policy.objects.values_list("pk", "slug", "calendar__slug", "updated_at")),
        sorted(WorkType.objects.values_list("pk", "policy__slug", "slug", "updated_at")),
    )


@pytest.mark.django_db
def test_load_demo_twice_gives_the_same_rows(capsys):
    call_command("load_demo")
    first = _rows()
    policy_events = Event.objects.filter(kind__startswith="policy.").count()
    work_type_events = Event.objects.filter(kind__startswith="work_type.").count()
    call_command("load_demo")
    assert _rows() == first
    assert Event.objects.filter(kind__startswith="policy.").count() == policy_events == 5
    assert Event.objects.filter(kind__startswith="work_type.").count() == work_type_events == 16
    calendars, policies, work_types = first
    assert sorted(slug for _, slug, _ in calendars) == ["es-business", "nl-business", "us-support"]
    assert sorted((slug, cal) for _, slug, cal, _ in policies) == [
        ("seed-000", "nl-business"),
        ("seed-001", "nl-business"),
        ("seed-002", "es-business"),
        ("seed-003", "nl-business"),
        ("seed-004", "us-support"),
    ]
    assert len(work_types) == 16


@pytest.mark.django_db
def test_demo_regions_use_the_preset_calendars():
    call_command("load_demo")
    assert dict(Region.objects.values_list("slug", "calendar__slug")) == {
        "eu": "nl-business",
        "us": "us-support",
    }
    assert Calendar.objects.get(slug="nl-business").name == "Dutch business hours"
