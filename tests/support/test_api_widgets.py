"""Chat widgets in the API, for admins: list, add, read, change, remove and rotate the secret
through the console's own service; the secret shown only when added and when rotated; bad input
a 422 naming the field with nothing changed; a rotated secret refuses the old tokens."""

import json

import pytest

from forewarn.portal import tokens
from forewarn.record.models import Event
from forewarn.support import configuration
from forewarn.support.models import ChatWidget
from tests.conftest import ApiClient

from .conftest import refused_every
from .test_chat import APP, read, token_for

BASE = "/api/v1/support/chat-widgets"
SITE = "http://127.0.0.1:8000"  # settings.SITE_URL in the tests


@pytest.fixture
def admin(world, api_as):
    return api_as("admin")


@pytest.fixture
def widget(world):
    return configuration.save_widget(
        ChatWidget(name="Product", allowed_origins=APP), actor="ada", role="admin"
    )


def state() -> tuple[list, int]:
    """Every widget as stored (secret included) and how many events there are."""
    rows = list(ChatWidget.objects.order_by("pk").values())
    return rows, Event.objects.count()


def script_tag(key: str) -> str:
    return (
        f'<script src="{SITE}/support/chat.js" async\n'
        f'        data-widget="{key}"\n'
        '        data-token="TOKEN YOUR BACKEND MINTS FOR THE SIGNED-IN USER"></script>'
    )


def test_an_admin_adds_a_widget_and_is_shown_its_secret_that_once(admin):
    response = admin.post(
        BASE,
        {"name": "Portal", "allowed_origins": ["https://App.Example.com", "http://localhost:3000"]},
    )
    assert response.status_code == 201, response.content
    widget = ChatWidget.objects.get()
    assert response.json() == {
        "key": widget.key,
        "name": "Portal",
        "allowed_origins": ["https://app.example.com", "http://localhost:3000"],
        "is_active": True,
        "updated_at": "2026-12-07T09:00:00Z",
        "script_tag": script_tag(widget.key),
        "secret": widget.secret,
    }
    assert len(widget.secret) >= 32
    assert widget.allowed_origins == "https://App.Example.com\nhttp://localhost:3000"
    listed = admin.get(BASE).json()
    read_one = admin.get(f"{BASE}/{widget.key}").json()
    assert [sorted(w) for w in listed] == [sorted(read_one)]
    assert "secret" not in read_one and widget.secret not in json.dumps([listed, read_one])


def test_widgets_are_listed_by_name_active_or_not(admin):
    for name, active in (("Zeta", True), ("Alpha", False)):
        configuration.save_widget(
            ChatWidget(name=name, is_active=active), actor="ada", role="admin"
        )
    assert [(w["name"], w["is_active"]) for w in admin.get(BASE).json()] == [
        ("Alpha", False),
        ("Zeta", True),
    ]


def test_a_patch_changes_the_fields_it_names_and_keeps_the_rest(admin, widget):
    secret = widget.secret
    response = admin.patch(f"{BASE}/{widget.key}", {"is_active": False})
    assert response.status_code == 200, response.content
    assert (response.json()["name"], response.json()["is_active"]) == ("Product", False)
    assert "secret" not in response.json()
    response = admin.patch(
        f"{BASE}/{widget.key}",
        {"name": "  Product 2 ", "allowed_origins": ["https://b.example:8443"]},
    )
    assert response.json()["allowed_origins"] == ["https://b.example:8443"]
    widget.refresh_from_db()
    assert (widget.name, widget.allowed_origins, widget.is_active, widget.secret) == (
        "Product 2",
        "https://b.example:8443",
        False,
        secret,
    )


def test_a_removed_widget_is_gone_and_its_script_tag_stops_working(admin, widget):
    token = token_for(widget)
    assert read(widget, token=token).status_code == 200
    response = admin.delete(f"{BASE}/{widget.key}")
    assert (response.status_code, response.content) == (204, b"")
    assert not ChatWidget.objects.exists()
    assert read(widget, token=token).status_code == 404
    assert admin.get(f"{BASE}/{widget.key}").status_code == 404


def test_a_rotated_secret_refuses_tokens_signed_with_the_old_one(admin, widget):
    old_secret, old_token = widget.secret, token_for(widget)
    assert read(widget, token=old_token).status_code == 200
    response = admin.post(f"{BASE}/{widget.key}/rotate-secret")
    assert response.status_code == 200, response.content
    widget.refresh_from_db()
    assert response.json()["secret"] == widget.secret != old_secret
    assert len(widget.secret) >= 32
    refused = read(widget, token=old_token)
    assert refused.status_code == 401
    assert refused.json()["message"] == "The chat token's signature is wrong."
    assert read(widget, token=token_for(widget)).status_code == 200
    assert admin.get(f"{BASE}/{widget.key}").json()["name"] == "Product"  # nothing else moved


