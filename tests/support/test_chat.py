"""The chat widget's calls: signed-in authorized contacts write and read their request, staff
answer through the service, anyone else is refused with nothing filed; CORS lets only the
configured origins in; the hours and the answer's due instant shown."""

import json
from datetime import timedelta

import pytest
from django.test import Client

from forewarn.support import chat_tokens, configuration, handling, services
from forewarn.support.models import ChatWidget, RequestMessage, SupportRequest

from .conftest import ams, kinds

APP = "https://app.acme-product.example"


@pytest.fixture
def widget(world):
    return configuration.save_widget(
        ChatWidget(name="Product", allowed_origins=f"{APP}\nhttp://localhost:3000"),
        actor="ada",
        role="admin",
    )


def token_for(widget, email="anna@acme.example", org="acme", hours=1, secret=None, now=None):
    from django.utils import timezone

    return chat_tokens.mint(
        secret or widget.secret,
        email=email,
        organization=org,
        expires_at=(now or timezone.now()) + timedelta(hours=hours),
    )


def client(token="", origin=APP) -> Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if origin:
        headers["Origin"] = origin
    return Client(enforce_csrf_checks=True, headers=headers)


def write(widget, text, token=None, origin=APP, **extra):
    return client(token or token_for(widget), origin).post(
        f"/support/chat/{widget.key}/messages",
        json.dumps({"body": text, **extra}),
        content_type="application/json",
    )


def read(widget, token=None, after=0, origin=APP, request=""):
    return client(token or token_for(widget), origin).get(
        f"/support/chat/{widget.key}/conversation",
        {"after": after, **({"request": request} if request else {})},
    )


