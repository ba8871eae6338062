"""Every service that changes state writes exactly the events it should (after Zulip's
``zerver/tests/test_audit_log.py``).

Each test drives one service through its public function and compares the events appended
since, in order, with the exact list expected: kind, time, actor, contact, subject and
details (with ``changes``, field by field, where the service records a diff). Doing nothing
records nothing. ``test_every_kind_is_expected_by_a_test_here`` keeps the registry and this
file together: a new kind needs a test here that writes it.
"""

import ast
import inspect
import sys
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import pytest
import time_machine
from django.core.cache import cache

from forewarn.availability import services as availability
from forewarn.availability.models import Exclusion
from forewarn.calendars.models import Calendar
from forewarn.calendars.services import save_calendar
from forewarn.catalog import services as catalog
from forewarn.catalog.models import (
    AuthorizedContact,
    Component,
    ComponentGroup,
    Organization,
    ProductCategory,
    Region,
    Role,
)
from forewarn.delivery import claims, operators, outbox, subscriptions, webhook_health
from forewarn.delivery.claims import Outcome
from forewarn.delivery.models import AttemptOutcome, Audience, Notice, Subscriber
from forewarn.policies.models import Policy, WorkType
from forewarn.policies.services import delete_work_type, save_policy, save_work_type
from forewarn.record.kinds import Kind
from forewarn.record.models import Event
from tests.conftest import make_staff

NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)


class Recorded(NamedTuple):
    """One event as this file compares it."""

    kind: Kind
    actor: str
    contact: str
    subject: str
    details: dict
    at: datetime = NOW


@pytest.fixture(autouse=True)
def clock():
    """Every test, fixtures included, runs at NOW with the clock stopped."""
    with time_machine.travel(NOW, tick=False):
        cache.clear()  # subscription rate limits count in the cache
        yield
        cache.clear()


@pytest.fixture
def recorded(db):
    """``recorded()`` gives the events appended since its last call, oldest first."""
    seen = {"last": 0}

    def since() -> list[Recorded]:
        found = list(Event.objects.filter(pk__gt=seen["last"]).order_by("id"))
        if found:
            seen["last"] = found[-1].pk
        return [
            Recorded(Kind(e.kind), e.actor, e.contact, e.subject, e.details, e.at) for e in found
        ]

    return since


def subject(obj) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


# --- catalog ------------------------------------------------------------------------------------


def test_set_status_records_the_change_with_its_cause(recorded):
    api = Component.objects.create(slug="api", name="API")
    catalog.ensure_history(api)
    catalog.set_status(
        api, "major_outage", cause="database down", cause_ref="incident:9", actor="alice"
    )
    assert recorded() == [
        Recorded(
            Kind.COMPONENT_STATUS_CHANGED,
            "alice",
            "",
            subject(api),
            {
                "from": "operational",
                "to": "major_outage",
                "cause": "database down",
                "cause_ref": "incident:9",
            },
        )
    ]
    catalog.set_status(api, "major_outage", actor="alice")
    assert recorded() == []


# --- calendars and policies ---------------------------------------------------------------------


@pytest.fixture
def calendar(recorded):
    calendar = save_calendar(
        Calendar(
            slug="nl",
            name="Dutch office",
            time_zone="Europe/Amsterdam",
            opening_hours=[{"weekday": 0, "start": "08:30", "end": "17:00", "end_tz": None}],
            holiday_spec="nl-general",
        ),
        actor="alice",
    )
    recorded()
    return calendar


