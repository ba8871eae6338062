"""The operator console: roles decide what staff may see and change; every write goes through
the catalog's services, so it refuses what the API refuses and records what it changes."""

import json

import pytest

from forewarn.catalog import services
from forewarn.catalog.models import (
    AuthorizedContact,
    Component,
    ComponentGroup,
    Organization,
    ProductCategory,
    Region,
    Role,
    StatusInterval,
)
from forewarn.record.models import Event
from forewarn.statuspage.models import PageVersion
from tests.conftest import make_staff


@pytest.fixture
def api_component(db):
    component = Component.objects.create(slug="api", name="API")
    services.ensure_history(component)
    return component


def _login(client, role):
    user = make_staff(f"{role}-person", role)
    client.force_login(user)
    return user


def test_viewer_sees_components_but_cannot_change_them(client, api_component):
    _login(client, Role.VIEWER)
    assert client.get("/console/catalog/component/").status_code == 200
    response = client.post(
        f"/console/catalog/component/{api_component.pk}/change/", {"status": "major_outage"}
    )
    assert response.status_code == 403
    assert Component.objects.get(pk=api_component.pk).status == "operational"


def test_responder_changes_status_in_the_console_and_history_follows(client, api_component):
    _login(client, Role.RESPONDER)
    page = client.get(f"/console/catalog/component/{api_component.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form.initial.get(name, "") for name in form.fields}
    data.update({"status": "partial_outage", "members": [], "visible_to": []})
    data = {k: v for k, v in data.items() if v is not None}
    for prefix in ("status_history",):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "1",
                f"{prefix}-INITIAL_FORMS": "1",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "0",
            }
        )
        interval = StatusInterval.objects.get(component=api_component)
        data.update({f"{prefix}-0-id": interval.pk, f"{prefix}-0-component": api_component.pk})
    response = client.post(f"/console/catalog/component/{api_component.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    api_component.refresh_from_db()
    assert api_component.status == "partial_outage"
    latest = StatusInterval.objects.filter(component=api_component).order_by("-started_at").first()
    assert (latest.status, latest.cause, latest.actor) == (
        "partial_outage",
        "changed in the console",
        "responder-person",
    )


def test_responder_cannot_create_components(client, db):
    _login(client, Role.RESPONDER)
    assert client.get("/console/catalog/component/add/").status_code == 403


def test_admin_role_manages_the_catalog(client, db):
    _login(client, Role.ADMIN)
    assert client.get("/console/catalog/component/add/").status_code == 200
    assert client.get("/console/catalog/organization/add/").status_code == 200


def test_console_requires_login(client, db):
    response = client.get("/console/catalog/component/")
    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/")


def test_changing_a_role_changes_what_the_console_allows_at_once(client, db):
    user = make_staff("switch", Role.ADMIN)
    client.force_login(user)
    assert client.get("/console/catalog/component/add/").status_code == 200
    user.staff.role = Role.VIEWER
    user.staff.save()
    assert client.get("/console/catalog/component/add/").status_code == 403
    assert client.get("/console/catalog/component/").status_code == 200


def test_django_groups_and_model_permissions_give_no_console_rights(client, db):
    """A role is the whole of a user's rights: a permission granted the Django way opens nothing."""
    from django.contrib.auth.models import Permission

    user = make_staff("granted", Role.VIEWER)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="catalog"))
    client.force_login(user)
    assert client.get("/console/catalog/component/add/").status_code == 403
    assert client.get("/console/auth/group/").status_code == 404
    assert list(user.groups.values_list("name", flat=True)) == []


# --- the console refuses what the API refuses, with the same words, and changes nothing ------


