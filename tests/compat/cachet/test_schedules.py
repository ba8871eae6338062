"""Cachet's schedules as Forewarn's planned work, with the real cachet-client; skipped until the
planned-work domain is there."""

from datetime import datetime

import pytest
import requests

pytest.importorskip("forewarn.planned.services", reason="schedules map onto planned work")

from forewarn.planned.models import PlannedWork
from forewarn.policies.services import load_presets
from tests.compat.cachet.test_client import cachet, clock, endpoint  # noqa: F401

SUNDAY = datetime(2026, 12, 27, 2, 0)  # a month after the tests' Tuesday, at night


def test_schedules_are_planned_work_under_the_policy(cachet, endpoint):  # noqa: F811
    load_presets()
    api = cachet.components.create(name="API", status=1)
    made = cachet.schedules.create(
        name="Database upgrade",
        status=0,
        message="We upgrade the database.",
        scheduled_at=SUNDAY,
        completed_at=SUNDAY.replace(hour=4),
    )
    assert (made.status, made.scheduled_at, made.completed_at) == (
        0,
        SUNDAY,
        SUNDAY.replace(hour=4),
    )
    work = PlannedWork.objects.get(pk=made.id)
    assert (work.state, work.policy.slug, work.work_type.slug) == (
        "scheduled",
        "seed-001",
        "scheduled-maintenance",
    )
    second = cachet.schedules.create(
        name="Network upgrade",
        status=0,
        scheduled_at=SUNDAY.replace(day=28),
        completed_at=SUNDAY.replace(day=28, hour=3),
    )
    assert [s.name for s in cachet.schedules.list(per_page=1)] == [
        "Database upgrade",
        "Network upgrade",
    ]
    renamed = cachet.schedules.update(made.id, name="Database upgrade to v17", status=0)
    assert renamed.name == "Database upgrade to v17"
    assert cachet.schedules.get(made.id).message == "We upgrade the database."
    cachet.schedules.delete(second.id)
    assert PlannedWork.objects.get(pk=second.id).state == "cancelled"
    assert cachet.schedules.count() == 1
    with pytest.raises(requests.HTTPError) as missing:
        cachet.schedules.get(second.id)
    assert missing.value.response.status_code == 404
    assert api.id


def test_a_schedule_needs_an_end_and_the_policys_notice(cachet_as):
    load_presets()
    admin = cachet_as("admin")
    answer = admin.post(
        "schedules", {"name": "Soon", "status": 0, "scheduled_at": "2026-12-27 02:00"}
    )
    assert answer.json()["errors"][0]["detail"] == (
        "completed_at: A scheduled maintenance has no default duration; give an end."
    )
    answer = admin.post(
        "schedules",
        {"name": "Now", "scheduled_at": "2026-11-24 12:00", "completed_at": "2026-11-24 13:00"},
    )
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["meta"]["details"]
    assert not PlannedWork.objects.exists()
