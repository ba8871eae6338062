"""The console's request page: thread, time left in business hours and as an instant, and the
forms, which go through the same services as the API."""

from datetime import timedelta

import pytest
from django.test import Client

from forewarn.delivery.models import Notice
from forewarn.support import handling, services

from .conftest import T0, open_as_anna


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def page(world):
    request = open_as_anna(world, priority="high")
    return request, f"/console/support/supportrequest/{request.pk}/change/"


def test_the_page_shows_the_thread_and_the_time_left(world, page, clock):
    request, url = page
    handling.add_note(request, body="Trunk 2 **flaps**.", actor="sam", role="responder")
    clock.move_to(T0 + timedelta(minutes=15))
    html = signed_in(world.agent).get(url).content.decode()
    assert 'due <time datetime="2026-12-07T11:00:00+01:00">Mon 7 Dec 2026 11:00 CET</time>' in html
    assert "<strong>45 min left</strong> of business time" in html
    assert "Since this morning every call drops." in html
    assert "Trunk 2 <strong>flaps</strong>." in html
    assert 'id="step-reply"' in html


def test_a_reply_from_the_console_goes_out_through_the_outbox(world, page):
    request, _ = page
    response = signed_in(world.agent).post(
        f"/console/support/supportrequest/{request.pk}/act/reply/",
        {"body": "On it.", "status": "waiting_on_customer"},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "waiting_on_customer"
    assert Notice.objects.filter(key__startswith=f"support:{request.pk}:reply:").count() == 1


def test_a_refused_input_changes_nothing_and_says_why(world, page):
    request, _ = page
    client = signed_in(world.agent)
    response = client.post(
        f"/console/support/supportrequest/{request.pk}/act/status/",
        {"status": "out_of_scope"},
        follow=True,
    )
    assert (
        "nothing was changed. reason: Give the reason it is out of scope"
        in response.content.decode()
    )
    request.refresh_from_db()
    assert request.status == "new"


def test_a_viewer_reads_without_forms_and_may_not_post(world, page):
    request, url = page
    client = signed_in(world.viewer)
    html = client.get(url).content.decode()
    assert "You can read this request" in html and 'id="step-reply"' not in html
    assert (
        client.post(
            f"/console/support/supportrequest/{request.pk}/act/reply/", {"body": "x"}
        ).status_code
        == 403
    )


def test_attachments_download_as_files(world):
    request = open_as_anna(world, uploads=(services.Upload("trace.log", b"SIP/2.0 503"),))
    found = request.messages.get().attachments.get()
    response = signed_in(world.viewer).get(
        f"/console/support/supportrequest/attachment/{found.pk}/"
    )
    assert (response.status_code, response["Content-Type"], response["Content-Disposition"]) == (
        200,
        "text/plain",
        'attachment; filename="trace.log"',
    )
    assert response.content == b"SIP/2.0 503"
