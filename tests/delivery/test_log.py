"""The operator side: subscribers and webhooks through the API, the delivery log (API, CSV, console)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import Client

from forewarn.catalog.models import Component, Role
from forewarn.delivery import outbox, sender, subscriptions
from forewarn.delivery.models import (
    Audience,
    Channel,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Notice,
    Subscriber,
)
from forewarn.record.models import Event
from tests.conftest import make_staff

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fresh(settings):
    cache.clear()
    mail.outbox = []


@pytest.fixture
def api(db):
    Component.objects.create(slug="api", name="API")
    Component.objects.create(slug="web", name="Web app")


def deliver() -> list:
    """Do what the worker does once, so queued notices reach ``mail.outbox``.

    Not ``scheduler.run_once()``: it closes the connection, which ends the test's transaction.
    """
    outbox.fan_out_due()
    sender.send_due()
    return mail.outbox


def active(address: str, *components) -> Subscriber:
    subscriptions.subscribe(address, components=components)
    found = Subscriber.objects.get(address=address)
    return subscriptions.confirm(subscriptions.confirm_token(found))


@pytest.fixture
def logged(db):
    """A notice to three recipients with a known history: sent, failed after retries, queued."""
    notice = Notice.objects.create(
        key="planned:7:announcement:v1",
        thread_key="planned:7",
        kind="planned.announcement",
        subject="Database upgrade on 9 March",
        body="We upgrade the database.",
        audience=Audience.PUBLIC,
        due_at=AT,
        fanned_out_at=AT,
        created_at=AT,
        created_by="alice",
    )
    sent = Delivery.objects.create(
        notice=notice,
        channel=Channel.EMAIL,
        address="ann@example.com",
        status=DeliveryStatus.SENT,
        attempts=1,
        queued_at=AT,
        last_tried_at=AT + timedelta(seconds=2),
        sent_at=AT + timedelta(seconds=3),
    )
    failed = Delivery.objects.create(
        notice=notice,
        channel=Channel.WEBHOOK,
        address="https://hooks.example.com/fw",
        status=DeliveryStatus.FAILED,
        attempts=2,
        queued_at=AT,
        last_tried_at=AT + timedelta(minutes=1),
        failed_at=AT + timedelta(minutes=1),
        last_error="HTTP 410 Gone, the endpoint is removed",
    )
    Delivery.objects.create(
        notice=notice,
        channel=Channel.EMAIL,
        address="=cmd|'/c calc'!A1@example.com",
        status=DeliveryStatus.QUEUED,
        queued_at=AT,
    )
    DeliveryAttempt.objects.create(
        delivery=sent, at=AT + timedelta(seconds=3), worker="w1", outcome="sent"
    )
    DeliveryAttempt.objects.create(
        delivery=failed,
        at=AT + timedelta(seconds=2),
        worker="w1",
        outcome="transient",
        detail="HTTP 503",
    )
    DeliveryAttempt.objects.create(
        delivery=failed,
        at=AT + timedelta(minutes=1),
        worker="w2",
        outcome="permanent",
        detail="HTTP 410 Gone, the endpoint is removed",
    )
    return notice


# --- who may do what --------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/subscribers", None),
        ("post", "/api/v1/subscribers", {"email": "a@example.com"}),
        ("get", "/api/v1/webhook-subscribers", None),
        (
            "post",
            "/api/v1/webhook-subscribers",
            {"url": "https://h.example.com", "owner_email": "o@example.com"},
        ),
        ("get", "/api/v1/notices", None),
        ("get", "/api/v1/notices/1/deliveries.csv", None),
        ("post", "/api/v1/notices/test", {}),
    ],
)
def test_no_token_gets_401(api_as, method, path, body):
    client = api_as(None)
    response = client.get(path) if method == "get" else client.post(path, body)
    assert response.status_code == 401
    assert (
        response.json()["message"]
        == "Authentication required: send 'Authorization: Bearer <token>'."
    )


@pytest.mark.parametrize(
    ("role", "method", "path", "body", "needed"),
    [
        ("viewer", "get", "/api/v1/subscribers", None, "admin"),
        ("communicator", "post", "/api/v1/subscribers", {"email": "a@example.com"}, "admin"),
        (
            "communicator",
            "post",
            "/api/v1/webhook-subscribers",
            {"url": "https://h.example.com", "owner_email": "o@example.com"},
            "admin",
        ),
        ("viewer", "post", "/api/v1/notices/test", {}, "communicator"),
    ],
)
def test_a_role_too_low_gets_403(api_as, role, method, path, body, needed):
    client = api_as(role)
    response = client.get(path) if method == "get" else client.post(path, body)
    assert response.status_code == 403
    assert response.json()["message"] == f"This needs the '{needed}' role or above."
    assert Subscriber.objects.count() == 0


# --- subscribers ------------------------------------------------------------


def test_an_operator_added_address_still_gets_double_opt_in(admin_api, api):
    response = admin_api.post(
        "/api/v1/subscribers", {"email": "Bob@Example.com", "components": ["api"]}
    )
    body = response.json()
    assert response.status_code == 201
    assert (body["address"], body["state"], body["components"]) == (
        "Bob@example.com",
        "pending",
        ["api"],
    )
    [message] = deliver()
    assert message.subject == "Confirm your subscription to Forewarn Demo Cloud status updates"


def test_skipping_double_opt_in_needs_a_reason(admin_api, api):
    response = admin_api.post(
        "/api/v1/subscribers", {"email": "bob@example.com", "confirmed": True}
    )
    assert response.status_code == 422
    assert response.json()["message"].startswith(
        "reason: Say why the address may skip double opt-in"
    )
    assert Subscriber.objects.count() == 0


def test_a_confirmed_operator_addition_is_recorded_with_its_reason(admin_api, api):
    response = admin_api.post(
        "/api/v1/subscribers",
        {"email": "bob@example.com", "confirmed": True, "reason": "Contract 2026-17 annex B"},
    )
    assert (response.status_code, response.json()["state"]) == (201, "active")
    event = Event.objects.get(kind="subscriber.confirmed_by_operator")
    assert (event.actor, event.contact, event.details["reason"]) == (
        "admin-user",
        "bob@example.com",
        "Contract 2026-17 annex B",
    )
    assert deliver() == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"email": "nope"}, "email: 'nope' is not an email address."),
        (
            {"email": "a@example.com", "components": ["nope"]},
            "components: No component with slug nope.",
        ),
        (
            {"email": "a@example.com", "time_zone": "Mars/Base"},
            "time_zone: 'Mars/Base' is not an IANA time zone such as Europe/Amsterdam.",
        ),
        ({}, "email: Field required"),
    ],
)
def test_bad_subscriber_input_is_refused_naming_the_field(admin_api, api, body, message):
    response = admin_api.post("/api/v1/subscribers", body)
    assert (response.status_code, response.json()["message"]) == (422, message)
    assert Subscriber.objects.count() == 0


def test_subscribers_are_listed_by_state_and_channel(admin_api, api):
    active("ann@example.com")
    subscriptions.subscribe("pending@example.com")
    response = admin_api.get("/api/v1/subscribers", state="active")
    assert [s["address"] for s in response.json()["items"]] == ["ann@example.com"]
    assert admin_api.get("/api/v1/subscribers", channel="webhook").json() == {
        "items": [],
        "count": 0,
    }
    bad = admin_api.get("/api/v1/subscribers", state="sleeping")
    assert (bad.status_code, bad.json()["message"]) == (
        422,
        "state: Input should be 'pending', 'active', 'unsubscribed' or 'disabled'",
    )


# --- webhook subscribers ----------------------------------------------------


def test_a_webhook_subscriber_shows_its_secret_once(admin_api, api):
    response = admin_api.post(
        "/api/v1/webhook-subscribers",
        {
            "url": "https://hooks.example.com/fw",
            "owner_email": "ops@example.com",
            "components": ["web"],
        },
    )
    created = response.json()
    assert response.status_code == 201
    assert re.fullmatch(r"whsec_[A-Za-z0-9+/]{32}", created["secret"])
    assert (created["channel"], created["state"], created["components"]) == (
        "webhook",
        "active",
        ["web"],
    )
    listed = admin_api.get("/api/v1/webhook-subscribers").json()["items"]
    assert [h["address"] for h in listed] == ["https://hooks.example.com/fw"]
    assert "secret" not in listed[0]
    assert "secret" not in admin_api.get(f"/api/v1/subscribers/{created['id']}").json()


def test_a_chat_webhook_has_no_secret(admin_api, api):
    response = admin_api.post(
        "/api/v1/webhook-subscribers",
        {
            "url": "https://chat.example.com/hooks/T0/B0/x",
            "owner_email": "ops@example.com",
            "channel": "chat",
        },
    )
    assert (response.status_code, response.json()["channel"], response.json()["secret"]) == (
        201,
        "chat",
        None,
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "http://hooks.example.com/fw",
            "url: Webhook URLs must use https (http only to this machine, with FOREWARN_WEBHOOKS_TO_LOOPBACK on).",
        ),
        (
            "https://10.0.0.8/fw",
            "url: 10.0.0.8 is a private, link-local or reserved address; use a public host.",
        ),
        (
            "https://user:pw@hooks.example.com/",
            "url: The URL must not carry a user name or password.",
        ),
        ("ftp://hooks.example.com/", "url: 'ftp://hooks.example.com/' is not an http(s) URL."),
    ],
)
def test_webhook_urls_must_be_public_https(admin_api, api, url, message):
    response = admin_api.post(
        "/api/v1/webhook-subscribers", {"url": url, "owner_email": "ops@example.com"}
    )
    assert (response.status_code, response.json()["message"]) == (422, message)
    assert Subscriber.objects.count() == 0


def test_http_to_this_machine_only_when_allowed(admin_api, api, settings):
    body = {"url": "http://127.0.0.1:9999/hook", "owner_email": "ops@example.com"}
    assert admin_api.post("/api/v1/webhook-subscribers", body).status_code == 201
    settings.FOREWARN_WEBHOOKS_TO_LOOPBACK = False
    body["url"] = "http://localhost:9999/hook"
    assert admin_api.post("/api/v1/webhook-subscribers", body).status_code == 422


def test_a_webhook_needs_an_owner(admin_api, api):
    response = admin_api.post("/api/v1/webhook-subscribers", {"url": "https://hooks.example.com/"})
    assert (response.status_code, response.json()["message"]) == (
        422,
        "owner_email: Field required",
    )


def test_a_webhook_is_disabled_enabled_and_deleted(admin_api, api):
    hook = admin_api.post(
        "/api/v1/webhook-subscribers",
        {"url": "https://hooks.example.com/", "owner_email": "o@example.com"},
    ).json()
    Subscriber.objects.filter(pk=hook["id"]).update(consecutive_failures=4)
    path = f"/api/v1/webhook-subscribers/{hook['id']}"

    disabled = admin_api.post(path + "/disable", {"reason": "Receiver migrating"}).json()
    assert (disabled["state"], disabled["disabled_reason"]) == ("disabled", "Receiver migrating")
    enabled = admin_api.post(path + "/enable").json()
    assert (enabled["state"], enabled["consecutive_failures"]) == ("active", 0)
    assert admin_api.delete(path).status_code == 204
    assert Subscriber.objects.count() == 0
    assert [e.kind for e in Event.objects.order_by("id")] == [
        "subscriber.webhook_added",
        "subscriber.disabled",
        "subscriber.enabled",
        "subscriber.deleted",
    ]


def test_webhook_endpoints_do_not_touch_email_subscribers(admin_api, api):
    ann = active("ann@example.com")
    assert admin_api.delete(f"/api/v1/webhook-subscribers/{ann.pk}").status_code == 404
    assert Subscriber.objects.filter(pk=ann.pk).exists()


# --- the delivery log -------------------------------------------------------


def test_viewers_read_notices_with_their_delivery_counts(viewer_api, logged):
    response = viewer_api.get("/api/v1/notices")
    [row] = response.json()["items"]
    assert response.status_code == 200
    assert (row["key"], row["created_by"], row["deliveries"]) == (
        "planned:7:announcement:v1",
        "alice",
        {"queued": 1, "sending": 0, "retrying": 0, "sent": 1, "failed": 1, "skipped": 0},
    )
    detail = viewer_api.get(f"/api/v1/notices/{logged.pk}").json()
    assert (detail["body"], detail["audience"]) == ("We upgrade the database.", "public")


def test_deliveries_say_when_each_was_tried_sent_or_failed_and_why(viewer_api, logged):
    response = viewer_api.get(f"/api/v1/notices/{logged.pk}/deliveries", status="failed")
    [failed] = response.json()["items"]
    # A webhook's URL is the credential that posts there: the log shows only where it goes.
    assert (failed["address"], failed["attempts"], failed["failed_at"], failed["last_error"]) == (
        "https://hooks.example.com/…",
        2,
        "2026-03-02T09:01:00Z",
        "HTTP 410 Gone, the endpoint is removed",
    )
    assert [(t["worker"], t["outcome"], t["detail"]) for t in failed["tries"]] == [
        ("w1", "transient", "HTTP 503"),
        ("w2", "permanent", "HTTP 410 Gone, the endpoint is removed"),
    ]
    by_address = viewer_api.get(f"/api/v1/notices/{logged.pk}/deliveries", address="ANN@")
    assert [d["status"] for d in by_address.json()["items"]] == ["sent"]
    # a webhook only by its whole URL: a search cannot spell one out a character at a time
    for part, found in (("hooks.example.com/f", []), ("https://hooks.example.com/fw", ["failed"])):
        by_part = viewer_api.get(f"/api/v1/notices/{logged.pk}/deliveries", address=part)
        assert [d["status"] for d in by_part.json()["items"]] == found


def test_a_bad_status_filter_names_the_field(viewer_api, logged):
    response = viewer_api.get(f"/api/v1/notices/{logged.pk}/deliveries", status="lost")
    assert (response.status_code, response.json()["message"]) == (
        422,
        "status: Input should be 'queued', 'sending', 'retrying', 'sent', 'failed' or 'skipped'",
    )


def test_an_unknown_notice_is_404(viewer_api, db):
    assert viewer_api.get("/api/v1/notices/999/deliveries").status_code == 404


def test_the_delivery_log_as_csv(viewer_api, logged):
    response = viewer_api.get(f"/api/v1/notices/{logged.pk}/deliveries.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="notice-{logged.pk}-deliveries.csv"'
    )
    n = logged.pk
    assert response.content.decode() == (
        "notice_id,notice_key,channel,address,status,attempts,queued_at,last_tried_at,sent_at,failed_at,last_error\r\n"
        f"{n},planned:7:announcement:v1,email,ann@example.com,sent,1,2026-03-02T09:00:00Z,2026-03-02T09:00:02Z,2026-03-02T09:00:03Z,,\r\n"
        f'{n},planned:7:announcement:v1,webhook,https://hooks.example.com/…,failed,2,2026-03-02T09:00:00Z,2026-03-02T09:01:00Z,,2026-03-02T09:01:00Z,"HTTP 410 Gone, the endpoint is removed"\r\n'
        f"{n},planned:7:announcement:v1,email,'=cmd|'/c calc'!A1@example.com,queued,0,2026-03-02T09:00:00Z,,,,\r\n"
    )


def test_csv_filters_like_the_json_log(viewer_api, logged):
    response = viewer_api.get(f"/api/v1/notices/{logged.pk}/deliveries.csv", status="sent")
    assert response.content.decode().splitlines()[1:] == [
        f"{logged.pk},planned:7:announcement:v1,email,ann@example.com,sent,1,2026-03-02T09:00:00Z,2026-03-02T09:00:02Z,2026-03-02T09:00:03Z,,"
    ]


# --- test notices -----------------------------------------------------------


def test_a_communicator_sends_a_test_notice_to_given_addresses(api_as, api):
    client = api_as(Role.COMMUNICATOR)
    response = client.post(
        "/api/v1/notices/test", {"subject": "Fire drill", "addresses": ["Ops@Example.com"]}
    )
    body = response.json()
    assert response.status_code == 202
    assert (body["kind"], body["audience"], body["direct_addresses"]) == (
        "test",
        "direct",
        ["ops@example.com"],
    )
    [message] = deliver()
    assert (message.to, message.subject) == (["ops@example.com"], "Fire drill")
    log = client.get(f"/api/v1/notices/{body['id']}/deliveries").json()["items"]
    assert [(d["address"], d["status"]) for d in log] == [("ops@example.com", "sent")]


def test_a_test_notice_without_addresses_goes_to_every_active_subscriber(api_as, api):
    active("ann@example.com")
    active("bob@example.com", Component.objects.get(slug="api"))
    subscriptions.subscribe("pending@example.com")
    deliver()
    mail.outbox = []
    response = api_as(Role.COMMUNICATOR).post("/api/v1/notices/test", {})
    assert (response.status_code, response.json()["audience"]) == (202, "public")
    assert sorted(m.to[0] for m in deliver()) == ["ann@example.com", "bob@example.com"]
    assert all("List-Unsubscribe" in m.extra_headers for m in mail.outbox)


def test_a_test_notice_to_a_bad_address_names_the_field(api_as, api):
    response = api_as(Role.COMMUNICATOR).post("/api/v1/notices/test", {"addresses": ["x"]})
    assert (response.status_code, response.json()["message"]) == (
        422,
        "addresses: 'x' is not an email address.",
    )
    assert Notice.objects.count() == 0


# --- the console ------------------------------------------------------------


@pytest.fixture
def console(db):
    root = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client = Client()
    client.force_login(root)
    return client


def test_console_lists_subscribers_by_state_and_searches_them(console, api):
    active("ann@example.com")
    subscriptions.subscribe("pending@example.com")
    page = console.get("/console/delivery/subscriber/", {"state": "pending", "q": "example"})
    assert page.status_code == 200
    assert "pending@example.com" in page.content.decode()
    assert "ann@example.com" not in page.content.decode()


def test_console_notice_page_links_to_deliveries_and_csv(console, logged):
    page = console.get(f"/console/delivery/notice/{logged.pk}/change/").content.decode()
    assert f'href="/api/v1/notices/{logged.pk}/deliveries.csv"' in page
    assert f'href="/console/delivery/delivery/?notice__id__exact={logged.pk}"' in page
    assert "HTTP 410 Gone, the endpoint is removed" in page  # the inline deliveries
    csv = console.get(f"/api/v1/notices/{logged.pk}/deliveries.csv")
    assert (csv.status_code, csv.content.decode().count("\r\n")) == (200, 4)


def test_console_delivery_list_filters_and_searches(console, logged):
    page = console.get("/console/delivery/delivery/", {"status__exact": "failed"}).content.decode()
    assert "https://hooks.example.com/…" in page and "ann@example.com" not in page
    assert "hooks.example.com/fw" not in page  # the webhook's URL is a credential
    found = console.get("/console/delivery/delivery/", {"q": "ann@"}).content.decode()
    assert "ann@example.com" in found and "hooks.example.com" not in found
    for term, shown in (("hooks.example.com/f", False), ("https://hooks.example.com/fw", True)):
        found = console.get("/console/delivery/delivery/", {"q": term}).content.decode()
        assert ("https://hooks.example.com/…" in found) is shown, term
    failed = Delivery.objects.get(status="failed")
    detail = console.get(f"/console/delivery/delivery/{failed.pk}/change/").content.decode()
    assert "https://hooks.example.com/…" in detail and "hooks.example.com/fw" not in detail
    assert (
        console.get("/console/delivery/deliveryattempt/", {"outcome": "permanent"}).status_code
        == 200
    )


def test_console_action_sends_a_test_notice_to_chosen_subscribers(console, api):
    ann, _ = active("ann@example.com"), active("bob@example.com")
    deliver()
    mail.outbox = []
    response = console.post(
        "/console/delivery/subscriber/",
        {"action": "send_test_notice", "_selected_action": [ann.pk]},
        follow=True,
    )
    assert "Queued a test notice to 1 subscriber(s)" in response.content.decode()
    assert [m.to for m in deliver()] == [["ann@example.com"]]


def test_console_add_of_an_email_subscriber_goes_through_double_opt_in(console, api):
    response = console.post(
        "/console/delivery/subscriber/add/",
        {"channel": "email", "address": "Carol@Example.com", "time_zone": "", "owner_email": ""},
    )
    assert response.status_code == 302
    carol = Subscriber.objects.get()
    assert (carol.address, subscriptions.state_of(carol)) == ("Carol@example.com", "pending")
    assert [m.subject for m in deliver()] == [
        "Confirm your subscription to Forewarn Demo Cloud status updates"
    ]


def test_viewers_read_the_log_in_the_console_but_not_subscribers(db, logged):
    vera = make_staff("vera", Role.VIEWER)
    client = Client()
    client.force_login(vera)
    assert client.get("/console/delivery/notice/").status_code == 200
    assert client.get("/console/delivery/delivery/").status_code == 200
    assert client.get("/console/delivery/subscriber/").status_code == 403
    assert client.post(f"/console/delivery/notice/{logged.pk}/delete/").status_code == 403


def test_staff_reading_the_log_never_see_a_subscribers_personal_links(viewer_api, console, api):
    active("ann@example.com")
    subscriptions.subscribe(
        "ann@example.com"
    )  # the "already subscribed" mail, with permanent links
    for notice in Notice.objects.all():
        body = viewer_api.get(f"/api/v1/notices/{notice.pk}").json()["body"]
        page = console.get(f"/console/delivery/notice/{notice.pk}/change/").content.decode()
        assert body.startswith("(Withheld: this email carries the recipient's personal")
        assert "/subscribe/confirm/" not in page and "/unsubscribe/" not in page
    assert Notice.objects.count() == 2
