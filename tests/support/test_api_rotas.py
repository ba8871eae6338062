"""On-call rotas, their shifts and the removal of response targets in the API, as in the
console: viewers read rotas, admins keep them through the console's own write path
(``configuration``), each change recorded; bad input a 422 naming the field with nothing
changed; unknown ids a 404; lower roles a 403."""

from datetime import timedelta

import pytest

from forewarn.calendars.models import Calendar
from forewarn.calendars.services import save_calendar
from forewarn.portal import tokens
from forewarn.record.models import Event
from forewarn.support import configuration
from forewarn.support.models import OnCallRota, OnCallShift, ResponseTarget
from tests.conftest import ApiClient

from .conftest import T0, refused_every

ADMIN_ONLY = "This needs the 'admin' role or above."

BASE = "/api/v1/support/rotas"
TARGETS = "/api/v1/support/targets"
EVENING = T0 + timedelta(hours=8)  # Mon 7 Dec 2026 17:00 UTC, 18:00 in Amsterdam
MORNING = T0 + timedelta(hours=23)  # Tue 8 Dec 2026 08:00 UTC


@pytest.fixture
def admin(world, api_as):
    return api_as("admin")


@pytest.fixture
def calendar(world):
    return save_calendar(
        Calendar(
            slug="nights",
            name="Nights",
            time_zone="Europe/Amsterdam",
            opening_hours=[{"weekday": day, "start": "18:00", "end": "08:00"} for day in range(7)],
        ),
        actor="ada",
    )


@pytest.fixture
def shift(rota):
    return configuration.save_shift(
        OnCallShift(rota=rota, email="nina@provider.example", starts_at=EVENING, ends_at=MORNING),
        actor="ada",
        role="admin",
    )


@pytest.fixture
def target(world):
    return configuration.save_targets(
        ResponseTarget(organization=world.acme, high_minutes=30), actor="ada", role="admin"
    )


def state() -> tuple:
    """Every rota, shift and target as stored, and how many events there are."""
    return (
        list(OnCallRota.objects.order_by("pk").values()),
        list(OnCallShift.objects.order_by("pk").values()),
        list(ResponseTarget.objects.order_by("pk").values()),
        Event.objects.count(),
    )


def events_since(last: int) -> list[tuple]:
    return list(
        Event.objects.filter(pk__gt=last)
        .order_by("id")
        .values_list("kind", "subject_type", "actor", "details")
    )


def shift_json(shift: OnCallShift, **fields) -> dict:
    return {
        "id": shift.pk,
        "user": None,
        "email": "nina@provider.example",
        "address": "nina@provider.example",
        "starts_at": "2026-12-07T17:00:00Z",
        "ends_at": "2026-12-08T08:00:00Z",
    } | fields


# --- rotas --------------------------------------------------------------------------------------


def test_an_admin_adds_a_rota_and_a_viewer_reads_it(admin, api_as, calendar):
    last = Event.objects.latest("id").pk
    response = admin.post(
        BASE,
        {
            "name": " Weekend desk ",
            "calendar": "nights",
            "response_minutes": 20,
            "email": "weekend@provider.example",
            "chat_webhook_url": "https://chat.example/hooks/weekend",
        },
    )
    assert response.status_code == 201, response.content
    rota = OnCallRota.objects.get()
    expected = {
        "id": rota.pk,
        "name": "Weekend desk",
        "calendar": "nights",
        "response_minutes": 20,
        "email": "weekend@provider.example",
        "chat_webhook_url": "https://chat.example/hooks/weekend",
        "is_active": True,
        "shifts": [],
    }
    assert response.json() == expected
    assert admin.get(f"{BASE}/{rota.pk}").json() == expected
    assert (rota.name, rota.calendar, rota.response_minutes) == ("Weekend desk", calendar, 20)
    # The webhook's URL is the credential that posts to the channel: a viewer sees its host.
    expected["chat_webhook_url"] = "https://chat.example/…"
    viewer = api_as("viewer")
    assert viewer.get(BASE).json() == [expected]
    assert viewer.get(f"{BASE}/{rota.pk}").json() == expected
    assert events_since(last) == [
        (
            "support_settings.changed",
            "support.oncallrota",
            "admin-user",
            {
                "changes": {
                    "name": {"from": None, "to": "Weekend desk"},
                    "calendar": {"from": None, "to": calendar.pk},
                    "response_minutes": {"from": None, "to": 20},
                    "email": {"from": None, "to": "weekend@provider.example"},
                    "chat_webhook_url": "changed",  # not the URL: viewers read the record
                    "is_active": {"from": None, "to": True},
                }
            },
        )
    ]


