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
from pathlib import Path
from typing import NamedTuple

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

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
from forewarn.compat.alertmanager import receiver as alert_receiver
from forewarn.compat.alertmanager import services as alerting
from forewarn.compat.alertmanager.models import AlertGroup, AlertRule
from forewarn.delivery import claims, operators, outbox, subscriptions, webhook_health
from forewarn.delivery.claims import Outcome
from forewarn.delivery.models import AttemptOutcome, Audience, Notice, Subscriber
from forewarn.incidents import backfill as incident_backfill
from forewarn.incidents import classification as incident_classification
from forewarn.incidents import configuration as incident_configuration
from forewarn.incidents import followers as incident_followers
from forewarn.incidents import jobs as incident_jobs
from forewarn.incidents import postmortems as incident_postmortems
from forewarn.incidents import services as incident_services
from forewarn.incidents.models import CadencePolicy as IncidentCadencePolicy
from forewarn.incidents.models import EscalationContact, EscalationSettings, IncidentTemplate
from forewarn.metrics import jobs as metric_jobs
from forewarn.metrics import services as metrics
from forewarn.metrics.models import Metric, MetricPoint
from forewarn.policies.models import Policy, WorkType
from forewarn.policies.services import (
    delete_work_type,
    publish_policy_version,
    save_policy,
    save_work_type,
)
from forewarn.record.kinds import Kind
from forewarn.record.models import Event
from forewarn.signin import services as signin
from tests.conftest import make_staff
from tests.signin.totp import totp

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
                    "applies_to_plans": {"from": None, "to": []},
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


