"""Webhook subscribers get the notices of planned work as JSON signed per Standard Webhooks, and
those in Statuspage's format as Statuspage sends its scheduled maintenances."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook

from forewarn.delivery.models import Channel, Notice, Subscriber, new_webhook_secret
from forewarn.planned import public, services
from forewarn.statuspage import summary
from tests.delivery.servers import HttpReceiver

from .conftest import T0, draft, tick


def test_a_webhook_subscriber_gets_the_announcement_signed(world, clock, settings):
    settings.FOREWARN_WEBHOOKS_TO_LOOPBACK = True
    settings.FOREWARN_WEBHOOK_PORTS = []
    receiver = HttpReceiver().start()
    try:
        secret = new_webhook_secret()
        hook = Subscriber.objects.create(
            channel=Channel.WEBHOOK, address=f"{receiver.url}/hooks", confirmed_at=T0, secret=secret
        )
        hook.components.set([world.voice])
        work = draft(
            world,
            "seed-004",
            "security-patch",
            start=T0 + timedelta(hours=2),
            end=T0 + timedelta(hours=3),
            validated_on_test_environment=True,
        )
        services.publish(work, actor="cody", role="communicator")
        tick(clock, T0)
        (request,) = receiver.requests
    finally:
        receiver.stop()
    payload = Webhook(secret).verify(request["body"], request["headers"])
    assert payload == json.loads(request["body"])
    data = payload["data"]
    assert (payload["type"], data["kind"], data["thread_key"], data["subject"]) == (
        "notice.created",
        "planned.announcement",
        f"planned:{work.pk}",
        "Planned: Database upgrade",
    )
    assert data["event_times"] == {
        "start": "2027-01-04T11:00:00+00:00",
        "end": "2027-01-04T12:00:00+00:00",
    }


# Statuspage's documented webhook payload for a scheduled maintenance (support.atlassian.com,
# "Enable webhook notifications"; "Scheduled maintenances" in its API reference): an
# ``incident`` with the incident's keys and ``scheduled_for``/``scheduled_until``, its impact
# ``maintenance`` and its status, and each update's, one of the four maintenance states.
MAINTENANCE = {
    "id", "name", "status", "impact", "created_at", "updated_at", "monitoring_at",
    "resolved_at", "shortlink", "started_at", "page_id", "incident_updates", "components",
    "scheduled_for", "scheduled_until",
}  # fmt: skip
UPDATE = {
    "id", "status", "body", "incident_id", "created_at", "updated_at", "display_at",
    "affected_components", "deliver_notifications",
}  # fmt: skip
MAINTENANCE_STATUSES = {"scheduled", "in_progress", "verifying", "completed"}


def maintenance(payload: dict) -> dict:
    """The payload's ``incident``, checked against Statuspage's documented shape."""
    assert {"meta", "page", "incident"} <= set(payload) and "type" not in payload
    incident = payload["incident"]
    assert MAINTENANCE <= set(incident)
    assert (incident["status"] in MAINTENANCE_STATUSES, incident["impact"]) == (True, "maintenance")
    for update in incident["incident_updates"]:
        assert UPDATE <= set(update) and update["status"] in MAINTENANCE_STATUSES
        assert update["incident_id"] == incident["id"]
    times = [u["created_at"] for u in incident["incident_updates"]]
    assert times == sorted(times, reverse=True)  # newest first
    return incident


@pytest.mark.django_db(transaction=True)  # the sender's threads read the database
def test_statuspage_format_webhooks_get_planned_work_as_statuspage_sends_maintenances(
    world, clock, settings
):
    settings.FOREWARN_WEBHOOKS_TO_LOOPBACK = True
    settings.FOREWARN_WEBHOOK_PORTS = []
    receiver = HttpReceiver().start()
    try:
        secret = new_webhook_secret()
        hook = Subscriber.objects.create(
            channel=Channel.WEBHOOK,
            address=f"{receiver.url}/statuspage",
            confirmed_at=T0,
            secret=secret,
            payload_format="statuspage",
        )
        hook.components.set([world.voice])
        # Seed 003's maintenance on Wed 20 Jan 10:00-12:00 CET: announced one business day
        # ahead, then a start and a closing notice.
        work = draft(
            world,
            "seed-003",
            "maintenance",
            start=datetime(2027, 1, 20, 9, tzinfo=UTC),
            end=datetime(2027, 1, 20, 11, tzinfo=UTC),
        )
        services.publish(work, actor="cody", role="communicator")
        bodies = []
        # The announcement, the start and the end; each body is verified when it arrives (a
        # signature is good for five minutes).
        for day, hour in ((19, 9), (20, 9), (20, 11)):
            tick(clock, datetime(2027, 1, day, hour, tzinfo=UTC))
            fresh = receiver.requests[len(bodies) :]
            bodies += [Webhook(secret).verify(r["body"], r["headers"]) for r in fresh]
    finally:
        receiver.stop()
    told = {}
    # Statuspage's format also gets each component change (``component_update``).
    assert {"incident" in b or "component_update" in b for b in bodies} == {True}
    for body in (b for b in bodies if "incident" in b):
        incident = maintenance(body)
        told.setdefault(incident["status"], []).append(incident)
    (announced,) = told["scheduled"]
    (started,) = told["in_progress"]
    (completed,) = told["completed"]
    assert (announced["id"], announced["name"]) == (work.public_id, "Database upgrade")
    assert announced["shortlink"].endswith(f"/{work.public_id}/")
    assert (announced["scheduled_for"], announced["scheduled_until"]) == (
        "2027-01-20T09:00:00.000Z",
        "2027-01-20T11:00:00.000Z",
    )
    assert [u["status"] for u in announced["incident_updates"]] == ["scheduled"]
    assert announced["incident_updates"][0]["body"].startswith("Maintenance scheduled for")
    assert announced["resolved_at"] is None
    assert [u["status"] for u in started["incident_updates"]] == ["in_progress", "scheduled"]
    assert [u["status"] for u in completed["incident_updates"]] == [
        "completed",
        "in_progress",
        "scheduled",
    ]
    assert completed["resolved_at"] == "2027-01-20T11:00:00.000Z"
    assert [c["name"] for c in completed["components"]] == ["Voice"]


def test_a_maintenance_body_is_the_window_as_it_stood_when_its_notice_was_due(world, clock):
    work = draft(
        world,
        "seed-003",
        "maintenance",
        start=datetime(2027, 1, 20, 9, tzinfo=UTC),
        end=datetime(2027, 1, 20, 11, tzinfo=UTC),
    )
    services.publish(work, actor="cody", role="communicator")
    for day, hour in ((19, 9), (20, 9)):
        tick(clock, datetime(2027, 1, day, hour, tzinfo=UTC))
    clock.move_to(datetime(2027, 1, 20, 9, 30, tzinfo=UTC))
    services.cancel(work, actor="cody", role="communicator", reason="The vendor recalled the patch")

    def body(kind: str) -> dict:
        notice = Notice.objects.filter(kind=f"planned.{kind}").order_by("pk").first()
        found = public.notice_json(
            notice, page_id="forewarn", component_json=summary.component_json
        )
        return maintenance({"meta": {}, "page": {}, "incident": found})

    # Rendered after the cancellation, each tells its own step.
    announced, started, cancelled = body("announcement"), body("start"), body("cancellation")
    assert (announced["status"], [u["status"] for u in announced["incident_updates"]]) == (
        "scheduled",
        ["scheduled"],
    )
    assert (started["status"], started["resolved_at"]) == ("in_progress", None)
    assert [u["status"] for u in started["incident_updates"]] == ["in_progress", "scheduled"]
    assert cancelled["status"] == "completed"
    assert cancelled["incident_updates"][0]["body"] == (
        "This maintenance is cancelled: The vendor recalled the patch."
    )
    # The step that queued a notice is recorded just after it: its update is told with it.
    notice = Notice.objects.get(kind="planned.start", key__contains=":v")
    Notice.objects.filter(pk=notice.pk).update(
        created_at=notice.created_at - timedelta(milliseconds=3),
        due_at=notice.due_at - timedelta(milliseconds=3),
    )
    again = body("start")
    assert [u["status"] for u in again["incident_updates"]] == ["in_progress", "scheduled"]
    # Notices of planned work that are not about a published window have no maintenance form.
    assert (
        public.notice_json(
            Notice(key="planned:999:0:start:v0", kind="planned.start", created_at=T0, due_at=T0),
            page_id="forewarn",
            component_json=summary.component_json,
        )
        is None
    )
