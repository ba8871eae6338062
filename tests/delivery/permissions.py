"""Delivery in the permission matrix: viewers read the log, communicators send test notices,
admins manage subscribers; nobody edits the log."""

from forewarn.delivery import outbox
from forewarn.delivery.models import (
    AttemptOutcome,
    Channel,
    Delivery,
    DeliveryAttempt,
    Subscriber,
)
from tests.permission_rows import ADMIN, COMMUNICATOR, VIEWER, Console

API = {
    "GET /api/v1/subscribers": ADMIN,
    "POST /api/v1/subscribers": ADMIN,
    "GET /api/v1/subscribers/{subscriber_id}": ADMIN,
    "DELETE /api/v1/subscribers/{subscriber_id}": ADMIN,
    "POST /api/v1/subscribers/{subscriber_id}/unsubscribe": ADMIN,
    "POST /api/v1/subscribers/{subscriber_id}/disable": ADMIN,
    "POST /api/v1/subscribers/{subscriber_id}/enable": ADMIN,
    "POST /api/v1/webhook-subscribers": ADMIN,
    "GET /api/v1/webhook-subscribers": ADMIN,
    "POST /api/v1/webhook-subscribers/{subscriber_id}/disable": ADMIN,
    "POST /api/v1/webhook-subscribers/{subscriber_id}/enable": ADMIN,
    "DELETE /api/v1/webhook-subscribers/{subscriber_id}": ADMIN,
    "GET /api/v1/notices": VIEWER,
    "POST /api/v1/notices/test": COMMUNICATOR,
    "GET /api/v1/notices/{notice_id}": VIEWER,
    "GET /api/v1/notices/{notice_id}/deliveries": VIEWER,
    "GET /api/v1/notices/{notice_id}/deliveries.csv": VIEWER,
}


def _notice():
    return outbox.queue_notice(
        key="test:1", thread_key="test:1", kind="test", subject="Hello", body="Hi"
    )


def _delivery() -> Delivery:
    return Delivery.objects.create(notice=_notice(), channel=Channel.EMAIL, address="a@x.example")


CONSOLE = {
    "delivery.subscriber": Console(
        view=ADMIN,
        add=ADMIN,
        change=ADMIN,
        delete=ADMIN,
        actions={
            "send_test_notice": COMMUNICATOR,  # listed for those who see subscribers: admins
            "disable_selected": ADMIN,
            "enable_selected": ADMIN,
            "unsubscribe_selected": ADMIN,
        },
        make=lambda: Subscriber.objects.create(address="sub@x.example"),
    ),
    "delivery.notice": Console(make=_notice),
    "delivery.delivery": Console(make=_delivery),
    "delivery.deliveryattempt": Console(
        make=lambda: DeliveryAttempt.objects.create(
            delivery=_delivery(), outcome=AttemptOutcome.values[0]
        )
    ),
}