def test_save_calendar_records_creation_then_only_what_changed(recorded):
    calendar = Calendar(
        slug="nl",
        name="Dutch office",
        time_zone="Europe/Amsterdam",
        opening_hours=[{"weekday": 0, "start": "08:30", "end": "17:00", "end_tz": None}],
        holiday_spec="nl-general",
    )
    save_calendar(calendar, actor="alice")
    assert recorded() == [
        Recorded(
            Kind.CALENDAR_CREATED,
            "alice",
            "",
            subject(calendar),
            {
                "changes": {
                    "slug": {"from": None, "to": "nl"},
                    "name": {"from": None, "to": "Dutch office"},
                    "time_zone": {"from": None, "to": "Europe/Amsterdam"},
                    "opening_hours": {
                        "from": None,
                        "to": [{"weekday": 0, "start": "08:30", "end": "17:00", "end_tz": None}],
                    },
                    "holiday_spec": {"from": None, "to": "nl-general"},
                    "added_dates": {"from": None, "to": []},
                    "removed_dates": {"from": None, "to": []},
                    "closures": {"from": None, "to": []},
                    "business_day_minutes": {"from": None, "to": 480},
                    "source": {"from": None, "to": ""},
                }
            },
        )
    ]
    calendar.added_dates = ["2026-12-24"]
    calendar.business_day_minutes = 450
    save_calendar(calendar, actor="bob")
    save_calendar(calendar, actor="bob")
    assert recorded() == [
        Recorded(
            Kind.CALENDAR_CHANGED,
            "bob",
            "",
            subject(calendar),
            {
                "changes": {
                    "added_dates": {"from": [], "to": ["2026-12-24"]},
                    "business_day_minutes": {"from": 480, "to": 450},
                }
            },
        )
    ]


def test_save_policy_records_creation_then_only_what_changed(calendar, recorded):
    policy = Policy(slug="acme", name="Acme notice policy", calendar=calendar)
    save_policy(policy, actor="alice")
    policy.description = "What we promised Acme."
    save_policy(policy, actor="bob")
    save_policy(policy, actor="bob")
    assert recorded() == [
        Recorded(
            Kind.POLICY_CREATED,
            "alice",
            "",
            subject(policy),
            {
                "changes": {
                    "slug": {"from": None, "to": "acme"},
                    "name": {"from": None, "to": "Acme notice policy"},
                    "calendar": {"from": None, "to": calendar.pk},
                    "description": {"from": None, "to": ""},
                    "source": {"from": None, "to": ""},
                }
            },
        ),
        Recorded(
            Kind.POLICY_CHANGED,
            "bob",
            "",
            subject(policy),
            {"changes": {"description": {"from": "", "to": "What we promised Acme."}}},
        ),
    ]


def test_work_types_are_recorded_against_their_policy(calendar, recorded):
    policy = save_policy(Policy(slug="acme", name="Acme", calendar=calendar), actor="alice")
    recorded()
    work_type = WorkType(
        policy=policy,
        slug="upgrade",
        name="Upgrade",
        notice_unit="calendar_days",
        notice_amount=15,
        default_duration=timedelta(hours=2),
    )
    save_work_type(work_type, actor="alice")
    work_type.notice_amount = 10
    save_work_type(work_type, actor="bob")
    save_work_type(work_type, actor="bob")
    delete_work_type(work_type, actor="carol")
    fields = {
        "slug": "upgrade",
        "name": "Upgrade",
        "position": 0,
        "notice_unit": "calendar_days",
        "notice_amount": 15,
        "notice_where_possible": False,
        "notice_source": "",
        "default_duration": 120.0,
        "outside_peak_hours": "no",
        "outside_peak_hours_source": "",
        "high_risk_outside_business_hours": "no",
        "high_risk_outside_business_hours_source": "",
        "on_site_inside_working_hours": "no",
        "on_site_inside_working_hours_source": "",
        "notices": [],
        "override_allowed": True,
        "publishes_status": False,
        "requires_validation_on_test_environment": False,
        "source": "",
    }
    assert recorded() == [
        Recorded(
            Kind.WORK_TYPE_CREATED,
            "alice",
            "",
            subject(policy),
            {
                "work_type": "upgrade",
                "changes": {field: {"from": None, "to": value} for field, value in fields.items()},
            },
        ),
        Recorded(
            Kind.WORK_TYPE_CHANGED,
            "bob",
            "",
            subject(policy),
            {"work_type": "upgrade", "changes": {"notice_amount": {"from": 15, "to": 10}}},
        ),
        Recorded(
            Kind.WORK_TYPE_DELETED,
            "carol",
            "",
            subject(policy),
            {"work_type": "upgrade", "was": fields | {"notice_amount": 10}},
        ),
    ]


# --- availability -------------------------------------------------------------------------------