def test_a_rota_given_only_a_name_is_around_the_clock_with_a_30_minute_target(admin):
    response = admin.post(BASE, {"name": "Nights"})
    assert response.status_code == 201, response.content
    assert {k: v for k, v in response.json().items() if k != "id"} == {
        "name": "Nights",
        "calendar": None,
        "response_minutes": 30,
        "email": "",
        "chat_webhook_url": "",
        "is_active": True,
        "shifts": [],
    }


def test_rotas_are_listed_by_name_active_or_not(admin, rota):
    configuration.save_rota(OnCallRota(name="Backup", is_active=False), actor="ada", role="admin")
    assert [(r["name"], r["is_active"]) for r in admin.get(BASE).json()] == [
        ("Backup", False),
        ("Night desk", True),
    ]


def test_a_patch_changes_the_fields_it_names_and_keeps_the_rest(admin, rota, calendar):
    last = Event.objects.latest("id").pk
    response = admin.patch(f"{BASE}/{rota.pk}", {"calendar": "nights", "response_minutes": 45})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "id": rota.pk,
        "name": "Night desk",
        "calendar": "nights",
        "response_minutes": 45,
        "email": "oncall@provider.example",
        "chat_webhook_url": "https://chat.example/hooks/oncall",
        "is_active": True,
        "shifts": [],
    }
    response = admin.patch(f"{BASE}/{rota.pk}", {"calendar": None, "is_active": False})
    assert (response.json()["calendar"], response.json()["is_active"]) == (None, False)
    rota.refresh_from_db()
    assert (rota.calendar_id, rota.response_minutes, rota.is_active, rota.email) == (
        None,
        45,
        False,
        "oncall@provider.example",
    )
    assert [details for *_, details in events_since(last)] == [
        {
            "changes": {
                "calendar": {"from": None, "to": calendar.pk},
                "response_minutes": {"from": 30, "to": 45},
            }
        },
        {
            "changes": {
                "calendar": {"from": calendar.pk, "to": None},
                "is_active": {"from": True, "to": False},
            }
        },
    ]


def test_a_removed_rota_takes_its_shifts_and_the_record_keeps_both(admin, rota, shift):
    last = Event.objects.latest("id").pk
    response = admin.delete(f"{BASE}/{rota.pk}")
    assert (response.status_code, response.content) == (204, b"")
    assert (OnCallRota.objects.count(), OnCallShift.objects.count()) == (0, 0)
    assert admin.get(f"{BASE}/{rota.pk}").status_code == 404
    assert events_since(last) == [
        (
            "support_settings.deleted",
            "support.oncallrota",
            "admin-user",
            {
                "was": {
                    "name": "Night desk",
                    "calendar": None,
                    "response_minutes": 30,
                    "email": "oncall@provider.example",
                    "chat_webhook_url": "set",
                    "is_active": True,
                    "shifts": [
                        {
                            "rota": rota.pk,
                            "user": None,
                            "email": "nina@provider.example",
                            "starts_at": "2026-12-07T17:00:00+00:00",
                            "ends_at": "2026-12-08T08:00:00+00:00",
                        }
                    ],
                }
            },
        )
    ]


# --- shifts -------------------------------------------------------------------------------------


def test_an_admin_puts_a_staff_user_on_call_and_the_rota_lists_the_shift(admin, world, rota):
    last = Event.objects.latest("id").pk
    response = admin.post(
        f"{BASE}/{rota.pk}/shifts",
        {"user": "sam", "starts_at": "2026-12-07T18:00:00+01:00", "ends_at": "2026-12-08T08:00Z"},
    )
    assert response.status_code == 201, response.content
    shift = OnCallShift.objects.get()
    assert (shift.rota, shift.user, shift.starts_at, shift.ends_at) == (
        rota,
        world.agent,
        EVENING,
        MORNING,
    )
    expected = shift_json(shift, user="sam", email="", address="sam@forewarn.example")
    assert response.json() == expected
    assert admin.get(f"{BASE}/{rota.pk}").json()["shifts"] == [expected]
    assert events_since(last) == [
        (
            "support_settings.changed",
            "support.oncallshift",
            "admin-user",
            {
                "changes": {
                    "rota": {"from": None, "to": rota.pk},
                    "user": {"from": None, "to": world.agent.pk},
                    "email": {"from": None, "to": ""},
                    "starts_at": {"from": None, "to": "2026-12-07T17:00:00+00:00"},
                    "ends_at": {"from": None, "to": "2026-12-08T08:00:00+00:00"},
                }
            },
        )
    ]


