"""An admin's incident set-up: cadence policies, escalation rules and contacts, templates."""

import importlib

import pytest
from django.core.exceptions import PermissionDenied

from forewarn.incidents import configuration
from forewarn.incidents.models import (
    CadencePolicy,
    EscalationContact,
    EscalationSettings,
    IncidentTemplate,
)
from forewarn.incidents.priorities import DEFINITIONS
from forewarn.record.models import Event

from .conftest import refused


def test_the_seed_001_policies_are_there_to_edit(db):
    configuration.load_seed_policies()
    assert list(
        CadencePolicy.objects.values_list(
            "priority", "interval_minutes", "clock", "escalation", "is_public_by_default"
        )
    ) == [
        ("P1", 15, "elapsed", "immediately", True),
        ("P2", 30, "elapsed", "immediately", True),
        ("P3", 120, "elapsed", "business_hours", True),
        ("P4", None, "elapsed", "planned", False),
        ("P5", None, "elapsed", "planned", False),
    ]


def test_the_migration_seeds_the_same_policies_as_the_core():
    migration = importlib.import_module("forewarn.incidents.migrations.0002_seed_cadence_policies")
    core = [
        (
            d.priority.value,
            int(d.update_interval.total_seconds() // 60) if d.update_interval else None,
            d.escalation.value,
            d.is_public,
        )
        for d in DEFINITIONS.values()
    ]
    assert migration.SEED_001 == core


def test_loading_the_seed_policies_keeps_an_admins_changes(world):
    CadencePolicy.objects.filter(priority="P2").update(interval_minutes=20)
    CadencePolicy.objects.filter(priority="P5").delete()
    before = set(Event.objects.values_list("pk", flat=True))
    configuration.load_seed_policies()
    assert dict(CadencePolicy.objects.values_list("priority", "interval_minutes")) == {
        "P1": 15,
        "P2": 20,
        "P3": 120,
        "P4": None,
        "P5": None,
    }
    created = Event.objects.filter(kind="cadence_policy.created").exclude(pk__in=before)
    assert list(created.values_list("description", flat=True)) == [
        "Cadence policy P5: seed 001's values."
    ]


def test_an_admin_sets_p3_to_business_time_and_it_is_recorded(world):
    policy = CadencePolicy.objects.get(priority="P3")
    policy.clock = "business"
    configuration.save_cadence_policy(policy, actor="root", role="admin")
    event = Event.objects.get(kind="cadence_policy.changed")
    assert event.details["changes"] == {"clock": {"from": "elapsed", "to": "business"}}
    configuration.save_cadence_policy(policy, actor="root", role="admin")
    assert Event.objects.filter(kind="cadence_policy.changed").count() == 1


def test_a_policy_that_cannot_work_is_refused_and_nothing_changes(world):
    policy = CadencePolicy.objects.get(priority="P1")
    policy.reminder_minutes = 20
    with refused("reminder_minutes", "the reminder (20 min) must come before the update is due"):
        configuration.save_cadence_policy(policy, actor="root", role="admin")
    assert CadencePolicy.objects.get(priority="P1").reminder_minutes == 5


def test_only_admins_configure(world):
    with pytest.raises(PermissionDenied, match="'admin'"):
        configuration.save_cadence_policy(
            CadencePolicy.objects.get(priority="P1"), actor="cody", role="communicator"
        )


def test_escalation_settings_and_contacts_are_checked_and_recorded(world, settings):
    with refused("responder_chat_webhook", "must use https"):
        configuration.save_escalation_settings(
            EscalationSettings(responder_chat_webhook="http://chat.example/h"),
            actor="root",
            role="admin",
        )
    saved = configuration.save_escalation_settings(
        EscalationSettings(executive_above_components=5), actor="root", role="admin"
    )
    assert (saved.pk, EscalationSettings.current().to_core().executive_above_components) == (1, 5)
    with refused("email", "Give a staff user, an email address or a chat webhook"):
        configuration.save_escalation_contact(
            EscalationContact(tier="tier_2"), actor="root", role="admin"
        )
    contact = configuration.save_escalation_contact(
        EscalationContact(tier="tier_2", user=world.responder), actor="root", role="admin"
    )
    configuration.delete_escalation_contact(contact, actor="root", role="admin")
    assert list(
        Event.objects.filter(kind__startswith="escalation")
        .order_by("at", "id")
        .values_list("kind", flat=True)
    ) == [
        "escalation_settings.changed",
        "escalation_contact.created",
        "escalation_contact.deleted",
    ]


def test_templates_keep_their_components(world):
    template = configuration.save_template(
        IncidentTemplate(
            name="Voice down", title="Calls fail", body="We are on it.", priority="P1"
        ),
        components=[world.voice],
        actor="root",
        role="admin",
    )
    template.title = "Calls fail in the EU"
    configuration.save_template(
        template, components=[world.voice, world.sms], actor="root", role="admin"
    )
    changed = Event.objects.get(kind="incident_template.changed")
    assert changed.details["changes"] == {
        "title": {"from": "Calls fail", "to": "Calls fail in the EU"},
        "components": {"from": ["voice"], "to": ["sms", "voice"]},
    }
