"""Planned work on the public status page and in its Statuspage v2 JSON: upcoming, in progress,
verifying, completed and cancelled, each change moving the page version with it."""

from datetime import UTC, datetime, timedelta

import html5lib
import pytest

from forewarn.catalog.services import set_status
from forewarn.planned import progress, services
from forewarn.record.models import Event
from forewarn.statuspage.models import PageVersion
from forewarn.statuspage.summary import component_json

from .conftest import draft, tick


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


START, END = utc(2027, 1, 12, 9), utc(2027, 1, 12, 11)  # Tue 10:00–12:00 CET


def stamp(at: datetime) -> str:
    return at.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def published(world, **fields):
    work = draft(world, start=START, end=END, **fields)
    return services.publish(work, actor="cody", role="communicator")


def event_id(work, kind: str) -> str:
    found = Event.objects.filter(
        subject_type="planned.plannedwork", subject_id=str(work.pk), kind=kind
    ).latest("id")
    return f"{work.public_id}-{found.pk}"


def voice_json(world) -> dict:
    """Voice as every v2 payload writes a component (``tests/statuspage`` checks that shape)."""
    world.voice.refresh_from_db()
    return component_json(world.voice)


def maintenances(client, path: str) -> list[dict]:
    body = client.get(f"/api/v2/scheduled-maintenances{path}.json").json()
    assert list(body) == ["page", "scheduled_maintenances"]
    return body["scheduled_maintenances"]


def test_upcoming_work_in_statuspages_shape_field_by_field(client, world, clock):
    work = published(world)
    assert maintenances(client, "/upcoming") == [
        {
            "id": work.public_id,
            "name": "Database upgrade",
            "status": "scheduled",
            "created_at": "2027-01-04T09:00:00.000Z",
            "updated_at": "2027-01-04T09:00:00.000Z",
            "monitoring_at": None,
            "resolved_at": None,
            "impact": "maintenance",
            "shortlink": f"http://127.0.0.1:8000/maintenance/{work.public_id}/",
            "started_at": "2027-01-12T09:00:00.000Z",
            "page_id": "forewarn",
            "incident_updates": [
                {
                    "id": event_id(work, "planned.published"),
                    "status": "scheduled",
                    "body": "Service update scheduled for Tue 12 Jan 2027 10:00 CET – "
                    "Tue 12 Jan 2027 12:00 CET.\n\n"
                    "Expected impact: Calls may drop for up to five minutes.",
                    "incident_id": work.public_id,
                    "created_at": "2027-01-04T09:00:00.000Z",
                    "updated_at": "2027-01-04T09:00:00.000Z",
                    "display_at": "2027-01-04T09:00:00.000Z",
                    "affected_components": None,
                    "deliver_notifications": True,
                }
            ],
            "components": [voice_json(world)],
            "scheduled_for": "2027-01-12T09:00:00.000Z",
            "scheduled_until": "2027-01-12T11:00:00.000Z",
        }
    ]
    assert maintenances(client, "/active") == []
    assert [m["id"] for m in maintenances(client, "")] == [work.public_id]
    summary = client.get("/api/v2/summary.json").json()
    assert [m["status"] for m in summary["scheduled_maintenances"]] == ["scheduled"]


def test_a_draft_is_nowhere_on_the_page(client, world, clock):
    work = draft(world, start=START, end=END, title="Secret migration")
    for path in ("", "/upcoming", "/active"):
        assert maintenances(client, path) == []
    assert "Secret migration" not in client.get("/").content.decode()
    assert client.get(f"/maintenance/{work.public_id}/").status_code == 404
    assert b"Secret migration" not in client.get("/maintenance.ics").content


def test_in_progress_then_completed_through_the_json(client, world, clock):
    work = published(world)
    tick(clock, START)
    (active,) = maintenances(client, "/active")
    assert (active["status"], active["started_at"]) == ("in_progress", "2027-01-12T09:00:00.000Z")
    newest = active["incident_updates"][0]
    assert (newest["status"], newest["body"]) == (
        "in_progress",
        "The service update has begun.",
    )
    assert active["incident_updates"][0]["affected_components"] == [
        {
            "code": world.voice.public_id,
            "name": "Voice",
            "old_status": "operational",
            "new_status": "under_maintenance",
        }
    ]
    assert maintenances(client, "/upcoming") == []
    summary = client.get("/api/v2/summary.json").json()
    assert summary["status"]["indicator"] == "maintenance"
    assert [m["id"] for m in summary["scheduled_maintenances"]] == [work.public_id]

    tick(clock, END)
    assert maintenances(client, "/active") == []
    (done,) = maintenances(client, "")
    assert (done["status"], done["resolved_at"]) == ("completed", "2027-01-12T11:00:00.000Z")
    assert [u["status"] for u in done["incident_updates"]] == [
        "completed",
        "in_progress",
        "scheduled",
    ]
    assert client.get("/api/v2/summary.json").json()["scheduled_maintenances"] == []


