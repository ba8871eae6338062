"""Public email subscribers: double opt-in, no oracle, abuse limits, tokens, and the pages around them."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.test import Client

from forewarn.catalog.models import Component, ComponentGroup, Visibility
from forewarn.delivery import outbox, sender, subscriptions, tokens
from forewarn.delivery.models import Audience, Channel, Notice, Subscriber
from forewarn.delivery.subscriptions import InvalidLink, Outcome
from forewarn.record.models import Event

SENT_PAGE = "Check your inbox: if the address can receive updates, we have sent a link to confirm."
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    mail.outbox = []
    yield
    cache.clear()


@pytest.fixture
def components(db):
    platform = ComponentGroup.objects.create(name="Platform", position=1)
    api = Component.objects.create(slug="api", name="API", group=platform, position=1)
    web = Component.objects.create(slug="web", name="Web app", group=platform, position=2)
    dns = Component.objects.create(slug="dns", name="DNS")
    Component.objects.create(slug="vault", name="Vault", visibility=Visibility.INTERNAL)
    return {"api": api, "web": web, "dns": dns}


def deliver() -> list:
    """Do what the worker does once, so queued notices reach ``mail.outbox``.

    Not ``scheduler.run_once()``: it closes the connection, which ends the test's transaction.
    """
    outbox.fan_out_due()
    sender.send_due()
    return mail.outbox


def link(message, pattern: str) -> str:
    """The path of the first link in the message's text matching ``pattern``."""
    found = re.search(r"http://127\.0\.0\.1:8000(" + pattern + r")", message.body)
    assert found, message.body
    return found.group(1)


def sent_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def subscriber(address: str) -> Subscriber:
    return Subscriber.objects.get(channel=Channel.EMAIL, address__iexact=address)


# --- the double opt-in state machine ----------------------------------------


def test_new_address_is_pending_until_the_link_is_confirmed(components):
    outcome = subscriptions.subscribe("Ann@Example.COM", components=[components["api"]])

    ann = subscriber("ann@example.com")
    assert outcome == Outcome.CONFIRMATION_SENT
    assert (ann.address, subscriptions.state_of(ann)) == ("Ann@example.com", "pending")
    [message] = deliver()
    assert message.to == ["ann@example.com"]
    assert message.subject == "Confirm your subscription to Forewarn Demo Cloud status updates"
    assert "about API at this address" in message.body

    token = link(message, r"/subscribe/confirm/[^/]+/").split("/")[3]
    confirmed = subscriptions.confirm(token)

    assert subscriptions.state_of(confirmed) == "active"
    assert list(confirmed.components.values_list("slug", flat=True)) == ["api"]
    assert Event.objects.filter(kind="subscriber.confirmed", subject_id=str(ann.pk)).count() == 1


def test_confirming_twice_changes_nothing(components):
    subscriptions.subscribe("ann@example.com")
    token = subscriptions.confirm_token(subscriber("ann@example.com"))
    first = subscriptions.confirm(token).confirmed_at
    second = subscriptions.confirm(token).confirmed_at
    assert first == second
    assert Event.objects.filter(kind="subscriber.confirmed").count() == 1


def test_pending_address_asking_again_gets_a_new_link_with_its_new_choices(components):
    subscriptions.subscribe("ann@example.com", components=[components["api"]])
    outcome = subscriptions.subscribe(
        "ann@example.com", components=[components["dns"]], time_zone="Asia/Tokyo"
    )
    ann = subscriber("ann@example.com")
    assert outcome == Outcome.CONFIRMATION_SENT
    assert (list(ann.components.values_list("slug", flat=True)), ann.time_zone) == (
        ["dns"],
        "Asia/Tokyo",
    )
    assert [m.subject.startswith("Confirm") for m in deliver()] == [True, True]


def test_active_address_gets_its_preferences_link_and_keeps_its_choices(components):
    subscriptions.subscribe("ann@example.com", components=[components["api"]])
    subscriptions.confirm(subscriptions.confirm_token(subscriber("ann@example.com")))

    outcome = subscriptions.subscribe("ann@example.com", components=[components["dns"]])

    ann = subscriber("ann@example.com")
    assert outcome == Outcome.ALREADY_SUBSCRIBED
    assert list(ann.components.values_list("slug", flat=True)) == ["api"]
    assert subscriptions.state_of(ann) == "active"
    [reminder] = [m for m in deliver() if m.subject.startswith("You are subscribed")]
    assert reminder.subject == "You are subscribed to Forewarn Demo Cloud status updates"
    assert link(reminder, r"/preferences/[0-9a-z-]+") == (
        f"/preferences/{tokens.subscriber_token(ann, tokens.PREFERENCES)}"
    )


