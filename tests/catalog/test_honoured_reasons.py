"""A third-party target's honoured exclusion reasons: set in the console and the API through
``save_component``, checked against the vocabulary, recorded (seed 004)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from forewarn.catalog import services
from forewarn.catalog.models import Component, Role
from forewarn.record.models import Event
from tests.catalog.test_console import admin_form
from tests.conftest import make_staff

URL = "/api/v1/components"


@pytest.fixture
def database(db):
    """Seed 004's database instances: 99.9 % per month; honours the default (scheduled)."""
    return services.save_component(
        Component(
            slug="cloud-database",
            name="Cloud database",
            is_third_party=True,
            third_party_target_pct=Decimal("99.9"),
        ),
        actor="demo",
    )


def test_a_third_party_target_honours_scheduled_maintenance_unless_told_otherwise(admin_api, db):
    # Seed 004: "available 100% of the time ... excluding scheduled maintenance".
    response = admin_api.post(
        URL,
        {
            "slug": "network",
            "name": "Network",
            "is_third_party": True,
            "third_party_target_pct": 100,
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["third_party_honoured_reasons"] == ["scheduled_maintenance"]
    assert Component.objects.get(slug="network").third_party_honoured_reasons == [
        "scheduled_maintenance"
    ]


def test_admin_sets_the_reasons_a_contract_honours_and_the_record_keeps_the_change(
    admin_api, database
):
    response = admin_api.patch(
        f"{URL}/cloud-database",
        {"third_party_honoured_reasons": ["scheduled_maintenance", "instance_resize_migration"]},
    )
    assert response.status_code == 200, response.content
    assert response.json()["third_party_honoured_reasons"] == [
        "scheduled_maintenance",
        "instance_resize_migration",
    ]
    event = Event.objects.filter(kind="component.changed").get()
    assert (event.actor, event.details) == (
        "admin-user",
        {
            "changes": {
                "third_party_honoured_reasons": {
                    "from": ["scheduled_maintenance"],
                    "to": ["scheduled_maintenance", "instance_resize_migration"],
                }
            }
        },
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            ["scheduled_maintenance", "holiday"],
            "third_party_honoured_reasons.1: Input should be 'scheduled_maintenance', "
            "'emergency_maintenance', 'instance_resize_migration', 'force_majeure', "
            "'third_party' or 'client_caused'",
        ),
        (
            None,
            "third_party_honoured_reasons: may not be null; omit the field to leave it unchanged.",
        ),
    ],
)
def test_a_reason_outside_the_vocabulary_is_refused_and_changes_nothing(
    admin_api, database, value, message
):
    response = admin_api.patch(f"{URL}/cloud-database", {"third_party_honoured_reasons": value})
    assert response.status_code == 422
    assert response.json()["message"] == message
    assert Component.objects.get(slug="cloud-database").third_party_honoured_reasons == [
        "scheduled_maintenance"
    ]
    assert not Event.objects.filter(kind="component.changed").exists()


def test_the_service_refuses_an_unknown_reason_naming_the_field(database):
    database.third_party_honoured_reasons = ["beta"]
    with pytest.raises(ValidationError) as refused:
        services.save_component(database, actor="olga")
    assert refused.value.message_dict == {
        "third_party_honoured_reasons": [
            "'beta' is not an exclusion reason; use any of: scheduled_maintenance, "
            "emergency_maintenance, instance_resize_migration, force_majeure, third_party, "
            "client_caused."
        ]
    }


@pytest.fixture
def admin_client(client, db):
    client.force_login(make_staff("admin-person", Role.ADMIN))
    return client


def test_console_ticks_the_honoured_reasons_through_the_service(admin_client, database):
    url = f"/console/catalog/component/{database.pk}/change/"
    page = admin_client.get(url)
    html = page.content.decode()
    assert 'value="instance_resize_migration"' in html
    assert "Instance resize migration" in html
    data = admin_form(
        admin_client,
        url,
        third_party_honoured_reasons=["scheduled_maintenance", "instance_resize_migration"],
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    database.refresh_from_db()
    assert database.third_party_honoured_reasons == [
        "scheduled_maintenance",
        "instance_resize_migration",
    ]
    event = Event.objects.get(kind="component.changed")
    assert (event.actor, list(event.details["changes"])) == (
        "admin-person",
        ["third_party_honoured_reasons"],
    )


def test_console_leaves_every_box_unticked_for_a_contract_that_honours_nothing(
    admin_client, database
):
    url = f"/console/catalog/component/{database.pk}/change/"
    data = admin_form(admin_client, url)
    data.pop("third_party_honoured_reasons")
    assert admin_client.post(url, data).status_code == 302
    database.refresh_from_db()
    assert database.third_party_honoured_reasons == []


def test_console_refuses_a_reason_outside_the_vocabulary(admin_client, database):
    url = f"/console/catalog/component/{database.pk}/change/"
    data = admin_form(admin_client, url, third_party_honoured_reasons=["holiday"])
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "third_party_honoured_reasons": [
            "Select a valid choice. holiday is not one of the available choices."
        ]
    }
    database.refresh_from_db()
    assert database.third_party_honoured_reasons == ["scheduled_maintenance"]