def test_exclusions_are_recorded_with_what_changed_and_what_was_removed(recorded):
    sms = Component.objects.create(slug="sms", name="SMS")
    voice = Component.objects.create(slug="voice", name="Voice")
    start = datetime(2026, 11, 3, 1, 0, tzinfo=UTC)
    exclusion = Exclusion(
        reason="scheduled_maintenance",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        ref="CHG-7",
    )
    availability.save_exclusion(exclusion, [sms], actor="alice")
    exclusion.ends_at = start + timedelta(hours=3)
    availability.save_exclusion(exclusion, [voice, sms], actor="bob")
    availability.save_exclusion(exclusion, None, actor="bob")
    exclusion_subject = subject(exclusion)
    availability.delete_exclusion(exclusion, actor="carol")
    created = {
        "reason": "scheduled_maintenance",
        "starts_at": "2026-11-03T01:00:00+00:00",
        "ends_at": "2026-11-03T03:00:00+00:00",
        "components": ["sms"],
        "description": "",
        "ref": "CHG-7",
    }
    changed = created | {"ends_at": "2026-11-03T04:00:00+00:00", "components": ["sms", "voice"]}
    assert recorded() == [
        Recorded(Kind.EXCLUSION_CREATED, "alice", "", exclusion_subject, created),
        Recorded(
            Kind.EXCLUSION_CHANGED,
            "bob",
            "",
            exclusion_subject,
            changed
            | {
                "changes": {
                    "ends_at": {
                        "from": "2026-11-03T03:00:00+00:00",
                        "to": "2026-11-03T04:00:00+00:00",
                    },
                    "components": {"from": ["sms"], "to": ["sms", "voice"]},
                }
            },
        ),
        Recorded(Kind.EXCLUSION_DELETED, "carol", "", exclusion_subject, changed),
    ]


# --- subscribers --------------------------------------------------------------------------------


def test_an_email_subscription_records_its_confirmation_not_the_request(recorded):
    api = Component.objects.create(slug="api", name="API")
    subscriptions.subscribe("Ann@Example.com", components=[api])
    assert recorded() == []  # asking is not an event: anyone may type any address
    ann = Subscriber.objects.get(address="Ann@example.com")
    subscriptions.confirm(subscriptions.confirm_token(ann))
    subscriptions.update_preferences(ann, components=[], time_zone="Asia/Tokyo")
    subscriptions.unsubscribe(ann, via="link")
    subscriptions.unsubscribe(ann, via="link")
    assert recorded() == [
        Recorded(
            Kind.SUBSCRIBER_CONFIRMED,
            "public",
            "Ann@example.com",
            subject(ann),
            {"channel": "email"},
        ),
        Recorded(
            Kind.SUBSCRIBER_PREFERENCES_CHANGED,
            "subscriber",
            "Ann@example.com",
            subject(ann),
            {"channel": "email", "components": [], "time_zone": "Asia/Tokyo"},
        ),
        Recorded(
            Kind.SUBSCRIBER_UNSUBSCRIBED,
            "subscriber",
            "Ann@example.com",
            subject(ann),
            {"channel": "email", "via": "link"},
        ),
    ]


def test_what_operators_do_with_subscribers_is_recorded(recorded):
    ann, _ = operators.add_email_subscriber(
        "ann@example.com", confirmed=True, reason="signed contract 2024-17", actor="alice"
    )
    operators.add_email_subscriber("bob@example.com", actor="alice")  # double opt-in: no event yet
    hook = operators.add_webhook_subscriber(
        "https://hooks.acme.example/status", owner_email="dev@acme.example", actor="alice"
    )
    operators.disable(hook, reason="Endpoint retired", actor="alice")
    operators.disable(hook, reason="again", actor="alice")
    operators.enable(hook, actor="bob")
    hook_subject = subject(hook)
    operators.delete(hook, actor="carol")
    assert recorded() == [
        Recorded(
            Kind.SUBSCRIBER_CONFIRMED_BY_OPERATOR,
            "alice",
            "ann@example.com",
            subject(ann),
            {"channel": "email", "reason": "signed contract 2024-17"},
        ),
        Recorded(
            Kind.SUBSCRIBER_WEBHOOK_ADDED,
            "alice",
            "dev@acme.example",
            hook_subject,
            {"channel": "webhook"},
        ),
        Recorded(
            Kind.SUBSCRIBER_DISABLED,
            "alice",
            "dev@acme.example",
            hook_subject,
            {"channel": "webhook"},
        ),
        Recorded(
            Kind.SUBSCRIBER_ENABLED, "bob", "dev@acme.example", hook_subject, {"channel": "webhook"}
        ),
        Recorded(
            Kind.SUBSCRIBER_DELETED,
            "carol",
            "dev@acme.example",
            hook_subject,
            {"channel": "webhook"},
        ),
    ]