def test_unsubscribed_address_subscribing_again_starts_double_opt_in_again(components):
    subscriptions.subscribe("ann@example.com")
    ann = subscriptions.confirm(subscriptions.confirm_token(subscriber("ann@example.com")))
    subscriptions.unsubscribe(ann, via="link")

    outcome = subscriptions.subscribe("ann@example.com", components=[components["web"]])

    ann.refresh_from_db()
    assert outcome == Outcome.CONFIRMATION_SENT
    assert (subscriptions.state_of(ann), ann.confirmed_at, ann.unsubscribed_at) == (
        "pending",
        None,
        None,
    )
    assert list(ann.components.values_list("slug", flat=True)) == ["web"]
    subscriptions.confirm(subscriptions.confirm_token(ann))
    ann.refresh_from_db()
    assert subscriptions.state_of(ann) == "active"


def test_disabled_address_is_sent_nothing(components):
    subscriptions.subscribe("ann@example.com")
    Subscriber.objects.update(disabled_at=START)
    assert subscriptions.subscribe("ann@example.com") == Outcome.IGNORED
    assert Notice.objects.count() == 1


def test_bad_email_and_time_zone_name_their_field(components):
    with pytest.raises(Exception) as bad_email:
        subscriptions.subscribe("not-an-address")
    with pytest.raises(Exception) as bad_zone:
        subscriptions.subscribe("ann@example.com", time_zone="Mars/Olympus")
    assert bad_email.value.message_dict == {"email": ["'not-an-address' is not an email address."]}
    assert list(bad_zone.value.message_dict) == ["time_zone"]
    assert Subscriber.objects.count() == 0


# --- abuse limits -----------------------------------------------------------


def test_an_address_gets_three_mails_an_hour_then_nothing_until_the_hour_passed(components):
    with time_machine.travel(START, tick=False) as clock:
        outcomes = [subscriptions.subscribe("ann@example.com") for _ in range(4)]
        assert outcomes[-1] == Outcome.RATE_LIMITED
        assert len(deliver()) == 3
        clock.shift(timedelta(minutes=59))
        assert subscriptions.subscribe("ann@example.com") == Outcome.RATE_LIMITED
        clock.shift(timedelta(minutes=2))
        assert subscriptions.subscribe("ann@example.com") == Outcome.CONFIRMATION_SENT
    assert outcomes == [Outcome.CONFIRMATION_SENT] * 3 + [Outcome.RATE_LIMITED]


def test_the_address_limit_counts_any_case_across_resubscribing_and_deleting(components):
    subscriptions.subscribe("ann@example.com")
    ann = subscriptions.confirm(subscriptions.confirm_token(subscriber("ann@example.com")))
    subscriptions.unsubscribe(ann, via="link")
    assert subscriptions.subscribe("ANN@example.com") == Outcome.CONFIRMATION_SENT
    subscriber("ann@example.com").delete()
    assert subscriptions.subscribe("Ann@Example.com") == Outcome.CONFIRMATION_SENT
    assert subscriptions.subscribe("ann@example.com") == Outcome.RATE_LIMITED


def test_a_client_gets_twenty_requests_in_ten_minutes(components):
    with time_machine.travel(START, tick=False) as clock:
        outcomes = [
            subscriptions.subscribe(f"u{i}@example.com", client_ip="203.0.113.9") for i in range(21)
        ]
        other = subscriptions.subscribe("other@example.com", client_ip="198.51.100.7")
        clock.shift(timedelta(minutes=10))
        later = subscriptions.subscribe("u20@example.com", client_ip="203.0.113.9")
    assert outcomes.count(Outcome.CONFIRMATION_SENT) == 20
    assert outcomes[-1] == Outcome.RATE_LIMITED
    assert not Subscriber.objects.filter(address="u20@example.com", confirmed_at__isnull=False)
    assert (other, later) == (Outcome.CONFIRMATION_SENT, Outcome.CONFIRMATION_SENT)