def test_a_shift_may_page_an_address_alone_and_shifts_are_listed_by_start(admin, rota, shift):
    response = admin.post(
        f"{BASE}/{rota.pk}/shifts",
        {
            "email": "early@provider.example",
            "starts_at": (T0 - timedelta(hours=15)).isoformat(),
            "ends_at": T0.isoformat(),
        },
    )
    assert response.status_code == 201, response.content
    early = OnCallShift.objects.get(email="early@provider.example")
    assert admin.get(f"{BASE}/{rota.pk}").json()["shifts"] == [
        shift_json(
            early,
            email="early@provider.example",
            address="early@provider.example",
            starts_at="2026-12-06T18:00:00Z",
            ends_at="2026-12-07T09:00:00Z",
        ),
        shift_json(shift),
    ]


def test_a_removed_shift_is_gone_and_recorded(admin, rota, shift):
    last = Event.objects.latest("id").pk
    response = admin.delete(f"{BASE}/{rota.pk}/shifts/{shift.pk}")
    assert (response.status_code, response.content) == (204, b"")
    assert not OnCallShift.objects.exists()
    assert admin.get(f"{BASE}/{rota.pk}").json()["shifts"] == []
    assert events_since(last) == [
        (
            "support_settings.deleted",
            "support.oncallshift",
            "admin-user",
            {
                "was": {
                    "rota": rota.pk,
                    "user": None,
                    "email": "nina@provider.example",
                    "starts_at": "2026-12-07T17:00:00+00:00",
                    "ends_at": "2026-12-08T08:00:00+00:00",
                }
            },
        )
    ]


# --- response targets ---------------------------------------------------------------------------


def test_an_admin_removes_an_organizations_targets_and_the_record_keeps_them(admin, target):
    last = Event.objects.latest("id").pk
    response = admin.delete(f"{TARGETS}/{target.pk}")
    assert (response.status_code, response.content) == (204, b"")
    assert not ResponseTarget.objects.exists()
    assert admin.get(TARGETS).json() == []
    (kind, subject_type, who, details), *rest = events_since(last)
    assert (kind, subject_type, who, rest) == (
        "support_settings.deleted",
        "support.responsetarget",
        "admin-user",
        [],
    )
    assert (details["was"]["organization"], details["was"]["high_minutes"]) == (
        target.organization_id,
        30,
    )


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body", "message"),
    [
        ("get", "/999999", None, "No on-call rota 999999."),
        ("patch", "/999999", {"is_active": False}, "No on-call rota 999999."),
        ("delete", "/999999", None, "No on-call rota 999999."),
        (
            "post",
            "/999999/shifts",
            {
                "email": "a@provider.example",
                "starts_at": "2026-12-07T18:00Z",
                "ends_at": "2026-12-08T08:00Z",
            },
            "No on-call rota 999999.",
        ),
        ("delete", "/999999/shifts/{shift}", None, "No on-call rota 999999."),
        ("delete", "/{rota}/shifts/999999", None, "No shift 999999 on the rota Night desk."),
        ("delete", "/{other}/shifts/{shift}", None, "No shift {shift} on the rota Backup."),
    ],
)
def test_an_unknown_rota_or_shift_is_a_404_and_changes_nothing(
    admin, rota, shift, method, path, body, message
):
    other = configuration.save_rota(OnCallRota(name="Backup"), actor="ada", role="admin")
    ids = {"rota": rota.pk, "shift": shift.pk, "other": other.pk}
    before = state()
    args = (body,) if body is not None else ()
    response = getattr(admin, method)(BASE + path.format(**ids), *args)
    assert (response.status_code, response.json()) == (404, {"message": message.format(**ids)})
    assert state() == before


def test_unknown_targets_are_a_404_and_change_nothing(admin, target):
    before = state()
    response = admin.delete(f"{TARGETS}/999999")
    assert (response.status_code, response.json()) == (
        404,
        {"message": "No response targets 999999."},
    )
    assert state() == before