def test_a_webhook_that_keeps_failing_is_disabled_by_the_system(recorded):
    hook = operators.add_webhook_subscriber(
        "https://hooks.acme.example/status", owner_email="dev@acme.example", actor="alice"
    )
    recorded()
    webhook_health.disable(hook, reason="10 deliveries in a row failed.", now=NOW)
    assert recorded() == [
        Recorded(
            Kind.SUBSCRIBER_DISABLED,
            "system",
            "dev@acme.example",
            subject(hook),
            {
                "channel": "webhook",
                "address": "https://hooks.acme.example/status",
                "reason": "10 deliveries in a row failed.",
            },
        )
    ]


def test_a_change_in_the_console_is_recorded_with_the_fields_changed(client, recorded):
    ann, _ = operators.add_email_subscriber(
        "ann@example.com", confirmed=True, reason="contract", actor="alice"
    )
    recorded()
    client.force_login(make_staff("console-admin", Role.ADMIN))
    response = client.post(
        f"/console/delivery/subscriber/{ann.pk}/change/",
        {"time_zone": "Asia/Tokyo", "owner_email": "", "components": []},
    )
    assert response.status_code == 302
    assert recorded() == [
        Recorded(
            Kind.SUBSCRIBER_CHANGED, "console-admin", "", subject(ann), {"fields": ["time_zone"]}
        )
    ]


# --- notices ------------------------------------------------------------------------------------


@pytest.fixture
def three_subscribers(db):
    for address in ("a@example.com", "b@example.com", "c@example.com"):
        operators.add_email_subscriber(address, confirmed=True, reason="contract", actor="alice")


def _notice(key: str) -> Notice:
    return outbox.queue_notice(
        key=key,
        thread_key="planned:1",
        kind="planned.announcement",
        subject="Planned maintenance",
        body="We will upgrade the database.",
        audience=Audience.PUBLIC,
    )


def test_a_test_notice_is_recorded_with_its_audience(three_subscribers, recorded):
    recorded()
    notice = operators.send_test_notice(addresses=["ops@example.com"], actor="alice")
    assert recorded() == [
        Recorded(
            Kind.NOTICE_TEST_QUEUED,
            "alice",
            "",
            subject(notice),
            {"audience": "direct", "recipients": 1},
        )
    ]


def test_cancelling_a_notice_records_how_many_deliveries_it_skipped(three_subscribers, recorded):
    notice = _notice("planned:1:announcement:v1")
    recorded()
    outbox.cancel_notice(notice, actor="alice", reason="plans changed")
    assert recorded() == [
        Recorded(
            Kind.NOTICE_CANCELLED,
            "alice",
            "",
            subject(notice),
            {"key": "planned:1:announcement:v1", "skipped": 3, "reason": "plans changed"},
        )
    ]


def test_a_notice_is_recorded_delivered_once_all_its_deliveries_ended(three_subscribers, recorded):
    notice = _notice("planned:1:announcement:v1")
    recorded()
    first, second, third = claims.claim(3)
    claims.record_outcomes(
        [
            Outcome(first.id, AttemptOutcome.SENT),
            Outcome(second.id, AttemptOutcome.PERMANENT, "550 no such user"),
        ]
    )
    assert outbox.complete_finished_notices() == 0
    claims.record_outcomes([Outcome(third.id, AttemptOutcome.SENT)])
    assert outbox.complete_finished_notices() == 1
    assert outbox.complete_finished_notices() == 0
    assert recorded() == [
        Recorded(
            Kind.NOTICE_DELIVERED,
            "system",
            "",
            subject(notice),
            {
                "key": "planned:1:announcement:v1",
                "total": 3,
                "sent": 2,
                "failed": 1,
                "skipped": 0,
                "first_sent_at": "2026-11-30T14:00:00+00:00",
                "last_sent_at": "2026-11-30T14:00:00+00:00",
            },
        )
    ]


