"""Support's services write exactly the events they should (see ``test_completeness.py``,
whose registry check reads the ``Recorded(...)`` here too)."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model

from forewarn.catalog import services as catalog
from forewarn.catalog.models import AuthorizedContact, Organization
from forewarn.record.kinds import Kind
from forewarn.record.models import Event
from forewarn.support import configuration, handling, jobs, services
from forewarn.support.models import ChatWidget, OnCallRota, ResponseTarget
from tests.conftest import make_staff

from .test_completeness import NOW, Recorded, subject


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def clock_at(clock):
    return clock.move_to


@pytest.fixture
def recorded(db):
    """``recorded()``: the events appended since its last call, oldest first."""
    last = [0]

    def since() -> list[Recorded]:
        found = list(Event.objects.filter(pk__gt=last[0]).order_by("id"))
        last[0] = found[-1].pk if found else last[0]
        return [
            Recorded(Kind(e.kind), e.actor, e.contact, e.subject, e.details, e.at) for e in found
        ]

    return since


@pytest.fixture
def acme(recorded):
    manager = get_user_model().objects.create_user(
        "carla", "carla@provider.example", "pw", is_staff=True
    )
    acme = catalog.save_organization(
        Organization(slug="acme", name="Acme", success_manager=manager), actor="t"
    )
    catalog.save_contact(
        AuthorizedContact(organization=acme, name="Anna", email="anna@acme.example"), actor="t"
    )
    make_staff("sam", "responder")
    make_staff("ada", "admin")
    recorded()  # the catalog's own events are tested elsewhere
    return acme


def open_high(**fields):
    return services.open_request(
        requester_email="anna@acme.example",
        subject="Calls drop",
        body="Every call drops.",
        origin="web",
        actor="anna@acme.example",
        priority="high",
        **fields,
    )


def test_opening_and_answering_a_request(acme, recorded):
    request = open_high()
    message = handling.reply(request, body="Restarted.", actor="sam", role="responder")
    handling.add_note(request, body="Trunk 2 flaps.", actor="sam", role="responder")
    services.add_customer_message(
        request, sender_email="anna@acme.example", body="Thanks", origin="web", actor="anna"
    )
    it = subject(request)
    assert recorded() == [
        Recorded(
            Kind.SUPPORT_REQUEST_OPENED,
            "anna@acme.example",
            "Anna",
            it,
            {
                "organization": "acme",
                "requester": "anna@acme.example",
                "priority": "high",
                "emergency": False,
                "on_call": False,
                "origin": "web",
                "component": None,
                "clock_starts_at": "2026-11-30T14:00:00+00:00",
                "first_response_due_at": "2026-11-30T15:00:00+00:00",
                "attachments": [],
                "body": "Every call drops.",
            },
        ),
        Recorded(
            Kind.SUPPORT_REQUEST_STATUS_CHANGED, "sam", "Anna", it, {"from": "new", "to": "open"}
        ),
        Recorded(
            Kind.SUPPORT_REQUEST_REPLIED,
            "sam",
            "Anna",
            it,
            {
                "message_id": message.pk,
                "body": "Restarted.",
                "first_response": True,
                "business_minutes": 0.0,
                "target_minutes": 60.0,
                "met": True,
                "key": f"support:{request.pk}:reply:{message.pk}",
            },
        ),
        Recorded(
            Kind.SUPPORT_REQUEST_NOTE_ADDED,
            "sam",
            "Anna",
            it,
            {"message_id": message.pk + 1, "body": "Trunk 2 flaps."},
        ),
        Recorded(
            Kind.SUPPORT_REQUEST_MESSAGE_ADDED,
            "anna",
            "Anna",
            it,
            {
                "message_id": message.pk + 2,
                "origin": "web",
                "from": "anna@acme.example",
                "status": {"from": "open", "to": "open"},
                "attachments": [],
                "first_response_due_at": None,
                "body": "Thanks",
            },
        ),
    ]


def test_reclassifying_assigning_and_escalating(acme, recorded):
    request = open_high()
    recorded()
    sam = get_user_model().objects.get(username="sam")
    handling.reclassify(request, "normal", reason="One user.", actor="sam", role="responder")
    handling.assign(request, sam, actor="sam", role="responder")
    handling.escalate(request, "tier_2", reason="Needs an engineer.", actor="sam", role="responder")
    it = subject(request)
    assert recorded() == [
        Recorded(
            Kind.SUPPORT_REQUEST_RECLASSIFIED,
            "sam",
            "Anna",
            it,
            {
                "from": "high",
                "to": "normal",
                "reason": "One user.",
                "first_response_due_at": {
                    "from": "2026-11-30T15:00:00+00:00",
                    "to": "2026-12-01T13:30:00+00:00",
                },
                "resolution_due_at": None,
            },
        ),
        Recorded(
            Kind.SUPPORT_REQUEST_STATUS_CHANGED, "sam", "Anna", it, {"from": "new", "to": "open"}
        ),
        Recorded(Kind.SUPPORT_REQUEST_ASSIGNED, "sam", "Anna", it, {"from": None, "to": "sam"}),
        Recorded(
            Kind.SUPPORT_REQUEST_ESCALATED,
            "sam",
            "Anna",
            it,
            {
                "tier": "tier_2",
                "reason": "Needs an engineer.",
                "to": [],
                "chat_webhooks": 0,
                "key": None,
            },
        ),
    ]


def test_the_clock_watcher_warns_breaches_and_escalates(acme, recorded, clock_at):
    request = open_high()
    recorded()
    clock_at(NOW + timedelta(minutes=46))
    jobs.watch_clocks()
    clock_at(NOW + timedelta(minutes=61))
    jobs.watch_clocks()
    it, due = subject(request), "2026-11-30T15:00:00+00:00"
    assert recorded() == [
        Recorded(
            Kind.SUPPORT_REQUEST_WARNING_SENT,
            "system",
            "Anna",
            it,
            {
                "clock": "first_response",
                "due_at": due,
                "to": ["carla@provider.example"],
                "key": f"support:{request.pk}:warn:first_response:{due}",
            },
            NOW + timedelta(minutes=46),
        ),
        Recorded(
            Kind.SUPPORT_REQUEST_BREACHED,
            "system",
            "Anna",
            it,
            {
                "clock": "first_response",
                "due_at": due,
                "to": ["carla@provider.example"],
                "key": f"support:{request.pk}:breach:first_response:{due}",
            },
            NOW + timedelta(minutes=61),
        ),
        Recorded(
            Kind.SUPPORT_REQUEST_ESCALATED,
            "system",
            "Anna",
            it,
            {
                "tier": "tier_1",
                "reason": "the first response target passed",
                "to": ["carla@provider.example"],
                "chat_webhooks": 0,
                "key": f"support:{request.pk}:escalation:tier_1",
            },
            NOW + timedelta(minutes=61),
        ),
    ]


def test_an_emergency_after_hours_is_paged(acme, recorded, clock_at):
    rota = OnCallRota.objects.create(name="Nights", email="oncall@provider.example")
    night = NOW + timedelta(hours=10)  # 01:00 in Amsterdam
    clock_at(night)
    request = open_high(emergency=True)
    found = recorded()
    assert found[1:] == [
        Recorded(
            Kind.SUPPORT_REQUEST_PAGED,
            "anna@acme.example",
            "Anna",
            subject(request),
            {
                "rota": rota.name,
                "to": ["oncall@provider.example"],
                "chat_webhooks": 0,
                "key": f"support:{request.pk}:page",
                "first_response_due_at": "2026-12-01T00:30:00+00:00",
            },
            night,
        )
    ]


def test_status_changes_and_a_logged_call(acme, recorded):
    request = open_high()
    recorded()
    handling.set_status(
        request, "out_of_scope", reason="Client code.", actor="sam", role="responder"
    )
    handling.log_conversation(
        kind="call",
        organization=acme,
        contact=acme.contacts.get(),
        request=request,
        summary="Explained why.",
        at=NOW - timedelta(minutes=5),
        minutes=5,
        actor="sam",
        role="responder",
    )
    assert recorded() == [
        Recorded(
            Kind.SUPPORT_REQUEST_STATUS_CHANGED,
            "sam",
            "Anna",
            subject(request),
            {
                "from": "new",
                "to": "out_of_scope",
                "reason": "Client code.",
                "first_response": True,
                "business_minutes": 0.0,
                "target_minutes": 60.0,
                "met": True,
            },
        ),
        Recorded(
            Kind.CONVERSATION_LOGGED,
            "sam",
            "Anna",
            subject(request),
            {
                "conversation_id": request.conversations.get().pk,
                "kind": "call",
                "organization": "acme",
                "contact": "anna@acme.example",
                "about": [f"request SR-{request.pk}"],
                "at": "2026-11-30T13:55:00+00:00",
                "minutes": 5,
                "summary": "Explained why.",
            },
            NOW - timedelta(minutes=5),
        ),
    ]


def test_support_settings_are_recorded_with_what_changed(acme, recorded):
    target = configuration.save_targets(
        ResponseTarget(organization=acme, high_minutes=30), actor="ada", role="admin"
    )
    target.normal_minutes = 240
    configuration.save_targets(target, actor="ada", role="admin")
    configuration.save_targets(
        target, actor="ada", role="admin"
    )  # nothing changed: nothing recorded
    found = recorded()
    assert [(r.kind, r.actor, r.subject) for r in found] == [
        (Kind.SUPPORT_SETTINGS_CHANGED, "ada", subject(target)),
        (Kind.SUPPORT_SETTINGS_CHANGED, "ada", subject(target)),
    ]
    assert found[1] == Recorded(
        Kind.SUPPORT_SETTINGS_CHANGED,
        "ada",
        "",
        subject(target),
        {"changes": {"normal_minutes": {"from": 480, "to": 240}}},
    )


def test_a_chat_widget_added_changed_rotated_and_removed_never_records_its_secret(acme, recorded):
    widget = configuration.save_widget(
        ChatWidget(name="Product", allowed_origins="https://app.example"), actor="ada", role="admin"
    )
    first_secret = widget.secret
    widget.is_active = False
    configuration.save_widget(widget, actor="ada", role="admin")
    rotated = configuration.rotate_widget_secret(widget, actor="ada", role="admin")
    pk, key = widget.pk, widget.key
    configuration.delete_widget(rotated, actor="ada", role="admin")
    it = f"support.chatwidget:{pk}"
    found = recorded()
    assert found == [
        Recorded(
            Kind.SUPPORT_SETTINGS_CHANGED,
            "ada",
            "",
            it,
            {
                "changes": {
                    "name": {"from": None, "to": "Product"},
                    "allowed_origins": {"from": None, "to": "https://app.example"},
                    "is_active": {"from": None, "to": True},
                }
            },
        ),
        Recorded(
            Kind.SUPPORT_SETTINGS_CHANGED,
            "ada",
            "",
            it,
            {"changes": {"is_active": {"from": True, "to": False}}},
        ),
        Recorded(Kind.SUPPORT_SETTINGS_CHANGED, "ada", "", it, {"changes": {"secret": "changed"}}),
        Recorded(
            Kind.SUPPORT_SETTINGS_DELETED,
            "ada",
            "",
            it,
            {
                "was": {
                    "key": key,
                    "name": "Product",
                    "allowed_origins": "https://app.example",
                    "is_active": False,
                }
            },
        ),
    ]
    assert first_secret not in repr(found) and rotated.secret not in repr(found)