@pytest.mark.parametrize(
    ("method", "body", "field", "message"),
    [
        ("post", {"name": ""}, "name", "String should have at least 1 character"),
        ("post", {"name": "   "}, "name", "This field cannot be blank."),
        ("post", {"name": "Night desk"}, "name", "On call rota with this Name already exists."),
        ("post", {"name": "New", "calendar": "mars"}, "calendar", "No calendar 'mars'"),
        (
            "post",
            {"name": "New", "response_minutes": 0},
            "response_minutes",
            "greater than or equal to 1",
        ),
        (
            "post",
            {"name": "New", "email": "not an address"},
            "email",
            "Enter a valid email address.",
        ),
        (
            "post",
            {"name": "New", "chat_webhook_url": "chat.example"},
            "chat_webhook_url",
            "Enter a valid URL.",
        ),
        ("patch", {"name": "Backup"}, "name", "On call rota with this Name already exists."),
        ("patch", {"name": None}, "name", "may not be null; omit the field to leave it unchanged."),
        (
            "patch",
            {"email": None},
            "email",
            "may not be null; omit the field to leave it unchanged.",
        ),
        ("patch", {"calendar": "mars"}, "calendar", "No calendar 'mars'; there are nights."),
    ],
)
def test_bad_rota_input_names_the_field_and_changes_nothing(
    admin, rota, calendar, method, body, field, message
):
    configuration.save_rota(OnCallRota(name="Backup"), actor="ada", role="admin")
    before = state()
    url = BASE if method == "post" else f"{BASE}/{rota.pk}"
    response = getattr(admin, method)(url, body)
    assert response.status_code == 422, response.content
    assert response.json()["message"].startswith(f"{field}: ")
    assert message in response.json()["message"]
    assert state() == before


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {
                "email": "a@provider.example",
                "starts_at": "2026-12-07T18:00:00",
                "ends_at": "2026-12-08T08:00Z",
            },
            "starts_at",
            "'2026-12-07T18:00:00' has no UTC offset; add one, such as +01:00 or Z",
        ),
        (
            {"email": "a@provider.example", "starts_at": "tonight", "ends_at": "2026-12-08T08:00Z"},
            "starts_at",
            "'tonight' is not an ISO 8601 date and time",
        ),
        (
            {"email": "a@provider.example", "starts_at": "2026-12-07T18:00Z"},
            "ends_at",
            "Field required",
        ),
        (
            {
                "email": "a@provider.example",
                "starts_at": "2026-12-08T08:00Z",
                "ends_at": "2026-12-08T09:00+01:00",
            },
            "ends_at",
            "A shift ends after it starts.",
        ),
        (
            {"user": "nobody", "starts_at": "2026-12-07T18:00Z", "ends_at": "2026-12-08T08:00Z"},
            "user",
            "No active user named nobody.",
        ),
        (
            {"starts_at": "2026-12-07T18:00Z", "ends_at": "2026-12-08T08:00Z"},
            "email",
            "Give a staff user or an address to page.",
        ),
        (
            {"email": "nina", "starts_at": "2026-12-07T18:00Z", "ends_at": "2026-12-08T08:00Z"},
            "email",
            "Enter a valid email address.",
        ),
    ],
)
def test_bad_shift_input_names_the_field_and_changes_nothing(admin, rota, body, field, message):
    before = state()
    response = admin.post(f"{BASE}/{rota.pk}/shifts", body)
    assert response.status_code == 422, response.content
    assert response.json()["message"].startswith(f"{field}: ")
    assert message in response.json()["message"]
    assert state() == before


def _every_write(rota: OnCallRota, shift: OnCallShift, target: ResponseTarget) -> list[tuple]:
    return [
        ("post", BASE, {"name": "Sneaky"}),
        ("patch", f"{BASE}/{rota.pk}", {"is_active": False}),
        ("delete", f"{BASE}/{rota.pk}", None),
        (
            "post",
            f"{BASE}/{rota.pk}/shifts",
            {
                "email": "a@provider.example",
                "starts_at": "2026-12-07T18:00Z",
                "ends_at": "2026-12-08T08:00Z",
            },
        ),
        ("delete", f"{BASE}/{rota.pk}/shifts/{shift.pk}", None),
        ("delete", f"{TARGETS}/{target.pk}", None),
    ]


@pytest.mark.parametrize("role", ["viewer", "responder", "communicator"])
def test_staff_below_admin_read_rotas_but_may_not_change_anything(
    api_as, rota, shift, target, role
):
    caller = api_as(role)
    before = state()
    assert [r["name"] for r in caller.get(BASE).json()] == ["Night desk"]
    assert caller.get(f"{BASE}/{rota.pk}").json()["shifts"] == [shift_json(shift)]
    refused_every(caller, _every_write(rota, shift, target), ADMIN_ONLY)
    assert state() == before


def test_a_contacts_token_may_neither_read_nor_change_rotas(world, rota, shift, target):
    _, raw = tokens.issue(world.anna, name="script")
    before = state()
    calls = [("get", BASE, None), ("get", f"{BASE}/{rota.pk}", None)]
    refused_every(ApiClient(raw), calls + _every_write(rota, shift, target), tokens.STAFF_REFUSAL)
    assert state() == before
