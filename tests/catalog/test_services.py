"""The catalog's services: status changes keep a full history of intervals; every save and
removal validates, writes the record with what changed, and marks the public page changed
when the page shows it."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from forewarn.catalog import services
from forewarn.catalog.models import (
    AuthorizedContact,
    Component,
    ComponentGroup,
    Organization,
    ProductCategory,
    Region,
    StatusInterval,
)
from forewarn.record.models import Event
from forewarn.statuspage.models import PageVersion

T0 = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)


def set_status_at(component, status, at, **arguments):
    """The change entered at the instant it claims, as an operator at that moment would."""
    with time_machine.travel(at, tick=False):
        return services.set_status(component, status, at=at, **arguments)


@pytest.fixture
def api_component(db):
    component = Component.objects.create(slug="api", name="API")
    services.ensure_history(component, at=T0)
    return component


def test_status_change_closes_the_open_interval_and_opens_a_new_one(api_component):
    set_status_at(
        api_component, "major_outage", T0 + timedelta(hours=1), cause="database down", actor="alice"
    )
    set_status_at(
        api_component, "operational", T0 + timedelta(hours=2), cause="fixed", actor="alice"
    )

    history = list(StatusInterval.objects.filter(component=api_component).order_by("started_at"))
    assert [(i.status, i.started_at, i.ended_at, i.cause) for i in history] == [
        ("operational", T0, T0 + timedelta(hours=1), "created"),
        ("major_outage", T0 + timedelta(hours=1), T0 + timedelta(hours=2), "database down"),
        ("operational", T0 + timedelta(hours=2), None, "fixed"),
    ]
    api_component.refresh_from_db()
    assert api_component.status == "operational"
    assert api_component.status_changed_at == T0 + timedelta(hours=2)


def test_status_change_is_recorded_with_actor_and_cause(api_component):
    set_status_at(
        api_component,
        "partial_outage",
        T0 + timedelta(minutes=5),
        cause="slow queries",
        actor="alice",
    )

    event = Event.objects.get(kind="component.status_changed")
    assert (event.actor, event.subject_id, event.details["from"], event.details["to"]) == (
        "alice",
        str(api_component.pk),
        "operational",
        "partial_outage",
    )
    assert event.at == T0 + timedelta(minutes=5)


def test_setting_the_same_status_records_nothing(api_component):
    set_status_at(api_component, "operational", T0 + timedelta(minutes=1))
    assert StatusInterval.objects.filter(component=api_component).count() == 1
    assert not Event.objects.exists()


def test_unknown_status_is_refused_and_changes_nothing(api_component):
    with pytest.raises(ValidationError, match="not a component status"):
        services.set_status(api_component, "down")
    assert StatusInterval.objects.filter(component=api_component).count() == 1


def test_change_before_the_current_status_began_is_refused(api_component):
    with pytest.raises(ValidationError, match="cannot be before"):
        set_status_at(api_component, "major_outage", T0 - timedelta(minutes=1))
    api_component.refresh_from_db()
    assert api_component.status == "operational"


def test_naive_time_is_refused(api_component):
    with pytest.raises(ValidationError, match="time zone"):
        services.set_status(api_component, "major_outage", at=datetime(2026, 3, 29, 3, 0))


def test_only_one_open_interval_per_component_is_possible(api_component):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        StatusInterval.objects.create(component=api_component, status="major_outage", started_at=T0)


# --- saving and removing catalog rows ------------------------------------------------------


def page_version() -> int:
    return PageVersion.current()[0]


def kinds() -> list[str]:
    return list(Event.objects.order_by("id").values_list("kind", flat=True))


@pytest.fixture
def trunks(db):
    with time_machine.travel(T0, tick=False):
        return [
            services.save_component(Component(slug=f"trunk-{n}", name=f"Trunk {n}"), actor="demo")
            for n in "ab"
        ]


@pytest.fixture
def acme(db):
    return services.save_organization(Organization(slug="acme", name="Acme"), actor="demo")


def test_a_new_component_is_recorded_starts_its_history_and_bumps_the_page_once(trunks):
    before = page_version()
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        sip = services.save_component(
            Component(slug="voice-sip", name="Voice/SIP", min_available_members=1),
            members=trunks,
            actor="alice",
            contact="ops@acme.example",
        )
    assert page_version() == before + 1
    assert [(i.status, i.started_at, i.ended_at) for i in sip.status_history.all()] == [
        ("operational", T0 + timedelta(hours=1), None)
    ]
    event = Event.objects.filter(kind="component.created").latest("id")
    assert (event.actor, event.contact, event.subject_id) == (
        "alice",
        "ops@acme.example",
        str(sip.pk),
    )
    changes = event.details["changes"]
    assert changes["members"] == {"from": None, "to": ["trunk-a", "trunk-b"]}
    assert changes["min_available_members"] == {"from": None, "to": 1}
    assert changes["slug"] == {"from": None, "to": "voice-sip"}


def test_a_change_records_only_the_fields_that_changed(trunks, acme):
    voice = services.save_group(ComponentGroup(name="Voice"), actor="alice")
    trunk = trunks[0]
    trunk.name, trunk.group, trunk.restore_objective = "Trunk Amsterdam", voice, timedelta(hours=1)
    services.save_component(trunk, visible_to=[acme], actor="bob")
    event = Event.objects.filter(kind="component.changed").get()
    assert (event.actor, event.description) == (
        "bob",
        "Component Trunk Amsterdam changed: name, group, restore_objective, visible_to.",
    )
    assert event.details == {
        "changes": {
            "name": {"from": "Trunk a", "to": "Trunk Amsterdam"},
            "group": {"from": None, "to": "Voice"},
            "restore_objective": {"from": None, "to": 60.0},
            "visible_to": {"from": [], "to": ["acme"]},
        }
    }


def test_saving_an_unchanged_component_records_nothing_and_leaves_the_page(trunks):
    before, recorded = page_version(), kinds()
    services.save_component(Component.objects.get(slug="trunk-a"), members=[], actor="bob")
    assert (page_version(), kinds()) == (before, recorded)


def test_a_save_never_changes_the_status_set_status_does(trunks):
    trunk = trunks[0]
    trunk.status = "major_outage"
    trunk.description = "Primary"
    services.save_component(trunk, actor="bob")
    trunk.refresh_from_db()
    assert (trunk.status, trunk.description) == ("operational", "Primary")
    assert StatusInterval.objects.filter(component=trunk).count() == 1


@pytest.mark.parametrize(
    ("k", "members", "field", "message"),
    [
        (
            3,
            ["trunk-a", "trunk-b"],
            "min_available_members",
            "K = 3 but the component has only 2 members.",
        ),
        (2, ["trunk-a"], "min_available_members", "K = 2 but the component has only 1 member."),
        (
            1,
            [],
            "min_available_members",
            "K = 1 needs members: choose at least 1 components this one is measured through, "
            "or leave K empty.",
        ),
        (1, ["trunk-a", "voice-sip"], "members", "A component cannot be its own member."),
    ],
)
def test_membership_rules_refuse_and_change_nothing(trunks, k, members, field, message):
    sip = services.save_component(
        Component(slug="voice-sip", name="Voice/SIP", min_available_members=1),
        members=trunks,
        actor="alice",
    )
    before, recorded = page_version(), kinds()
    sip.min_available_members = k
    sip.name = "Voice"
    with pytest.raises(ValidationError) as error:
        services.save_component(sip, members=services.components_by_slug(members), actor="alice")
    assert error.value.message_dict == {field: [message]}
    sip.refresh_from_db()
    assert (sip.name, sip.min_available_members) == ("Voice/SIP", 1)
    assert sorted(sip.members.values_list("slug", flat=True)) == ["trunk-a", "trunk-b"]
    assert (page_version(), kinds()) == (before, recorded)


def test_k_is_checked_against_the_stored_members_when_they_are_not_given(trunks):
    sip = services.save_component(
        Component(slug="voice-sip", name="Voice/SIP"), members=trunks[:1], actor="alice"
    )
    sip.min_available_members = 2
    with pytest.raises(ValidationError) as error:
        services.save_component(sip, actor="alice")
    assert error.value.message_dict == {
        "min_available_members": ["K = 2 but the component has only 1 member."]
    }


def test_a_new_component_that_is_invalid_writes_nothing(trunks):
    before, recorded = page_version(), kinds()
    with pytest.raises(ValidationError) as error:
        services.save_component(Component(slug="trunk-a", name="Again"), actor="alice")
    assert list(error.value.message_dict) == ["slug"]
    assert Component.objects.count() == 2
    assert (page_version(), kinds()) == (before, recorded)


def test_groups_are_recorded_and_on_the_page(trunks):
    before = page_version()
    voice = services.save_group(ComponentGroup(name="Voice"), actor="alice")
    voice.position = 3
    services.save_group(voice, actor="alice")
    services.save_group(voice, actor="alice")  # unchanged
    trunks[0].group = voice
    services.save_component(trunks[0], actor="alice")
    services.delete_group(voice, actor="bob")
    assert page_version() == before + 4
    assert kinds()[-4:] == [
        "component_group.created",
        "component_group.changed",
        "component.changed",
        "component_group.deleted",
    ]
    removed = Event.objects.get(kind="component_group.deleted")
    assert removed.details == {
        "was": {"name": "Voice", "description": "", "position": 3, "visibility": "public"},
        "components": ["trunk-a"],
    }
    assert Component.objects.get(slug="trunk-a").group is None


def test_a_category_bumps_the_page_only_when_the_uptime_bars_would_change(db):
    before = page_version()
    voice = services.save_category(
        ProductCategory(slug="voice", name="Voice", target_pct=Decimal("99.99")), actor="alice"
    )
    voice.target_pct = Decimal("99.9900")  # the same figure written differently
    services.save_category(voice, actor="alice")
    voice.name = "Voice and SIP"
    services.save_category(voice, actor="alice")
    assert page_version() == before
    voice.partial_outage_weight = Decimal("0.5")
    services.save_category(voice, actor="alice")
    assert page_version() == before + 1
    assert kinds() == ["category.created", "category.changed", "category.changed"]
    created, _, weighted = Event.objects.order_by("id")
    assert created.details["changes"]["target_pct"] == {"from": None, "to": "99.9900"}
    assert weighted.details["changes"] == {
        "partial_outage_weight": {"from": "0.000", "to": "0.500"}
    }


def test_a_region_with_bad_peak_hours_is_refused_naming_the_range(db):
    region = Region(
        slug="eu",
        name="EU",
        time_zone="Europe/Amsterdam",
        peak_hours=[{"weekday": 9, "start": "25:99", "end": "x"}],
    )
    with pytest.raises(ValidationError) as error:
        services.save_region(region, actor="alice")
    assert error.value.message_dict == {
        "peak_hours": ["Range 1: weekday must be 0 (Monday) to 6 (Sunday), not 9."]
    }
    assert not Region.objects.exists()
    assert not Event.objects.exists()


def test_regions_organizations_and_contacts_are_recorded_but_not_on_the_page(trunks):
    before = page_version()
    eu = services.save_region(
        Region(slug="eu", name="EU", time_zone="Europe/Amsterdam"), actor="alice"
    )
    eu.peak_hours = [{"weekday": 4, "start": "22:00", "end": "02:00"}]
    services.save_region(eu, actor="alice")
    acme = services.save_organization(
        Organization(slug="acme", name="Acme", region=eu), components=trunks, actor="alice"
    )
    anna = services.save_contact(
        AuthorizedContact(organization=acme, name="Anna", email="anna@acme.example"),
        actor="alice",
    )
    anna.is_active = False
    services.save_contact(anna, actor="alice")
    assert page_version() == before
    assert kinds()[-5:] == [
        "region.created",
        "region.changed",
        "organization.created",
        "contact.created",
        "contact.changed",
    ]
    org_event = Event.objects.get(kind="organization.created")
    assert org_event.details["changes"]["components"] == {
        "from": None,
        "to": ["trunk-a", "trunk-b"],
    }
    assert org_event.details["changes"]["region"] == {"from": None, "to": "eu"}
    changed = Event.objects.get(kind="contact.changed")
    assert (changed.contact, changed.details) == (
        "anna@acme.example",
        {"changes": {"is_active": {"from": True, "to": False}}},
    )


def test_removing_an_organization_records_its_contacts_leaving(acme):
    services.save_contact(
        AuthorizedContact(organization=acme, name="Anna", email="anna@acme.example"),
        actor="alice",
    )
    services.delete_organization(acme, actor="bob")
    assert not Organization.objects.exists() and not AuthorizedContact.objects.exists()
    assert [(e.kind, e.actor, e.contact) for e in Event.objects.order_by("id")][-2:] == [
        ("contact.deleted", "bob", "anna@acme.example"),
        ("organization.deleted", "bob", ""),
    ]


def test_a_duplicate_contact_is_refused_naming_the_email(acme):
    services.save_contact(
        AuthorizedContact(organization=acme, name="Anna", email="anna@acme.example"),
        actor="alice",
    )
    with pytest.raises(ValidationError) as error:
        services.save_contact(
            AuthorizedContact(organization=acme, name="Anna 2", email="anna@acme.example"),
            actor="alice",
        )
    assert error.value.messages == [
        "Authorized contact with this Organization and Email already exists."
    ]
    assert AuthorizedContact.objects.count() == 1


def test_a_contact_is_one_mailbox_however_its_domain_and_case_are_spelt(acme):
    anna = services.save_contact(
        AuthorizedContact(organization=acme, name="Anna", email="Anna@Bücher.Example"),
        actor="alice",
    )
    assert anna.email == "Anna@xn--bcher-kva.example"  # the form mail arrives from
    for spelling in ("anna@xn--bcher-kva.example", "ANNA@bücher.example"):
        with pytest.raises(ValidationError) as error:
            services.save_contact(
                AuthorizedContact(organization=acme, name="Anna 2", email=spelling), actor="alice"
            )
        assert error.value.messages == [
            "Authorized contact with this Organization and Email already exists."
        ]
    assert AuthorizedContact.objects.count() == 1


def test_components_by_slug_keeps_the_order_and_names_every_missing_slug(trunks):
    found = services.components_by_slug(
        ["trunk-b", "trunk-a", "trunk-b"], queryset=Component.objects.select_related("group")
    )
    assert [c.slug for c in found] == ["trunk-b", "trunk-a"]
    with pytest.raises(ValidationError) as error:
        services.components_by_slug(["ghost", "trunk-a", "phantom"], field="members")
    assert error.value.message_dict == {"members": ["No component with slug ghost, phantom."]}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"description": "x" * 20_001}, "description"),
        ({"position": 100_001}, "position"),
        ({"restore_objective": timedelta(days=367)}, "restore_objective"),
        ({"min_available_members": 1_001}, "min_available_members"),
    ],
)
def test_the_service_refuses_what_the_api_bounds(db, fields, field):
    with pytest.raises(ValidationError) as refused:
        services.save_component(Component(slug="big", name="Big", **fields), actor="alice")
    assert list(refused.value.message_dict) == [field]
    assert not Component.objects.exists()