# --- tokens -----------------------------------------------------------------


def test_a_tampered_confirmation_token_is_refused(components):
    subscriptions.subscribe("ann@example.com")
    token = subscriptions.confirm_token(subscriber("ann@example.com"))
    head, stamp, signature = token.split(":")
    other_first = "3" if head[0] == "2" else "2"  # another row's id, never the real one
    forged_for_other_row = other_first + head[1:] + ":" + stamp + ":" + signature
    tampered = token[:-2] + ("yy" if token.endswith("xx") else "xx")
    for bad in [tampered, forged_for_other_row, "", "1-abc"]:
        with pytest.raises(InvalidLink, match="not valid"):
            subscriptions.confirm(bad)
    assert subscriber("ann@example.com").confirmed_at is None


def test_a_confirmation_token_expires_after_seven_days(components):
    with time_machine.travel(START, tick=False) as clock:
        subscriptions.subscribe("ann@example.com")
        token = subscriptions.confirm_token(subscriber("ann@example.com"))
        clock.shift(timedelta(days=7, seconds=1))
        with pytest.raises(InvalidLink, match="expired"):
            subscriptions.confirm(token)
    assert subscriber("ann@example.com").confirmed_at is None


def test_tokens_die_with_the_subscriber_and_do_not_cross_purposes(components):
    subscriptions.subscribe("ann@example.com")
    ann = subscriber("ann@example.com")
    confirm = subscriptions.confirm_token(ann)
    unsubscribe = tokens.unsubscribe_token(ann)
    with pytest.raises(InvalidLink):
        subscriptions.subscriber_from_link(unsubscribe, tokens.PREFERENCES)
    ann.delete()
    with pytest.raises(InvalidLink):
        subscriptions.subscriber_from_link(unsubscribe, tokens.UNSUBSCRIBE)
    with pytest.raises(InvalidLink, match="no longer valid"):
        subscriptions.confirm(confirm)


def test_a_confirmation_link_cannot_undo_an_unsubscribe(components):
    subscriptions.subscribe("ann@example.com")
    ann = subscriber("ann@example.com")
    token = subscriptions.confirm_token(ann)
    subscriptions.unsubscribe(ann, via="link")
    with pytest.raises(InvalidLink, match="cancelled"):
        subscriptions.confirm(token)


def test_unconfirmed_subscribers_are_purged_after_thirty_days(components):
    with time_machine.travel(START, tick=False) as clock:
        subscriptions.subscribe("old@example.com")
        clock.shift(timedelta(days=31))
        subscriptions.subscribe("new@example.com")
        assert subscriptions.purge_unconfirmed() == 1
    assert list(Subscriber.objects.values_list("address", flat=True)) == ["new@example.com"]


# --- pages ------------------------------------------------------------------


def post_subscribe(client, email, **extra):
    return client.post("/subscribe/", {"email": email, "scope": "all", **extra})


def test_status_page_links_to_the_subscribe_page_and_carries_no_csrf_token(components):
    page = Client().get("/").content.decode()
    assert '<a href="/subscribe/">Subscribe to updates</a>' in page
    assert "csrfmiddlewaretoken" not in page