def _created(**fields) -> dict:
    """``changes`` of a newly created row: every field from None to its value."""
    return {"changes": {name: {"from": None, "to": value} for name, value in fields.items()}}


def test_component_created_then_changed_with_members_records_each_field(recorded):
    trunk_a = Component.objects.create(slug="trunk-a", name="Trunk A")
    trunk_b = Component.objects.create(slug="trunk-b", name="Trunk B")
    sip = catalog.save_component(
        Component(slug="sip", name="Voice/SIP", min_available_members=1),
        members=[trunk_a, trunk_b],
        actor="alice",
    )
    sip.name = "Voice / SIP"
    catalog.save_component(sip, members=[trunk_a], actor="bob", contact="ops@acme.example")
    catalog.save_component(sip, actor="bob")  # nothing changed: nothing recorded
    assert recorded() == [
        Recorded(
            Kind.COMPONENT_CREATED,
            "alice",
            "",
            subject(sip),
            _created(
                slug="sip",
                name="Voice/SIP",
                description="",
                position=0,
                visibility="public",
                is_beta=False,
                is_third_party=False,
                third_party_period="month",
                third_party_honoured_reasons=["scheduled_maintenance"],
                min_available_members=1,
                members=["trunk-a", "trunk-b"],
                visible_to=[],
            ),
        ),
        Recorded(
            Kind.COMPONENT_CHANGED,
            "bob",
            "ops@acme.example",
            subject(sip),
            {
                "changes": {
                    "name": {"from": "Voice/SIP", "to": "Voice / SIP"},
                    "members": {"from": ["trunk-a", "trunk-b"], "to": ["trunk-a"]},
                }
            },
        ),
    ]


def test_group_created_changed_and_deleted_with_the_components_it_left(recorded):
    group = catalog.save_group(ComponentGroup(name="Voice"), actor="alice")
    Component.objects.create(slug="api", name="API", group=group)
    group.position = 3
    catalog.save_group(group, actor="alice")
    catalog.save_group(group, actor="alice")  # unchanged
    was = subject(group)
    catalog.delete_group(group, actor="carol")
    assert recorded() == [
        Recorded(
            Kind.COMPONENT_GROUP_CREATED,
            "alice",
            "",
            was,
            _created(name="Voice", description="", position=0, visibility="public"),
        ),
        Recorded(
            Kind.COMPONENT_GROUP_CHANGED,
            "alice",
            "",
            was,
            {"changes": {"position": {"from": 0, "to": 3}}},
        ),
        Recorded(
            Kind.COMPONENT_GROUP_DELETED,
            "carol",
            "",
            was,
            {
                "was": {"name": "Voice", "description": "", "position": 3, "visibility": "public"},
                "components": ["api"],
            },
        ),
    ]


def test_category_created_changed_and_deleted(recorded):
    category = catalog.save_category(
        ProductCategory(slug="voice", name="Voice", target_pct="99.99"), actor="alice"
    )
    category.target_pct = "99.9"
    catalog.save_category(category, actor="alice")
    was = subject(category)
    catalog.delete_category(category, actor="alice")
    fields = {
        "slug": "voice",
        "name": "Voice",
        "target_pct": "99.9900",
        "period": "quarter",
        "time_zone": "Europe/Amsterdam",
        "partial_outage_weight": "0.000",
    }
    assert recorded() == [
        Recorded(Kind.CATEGORY_CREATED, "alice", "", was, _created(**fields)),
        Recorded(
            Kind.CATEGORY_CHANGED,
            "alice",
            "",
            was,
            {"changes": {"target_pct": {"from": "99.9900", "to": "99.9000"}}},
        ),
        Recorded(
            Kind.CATEGORY_DELETED,
            "alice",
            "",
            was,
            {"was": fields | {"target_pct": "99.9000"}, "components": []},
        ),
    ]


