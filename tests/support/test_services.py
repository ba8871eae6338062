"""Opening and handling requests through the services, against the database: clocks, pauses,
reclassification, out of scope, emergencies after hours, refusals that file nothing."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from forewarn.catalog.models import AuthorizedContact
from forewarn.catalog.services import save_contact
from forewarn.delivery.models import Notice
from forewarn.record.models import Event
from forewarn.support import handling, jobs, services
from forewarn.support.models import OnCallShift, ResponseTarget, SupportRequest, ThreadLink

from .conftest import T0, ams, kinds, notice_keys, open_as_anna


def test_an_authorized_contact_opens_a_request_and_is_told_when_it_is_answered(world):
    request = open_as_anna(world, priority="high", component=world.voice)
    assert (request.status, request.priority, request.organization, request.requester) == (
        "new",
        "high",
        world.acme,
        world.anna,
    )
    assert request.first_response_due_at == ams(2026, 12, 7, 11, 0).astimezone(UTC)
    assert request.next_check_at == ams(2026, 12, 7, 10, 45).astimezone(UTC)  # the 75 % warning
    assert kinds(request) == ["support_request.opened"]
    ack = Notice.objects.get(key=f"support:{request.pk}:ack")
    assert (ack.direct_addresses, ack.subject) == (
        ["anna@acme.example"],
        f"Calls drop after 30 seconds [SR-{request.pk}]",
    )
    assert "first answer by Mon 7 Dec 2026 11:00 CET" in ack.body
    assert ThreadLink.objects.filter(request=request, notice=ack).exists()


@pytest.mark.parametrize(
    ("email", "organization", "reason"),
    [
        ("stranger@example.com", None, "stranger@example.com is not an authorized contact."),
        (
            "bert@acme.example",
            None,
            "bert@acme.example is a contact who may not open support requests.",
        ),
        (
            "gina@globex.example",
            "acme",
            "gina@globex.example is not an authorized contact of Acme.",
        ),
    ],
)
def test_anyone_else_is_refused_and_nothing_is_filed(world, email, organization, reason):
    org = world.acme if organization else None
    with pytest.raises(services.NotAuthorized) as refused:
        services.open_request(
            requester_email=email,
            organization=org,
            subject="Help",
            body="Please",
            origin="api",
            actor="x",
        )
    assert str(refused.value) == reason
    assert SupportRequest.objects.count() == 0
    assert Notice.objects.count() == 0
    assert Event.objects.filter(kind__startswith="support").count() == 0


def test_a_contact_with_an_international_domain_is_known_in_either_spelling(world):
    save_contact(
        AuthorizedContact(organization=world.acme, name="Jörg", email="jorg@Bücher.example"),
        actor="alice",
    )
    for spelling in ("jorg@bücher.example", "JORG@xn--bcher-kva.example"):
        assert services.authorized_contact(spelling).name == "Jörg"


def test_the_first_reply_ends_the_response_clock(world, clock):
    request = open_as_anna(world, priority="high")
    clock.move_to(T0 + timedelta(minutes=40))
    message = handling.reply(request, body="We restarted the trunk.", actor="sam", role="responder")
    request.refresh_from_db()
    assert (request.status, request.first_responded_at) == ("open", T0 + timedelta(minutes=40))
    assert request.first_response_due_at is None and request.next_check_at is None
    reply = Notice.objects.get(key=f"support:{request.pk}:reply:{message.pk}")
    assert (reply.subject, reply.thread_key, reply.direct_addresses) == (
        f"Re: Calls drop after 30 seconds [SR-{request.pk}]",
        f"support:{request.pk}",
        ["anna@acme.example"],
    )
    event = Event.objects.get(kind="support_request.replied")
    assert event.details == {
        "message_id": message.pk,
        "body": "We restarted the trunk.",
        "first_response": True,
        "business_minutes": 40.0,
        "target_minutes": 60.0,
        "met": True,
        "key": reply.key,
    }


def test_a_viewer_may_not_reply(world):
    request = open_as_anna(world)
    with pytest.raises(PermissionDenied, match="responder"):
        handling.reply(request, body="Hi", actor="vic", role="viewer")


def test_waiting_on_the_customer_pauses_the_clock_until_they_write(world, clock):
    ResponseTarget.objects.create(organization=world.acme, resolution_normal_minutes=480)
    request = open_as_anna(world, priority="normal")
    # 10:00 + 8 business hours: 7 on Monday, 1 on Tuesday from 08:30.
    assert request.resolution_due_at == ams(2026, 12, 8, 9, 30).astimezone(UTC)
    clock.move_to(ams(2026, 12, 7, 11, 0))
    handling.reply(
        request, body="Which number?", status="waiting_on_customer", actor="sam", role="responder"
    )
    request.refresh_from_db()
    assert (request.status, request.resolution_due_at, request.next_check_at) == (
        "waiting_on_customer",
        None,
        None,
    )
    clock.move_to(ams(2026, 12, 8, 10, 0))
    services.add_customer_message(
        request, sender_email="Anna@Acme.example", body="+31 20 555", origin="email", actor="anna"
    )
    request.refresh_from_db()
    # 1 hour ran before the pause, 7 are left from Tuesday 10:00: due 17:00.
    assert (request.status, request.resolution_due_at) == (
        "open",
        ams(2026, 12, 8, 17, 0).astimezone(UTC),
    )
    assert kinds(request) == [
        "support_request.opened",
        "support_request.status_changed",
        "support_request.replied",
        "support_request.message_added",
    ]


def test_reclassification_recomputes_from_creation_and_records_the_reason(world, clock):
    request = open_as_anna(world, priority="high")
    clock.move_to(T0 + timedelta(minutes=20))
    handling.reclassify(
        request, "normal", reason="One user only; no outage.", actor="sam", role="responder"
    )
    request.refresh_from_db()
    assert request.first_response_due_at == ams(2026, 12, 8, 9, 30).astimezone(UTC)
    handling.reclassify(
        request, "high", reason="The whole call centre is down.", actor="sam", role="responder"
    )
    request.refresh_from_db()
    assert request.first_response_due_at == ams(2026, 12, 7, 11, 0).astimezone(UTC)
    events = Event.objects.filter(kind="support_request.reclassified").order_by("id")
    assert [e.details["first_response_due_at"] for e in events] == [
        {"from": "2026-12-07T10:00:00+00:00", "to": "2026-12-08T08:30:00+00:00"},
        {"from": "2026-12-08T08:30:00+00:00", "to": "2026-12-07T10:00:00+00:00"},
    ]
    assert [e.details["reason"] for e in events] == [
        "One user only; no outage.",
        "The whole call centre is down.",
    ]
    with pytest.raises(ValidationError, match="reason"):
        handling.reclassify(request, "normal", reason=" ", actor="sam", role="responder")


def test_out_of_scope_needs_a_reason_and_ends_the_clock_as_answered(world, clock):
    request = open_as_anna(world, priority="normal")
    with pytest.raises(ValidationError, match="reason"):
        handling.set_status(request, "out_of_scope", actor="sam", role="responder")
    clock.move_to(T0 + timedelta(hours=2))
    handling.set_status(
        request,
        "out_of_scope",
        reason="We do not debug client code (seed 001 §4).",
        actor="sam",
        role="responder",
    )
    request.refresh_from_db()
    assert (request.status, request.first_responded_at, request.next_check_at) == (
        "out_of_scope",
        T0 + timedelta(hours=2),
        None,
    )
    event = Event.objects.get(kind="support_request.status_changed")
    assert (event.details["reason"], event.details["met"]) == (
        "We do not debug client code (seed 001 §4).",
        True,
    )


def test_an_emergency_after_hours_pages_on_call(world, rota, clock):
    saturday_night = ams(2026, 12, 12, 3, 0)
    clock.move_to(saturday_night)
    OnCallShift.objects.create(
        rota=rota,
        user=world.agent,
        starts_at=ams(2026, 12, 11, 17, 0),
        ends_at=ams(2026, 12, 14, 8, 30),
    )
    request = open_as_anna(world, emergency=True)
    assert (request.on_call, request.priority, request.rota) == (True, "high", rota)
    assert request.first_response_due_at == ams(2026, 12, 12, 3, 30).astimezone(UTC)
    page = Notice.objects.get(key=f"support:{request.pk}:page")
    assert page.direct_addresses == ["sam@forewarn.example", "https://chat.example/hooks/oncall"]
    assert kinds(request) == ["support_request.opened", "support_request.paged"]
    ack = Notice.objects.get(key=f"support:{request.pk}:ack")
    assert "our on-call engineer has been paged" in ack.body


def test_a_normal_request_after_hours_is_told_when_its_clock_starts(world, clock):
    clock.move_to(ams(2026, 12, 12, 3, 0))
    request = open_as_anna(world, priority="normal")
    assert request.on_call is False
    assert request.first_response_due_at == ams(2026, 12, 14, 16, 30).astimezone(UTC)
    ack = Notice.objects.get(key=f"support:{request.pk}:ack")
    assert "Support is closed now" in ack.body and "Mon 14 Dec 2026 08:30 CET" in ack.body
    assert ack.event_times["clock_starts"] == "2026-12-14T07:30:00+00:00"


def test_warnings_at_75_percent_and_the_breach_escalate_once(world, clock):
    request = open_as_anna(world, priority="high")
    handling.assign(request, world.agent, actor="sam", role="responder")
    clock.move_to(ams(2026, 12, 7, 10, 45))
    assert jobs.watch_clocks() == 1
    assert jobs.watch_clocks() == 0
    due = "2026-12-07T10:00:00+00:00"
    assert notice_keys(f"support:{request.pk}:warn") == [
        f"support:{request.pk}:warn:first_response:{due}"
    ]
    warning = Notice.objects.get(key__startswith=f"support:{request.pk}:warn")
    assert warning.direct_addresses == ["sam@forewarn.example"]
    clock.move_to(ams(2026, 12, 7, 11, 1))
    assert jobs.watch_clocks() == 1
    assert jobs.watch_clocks() == 0
    assert notice_keys(f"support:{request.pk}:escalation") == [
        f"support:{request.pk}:escalation:tier_1"
    ]
    escalation = Notice.objects.get(key=f"support:{request.pk}:escalation:tier_1")
    assert escalation.direct_addresses == ["carla@provider.example"]
    assert kinds(request) == [
        "support_request.opened",
        "support_request.status_changed",
        "support_request.assigned",
        "support_request.warning_sent",
        "support_request.breached",
        "support_request.escalated",
    ]
    request.refresh_from_db()
    assert (request.breached_for, request.next_check_at) == (
        datetime(2026, 12, 7, 10, 0, tzinfo=UTC),
        None,
    )


def test_a_closed_request_takes_no_more_messages(world):
    request = open_as_anna(world)
    handling.set_status(request, "solved", actor="sam", role="responder")
    handling.set_status(request, "closed", actor="sam", role="responder")
    with pytest.raises(ValidationError, match="closed"):
        services.add_customer_message(
            request, sender_email="anna@acme.example", body="x", origin="web", actor="a"
        )
    with pytest.raises(ValidationError, match="closed request is final"):
        handling.set_status(request, "open", actor="sam", role="responder")


def test_attachments_have_kinds_and_sizes(world):
    with pytest.raises(ValidationError, match=r"run\.exe: files of this kind are not taken"):
        open_as_anna(world, uploads=(services.Upload("run.exe", b"MZ"),))
    request = open_as_anna(world, uploads=(services.Upload("../../trace.log", b"SIP 503"),))
    found = request.messages.get().attachments.get()
    assert (found.filename, found.content_type, found.size) == ("trace.log", "text/plain", 7)
    assert SupportRequest.objects.count() == 1