@pytest.mark.parametrize(
    ("method", "body", "field", "message"),
    [
        ("post", {"name": ""}, "name", "String should have at least 1 character"),
        ("post", {"name": "   "}, "name", "This field cannot be blank."),
        ("post", {"name": "Product"}, "name", "Chat widget with this Name already exists."),
        (
            "post",
            {"name": "New", "allowed_origins": ["ftp://files.example"]},
            "allowed_origins",
            "'ftp://files.example' is not an origin; write the scheme, host and port only, "
            "e.g. https://app.example.com",
        ),
        (
            "post",
            {"name": "New", "allowed_origins": ["https://app.example/page"]},
            "allowed_origins",
            "'https://app.example/page' is not an origin; write the scheme, host and port "
            "only, e.g. https://app.example.com",
        ),
        (
            "post",
            {"name": "New", "allowed_origins": [APP, " "]},
            "allowed_origins",
            "Item 2 is not an origin; give one an item, e.g. https://app.example.com",
        ),
        (
            "post",
            {"name": "New", "allowed_origins": [f"{APP}\nhttps://b.example"]},
            "allowed_origins",
            "Item 1 is not an origin; give one an item, e.g. https://app.example.com",
        ),
        ("patch", {"name": ""}, "name", "String should have at least 1 character"),
        (
            "patch",
            {"name": None},
            "name",
            "may not be null; omit the field to leave it unchanged.",
        ),
        (
            "patch",
            {"allowed_origins": ["app.example.com"]},
            "allowed_origins",
            "'app.example.com' is not an origin; write the scheme, host and port only, "
            "e.g. https://app.example.com",
        ),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(admin, widget, method, body, field, message):
    configuration.save_widget(ChatWidget(name="Other"), actor="ada", role="admin")
    before = state()
    url = BASE if method == "post" else f"{BASE}/{widget.key}"
    response = getattr(admin, method)(url, body)
    assert response.status_code == 422, response.content
    found = response.json()
    assert found["message"].startswith(f"{field}: ")
    assert message in found["message"]
    assert state() == before


def test_renaming_to_another_widgets_name_is_refused(admin, widget):
    configuration.save_widget(ChatWidget(name="Other"), actor="ada", role="admin")
    before = state()
    response = admin.patch(f"{BASE}/{widget.key}", {"name": "Other"})
    assert (response.status_code, response.json()["detail"]) == (
        422,
        {"name": ["Chat widget with this Name already exists."]},
    )
    assert state() == before


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "", None),
        ("patch", "", {"is_active": False}),
        ("delete", "", None),
        ("post", "/rotate-secret", None),
    ],
)
def test_an_unknown_key_is_a_404(admin, widget, method, suffix, body):
    before = state()
    args = (body,) if body is not None else ()
    response = getattr(admin, method)(f"{BASE}/NoSuchWidget{suffix}", *args)
    assert (response.status_code, response.json()) == (
        404,
        {"message": "No chat widget 'NoSuchWidget'."},
    )
    assert state() == before


def _every_call(key: str):
    return [
        ("get", BASE, None),
        ("post", BASE, {"name": "Sneaky"}),
        ("get", f"{BASE}/{key}", None),
        ("patch", f"{BASE}/{key}", {"is_active": False}),
        ("delete", f"{BASE}/{key}", None),
        ("post", f"{BASE}/{key}/rotate-secret", {}),
    ]


@pytest.mark.parametrize("role", ["viewer", "responder", "communicator"])
def test_staff_below_admin_are_refused_and_nothing_changes(api_as, widget, role):
    caller = api_as(role)
    before = state()
    refused_every(caller, _every_call(widget.key), "This needs the 'admin' role or above.")
    assert state() == before


def test_a_contacts_token_is_refused_and_nothing_changes(world, widget):
    _, raw = tokens.issue(world.anna, name="script")
    before = state()
    refused_every(ApiClient(raw), _every_call(widget.key), tokens.STAFF_REFUSAL)
    assert state() == before


def test_each_change_is_recorded_and_the_secret_never_is(admin, widget):
    last = Event.objects.latest("id").pk
    admin.patch(f"{BASE}/{widget.key}", {"allowed_origins": [APP, "https://b.example"]})
    rotated = admin.post(f"{BASE}/{widget.key}/rotate-secret").json()["secret"]
    admin.delete(f"{BASE}/{widget.key}")
    found = list(
        Event.objects.filter(pk__gt=last).order_by("id").values_list("kind", "actor", "details")
    )
    assert found == [
        (
            "support_settings.changed",
            "admin-user",
            {"changes": {"allowed_origins": {"from": APP, "to": f"{APP}\nhttps://b.example"}}},
        ),
        ("support_settings.changed", "admin-user", {"changes": {"secret": "changed"}}),
        (
            "support_settings.deleted",
            "admin-user",
            {
                "was": {
                    "key": widget.key,
                    "name": "Product",
                    "allowed_origins": f"{APP}\nhttps://b.example",
                    "is_active": True,
                }
            },
        ),
    ]
    assert rotated not in json.dumps(found) and widget.secret not in json.dumps(found)


def test_the_openapi_document_says_where_the_secret_is_shown():
    from forewarn.api.v1 import api

    document = api.get_openapi_schema()
    schemas, paths = document["components"]["schemas"], document["paths"]

    def answer(path: str, method: str) -> dict:
        responses = paths[f"{BASE}{path}"][method]["responses"]
        ok = responses.get(200, responses.get(201))
        ref = ok["content"]["application/json"]["schema"]
        ref = ref.get("items", ref)["$ref"].rsplit("/", 1)[-1]
        return schemas[ref]["properties"]

    for path, method in (("", "get"), ("/{key}", "get"), ("/{key}", "patch")):
        assert "secret" not in answer(path, method), (path, method)
    for path, method in (("", "post"), ("/{key}/rotate-secret", "post")):
        assert answer(path, method)["secret"]["description"].startswith(
            "Shown in this answer only (adding the widget, rotating its secret), never when "
            "widgets are listed or read"
        )
    assert "Secrets are not shown" in paths[BASE]["get"]["description"]
