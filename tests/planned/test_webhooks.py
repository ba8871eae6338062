"""Webhook subscribers get the notices of planned work as JSON signed per Standard Webhooks."""

import json
from datetime import timedelta

from standardwebhooks import Webhook

from forewarn.delivery.models import Channel, Subscriber, new_webhook_secret
from forewarn.planned import services
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