def _values(form) -> dict:
    """What a browser posts for ``form`` as the page shows it (unchecked boxes are left out)."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        key = form.add_prefix(name)
        if value is True:
            data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(v) for v in value]
        else:
            data[key] = value
    return data


def admin_form(client, url: str, **changes) -> dict:
    """The add or change form at ``url`` as the console fills it, inlines included, changed."""
    page = client.get(url)
    assert page.status_code == 200
    data = _values(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        data |= _values(inline.formset.management_form)
        for form in inline.formset.forms:
            data |= _values(form)
    return data | changes


@pytest.fixture
def admin_client(client, db):
    _login(client, Role.ADMIN)
    return client


@pytest.fixture
def trunks(db):
    return [
        services.save_component(Component(slug=f"trunk-{n}", name=f"Trunk {n}"), actor="demo")
        for n in "ab"
    ]


def _refused(response) -> dict:
    assert response.status_code == 200, response.status_code  # the form again, not a redirect
    return response.context["adminform"].form.errors


ADD_COMPONENT = "/console/catalog/component/add/"
ADD_REGION = "/console/catalog/region/add/"


@pytest.mark.parametrize(
    ("k", "members", "message"),
    [
        ("3", ["trunk-a", "trunk-b"], "K = 3 but the component has only 2 members."),
        (
            "2",
            [],
            "K = 2 needs members: choose at least 2 components this one is measured through, "
            "or leave K empty.",
        ),
    ],
)
def test_console_refuses_k_larger_than_the_members(admin_client, trunks, k, members, message):
    pks = [str(c.pk) for c in trunks if c.slug in members]
    data = admin_form(
        admin_client,
        ADD_COMPONENT,
        name="Voice/SIP",
        slug="voice-sip",
        members=pks,
        min_available_members=k,
    )
    errors = _refused(admin_client.post(ADD_COMPONENT, data))
    assert errors == {"min_available_members": [message]}
    assert not Component.objects.filter(slug="voice-sip").exists()
    assert not Event.objects.filter(kind="component.created", actor="admin-person").exists()


def test_console_refuses_a_component_as_its_own_member(admin_client, trunks):
    url = f"/console/catalog/component/{trunks[0].pk}/change/"
    data = admin_form(admin_client, url, members=[str(trunks[0].pk), str(trunks[1].pk)])
    errors = _refused(admin_client.post(url, data))
    assert errors == {"members": ["A component cannot be its own member."]}
    assert not trunks[0].members.exists()


def test_console_refuses_a_taken_slug_and_an_unknown_visibility(admin_client, trunks):
    data = admin_form(admin_client, ADD_COMPONENT, name="Again", slug="trunk-a", visibility="x")
    errors = _refused(admin_client.post(ADD_COMPONENT, data))
    assert errors == {
        "slug": ["Component with this Slug already exists."],
        "visibility": ["Select a valid choice. x is not one of the available choices."],
    }
    assert Component.objects.count() == 2


def test_console_creates_a_redundant_component_through_the_service(admin_client, trunks):
    before = PageVersion.current()[0]
    data = admin_form(
        admin_client,
        ADD_COMPONENT,
        name="Voice/SIP",
        slug="voice-sip",
        members=[str(c.pk) for c in trunks],
        min_available_members="1",
        status="under_maintenance",
    )
    response = admin_client.post(ADD_COMPONENT, data)
    assert response.status_code == 302, _refused(response)
    sip = Component.objects.get(slug="voice-sip")
    assert (sip.status, sorted(sip.members.values_list("slug", flat=True))) == (
        "under_maintenance",
        ["trunk-a", "trunk-b"],
    )
    assert list(sip.status_history.values_list("status", "cause")) == [
        ("under_maintenance", "created")
    ]
    event = Event.objects.get(kind="component.created", subject_id=str(sip.pk))
    assert (event.actor, event.details["changes"]["members"]["to"]) == (
        "admin-person",
        ["trunk-a", "trunk-b"],
    )
    assert PageVersion.current()[0] == before + 1


@pytest.mark.parametrize(
    ("peak_hours", "message"),
    [
        (
            '[{"weekday": 9, "start": "25:99", "end": "x"}]',
            "Range 1: weekday must be 0 (Monday) to 6 (Sunday), not 9.",
        ),
        (
            '[{"weekday": 0, "start": "25:99", "end": "20:00"}]',
            "Range 1: start must be a wall-clock time HH:MM such as 08:00 (00:00 for midnight), "
            "not '25:99'.",
        ),
        (
            '[{"weekday": 0, "start": "08:00", "end": "20:00"}, '
            '{"weekday": 1, "start": "20:00", "end": "24:00"}]',
            "Range 2: end '24:00' is not a time of day; write 00:00 to end at midnight (an end "
            "at or before the start runs past midnight).",
        ),
    ],
)
def test_console_refuses_peak_hours_the_api_refuses(admin_client, peak_hours, message):
    data = admin_form(
        admin_client,
        ADD_REGION,
        name="EU",
        slug="eu",
        time_zone="Europe/Amsterdam",
        peak_hours=peak_hours,
    )
    errors = _refused(admin_client.post(ADD_REGION, data))
    assert errors == {"peak_hours": [message]}
    assert not Region.objects.exists()


def test_console_refuses_an_unknown_time_zone(admin_client):
    data = admin_form(admin_client, ADD_REGION, name="EU", slug="eu", time_zone="Europe/Atlantis")
    errors = _refused(admin_client.post(ADD_REGION, data))
    assert errors == {
        "time_zone": ["'Europe/Atlantis' is not an IANA time zone such as Europe/Amsterdam."]
    }
    assert not Region.objects.exists()


def test_console_accepts_overnight_peak_hours_and_records_the_region(admin_client):
    overnight = [{"weekday": 4, "start": "22:00", "end": "02:00"}]
    data = admin_form(
        admin_client,
        ADD_REGION,
        name="EU",
        slug="eu",
        time_zone="Europe/Amsterdam",
        peak_hours=json.dumps(overnight),
    )
    assert admin_client.post(ADD_REGION, data).status_code == 302
    assert Region.objects.get(slug="eu").peak_hours == overnight
    event = Event.objects.get(kind="region.created")
    assert (event.actor, event.details["changes"]["peak_hours"]["to"]) == (
        "admin-person",
        overnight,
    )
    listing = admin_client.get("/console/catalog/region/").content.decode()
    assert "Fri 22:00–02:00 (next day)" in listing


def test_console_refuses_a_category_target_above_100(admin_client):
    url = "/console/catalog/productcategory/add/"
    data = admin_form(admin_client, url, name="Voice", slug="voice", target_pct="100.5")
    errors = _refused(admin_client.post(url, data))
    assert errors == {"target_pct": ["Ensure this value is less than or equal to 100."]}
    assert not ProductCategory.objects.exists()


def test_console_refuses_a_second_contact_with_the_same_email(admin_client):
    acme = services.save_organization(Organization(slug="acme", name="Acme"), actor="demo")
    services.save_contact(
        AuthorizedContact(organization=acme, name="Anna", email="anna@acme.example"), actor="demo"
    )
    url = f"/console/catalog/organization/{acme.pk}/change/"
    data = admin_form(
        admin_client,
        url,
        **{"contacts-1-name": "Anna 2", "contacts-1-email": "anna@acme.example"},
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    [contacts] = [i.formset for i in response.context["inline_admin_formsets"]]
    assert contacts.errors[1] == {
        "__all__": ["Authorized contact with this Organization and Email already exists."]
    }
    assert list(acme.contacts.values_list("name", flat=True)) == ["Anna"]


def test_console_saves_an_organization_and_its_contacts_through_the_services(admin_client, trunks):
    acme = services.save_organization(Organization(slug="acme", name="Acme"), actor="demo")
    old = services.save_contact(
        AuthorizedContact(organization=acme, name="Old", email="old@acme.example"), actor="demo"
    )
    url = f"/console/catalog/organization/{acme.pk}/change/"
    data = admin_form(
        admin_client,
        url,
        plan="Enterprise",
        components=[str(trunks[0].pk)],
        **{
            "contacts-0-DELETE": "on",
            "contacts-1-name": "Anna",
            "contacts-1-email": "anna@acme.example",
        },
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    recorded = Event.objects.filter(actor="admin-person").order_by("id")
    assert [(e.kind, e.contact) for e in recorded] == [
        ("organization.changed", ""),
        ("contact.created", "anna@acme.example"),
        ("contact.deleted", "old@acme.example"),
    ]
    assert recorded[0].details["changes"] == {
        "plan": {"from": "", "to": "Enterprise"},
        "components": {"from": [], "to": ["trunk-a"]},
    }
    assert not AuthorizedContact.objects.filter(pk=old.pk).exists()


def test_console_does_not_remove_components(admin_client, trunks):
    response = admin_client.get(f"/console/catalog/component/{trunks[0].pk}/delete/")
    assert response.status_code == 403
    assert Component.objects.count() == 2


def test_console_removes_a_group_through_the_service(admin_client, trunks):
    voice = services.save_group(ComponentGroup(name="Voice"), actor="demo")
    before = PageVersion.current()[0]
    response = admin_client.post(
        f"/console/catalog/componentgroup/{voice.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not ComponentGroup.objects.exists()
    assert Event.objects.get(kind="component_group.deleted").actor == "admin-person"
    assert PageVersion.current()[0] == before + 1


def test_console_status_column_changes_status_through_set_status(admin_client, trunks):
    changelist = admin_client.get("/console/catalog/component/")
    data = _values(changelist.context["cl"].formset.management_form)
    for form in changelist.context["cl"].formset.forms:
        data |= _values(form)
    data["form-0-status"] = "major_outage"
    data["_save"] = "Save"
    assert admin_client.post("/console/catalog/component/", data).status_code == 302
    changed = Component.objects.get(pk=changelist.context["cl"].formset.forms[0].instance.pk)
    assert changed.status == "major_outage"
    assert list(Event.objects.filter(actor="admin-person").values_list("kind", flat=True)) == [
        "component.status_changed"
    ]


def test_console_group_page_moves_its_components_through_the_service(admin_client, trunks):
    voice = services.save_group(ComponentGroup(name="Voice"), actor="demo")
    for trunk in trunks:
        trunk.group = voice
        services.save_component(trunk, actor="demo")
    url = f"/console/catalog/componentgroup/{voice.pk}/change/"
    data = admin_form(admin_client, url, **{"components-1-position": "7"})
    assert admin_client.post(url, data).status_code == 302
    assert Component.objects.get(slug="trunk-b").position == 7
    event = Event.objects.get(kind="component.changed", actor="admin-person")
    assert event.details == {"changes": {"position": {"from": 0, "to": 7}}}


# --- a responder changes a component's status in the console, and nothing else ---------------


def test_responder_sees_only_the_status_as_editable_in_the_console(client, api_component):
    _login(client, Role.RESPONDER)
    page = client.get(f"/console/catalog/component/{api_component.pk}/change/")
    assert page.status_code == 200
    assert set(page.context["adminform"].form.fields) == {"status"}


def test_responder_posting_other_fields_changes_only_the_status(client, api_component):
    """The API refuses a responder's PATCH of these fields with 403; the console must not
    let them through either (rename, make private, mark beta)."""
    _login(client, Role.RESPONDER)
    url = f"/console/catalog/component/{api_component.pk}/change/"
    data = admin_form(client, url, status="major_outage")
    data |= {"name": "Renamed", "visibility": "private", "is_beta": "on", "slug": "other"}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    api_component.refresh_from_db()
    assert (
        api_component.name,
        api_component.slug,
        api_component.visibility,
        api_component.is_beta,
        api_component.status,
    ) == ("API", "api", "public", False, "major_outage")
    assert not Event.objects.filter(kind="component.changed").exists()


def test_console_refuses_a_description_longer_than_the_api_allows(admin_client, trunks):
    url = f"/console/catalog/component/{trunks[0].pk}/change/"
    data = admin_form(admin_client, url, description="x" * 20_001)
    errors = _refused(admin_client.post(url, data))
    assert errors == {
        "description": ["Ensure this value has at most 20000 characters (it has 20001)."]
    }
    assert Component.objects.get(pk=trunks[0].pk).description == ""