def test_a_policy_version_is_recorded_with_what_changed_and_who_was_told(calendar, recorded):
    policy = save_policy(Policy(slug="acme", name="Acme", calendar=calendar), actor="alice")
    save_work_type(
        WorkType(policy=policy, slug="upgrade", name="Upgrade", notice_amount=15), actor="alice"
    )
    acme = Organization.objects.create(slug="acme", name="Acme")
    recorded()
    version = publish_policy_version(
        policy,
        actor="ada",
        label="2027.1",
        effective_from=NOW + timedelta(days=30),
        summary="Upgrades need 20 business days' notice.",
        work_types={"upgrade": {"notice_amount": 20}},
    )
    assert recorded() == [
        Recorded(
            Kind.POLICY_VERSION_PUBLISHED,
            "ada",
            "",
            subject(version),
            {
                "policy": "acme",
                "label": "2027.1",
                "effective_from": (NOW + timedelta(days=30)).isoformat(),
                "changes": {"upgrade": {"notice_amount": {"from": 15, "to": 20}}},
                "told": [acme.pk],
                "notice": f"policy_version:{version.pk}",
            },
        )
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


@pytest.mark.django_db(transaction=True)
def test_merging_one_mailbox_spelled_two_ways_is_recorded(recorded):
    """Delivery migration 0003 keeps the earliest confirmed subscriber of a mailbox."""
    executor = MigrationExecutor(connection)
    executor.migrate([("delivery", "0002_delivery_progress")])
    OldSubscriber = executor.loader.project_state(
        [("delivery", "0002_delivery_progress")]
    ).apps.get_model("delivery", "Subscriber")
    first = OldSubscriber.objects.create(
        address="ann@xn--bcher-kva.example", secret="", confirmed_at=NOW
    )
    second = OldSubscriber.objects.create(address="ann@bücher.example", secret="")
    executor = MigrationExecutor(connection)
    executor.migrate([("delivery", "0003_one_subscriber_per_mailbox")])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # support depends on delivery
    assert recorded() == [
        Recorded(
            Kind.SUBSCRIBER_MERGED,
            "system",
            "ann@xn--bcher-kva.example",
            f"delivery.subscriber:{first.pk}",
            {
                "channel": "email",
                "kept": first.pk,
                "address": "ann@xn--bcher-kva.example",
                "deliveries_moved": 0,
                "merged": [
                    {
                        "id": second.pk,
                        "address": "ann@bücher.example",
                        "created_at": NOW.isoformat(),
                        "confirmed_at": None,
                        "unsubscribed_at": None,
                        "disabled_at": None,
                    }
                ],
            },
        )
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


def test_a_notice_that_went_out_after_its_due_time_records_how_late(three_subscribers, recorded):
    notice = outbox.queue_notice(
        key="planned:1:0:reminder:1440m:v0",
        thread_key="planned:1",
        kind="planned.reminder",
        subject="Reminder",
        body="Tomorrow.",
        due_at=NOW + timedelta(minutes=10),
    )
    recorded()
    with time_machine.travel(NOW + timedelta(minutes=30), tick=False):
        assert outbox.fan_out_due() == 3
        assert outbox.fan_out_due() == 0  # once
    assert recorded() == [
        Recorded(
            Kind.NOTICE_LATE,
            "system",
            "",
            subject(notice),
            {
                "key": "planned:1:0:reminder:1440m:v0",
                "due_at": "2026-11-30T14:10:00+00:00",
                "fanned_out_at": "2026-11-30T14:30:00+00:00",
                "delay_seconds": 1200,
                "recipients": 3,
            },
            NOW + timedelta(minutes=30),
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


# --- staff sign-in ------------------------------------------------------------------------------


def test_second_factor_requirements_enrolment_and_reset_are_recorded(recorded):
    ada = make_staff("ada", Role.VIEWER)
    user_subject = f"auth.user:{ada.pk}"
    signin.require(ada, actor="root")
    signin.require(ada, actor="root")  # already required: nothing new
    device = signin.pending_authenticator(ada)
    assert signin.confirm_authenticator(device, totp(device))
    signin.reset(ada, actor="root")
    signin.reset(ada, actor="root")  # nothing left to remove: nothing recorded
    signin.stop_requiring(ada, actor="root")
    signin.stop_requiring(ada, actor="root")
    details = {"user": "ada"}
    assert recorded() == [
        Recorded(Kind.STAFF_SECOND_FACTOR_REQUIRED, "root", "", user_subject, details),
        Recorded(Kind.STAFF_SECOND_FACTOR_ENROLLED, "ada", "", user_subject, details),
        Recorded(Kind.STAFF_SECOND_FACTOR_RESET, "root", "", user_subject, details),
        Recorded(Kind.STAFF_SECOND_FACTOR_NOT_REQUIRED, "root", "", user_subject, details),
    ]


# --- incidents ----------------------------------------------------------------------------------


class IncidentWorld(NamedTuple):
    api: Component
    sms: Component
    hosting: Component  # an upstream provider
    rita: object  # a responder with an address for reminders


@pytest.fixture
def incidents(recorded) -> IncidentWorld:
    """Two components (a confirmed subscriber follows the API), an upstream, a responder."""
    api = catalog.save_component(Component(slug="api", name="API"), actor="alice")
    sms = catalog.save_component(Component(slug="sms", name="SMS"), actor="alice")
    hosting = catalog.save_component(
        Component(slug="hosting", name="Hosting", is_third_party=True), actor="alice"
    )
    fan = Subscriber.objects.create(channel="email", address="fan@example.com", confirmed_at=NOW)
    fan.components.set([api])
    rita = make_staff("rita", Role.RESPONDER)
    incident_configuration.load_seed_policies()  # a transactional test may have emptied them
    recorded()
    return IncidentWorld(api, sms, hosting, rita)


def open_incident(**fields):
    defaults = {
        "actor": "rita",
        "role": "responder",
        "title": "API errors",
        "priority": "P2",
        "message": "Requests fail. We are investigating.",
    }
    return incident_services.open_incident(**(defaults | fields))


def update_ids(incident) -> list[int]:
    return list(incident.updates.order_by("posted_at", "pk").values_list("pk", flat=True))


def change(component: Component, old: str, new: str) -> dict:
    return {"component": component.slug, "name": component.name, "from": old, "to": new}


TIER_1_TIMING = "the priority's escalation timing (seed 001 §6)"


def test_an_incident_opened_updated_resolved_and_reopened(incidents, recorded):
    api = incidents.api
    incident = open_incident(components={api: "major_outage"}, reporter="ann@acme.example")
    ref, it, ann = f"incident:{incident.pk}", subject(incident), "ann@acme.example"
    (opening,) = update_ids(incident)
    notice = Notice.objects.get(key=f"{ref}:update:{opening}")
    assert recorded() == [
        Recorded(
            Kind.INCIDENT_CREATED,
            "rita",
            ann,
            it,
            {
                "priority": "P2",
                "is_public": True,
                "visibility_overridden": False,
                "detected_at": "2026-11-30T14:00:00+00:00",
                "template": None,
                "responders": [],
            },
        ),
        Recorded(
            Kind.INCIDENT_ACKNOWLEDGED,
            "rita",
            ann,
            it,
            {"acknowledged_at": "2026-11-30T14:00:00+00:00", "minutes_after_detection": 0.0},
        ),
        Recorded(
            Kind.COMPONENT_STATUS_CHANGED,
            "rita",
            "",
            subject(api),
            {"from": "operational", "to": "major_outage", "cause": "API errors", "cause_ref": ref},
        ),
        Recorded(
            Kind.INCIDENT_UPDATE_POSTED,
            "rita",
            ann,
            it,
            {
                "update_id": opening,
                "status": "investigating",
                "notify": True,
                "components": [change(api, "operational", "major_outage")],
                "is_public": True,
            },
        ),
        Recorded(
            Kind.INCIDENT_NOTICE_QUEUED,
            "rita",
            ann,
            it,
            {
                "key": f"{ref}:update:{opening}",
                "notice_id": notice.pk,
                "kind": "incident.update",
                "audience": "everyone",
                "recipients": 1,
            },
        ),
        # P2 escalates immediately (seed 001 §6); nobody is configured for Tier 1 here.
        Recorded(
            Kind.INCIDENT_ESCALATED,
            "system",
            ann,
            it,
            {"tier": "tier_1", "reason": TIER_1_TIMING, "to": [], "chat_webhooks": 0, "key": None},
        ),
    ]

    later = NOW + timedelta(minutes=10)
    with time_machine.travel(later, tick=False):
        incident_services.post_update(
            incident,
            actor="rita",
            role="responder",
            message="A bad deploy.",
            status="identified",
            notify=False,
        )
    assert recorded() == [
        Recorded(
            Kind.INCIDENT_UPDATE_POSTED,
            "rita",
            ann,
            it,
            {
                "update_id": update_ids(incident)[-1],
                "status": "identified",
                "notify": False,
                "components": [],
                "is_public": True,
            },
            later,
        ),
        Recorded(
            Kind.INCIDENT_STATUS_CHANGED,
            "rita",
            ann,
            it,
            {"from": "investigating", "to": "identified"},
            later,
        ),
    ]

    resolved = NOW + timedelta(minutes=20)
    with time_machine.travel(resolved, tick=False):
        incident_services.resolve(
            incident, actor="rita", role="responder", message="Rolled back.", notify=False
        )
    assert recorded() == [
        Recorded(
            Kind.COMPONENT_STATUS_CHANGED,
            "rita",
            "",
            subject(api),
            {
                "from": "major_outage",
                "to": "operational",
                "cause": "resolved: API errors",
                "cause_ref": ref,
            },
            resolved,
        ),
        Recorded(
            Kind.INCIDENT_UPDATE_POSTED,
            "rita",
            ann,
            it,
            {
                "update_id": update_ids(incident)[-1],
                "status": "resolved",
                "notify": False,
                "components": [change(api, "major_outage", "operational")],
                "is_public": True,
            },
            resolved,
        ),
        Recorded(
            Kind.INCIDENT_STATUS_CHANGED,
            "rita",
            ann,
            it,
            {"from": "identified", "to": "resolved"},
            resolved,
        ),
        Recorded(
            Kind.INCIDENT_RESOLVED,
            "rita",
            ann,
            it,
            {"resolved_at": "2026-11-30T14:20:00+00:00", "minutes_open": 20.0},
            resolved,
        ),
    ]

    reopened = NOW + timedelta(minutes=30)
    with time_machine.travel(reopened, tick=False):
        incident_services.reopen(
            incident, actor="rita", role="responder", message="Errors again.", notify=False
        )
    assert recorded() == [
        Recorded(
            Kind.INCIDENT_REOPENED,
            "rita",
            ann,
            it,
            {"resolved_at": "2026-11-30T14:20:00+00:00", "status": "investigating"},
            reopened,
        ),
        Recorded(
            Kind.INCIDENT_UPDATE_POSTED,
            "rita",
            ann,
            it,
            {
                "update_id": update_ids(incident)[-1],
                "status": "investigating",
                "notify": False,
                "components": [],
                "is_public": True,
            },
            reopened,
        ),
        Recorded(
            Kind.INCIDENT_STATUS_CHANGED,
            "rita",
            ann,
            it,
            {"from": "resolved", "to": "investigating"},
            reopened,
        ),
    ]


def test_a_past_incident_entered_afterwards_is_one_event_at_the_time_of_entry(incidents, recorded):
    began = NOW - timedelta(days=3)
    incident = incident_backfill.backfill_incident(
        actor="alice",
        role="admin",
        title="Host failure",
        priority="P2",
        cause="third_party",
        components={incidents.api: "major_outage"},
        updates=[
            incident_backfill.PastUpdate(began, "investigating", "Requests fail."),
            incident_backfill.PastUpdate(began + timedelta(minutes=40), "resolved", "Fixed."),
        ],
    )
    assert recorded() == [
        Recorded(
            Kind.INCIDENT_BACKFILLED,
            "alice",
            "",
            subject(incident),
            {
                "priority": "P2",
                "cause": "third_party",
                "is_public": True,
                "detected_at": "2026-11-27T14:00:00+00:00",
                "updates": [
                    {"at": "2026-11-27T14:00:00+00:00", "status": "investigating"},
                    {"at": "2026-11-27T14:40:00+00:00", "status": "resolved"},
                ],
                "components": {"api": "major_outage"},
            },
        )
    ]


def test_a_hooks_incident_acknowledged_staffed_escalated_and_classified(incidents, recorded):
    api, hosting = incidents.api, incidents.hosting
    incident = open_incident(
        actor="hook:alertmanager",
        priority="P3",
        components={api: "partial_outage"},
        acknowledged=False,
    )
    it = subject(incident)
    recorded()  # as in the test above, without the acknowledgement
    incident_services.acknowledge(incident, actor="rita", role="responder")
    incident_services.assign_responders(incident, [incidents.rita], actor="rita", role="responder")
    incident_services.escalate(
        incident, "tier_2", reason="Needs the database team", actor="rita", role="responder"
    )
    incident_classification.reclassify(
        incident, "P4", reason="One customer only", actor="rita", role="responder"
    )
    incident_classification.make_public(
        incident, actor="cody", role="communicator", reason="Customers ask"
    )
    incident_classification.set_cause(
        incident,
        "third_party",
        upstream=hosting,
        note="Host failed",
        actor="cody",
        role="communicator",
    )
    assert recorded() == [
        Recorded(
            Kind.INCIDENT_ACKNOWLEDGED,
            "rita",
            "",
            it,
            {"acknowledged_at": "2026-11-30T14:00:00+00:00", "minutes_after_detection": 0.0},
        ),
        Recorded(
            Kind.INCIDENT_RESPONDERS_CHANGED, "rita", "", it, {"added": ["rita"], "removed": []}
        ),
        Recorded(
            Kind.INCIDENT_ESCALATED,
            "rita",
            "",
            it,
            {
                "tier": "tier_2",
                "reason": "Needs the database team",
                "to": [],
                "chat_webhooks": 0,
                "key": None,
            },
        ),
        Recorded(
            Kind.INCIDENT_RECLASSIFIED,
            "rita",
            "",
            it,
            {
                "from": "P3",
                "to": "P4",
                "reason": "One customer only",
                "is_public": False,
                "update_interval_minutes": None,
                "clock": "elapsed",
                "next_update_due_at": None,
            },
        ),
        Recorded(
            Kind.INCIDENT_MADE_INTERNAL,
            "rita",
            "",
            it,
            {"reason": "One customer only", "overridden": False},
        ),
        Recorded(
            Kind.INCIDENT_MADE_PUBLIC,
            "cody",
            "",
            it,
            {"reason": "Customers ask", "overridden": True},
        ),
        Recorded(
            Kind.INCIDENT_CAUSE_SET,
            "cody",
            "",
            it,
            {"from": "own", "to": "third_party", "upstream": "hosting", "note": "Host failed"},
        ),
        # The upstream joins the affected components in the worst status the incident holds.
        Recorded(
            Kind.COMPONENT_STATUS_CHANGED,
            "cody",
            "",
            subject(hosting),
            {
                "from": "operational",
                "to": "partial_outage",
                "cause": "API errors",
                "cause_ref": f"incident:{incident.pk}",
            },
        ),
        Recorded(
            Kind.INCIDENT_COMPONENT_ADDED,
            "cody",
            "",
            it,
            {
                "component": "hosting",
                "status": "partial_outage",
                "changes": [change(hosting, "operational", "partial_outage")],
            },
        ),
    ]


def test_the_cadence_watcher_reminds_then_counts_the_missed_update_and_escalates(
    incidents, recorded
):
    incident = open_incident(priority="P1", components={incidents.sms: "degraded_performance"})
    incident_services.assign_responders(incident, [incidents.rita], actor="rita", role="responder")
    it, ref = subject(incident), f"incident:{incident.pk}"
    recorded()
    reminded, missed = NOW + timedelta(minutes=10), NOW + timedelta(minutes=15)
    with time_machine.travel(reminded, tick=False):
        incident_jobs.watch_cadence()
        incident_jobs.watch_cadence()  # the same deadline is reminded once
    with time_machine.travel(missed, tick=False):
        incident_jobs.watch_cadence()
    assert recorded() == [
        Recorded(
            Kind.INCIDENT_REMINDER_SENT,
            "system",
            "",
            it,
            {
                "deadline": "2026-11-30T14:15:00+00:00",
                "to": ["rita@forewarn.example"],
                "chat": False,
                "key": f"{ref}:reminder:2026-11-30T14:15:00+00:00",
            },
            reminded,
        ),
        Recorded(
            Kind.INCIDENT_UPDATE_OVERDUE,
            "system",
            "",
            it,
            {
                "deadline": "2026-11-30T14:15:00+00:00",
                "due_at": "2026-11-30T14:15:00+00:00",
                "missed_since_update": 1,
                "overdue_count": 1,
            },
            missed,
        ),
        Recorded(
            Kind.INCIDENT_ESCALATED,
            "system",
            "",
            it,
            {
                "tier": "tier_2",
                "reason": "an update is overdue (1 missed)",
                "to": [],
                "chat_webhooks": 0,
                "key": None,
            },
            missed,
        ),
    ]


def test_a_postmortem_written_rewritten_and_published_with_a_notice(incidents, recorded):
    incident = open_incident(components={incidents.api: "major_outage"})
    incident_services.resolve(incident, actor="rita", role="responder", message="Fixed.")
    it, ref = subject(incident), f"incident:{incident.pk}"
    recorded()
    incident_postmortems.save_postmortem(incident, "A bad deploy.", actor="rita", role="responder")
    incident_postmortems.save_postmortem(
        incident, "A bad deploy; we test deploys now.", actor="rita", role="responder"
    )
    incident_postmortems.publish_postmortem(
        incident, actor="cody", role="communicator", notify=True
    )
    assert recorded() == [
        Recorded(
            Kind.INCIDENT_POSTMORTEM_SAVED, "rita", "", it, {"published": False, "length": 13}
        ),
        Recorded(
            Kind.INCIDENT_POSTMORTEM_SAVED, "rita", "", it, {"published": False, "length": 34}
        ),
        Recorded(
            Kind.INCIDENT_POSTMORTEM_PUBLISHED,
            "cody",
            "",
            it,
            {"notify": True, "published_at": "2026-11-30T14:00:00+00:00"},
        ),
        Recorded(
            Kind.INCIDENT_NOTICE_QUEUED,
            "cody",
            "",
            it,
            {
                "key": f"{ref}:postmortem",
                "notice_id": Notice.objects.get(key=f"{ref}:postmortem").pk,
                "kind": "incident.postmortem",
                "audience": "everyone",
                "recipients": 1,
            },
        ),
    ]


def test_a_visitor_follows_one_incident_confirms_and_stops(incidents, recorded):
    incident = open_incident()
    recorded()
    incident_followers.follow(incident, "visitor@example.com")
    follower = incident.followers.get()
    incident_followers.confirm(link_token(incident_followers.confirm_url(follower)))
    incident_followers.confirm(link_token(incident_followers.confirm_url(follower)))
    incident_followers.stop(link_token(incident_followers.stop_url(follower)))
    incident_followers.stop(link_token(incident_followers.stop_url(follower)))
    it, who, details = subject(incident), "visitor@example.com", {"follower_id": follower.pk}
    assert recorded() == [
        Recorded(Kind.INCIDENT_FOLLOW_REQUESTED, "public", who, it, details),
        Recorded(Kind.INCIDENT_FOLLOW_CONFIRMED, "public", who, it, details),
        Recorded(Kind.INCIDENT_FOLLOW_STOPPED, "public", who, it, details),
    ]


def link_token(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def test_incident_configuration_recorded_with_what_changed(incidents, recorded):
    IncidentCadencePolicy.objects.filter(priority="P5").delete()
    incident_configuration.load_seed_policies(actor="alice")
    p5 = IncidentCadencePolicy.objects.get(priority="P5")
    p3 = IncidentCadencePolicy.objects.get(priority="P3")
    p3.clock, p3.interval_minutes = "business", 60
    incident_configuration.save_cadence_policy(p3, actor="alice", role="admin")
    incident_configuration.save_cadence_policy(p3, actor="alice", role="admin")
    rules = EscalationSettings.current()
    rules.executive_above_components = 5
    incident_configuration.save_escalation_settings(rules, actor="alice", role="admin")
    assert recorded() == [
        Recorded(
            Kind.CADENCE_POLICY_CREATED,
            "alice",
            "",
            subject(p5),
            {
                "values": {
                    "priority": "P5",
                    "interval_minutes": None,
                    "clock": "elapsed",
                    "calendar": None,
                    "escalation": "planned",
                    "is_public_by_default": False,
                    "reminder_minutes": 5,
                }
            },
        ),
        Recorded(
            Kind.CADENCE_POLICY_CHANGED,
            "alice",
            "",
            subject(p3),
            {
                "changes": {
                    "interval_minutes": {"from": 120, "to": 60},
                    "clock": {"from": "elapsed", "to": "business"},
                }
            },
        ),
        Recorded(
            Kind.ESCALATION_SETTINGS_CHANGED,
            "alice",
            "",
            subject(rules),
            {
                "changes": {
                    "tier_2_after_overdue": {"from": None, "to": 1},
                    "executive_after_overdue": {"from": None, "to": 2},
                    "executive_above_components": {"from": None, "to": 5},
                }
            },
        ),
    ]


def test_escalation_contacts_and_templates_created_changed_and_deleted(incidents, recorded):
    cto = incident_configuration.save_escalation_contact(
        EscalationContact(
            tier="executive",
            email="cto@provider.example",
            chat_webhook_url="https://chat.example/hooks/T0/B0/secret",
        ),
        actor="alice",
        role="admin",
    )
    cto.note = "CTO"
    incident_configuration.save_escalation_contact(cto, actor="alice", role="admin")
    contact = subject(cto)
    incident_configuration.delete_escalation_contact(cto, actor="alice", role="admin")
    template = incident_configuration.save_template(
        IncidentTemplate(
            name="API down", title="API errors", body="We are investigating.", priority="P2"
        ),
        components=[incidents.api],
        actor="alice",
        role="admin",
    )
    template.priority = "P1"
    incident_configuration.save_template(template, actor="alice", role="admin")
    was = subject(template)
    incident_configuration.delete_template(template, actor="alice", role="admin")
    assert recorded() == [
        Recorded(
            Kind.ESCALATION_CONTACT_CREATED,
            "alice",
            "",
            contact,
            {  # the webhook's URL is a credential, and viewers read the record
                "changes": _created(tier="executive", email="cto@provider.example")["changes"]
                | {"chat_webhook_url": "changed", "note": {"from": None, "to": ""}}
            },
        ),
        Recorded(
            Kind.ESCALATION_CONTACT_CHANGED,
            "alice",
            "",
            contact,
            {"changes": {"note": {"from": "", "to": "CTO"}}},
        ),
        Recorded(
            Kind.ESCALATION_CONTACT_DELETED,
            "alice",
            "",
            contact,
            {
                "was": {
                    "tier": "executive",
                    "user": None,
                    "email": "cto@provider.example",
                    "chat_webhook_url": "set",
                    "note": "CTO",
                }
            },
        ),
        Recorded(
            Kind.INCIDENT_TEMPLATE_CREATED,
            "alice",
            "",
            was,
            {
                "changes": _created(
                    name="API down",
                    title="API errors",
                    body="We are investigating.",
                    priority="P2",
                    component_status="major_outage",
                )["changes"]
                | {"components": {"from": [], "to": ["api"]}}
            },
        ),
        Recorded(
            Kind.INCIDENT_TEMPLATE_CHANGED,
            "alice",
            "",
            was,
            {"changes": {"priority": {"from": "P2", "to": "P1"}}},
        ),
        Recorded(
            Kind.INCIDENT_TEMPLATE_DELETED,
            "alice",
            "",
            was,
            {
                "was": {
                    "name": "API down",
                    "title": "API errors",
                    "body": "We are investigating.",
                    "priority": "P1",
                    "component_status": "major_outage",
                }
            },
        ),
    ]


# --- metrics ------------------------------------------------------------------------------------


def test_a_point_changed_records_what_it_was_and_nothing_when_unchanged(recorded):
    metric = metrics.save_metric(Metric(name="Errors", slug="errors"), actor="alice")
    metrics.add_points(metric, [(NOW - timedelta(minutes=7), 4.0)])
    point = MetricPoint.objects.get()
    recorded()
    metrics.change_point(metric, point.pk, value=4.0, actor="alice")  # the same: nothing
    metrics.change_point(metric, point.pk, value=6.5, actor="alice", at=NOW)
    assert recorded() == [
        Recorded(
            Kind.METRIC_POINT_CHANGED,
            "alice",
            "",
            subject(metric),
            {
                "point": point.pk,
                "was": {"at": (NOW - timedelta(minutes=7)).isoformat(), "value": 4.0},
                "now": {"at": NOW.isoformat(), "value": 6.5},
            },
        )
    ]


def test_a_metric_created_changed_fed_expired_and_deleted(recorded):
    metric = metrics.save_metric(
        Metric(name="API latency", slug="latency", unit="ms"), actor="alice"
    )
    it = subject(metric)
    metric.retention_days = 1
    metrics.save_metric(metric, actor="alice")
    metrics.add_points(metric, [(NOW - timedelta(hours=23), 1.0), (NOW, 2.0), (NOW, 3.0)])
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        metric_jobs.expire_old_points()
        metrics.delete_points(metric, actor="alice", before=NOW + timedelta(seconds=1))
        metrics.delete_metric(metric, actor="bob")
    later = NOW + timedelta(hours=2)
    assert recorded() == [
        Recorded(
            Kind.METRIC_CREATED,
            "alice",
            "",
            it,
            {
                "changes": {
                    "name": {"from": None, "to": "API latency"},
                    "slug": {"from": None, "to": "latency"},
                    "description": {"from": None, "to": ""},
                    "unit": {"from": None, "to": "ms"},
                    "display_mode": {"from": None, "to": "average"},
                    "visibility": {"from": None, "to": "public"},
                    "retention_days": {"from": None, "to": 90},
                    "decimal_places": {"from": None, "to": 2},
                    "default_view": {"from": None, "to": "day"},
                    "position": {"from": None, "to": 0},
                }
            },
        ),
        Recorded(
            Kind.METRIC_CHANGED,
            "alice",
            "",
            it,
            {"changes": {"retention_days": {"from": 90, "to": 1}}},
        ),
        Recorded(
            Kind.METRIC_POINTS_DELETED,
            "system",
            "",
            it,
            {"points": 1, "reason": "retention", "before": (later - timedelta(days=1)).isoformat()},
            later,
        ),
        Recorded(
            Kind.METRIC_POINTS_DELETED,
            "alice",
            "",
            it,
            {"points": 2, "reason": "request", "before": (NOW + timedelta(seconds=1)).isoformat()},
            later,
        ),
        Recorded(
            Kind.METRIC_DELETED,
            "bob",
            "",
            it,
            {
                "was": {
                    "name": "API latency",
                    "slug": "latency",
                    "description": "",
                    "unit": "ms",
                    "display_mode": "average",
                    "visibility": "public",
                    "retention_days": 1,
                    "decimal_places": 2,
                    "default_view": "day",
                    "default_value": None,
                    "position": 0,
                },
                "points": 0,
            },
            later,
        ),
    ]


# --- Alertmanager -------------------------------------------------------------------------------


def _alerts(status: str) -> dict:
    alert = {
        "status": status,
        "labels": {"alertname": "VoiceErrors", "service": "voice"},
        "annotations": {"summary": "Calls fail"},
        "startsAt": "2026-11-30T13:59:00Z",
        "fingerprint": "f1",
    }
    return {"version": "4", "groupKey": "g1", "status": status, "alerts": [alert]}


def test_an_alertmanager_integration_its_rule_and_a_group_that_fires_and_resolves(recorded):
    voice = catalog.save_component(Component(slug="voice", name="Voice"), actor="alice")
    integration, _ = alerting.create_integration("Prometheus", actor="alice")
    integration.quiet_minutes = 5
    alerting.save_integration(integration, actor="alice")
    rule = alerting.save_rule(
        AlertRule(integration=integration, name="Voice", matchers='service="voice"'),
        components=[voice],
        actor="alice",
    )
    rule.priority, rule_subject, rule_id = "P2", subject(rule), rule.pk
    alerting.save_rule(rule, actor="alice")
    alert_receiver.receive(integration, _alerts("firing"))
    alert_receiver.receive(integration, _alerts("firing"))  # a repeat: nothing recorded
    alert_receiver.receive(integration, _alerts("resolved"))
    alerting.delete_rule(rule, actor="bob")
    alerting.revoke_integration(integration, actor="bob")
    group = AlertGroup.objects.get()
    incident = group.incident.pk
    ours = [r for r in recorded() if r.kind.subject.startswith("alert_")]
    assert ours == [
        Recorded(
            Kind.ALERT_INTEGRATION_CREATED,
            "alice",
            "",
            subject(integration),
            {"name": "Prometheus", "quiet_minutes": 10},
        ),
        Recorded(
            Kind.ALERT_INTEGRATION_CHANGED,
            "alice",
            "",
            subject(integration),
            {"changes": {"quiet_minutes": {"from": 10, "to": 5}}},
        ),
        Recorded(
            Kind.ALERT_RULE_CREATED,
            "alice",
            "",
            rule_subject,
            {
                "changes": {
                    "name": {"from": None, "to": "Voice"},
                    "position": {"from": None, "to": 0},
                    "matchers": {"from": None, "to": 'service="voice"'},
                    "status": {"from": None, "to": "partial_outage"},
                    "priority": {"from": None, "to": "P3"},
                    "severity_label": {"from": None, "to": "severity"},
                    "by_severity": {"from": None, "to": {}},
                    "publish_at_once": {"from": None, "to": False},
                    "components": {"from": None, "to": ["voice"]},
                }
            },
        ),
        Recorded(
            Kind.ALERT_RULE_CHANGED,
            "alice",
            "",
            rule_subject,
            {"changes": {"priority": {"from": "P3", "to": "P2"}}},
        ),
        Recorded(
            Kind.ALERT_GROUP_FIRED,
            "hook:alertmanager",
            "",
            subject(group),
            {
                "group_key": "g1",
                "alerts": ["f1"],
                "rules": [rule_id],
                "ignored": [],
                "under_maintenance": [],
                "result": "opened",
                "incident": incident,
            },
        ),
        Recorded(
            Kind.ALERT_GROUP_RESOLVED,
            "hook:alertmanager",
            "",
            subject(group),
            {
                "group_key": "g1",
                "result": "monitoring",
                "incident": incident,
                "resolve_due_at": "2026-11-30T14:05:00+00:00",
            },
        ),
        Recorded(
            Kind.ALERT_RULE_DELETED,
            "bob",
            "",
            rule_subject,
            {
                "was": {
                    "name": "Voice",
                    "position": 0,
                    "matchers": 'service="voice"',
                    "status": "partial_outage",
                    "priority": "P2",
                    "severity_label": "severity",
                    "by_severity": {},
                    "publish_at_once": False,
                }
            },
        ),
        Recorded(
            Kind.ALERT_INTEGRATION_REVOKED,
            "bob",
            "",
            subject(integration),
            {"prefix": integration.prefix},
        ),
    ]


# --- the registry -------------------------------------------------------------------------------


def _kinds_expected_here() -> set[Kind]:
    """The kinds named first in a ``Recorded(...)`` inside a test of this file or of its
    siblings ``test_completeness_<domain>.py``.

    Each test compares its whole list exactly, so a kind expected there is a kind written.
    """
    found = set()
    here = Path(inspect.getfile(sys.modules[__name__]))
    sources = [here.read_text()] + [
        p.read_text() for p in sorted(here.parent.glob("test_completeness_*.py"))
    ]
    for node in (n for source in sources for n in ast.walk(ast.parse(source))):
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