def test_the_script_is_served_for_other_origins_to_load(client_anon=None):
    response = Client().get("/support/chat.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert b"ForewarnChat" in response.content


def test_a_contact_opens_a_chat_request_and_sees_staff_answer(world, widget):
    response = write(widget, "Calls drop after 30 seconds\nSince this morning.")
    assert response.status_code == 201, response.content
    assert response["Access-Control-Allow-Origin"] == APP
    request = SupportRequest.objects.get()
    assert response.json() == {
        "reference": request.reference,
        "message_id": request.messages.get().pk,
        "opened": True,
        "on_call": False,
    }
    assert (request.origin, request.requester, request.subject) == (
        "chat",
        world.anna,
        "Chat: Calls drop after 30 seconds",
    )
    assert request.messages.get().origin == "chat"

    handling.add_note(request, body="Trunk 2 again?", actor="sam", role="responder")
    answer = handling.reply(request, body="We are on it.", actor="sam", role="responder")
    shown = read(widget).json()
    assert [(m["from"], m["body_html"]) for m in shown["messages"]] == [
        ("you", "<p>Calls drop after 30 seconds\nSince this morning.</p>\n"),
        ("support", "<p>We are on it.</p>\n"),
    ]
    assert shown["request"]["reference"] == request.reference
    assert shown["contact"] == {"name": "Anna", "email": "anna@acme.example"}
    # polling from the last message seen: only what is new
    assert read(widget, after=answer.pk).json()["messages"] == []
    assert [m["id"] for m in read(widget, after=answer.pk - 1).json()["messages"]] == [answer.pk]


def test_the_next_message_continues_the_request_until_it_is_closed(world, widget):
    write(widget, "First question")
    request = SupportRequest.objects.get()
    handling.reply(request, body="Solved.", status="solved", actor="sam", role="responder")
    response = write(widget, "Not quite")
    assert response.json()["opened"] is False
    request.refresh_from_db()
    assert request.status == "open"  # the customer wrote: reopened
    assert kinds(request)[-1] == "support_request.message_added"
    handling.set_status(request, "solved", actor="sam", role="responder")
    handling.set_status(request, "closed", actor="sam", role="responder")
    assert read(widget).json()["request"] is None
    assert write(widget, "Another thing").json()["opened"] is True
    assert SupportRequest.objects.count() == 2


def _opened(world, email="anna@acme.example", org="acme", subject="Invoices are late"):
    from forewarn.catalog.models import Organization

    return services.open_request(
        requester_email=email,
        organization=Organization.objects.get(slug=org),
        subject=subject,
        body="Since Monday.",
        origin="email",
        actor=email,
    )


def test_the_widget_lists_the_contacts_open_requests_and_continues_the_one_chosen(world, widget):
    by_mail = _opened(world)
    write(widget, "Calls drop")
    chatted = SupportRequest.objects.get(origin="chat")
    shown = read(widget).json()
    assert shown["request"]["reference"] == chatted.reference  # the current chat request
    assert [(r["reference"], r["channel"]) for r in shown["requests"]] == [
        (chatted.reference, "chat"),
        (by_mail.reference, "email"),
    ]
    response = write(widget, "Any news?", request=by_mail.reference)
    assert response.json()["reference"] == by_mail.reference
    assert response.json()["opened"] is False
    chosen = client(token_for(widget)).get(
        f"/support/chat/{widget.key}/conversation?request={by_mail.reference.lower()}"
    )
    assert [m["from"] for m in chosen.json()["messages"]] == ["you", "you"]
    assert chosen.json()["request"]["subject"] == "Invoices are late"
    assert by_mail.messages.last().origin == "chat"
    assert SupportRequest.objects.count() == 2


def test_new_opens_another_request_while_one_is_open(world, widget):
    write(widget, "Calls drop")
    assert read(widget, request="new").json()["request"] is None
    response = write(widget, "Another topic: invoices", request="new")
    assert response.json()["opened"] is True
    assert SupportRequest.objects.filter(origin="chat").count() == 2
    assert read(widget).json()["request"]["reference"] == response.json()["reference"]


def test_a_colleagues_request_may_be_chosen_by_reference_and_is_listed_then(world, widget):
    from forewarn.catalog.models import AuthorizedContact, Organization

    AuthorizedContact.objects.create(
        organization=Organization.objects.get(slug="acme"), name="Carl", email="carl@acme.example"
    )
    theirs = _opened(world, email="carl@acme.example")
    assert read(widget).json()["requests"] == []  # only her own are listed
    shown = read(widget, request=theirs.reference).json()
    assert [r["reference"] for r in shown["requests"]] == [theirs.reference]
    assert write(widget, "Same here", request=theirs.reference).status_code == 201
    shown = read(widget, request=theirs.reference).json()
    assert [(m["from"], m["author"]) for m in shown["messages"]] == [
        ("colleague", "Carl"),
        ("you", "Anna"),
    ]


@pytest.mark.parametrize("which", ["other organization", "closed", "unknown", "nonsense"])
def test_a_request_that_cannot_be_chosen_is_refused_naming_it_and_nothing_is_filed(
    world, widget, which
):
    globex = _opened(world, email="gina@globex.example", org="globex")
    closed = _opened(world)
    handling.set_status(closed, "solved", actor="sam", role="responder")
    handling.set_status(closed, "closed", actor="sam", role="responder")
    reference = {
        "other organization": globex.reference,
        "closed": closed.reference,
        "unknown": "SR-999999",
        "nonsense": "SR-x' OR 1=1",
    }[which]
    before = SupportRequest.objects.count(), RequestMessage.objects.count()
    for response in (write(widget, "Hello", request=reference), read(widget, request=reference)):
        assert response.status_code == 422
        assert reference in response.json()["detail"]["request"][0]
    assert (SupportRequest.objects.count(), RequestMessage.objects.count()) == before
    assert write(widget, "Hello", request=5).status_code == 422


@pytest.mark.parametrize(
    "email, org, reason",
    [
        ("bert@acme.example", "acme", "bert@acme.example is a contact of Acme who may not open"),
        ("mallory@example.com", "acme", "mallory@example.com is not an authorized contact of Acme"),
        ("gina@globex.example", "acme", "gina@globex.example is not an authorized contact of Acme"),
        ("anna@acme.example", "nowhere", "No organization 'nowhere'"),
    ],
)
def test_anyone_but_an_authorized_contact_is_refused_and_nothing_is_filed(
    world, widget, email, org, reason
):
    token = token_for(widget, email=email, org=org)
    for response in (write(widget, "Let me in", token=token), read(widget, token=token)):
        assert response.status_code == 403
        assert reason in response.json()["message"]
        assert response["Access-Control-Allow-Origin"] == APP  # so the widget can show it
    assert not SupportRequest.objects.exists()


def test_a_token_that_proves_nothing_is_a_401(world, widget, clock):
    expired = token_for(widget)
    clock.shift(timedelta(hours=1, seconds=1))
    forged = token_for(widget, secret="x" * 40)
    for token, reason in ((expired, "expired"), (forged, "signature"), ("junk", "well formed")):
        response = write(widget, "Hello", token=token)
        assert response.status_code == 401
        assert reason in response.json()["message"]
    assert client(origin=APP).get(f"/support/chat/{widget.key}/conversation").status_code == 401
    assert not SupportRequest.objects.exists()


def test_only_configured_origins_may_call(world, widget):
    refused = write(widget, "From elsewhere", origin="https://evil.example")
    assert refused.status_code == 403
    assert "may not run on https://evil.example" in refused.json()["message"]
    assert "Access-Control-Allow-Origin" not in refused
    assert not SupportRequest.objects.exists()
    assert write(widget, "From the dev box", origin="http://localhost:3000").status_code == 201
    assert write(widget, "From Forewarn itself", origin="http://testserver").status_code == 201


def test_preflight_allows_the_token_header_for_configured_origins_only(world, widget):
    url = f"/support/chat/{widget.key}/messages"
    allowed = Client(headers={"Origin": APP}).options(url)
    assert allowed.status_code == 204
    assert allowed["Access-Control-Allow-Origin"] == APP
    assert "Authorization" in allowed["Access-Control-Allow-Headers"]
    assert allowed["Access-Control-Allow-Methods"] == "POST, OPTIONS"
    assert Client(headers={"Origin": "https://evil.example"}).options(url).status_code == 403


def test_an_unknown_or_inactive_widget_is_a_404(world, widget):
    assert client(origin=APP).get("/support/chat/nothing/conversation").status_code == 404
    widget.is_active = False
    configuration.save_widget(widget, actor="ada", role="admin")
    assert write(widget, "Hello").status_code == 404


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"body": "   "}, "body"),
        ({"body": 5}, "body"),
        ({"body": "x" * 20_001}, "body"),
        ({"body": "Help", "emergency": "yes"}, "emergency"),
    ],
)
def test_bad_input_names_the_field_and_files_nothing(world, widget, payload, field):
    response = client(token_for(widget)).post(
        f"/support/chat/{widget.key}/messages", json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 422
    assert field in response.json()["detail"]
    assert not SupportRequest.objects.exists()


def test_in_business_hours_support_is_open(world, widget):
    support = read(widget).json()["support"]  # Monday 10:00 in Amsterdam
    assert support["open"] is True
    assert support["opens_at"] is None
    assert support["closes_at"] == "2026-12-07T16:00:00Z"
    assert support["zone"] == "Europe/Amsterdam"
    # a question now (unclassified: one business day, eight business hours): 7 hours on
    # Monday, one on Tuesday from 08:30, so Tuesday 09:30 in Amsterdam
    assert support["answer_due_at"] == "2026-12-08T08:30:00Z"
    assert support["emergency_available"] is False


def test_after_hours_the_widget_says_when_support_opens_and_the_answer_is_due(world, widget, clock):
    clock.move_to(ams(2026, 12, 12, 11, 0))  # Saturday
    token = token_for(widget)
    support = read(widget, token=token).json()["support"]
    assert support["open"] is False
    assert support["opens_at"] == "2026-12-14T07:30:00Z"  # Monday 08:30 in Amsterdam
    write(widget, "Is the SMS API down?", token=token)
    request = SupportRequest.objects.get()
    support = read(widget, token=token).json()["support"]
    assert support["answer_due_at"] == request.first_response_due_at.isoformat().replace(
        "+00:00", "Z"
    )
    assert request.first_response_due_at > ams(2026, 12, 14, 8, 30)


def test_an_emergency_after_hours_goes_on_call_in_its_own_request(world, widget, rota, clock):
    clock.move_to(ams(2026, 12, 12, 11, 0))
    token = token_for(widget)
    write(widget, "A question for Monday", token=token)
    assert read(widget, token=token).json()["support"]["emergency_available"] is True
    response = write(widget, "Every call fails!", token=token, emergency=True)
    assert response.json()["opened"] is True
    assert response.json()["on_call"] is True
    emergency = SupportRequest.objects.get(emergency=True)
    assert (emergency.on_call, emergency.rota, emergency.origin) == (True, rota, "chat")
    assert "support_request.paged" in kinds(emergency)
    shown = read(widget, token=token).json()
    assert shown["request"]["reference"] == emergency.reference
    assert shown["request"]["on_call"] is True


def test_no_csrf_token_is_needed_because_no_cookie_is_used(world, widget, admin_client):
    # A signed-in console session (cookies) is not what lets a call in: the bearer token is.
    admin_client.handler.enforce_csrf_checks = True
    without_token = admin_client.post(
        f"/support/chat/{widget.key}/messages",
        json.dumps({"body": "Hello"}),
        content_type="application/json",
        headers={"Origin": APP},
    )
    assert without_token.status_code == 401
    assert write(widget, "Hello").status_code == 201  # no cookie, no CSRF token: the bearer token


def test_widget_settings_are_recorded_without_the_secret(world, widget):
    from forewarn.record.models import Event

    widget.secret = "n" * 40
    widget.allowed_origins = APP
    configuration.save_widget(widget, actor="ada", role="admin")
    event = Event.objects.filter(kind="support_settings.changed").latest("id")
    assert event.details["changes"]["secret"] == "changed"
    assert "n" * 40 not in json.dumps(event.details)


def test_origins_that_are_not_origins_are_refused_on_save(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        configuration.save_widget(
            ChatWidget(name="Bad", allowed_origins="https://ok.example/path"),
            actor="ada",
            role="admin",
        )
    assert "allowed_origins" in error.value.message_dict
    assert not ChatWidget.objects.filter(name="Bad").exists()


def test_the_console_preview_signs_in_a_contact(world, widget, admin_client):
    response = admin_client.get(f"/console/support/chatwidget/{widget.pk}/preview/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-widget="{widget.key}"' in html
    assert 'src="/support/chat.js"' in html
    change = admin_client.get(f"/console/support/chatwidget/{widget.pk}/change/").content.decode()
    assert f"data-widget=&quot;{widget.key}&quot;" in change  # the script tag to copy
    assert f"/console/support/chatwidget/{widget.pk}/preview/" in change


def test_the_console_removes_a_widget_through_the_service_which_records_it(
    world, widget, admin_client
):
    from forewarn.record.models import Event

    other = configuration.save_widget(ChatWidget(name="Other"), actor="ada", role="admin")
    response = admin_client.post(
        f"/console/support/chatwidget/{widget.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    response = admin_client.post(
        "/console/support/chatwidget/",
        {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not ChatWidget.objects.exists()
    removed = Event.objects.filter(kind="support_settings.deleted").order_by("id")
    assert [(e.subject_id, e.details["was"]["key"]) for e in removed] == [
        (str(widget.pk), widget.key),
        (str(other.pk), other.key),
    ]


def test_the_console_rotates_a_secret_and_the_old_tokens_stop_working(world, widget, admin_client):
    old_token, old_secret = token_for(widget), widget.secret
    response = admin_client.post(
        "/console/support/chatwidget/",
        {"action": "rotate_secret", "_selected_action": [widget.pk]},
    )
    assert response.status_code == 302
    widget.refresh_from_db()
    assert widget.secret != old_secret and len(widget.secret) >= 32
    assert read(widget, token=old_token).status_code == 401
    assert read(widget, token=token_for(widget)).status_code == 200


def test_the_console_shows_the_secret_but_takes_none_typed(world, widget, admin_client):
    """As in the API, a secret is made by Forewarn (added, rotated), never typed."""
    secret = widget.secret
    page = admin_client.get(f"/console/support/chatwidget/{widget.pk}/change/").content.decode()
    assert secret in page and 'name="secret"' not in page
    response = admin_client.post(
        f"/console/support/chatwidget/{widget.pk}/change/",
        {"name": "Renamed", "allowed_origins": APP, "is_active": "on", "secret": "t" * 40},
    )
    assert response.status_code == 302
    widget.refresh_from_db()
    assert (widget.name, widget.secret) == ("Renamed", secret)