def test_overrun_shows_verifying_then_the_extension(client, world, clock):
    work = published(world)
    tick(clock, START)
    set_status(world.voice, "degraded_performance", actor="rita")  # not healthy at the end
    tick(clock, END)
    (shown,) = maintenances(client, "/active")
    assert shown["status"] == "verifying"
    clock.move_to(END + timedelta(minutes=5))
    progress.extend(
        work,
        actor="rita",
        role="responder",
        reason="The index rebuild is slower than planned",
        next_update_at=END + timedelta(minutes=30),
    )
    (shown,) = maintenances(client, "/active")
    assert [(u["status"], u["body"]) for u in shown["incident_updates"][:2]] == [
        (
            "verifying",
            "The work needs more time: The index rebuild is slower than planned. "
            "Next update by Tue 12 Jan 2027 12:30 CET.",
        ),
        (
            "verifying",
            "The window has ended but the work is not finished yet: we are making sure every "
            "affected service is healthy before we close it.",
        ),
    ]


def test_a_cancelled_window_is_completed_in_statuspages_words(client, world, clock):
    work = published(world)
    clock.shift(timedelta(hours=1))
    services.cancel(work, actor="cody", role="communicator", reason="The vendor postponed")
    (shown,) = maintenances(client, "")
    assert (shown["status"], shown["resolved_at"]) == ("completed", "2027-01-04T10:00:00.000Z")
    assert shown["incident_updates"][0]["body"] == (
        "This service update is cancelled: The vendor postponed."
    )
    assert maintenances(client, "/upcoming") == []
    html = client.get(f"/maintenance/{work.public_id}/").content.decode()
    assert "Cancelled" in html and "The vendor postponed" in html


def test_every_public_change_moves_the_page_version(client, world, clock):
    def version() -> int:
        return PageVersion.objects.get(pk=1).version

    work = draft(world, start=START, end=END)
    before = version()
    services.publish(work, actor="cody", role="communicator")
    after_publish = version()
    assert after_publish > before
    services.update(work, actor="cody", role="communicator", impact_text="None expected.")
    assert version() > after_publish
    for at in (START, END):
        moved = version()
        tick(clock, at)
        assert version() > moved


def test_a_recurring_work_lists_each_window_and_the_page_shows_the_next(client, world, clock):
    work = published(world, rrule="FREQ=WEEKLY;COUNT=3", time_zone="Europe/Amsterdam")
    found = maintenances(client, "/upcoming")
    assert [(m["id"], m["scheduled_for"]) for m in found] == [
        (f"{work.public_id}-0", "2027-01-12T09:00:00.000Z"),
        (f"{work.public_id}-1", "2027-01-19T09:00:00.000Z"),
        (f"{work.public_id}-2", "2027-01-26T09:00:00.000Z"),
    ]
    html = client.get("/").content.decode()
    assert html.count("Database upgrade") == 1
    assert "Repeats: 2 more windows scheduled" in html


@pytest.mark.parametrize("path", ["/", "/history/?month=2027-01"])
def test_the_page_and_history_show_the_work_with_its_link(client, world, clock, path):
    work = published(world)
    html = client.get(path).content.decode()
    assert f'href="/maintenance/{work.public_id}/"' in html
    assert "Database upgrade" in html


def test_the_pages_with_planned_work_are_valid_html(client, world, clock):
    work = published(world, description="Upgrade to **v15** <script>alert(1)</script>")
    recurring = published(world, title="Weekly patching", rrule="FREQ=WEEKLY;COUNT=2")
    tick(clock, START)  # the first in progress, the other's first window too
    for path in ("/", f"/maintenance/{work.public_id}/", f"/maintenance/{recurring.public_id}/"):
        response = client.get(path)
        assert response.status_code == 200
        parser = html5lib.HTMLParser(strict=True)
        parser.parse(response.content)
        assert parser.errors == []
        assert b"<script>alert" not in response.content
    assert "<strong>v15</strong>" in client.get(f"/maintenance/{work.public_id}/").content.decode()


def test_the_page_and_the_json_read_planned_work_in_a_fixed_number_of_queries(
    client, world, clock, django_assert_max_num_queries
):
    for n in range(3):
        published(world, title=f"Upgrade {n}", rrule="FREQ=WEEKLY;COUNT=2")
    tick(clock, START)
    # Planned work adds its windows, their work's affected components and the recorded events:
    # the same for 3 works as for 30. The page's 18 include the system metrics' (the public
    # metrics and their stamp, read with the version, which tests read afresh each time).
    for path, most in [("/", 18), ("/api/v2/summary.json", 8), ("/maintenance.ics", 4)]:
        with django_assert_max_num_queries(most):
            assert client.get(path).status_code == 200