def test_subscribe_page_is_accessible_and_grouped_like_the_status_page(components):
    response = Client().get("/subscribe/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert 'name="csrfmiddlewaretoken"' in page
    assert '<label for="id_email">Email address</label>' in page
    assert "<legend>Which components</legend>" in page
    assert re.findall(r"<legend>([^<]+)</legend>", page) == [
        "Which components",
        "Components (when you choose)",
        "Platform",
        "Other components",
    ]
    assert re.findall(r'name="components" value="([a-z]+)"', page) == ["api", "web", "dns"]
    assert '<label for="id_time_zone">Time zone (optional)</label>' in page
    assert '<option value="Europe/Amsterdam">Europe/Amsterdam</option>' in page


def test_form_errors_are_tied_to_their_fields(components):
    response = Client().post("/subscribe/", {"email": "nope", "scope": "chosen"})
    page = response.content.decode()
    assert response.status_code == 400
    assert (
        '<p class="error" id="email-error">Enter an email address like name@example.com.</p>'
        in page
    )
    assert 'aria-invalid="true" aria-describedby="email-error"' in page
    assert (
        'id="components-error">Choose at least one component, or choose “All components”.' in page
    )
    assert 'aria-describedby="components-error" aria-invalid="true"' in page
    assert '<a href="#id_email">Enter an email address like name@example.com.</a>' in page
    assert Subscriber.objects.count() == 0


def test_the_subscribe_form_needs_its_csrf_token(components):
    response = post_subscribe(Client(enforce_csrf_checks=True), "ann@example.com")
    assert response.status_code == 403
    assert Subscriber.objects.count() == 0


def test_every_state_of_an_address_gets_the_same_answer(components):
    subscriptions.subscribe("pending@example.com")
    subscriptions.subscribe("active@example.com")
    subscriptions.confirm(subscriptions.confirm_token(subscriber("active@example.com")))
    subscriptions.subscribe("gone@example.com")
    subscriptions.unsubscribe(subscriber("gone@example.com"), via="link")
    subscriptions.subscribe("off@example.com")
    Subscriber.objects.filter(address="off@example.com").update(disabled_at=START)
    for _ in range(3):
        subscriptions.subscribe("busy@example.com")

    client = Client()
    answers = set()
    states = ["new", "pending", "active", "gone", "off", "busy"]
    for email in [f"{state}@example.com" for state in states]:
        response = post_subscribe(client, email)
        page = client.get(response["Location"])
        answers.add((response.status_code, response["Location"], page.content))
    trapped = post_subscribe(client, "bot@example.com", website="http://spam.example")
    answers.add((trapped.status_code, trapped["Location"], client.get(trapped["Location"]).content))

    [(status, location, content)] = answers
    assert (status, location) == (302, "/subscribe/sent/")
    assert SENT_PAGE in content.decode()
    assert not Subscriber.objects.filter(address="bot@example.com").exists()


def test_rate_limited_visitors_see_success_but_nothing_is_sent(components):
    client = Client(REMOTE_ADDR="203.0.113.50")
    for i in range(20):
        post_subscribe(client, f"u{i}@example.com")
    response = post_subscribe(client, "late@example.com")
    assert (response.status_code, response["Location"]) == (302, "/subscribe/sent/")
    assert not Subscriber.objects.filter(address="late@example.com").exists()
    assert len(deliver()) == 20


def test_subscribe_confirm_preferences_and_one_click_unsubscribe(components):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/subscribe/")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(
        "/subscribe/",
        {
            "csrfmiddlewaretoken": csrf,
            "email": "ann@example.com",
            "scope": "chosen",
            "components": ["api", "dns"],
            "time_zone": "America/New_York",
        },
    )
    assert response["Location"] == "/subscribe/sent/"
    [message] = deliver()
    confirm_path = link(message, r"/subscribe/confirm/[^/]+/")

    shown = client.get(confirm_path)
    assert shown.status_code == 200
    assert "Confirm subscription</button>" in shown.content.decode()
    assert subscriber("ann@example.com").confirmed_at is None  # GET never confirms

    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', shown.content.decode()).group(1)
    confirmed = client.post(confirm_path, {"csrfmiddlewaretoken": csrf})
    ann = subscriber("ann@example.com")
    prefs = f"/preferences/{tokens.subscriber_token(ann, tokens.PREFERENCES)}"
    assert confirmed["Location"] == prefs + "?confirmed=1"
    assert subscriptions.state_of(ann) == "active"

    page = client.get(confirmed["Location"]).content.decode()
    assert "Your subscription is confirmed." in page
    assert re.findall(r'value="([a-z]+)" id="component-[a-z]+" checked', page) == ["api", "dns"]
    assert '<option value="America/New_York" selected>' in page
    unsubscribe_path = re.search(r'action="(/unsubscribe/[0-9a-z-]+)"', page).group(1)

    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    saved = client.post(
        prefs, {"csrfmiddlewaretoken": csrf, "scope": "all", "components": ["api"], "time_zone": ""}
    )
    assert saved["Location"] == prefs + "?saved=1"
    ann.refresh_from_db()
    assert (list(ann.components.all()), ann.time_zone) == ([], "")

    asked = client.get(unsubscribe_path)
    assert "Unsubscribe</button>" in asked.content.decode()
    assert subscriber("ann@example.com").unsubscribed_at is None  # GET never unsubscribes

    one_click = Client(enforce_csrf_checks=True).post(
        unsubscribe_path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert (one_click.status_code, one_click.content) == (200, b"Unsubscribed.")
    assert subscriptions.state_of(subscriber("ann@example.com")) == "unsubscribed"
    event = Event.objects.get(kind="subscriber.unsubscribed")
    assert (event.details["via"], event.contact) == ("one-click", "ann@example.com")


def test_list_unsubscribe_header_of_a_real_notice_works_without_csrf(components):
    subscriptions.subscribe("ann@example.com")
    subscriptions.confirm(subscriptions.confirm_token(subscriber("ann@example.com")))
    outbox.queue_notice(
        key="incident:1:opened",
        thread_key="incident:1",
        kind="incident.opened",
        subject="API errors",
        body="We are looking into it.",
        audience=Audience.PUBLIC,
        components=[components["api"]],
    )
    [notice_mail] = [m for m in deliver() if m.subject == "API errors"]
    header = notice_mail.extra_headers["List-Unsubscribe"]
    url = re.search(r"<http://127\.0\.0\.1:8000(/unsubscribe/[0-9a-z-]+)>", header).group(1)

    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert subscriptions.state_of(subscriber("ann@example.com")) == "unsubscribed"


def test_the_unsubscribe_button_on_the_page_unsubscribes(components):
    subscriptions.subscribe("ann@example.com")
    ann = subscriptions.confirm(subscriptions.confirm_token(subscriber("ann@example.com")))
    response = Client(enforce_csrf_checks=True).post(
        f"/unsubscribe/{tokens.unsubscribe_token(ann)}/"
    )
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert Event.objects.get(kind="subscriber.unsubscribed").details["via"] == "link"


def test_bad_links_are_refused_without_changing_anything(components):
    subscriptions.subscribe("ann@example.com")
    ann = subscriber("ann@example.com")
    client = Client()
    real = tokens.unsubscribe_token(ann)
    forged = real[:-1] + ("1" if real[-1] == "0" else "0")  # never the real token
    assert client.get(f"/unsubscribe/{forged}").status_code == 404
    one_click = client.post(f"/unsubscribe/{forged}", {"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 404
    assert client.get(f"/preferences/{tokens.unsubscribe_token(ann)}").status_code == 404
    refused = client.get("/subscribe/confirm/1-abc:def:ghi/")
    assert refused.status_code == 400
    assert "This confirmation link is not valid" in refused.content.decode()
    ann.refresh_from_db()
    assert (ann.confirmed_at, ann.unsubscribed_at) == (None, None)


def test_preferences_of_an_unsubscribed_address_offer_to_subscribe_again(components):
    subscriptions.subscribe("ann@example.com")
    ann = subscriptions.unsubscribe(subscriber("ann@example.com"), via="link")
    page = Client().get(f"/preferences/{tokens.subscriber_token(ann, tokens.PREFERENCES)}")
    assert "This address is unsubscribed and receives nothing." in page.content.decode()
    assert "Save preferences" not in page.content.decode()


def test_one_mailbox_spelled_two_ways_is_one_subscriber(components):
    subscriptions.subscribe("anna@bücher.example")
    subscriptions.subscribe("anna@XN--BCHER-KVA.example")
    subscriptions.subscribe("anna@BÜCHER.example")
    (anna,) = Subscriber.objects.all()
    assert anna.address == "anna@xn--bcher-kva.example"
    assert [m.to for m in deliver()] == [["anna@xn--bcher-kva.example"]] * 3


def test_a_link_bound_to_the_unicode_spelling_still_works(components):
    """Links sent before addresses were stored in ASCII were made from the Unicode spelling."""
    anna = Subscriber.objects.create(
        channel=Channel.EMAIL, address="anna@bücher.example", secret="", confirmed_at=START
    )
    old_link = tokens.unsubscribe_token(anna)
    Subscriber.objects.filter(pk=anna.pk).update(address="anna@xn--bcher-kva.example")
    assert tokens.subscriber_from_token(old_link, tokens.UNSUBSCRIBE) == anna
    assert tokens.subscriber_from_token(old_link, tokens.PREFERENCES) is None
