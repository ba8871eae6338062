"""Staff sign-in through the console's login: lockout, the authenticator code, sessions that end."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from forewarn.catalog.models import Role
from forewarn.record.models import Event
from forewarn.signin import services
from forewarn.signin.models import SecondFactorRequirement
from tests.conftest import make_staff

from .totp import totp

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LOGIN = "/console/login/?next=/console/"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def vera(db):
    return make_staff("vera", Role.VIEWER)  # password "pw-vera"


def sign_in(client: Client, username: str, password: str, code: str = ""):
    return client.post(LOGIN, {"username": username, "password": password, "otp_token": code})


def errors(response) -> list[str]:
    return re.findall(r'<p class="errornote">\s*(.*?)\s*</p>', response.content.decode(), re.S)


def enrolled(user) -> TOTPDevice:
    device = services.pending_authenticator(user)
    assert services.confirm_authenticator(device, totp(device))
    device.refresh_from_db()
    return device


# Lockout -------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_for_a_quarter_of_an_hour(vera, clock):
    client = Client()
    for _ in range(4):
        assert sign_in(client, "vera", "wrong").status_code == 200
    locked = sign_in(client, "vera", "wrong")
    assert locked.status_code == 429
    assert "Too many failed sign-ins for vera from this address. Try again in 15 minutes" in (
        " ".join(locked.content.decode().split())
    )
    # Locked: even the right password is refused now.
    assert sign_in(client, "vera", "pw-vera").status_code == 429
    assert client.get("/console/").status_code == 302
    clock.shift(timedelta(minutes=15, seconds=1))
    assert sign_in(client, "vera", "pw-vera").status_code == 302
    assert client.get("/console/").status_code == 200


def test_the_lockout_is_per_account_and_address(vera):
    make_staff("otto", Role.VIEWER)
    for _ in range(5):
        sign_in(Client(REMOTE_ADDR="203.0.113.9"), "vera", "wrong")
    assert sign_in(Client(REMOTE_ADDR="203.0.113.9"), "vera", "pw-vera").status_code == 429
    assert sign_in(Client(REMOTE_ADDR="203.0.113.9"), "otto", "pw-otto").status_code == 302
    assert sign_in(Client(REMOTE_ADDR="198.51.100.7"), "vera", "pw-vera").status_code == 302


# The authenticator code ------------------------------------------------------------------


def test_without_an_authenticator_a_password_signs_in(vera):
    client = Client()
    assert sign_in(client, "vera", "pw-vera").status_code == 302
    assert client.get("/console/").status_code == 200


def test_with_an_authenticator_its_current_code_is_needed(vera, clock):
    device = enrolled(vera)
    clock.shift(timedelta(seconds=60))  # the throttle of the enrolment's code has passed
    client = Client()
    assert errors(sign_in(client, "vera", "pw-vera")) == [
        "Enter the code your authenticator app shows."
    ]
    wrong = "000000" if totp(device) != "000000" else "111111"
    assert errors(sign_in(client, "vera", "pw-vera", wrong))[0].startswith("That code is not right")
    assert client.get("/console/").status_code == 302  # not signed in
    clock.shift(timedelta(seconds=60))
    assert sign_in(client, "vera", "pw-vera", totp(device)).status_code == 302
    assert client.get("/console/").status_code == 200


def test_a_required_second_factor_is_set_up_before_anything_else(vera, clock):
    services.require(vera, actor="root")
    client = Client()
    assert sign_in(client, "vera", "pw-vera").status_code == 302
    assert client.get("/console/").url == "/console/authenticator/"
    assert client.get("/console/delivery/notice/").url == "/console/authenticator/"
    refused = client.get("/api/v1/notices")
    assert (refused.status_code, refused.json()) == (
        403,
        {"message": "Set up your authenticator in the console first."},
    )
    page = client.get("/console/authenticator/").content.decode()
    assert "must sign in with an authenticator app" in page
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=vera)
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    assert device.config_url.startswith("otpauth://totp/")
    assert f"secret={secret}" in device.config_url
    confirmed = client.post("/console/authenticator/", {"otp_token": totp(device)})
    assert confirmed.url == "/console/"
    assert client.get("/console/").status_code == 200
    assert client.get("/api/v1/notices").status_code == 200
    # Set up: the secret is never shown again.
    assert secret not in client.get("/console/authenticator/").content.decode()
    assert Event.objects.filter(kind="staff.second_factor_enrolled", actor="vera").count() == 1


def test_a_wrong_code_does_not_confirm_the_authenticator(vera):
    services.require(vera, actor="root")
    client = Client()
    sign_in(client, "vera", "pw-vera")
    client.get("/console/authenticator/")
    device = TOTPDevice.objects.get(user=vera)
    wrong = "000000" if totp(device) != "000000" else "111111"
    response = client.post("/console/authenticator/", {"otp_token": wrong})
    assert "That code is not right" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False
    assert client.get("/console/").url == "/console/authenticator/"


def test_the_setting_requires_it_of_every_staff_member(vera, settings):
    settings.FOREWARN_REQUIRE_2FA = True
    client = Client()
    sign_in(client, "vera", "pw-vera")
    assert client.get("/console/").url == "/console/authenticator/"


def test_a_session_from_before_the_authenticator_must_sign_in_again(vera, clock):
    client = Client()
    sign_in(client, "vera", "pw-vera")
    services.require(vera, actor="root")
    enrolled(vera)
    assert client.get("/console/").url == "/console/login/?next=/console/"


# Admins ---------------------------------------------------------------------------------


def test_admins_require_it_and_reset_a_lost_authenticator_in_the_console(vera):
    root = make_staff("root", Role.ADMIN)
    admin = Client()
    admin.force_login(root)
    assert (
        admin.post("/console/signin/secondfactorrequirement/add/", {"user": vera.pk}).status_code
        == 302
    )
    assert SecondFactorRequirement.objects.filter(user=vera, required_by="root").exists()
    enrolled(vera)
    admin.post(
        "/console/signin/secondfactorrequirement/",
        {"action": "reset_authenticators", "_selected_action": [vera.pk]},
    )
    assert not TOTPDevice.objects.filter(user=vera).exists()
    assert list(
        Event.objects.filter(kind__startswith="staff.").order_by("id").values_list("kind", "actor")
    ) == [
        ("staff.second_factor_required", "root"),
        ("staff.second_factor_enrolled", "vera"),
        ("staff.second_factor_reset", "root"),
    ]
    viewer = Client()
    viewer.force_login(make_staff("otto", Role.VIEWER))
    assert viewer.get("/console/signin/secondfactorrequirement/").status_code == 403


# Sessions that end ----------------------------------------------------------------------


def test_a_session_ends_after_half_an_hour_idle(vera, clock):
    client = Client()
    sign_in(client, "vera", "pw-vera")
    clock.shift(timedelta(minutes=29))
    assert client.get("/console/").status_code == 200
    clock.shift(timedelta(minutes=29))
    assert client.get("/console/").status_code == 200  # the last request counts
    clock.shift(timedelta(minutes=30, seconds=1))
    assert client.get("/console/").url == "/console/login/?next=/console/"


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(vera, clock):
    client = Client()
    sign_in(client, "vera", "pw-vera")
    for _ in range(12 * 4):
        clock.shift(timedelta(minutes=15))
        assert client.get("/console/").status_code == 200
    clock.shift(timedelta(minutes=1))
    assert client.get("/console/").url == "/console/login/?next=/console/"


def test_the_limits_are_settings(vera, clock, settings):
    settings.FOREWARN_SESSION_IDLE_MINUTES = 5
    client = Client()
    sign_in(client, "vera", "pw-vera")
    clock.shift(timedelta(minutes=5, seconds=1))
    assert client.get("/console/").status_code == 302