def test_region_created_changed_and_deleted(recorded):
    region = catalog.save_region(
        Region(slug="eu", name="EU", time_zone="Europe/Amsterdam"), actor="alice"
    )
    overnight = [{"weekday": 0, "start": "22:00", "end": "02:00"}]
    region.peak_hours = overnight
    catalog.save_region(region, actor="alice")
    was = subject(region)
    catalog.delete_region(region, actor="alice")
    assert recorded() == [
        Recorded(
            Kind.REGION_CREATED,
            "alice",
            "",
            was,
            _created(slug="eu", name="EU", time_zone="Europe/Amsterdam", peak_hours=[]),
        ),
        Recorded(
            Kind.REGION_CHANGED,
            "alice",
            "",
            was,
            {"changes": {"peak_hours": {"from": [], "to": overnight}}},
        ),
        Recorded(
            Kind.REGION_DELETED,
            "alice",
            "",
            was,
            {
                "was": {
                    "slug": "eu",
                    "name": "EU",
                    "time_zone": "Europe/Amsterdam",
                    "peak_hours": overnight,
                    "calendar": None,
                },
                "components": [],
            },
        ),
    ]


def test_organization_and_its_contacts_created_changed_and_deleted(recorded):
    api = Component.objects.create(slug="api", name="API")
    acme = catalog.save_organization(
        Organization(slug="acme", name="Acme", plan="Enterprise"), components=[api], actor="alice"
    )
    dana = catalog.save_contact(
        AuthorizedContact(organization=acme, name="Dana", email="dana@acme.example"),
        actor="alice",
    )
    dana.phone = "+31 20 123 4567"
    catalog.save_contact(dana, actor="alice")
    acme.licences = 40
    catalog.save_organization(acme, actor="alice")
    org, person = subject(acme), subject(dana)
    catalog.delete_organization(acme, actor="bob")
    contact_fields = {
        "organization": "acme",
        "name": "Dana",
        "email": "dana@acme.example",
        "phone": "",
        "time_zone": "",
        "receives_notices": True,
        "may_open_requests": True,
        "is_active": True,
    }
    assert recorded() == [
        Recorded(
            Kind.ORGANIZATION_CREATED,
            "alice",
            "",
            org,
            _created(slug="acme", name="Acme", plan="Enterprise", licences=0, components=["api"]),
        ),
        Recorded(
            Kind.CONTACT_CREATED, "alice", "dana@acme.example", person, _created(**contact_fields)
        ),
        Recorded(
            Kind.CONTACT_CHANGED,
            "alice",
            "dana@acme.example",
            person,
            {"changes": {"phone": {"from": "", "to": "+31 20 123 4567"}}},
        ),
        Recorded(
            Kind.ORGANIZATION_CHANGED,
            "alice",
            "",
            org,
            {"changes": {"licences": {"from": 0, "to": 40}}},
        ),
        Recorded(
            Kind.CONTACT_DELETED,
            "bob",
            "dana@acme.example",
            person,
            {"was": contact_fields | {"phone": "+31 20 123 4567"}},
        ),
        Recorded(
            Kind.ORGANIZATION_DELETED,
            "bob",
            "",
            org,
            {
                "was": {
                    "slug": "acme",
                    "name": "Acme",
                    "plan": "Enterprise",
                    "licences": 40,
                    "region": None,
                    "success_manager": None,
                }
            },
        ),
    ]


# --- the registry -------------------------------------------------------------------------------


def _kinds_expected_here() -> set[Kind]:
    """The kinds named first in a ``Recorded(...)`` inside a test of this file.

    Each test compares its whole list exactly, so a kind expected there is a kind written.
    """
    found = set()
    for node in ast.walk(ast.parse(inspect.getsource(sys.modules[__name__]))):
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            for call in ast.walk(node):
                if (
                    isinstance(call, ast.Call)
                    and getattr(call.func, "id", None) == "Recorded"
                    and isinstance(call.args[0], ast.Attribute)
                ):
                    found.add(Kind[call.args[0].attr])
    return found


def test_every_kind_is_expected_by_a_test_here():
    expected = _kinds_expected_here()
    assert sorted(set(Kind) - expected) == []
