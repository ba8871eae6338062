"""Signing in with an emailed one-time link: the same answer for everyone, links that expire
and work once (also when two clicks race), a session of its own, signing out, the limit."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from forewarn.delivery.models import Notice
from forewarn.portal import signin
from forewarn.portal.models import PortalSession, SignInLink, digest

from .conftest import sent_link, signed_in

NEUTRAL = "If the address belongs to an authorized contact, we have sent a sign-in link to it."


def ask(client: Client, email: str):
    return client.post("/portal/sign-in/", {"email": email}, follow=True)


def test_a_contact_signs_in_with_the_emailed_link_and_out_again(world):
    client = Client()
    assert client.get("/portal/").status_code == 302  # signed out: the sign-in page
    response = ask(client, "Anna@ACME.example")
    assert NEUTRAL in response.content.decode()
    path = sent_link("anna@acme.example")

    page = client.get(path)  # a mail scanner fetching the link uses nothing up
    assert page.status_code == 200 and "Sign in as Acme contact" in page.content.decode()
    assert SignInLink.objects.get().used_at is None

    response = client.post(path)
    assert response.status_code == 302 and response["Location"] == "/portal/"
    cookie = response.cookies[signin.COOKIE]
    assert cookie["httponly"] and cookie["path"] == "/portal/" and cookie["samesite"] == "Lax"
    assert "sessionid" not in response.cookies  # not a staff session
    home = client.get("/portal/")
    assert home.status_code == 200 and "Acme private trunk" in home.content.decode()
    assert home["Cache-Control"].startswith("max-age=0")

    # Only the digest is kept, and the link is struck out of the stored mail once used.
    raw = path.split("/")[-2]
    assert SignInLink.objects.filter(key_digest=digest(raw)).exists()
    assert raw not in Notice.objects.get(kind=signin.KIND_LINK).body

    client.post("/portal/sign-out/")
    assert client.get("/portal/").status_code == 302
    assert PortalSession.objects.get().ended_at is not None


def test_anyone_else_gets_the_same_answer_and_no_mail(world):
    for email in ("mallory@example.com", "not an address"):
        response = ask(Client(), email)
        if email == "not an address":
            assert response.status_code == 400  # the form names the field
            continue
        assert NEUTRAL in response.content.decode()
    assert signin.request_link("mallory@example.com") is signin.Outcome.UNKNOWN
    assert not Notice.objects.filter(kind=signin.KIND_LINK).exists()
    assert mail.outbox == []


def test_a_link_works_once(world):
    client = Client()
    ask(client, "anna@acme.example")
    path = sent_link("anna@acme.example")
    assert client.post(path).status_code == 302
    again = Client().post(path)
    assert again.status_code == 400
    assert "used already" in again.content.decode()
    assert PortalSession.objects.count() == 1


def test_an_expired_link_signs_nobody_in(world, clock):
    client = Client()
    ask(client, "anna@acme.example")
    path = sent_link("anna@acme.example")
    clock.shift(timedelta(minutes=signin.LINK_MINUTES, seconds=1))
    response = client.post(path)
    assert response.status_code == 400 and "expired" in response.content.decode()
    assert client.get("/portal/").status_code == 302
    assert not PortalSession.objects.exists()
    signin.purge()
    assert "/portal/sign-in/" not in Notice.objects.get(kind=signin.KIND_LINK).body
    assert SignInLink.objects.get().notice is None  # not looked at again
    clock.shift(timedelta(days=1, minutes=1))
    assert signin.purge() == 1 and not SignInLink.objects.exists()


def test_a_forged_link_is_refused(world):
    response = Client().post("/portal/sign-in/not-a-real-link/")
    assert response.status_code == 400 and "not valid" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_clicks_racing_sign_in_once(settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections (PostgreSQL)")
    from forewarn.catalog.models import AuthorizedContact, Organization
    from forewarn.catalog.services import save_contact, save_organization

    organization = save_organization(Organization(slug="acme", name="Acme"), actor="t")
    contact = save_contact(
        AuthorizedContact(organization=organization, name="Anna", email="anna@acme.example"),
        actor="t",
    )
    raw = signin.issue_link(contact).rsplit("/sign-in/", 1)[1].strip("/")
    outcomes, barrier = [], threading.Barrier(4)

    def click():
        barrier.wait()
        try:
            signin.sign_in(raw)
            outcomes.append("in")
        except signin.InvalidLink:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["in", "refused", "refused", "refused"]
    assert PortalSession.objects.count() == 1


def test_link_requests_are_limited_per_address(world):
    for _ in range(signin.ADDRESS_LIMIT):
        assert signin.request_link("anna@acme.example") is signin.Outcome.SENT
    assert signin.request_link("ANNA@acme.example") is signin.Outcome.RATE_LIMITED
    response = ask(Client(), "anna@acme.example")  # the page says the same
    assert NEUTRAL in response.content.decode()
    assert Notice.objects.filter(kind=signin.KIND_LINK).count() == signin.ADDRESS_LIMIT


def test_sessions_end_when_idle_or_when_the_contact_is_deactivated(world, clock):
    client = signed_in(world.a.contact)
    clock.shift(timedelta(minutes=signin.IDLE_MINUTES - 1))
    assert client.get("/portal/").status_code == 200
    clock.shift(timedelta(minutes=signin.IDLE_MINUTES + 1))
    assert client.get("/portal/").status_code == 302
    client = signed_in(world.a.contact)
    world.a.contact.is_active = False
    world.a.contact.save()
    assert client.get("/portal/").status_code == 302


def test_a_staff_session_does_not_open_the_portal(world, admin_client):
    assert admin_client.get("/portal/").status_code == 302


def test_an_address_of_two_organizations_gets_a_link_for_each(world):
    from forewarn.catalog.models import AuthorizedContact
    from forewarn.catalog.services import save_contact

    save_contact(
        AuthorizedContact(
            organization=world.b.organization, name="Anna", email="anna@acme.example"
        ),
        actor="t",
    )
    ask(Client(), "anna@acme.example")
    sent_link("anna@acme.example")
    [message] = [m for m in mail.outbox if "sign-in link" in m.subject]
    assert "Acme:" in message.body and "Globex:" in message.body
    assert message.body.count("/portal/sign-in/") == 2


def test_staff_do_not_read_the_link_in_the_outbox(world, admin_client):
    signin.request_link("anna@acme.example")
    notice = Notice.objects.get(kind=signin.KIND_LINK)
    page = admin_client.get(f"/console/delivery/notice/{notice.pk}/change/").content.decode()
    assert "Withheld" in page and "/portal/sign-in/" not in page


def test_link_requests_are_limited_per_client(world):
    for n in range(signin.CLIENT_LIMIT):
        signin.request_link(f"nobody{n}@example.com", client_ip="203.0.113.9")
    limited = signin.request_link("anna@acme.example", client_ip="203.0.113.9")
    assert limited is signin.Outcome.RATE_LIMITED
    assert signin.request_link("anna@acme.example", client_ip="198.51.100.1") is signin.Outcome.SENT


def test_signing_in_again_in_the_same_browser_ends_the_earlier_session(world):
    client = signed_in(world.a.contact)
    raw = signin.issue_link(world.a.contact).rsplit("/sign-in/", 1)[1].strip("/")
    client.post(f"/portal/sign-in/{raw}/")
    first, second = PortalSession.objects.order_by("pk")
    assert first.ended_at is not None and second.ended_at is None
    assert client.get("/portal/").status_code == 200
