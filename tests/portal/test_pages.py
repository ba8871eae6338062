"""The portal's pages: requests opened, answered and closed through support's services; the
SLA statement as a page, CSV and JSON; the public support page and its admin."""

import json
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from forewarn.catalog.models import AuthorizedContact
from forewarn.support import handling
from forewarn.support.models import SupportRequest

from .conftest import signed_in


def test_a_contact_opens_a_request_with_an_attachment_replies_and_closes_it(world):
    client = signed_in(world.a.contact)
    response = client.post(
        "/portal/requests/new/",
        {
            "subject": "Calls drop",
            "body": "Every call drops after **30 s**.",
            "priority": "high",
            "component": "voice",
            "attachment": SimpleUploadedFile("trace.log", b"SIP/2.0 503"),
        },
    )
    request = SupportRequest.objects.get(subject="Calls drop")
    assert response.status_code == 302 and response["Location"] == f"/portal/requests/{request.pk}/"
    assert (request.origin, request.requester, request.priority) == ("web", world.a.contact, "high")
    assert request.first_response_due_at is not None
    page = client.get(response["Location"]).content.decode()
    assert "<strong>30 s</strong>" in page and "trace.log" in page
    attachment = request.messages.get().attachments.get()
    download = client.get(f"/portal/requests/{request.pk}/attachments/{attachment.pk}/")
    assert download.content == b"SIP/2.0 503" and "attachment;" in download["Content-Disposition"]

    handling.reply(
        request, body="Which number?", status="waiting_on_customer", actor="sam", role="responder"
    )
    assert "Which number?" in client.get(f"/portal/requests/{request.pk}/").content.decode()
    client.post(f"/portal/requests/{request.pk}/reply/", {"body": "+31 20 123"})
    request.refresh_from_db()
    assert request.status == "open"  # the customer wrote: the clock runs again
    client.post(f"/portal/requests/{request.pk}/close/")
    request.refresh_from_db()
    assert (request.status, request.next_check_at) == ("closed", None)
    page = client.get(f"/portal/requests/{request.pk}/").content.decode()
    assert "This request is closed" in page
    refused = client.post(f"/portal/requests/{request.pk}/reply/", {"body": "more"})
    assert refused.status_code == 400 and "is closed" in refused.content.decode()


def test_bad_input_names_the_field_and_files_nothing(world):
    client = signed_in(world.a.contact)
    response = client.post(
        "/portal/requests/new/",
        {
            "subject": "Virus",
            "body": "see file",
            "priority": "normal",
            "attachment": SimpleUploadedFile("run.exe", b"MZ"),
        },
    )
    assert response.status_code == 400 and "attachments:" in response.content.decode()
    assert not SupportRequest.objects.filter(subject="Virus").exists()
    other = client.post("/portal/requests/new/", {"subject": "", "body": "x", "priority": "normal"})
    assert other.status_code == 400


def test_a_contact_who_may_not_open_requests_reads_but_is_refused_writing(world):
    bert = AuthorizedContact.objects.create(
        organization=world.a.organization,
        name="Bert",
        email="bert@acme.example",
        may_open_requests=False,
    )
    client = signed_in(bert)
    assert "Acme secret request" in client.get("/portal/requests/").content.decode()
    response = client.post(
        "/portal/requests/new/", {"subject": "Hi", "body": "x", "priority": "normal"}
    )
    assert response.status_code == 400
    assert "may not open support requests" in response.content.decode()
    assert not SupportRequest.objects.filter(subject="Hi").exists()


def test_the_sla_statement_as_page_csv_and_json(world, clock):
    clock.shift(timedelta(days=1))
    client = signed_in(world.a.contact)
    page = client.get("/portal/sla/?period=2026-Q4")
    text = page.content.decode()
    assert page.status_code == 200 and "SLA statement: 2026-Q4" in text
    assert "Acme private trunk" in text and "Globex" not in text
    csv = client.get("/portal/sla/?period=2026-Q4&format=csv")
    assert (
        csv["Content-Type"].startswith("text/csv") and "Acme private trunk" in csv.content.decode()
    )
    assert "Globex" not in csv.content.decode()
    found = json.loads(client.get("/portal/sla/?period=2026-Q4&format=json").content)
    assert found["scope"] == {"organization": "acme"}
    bad = client.get("/portal/sla/?period=someday&format=json")
    assert bad.status_code == 422 and "period" in bad.json()["message"]


def test_the_public_support_page_shows_links_hours_and_ways_in(world, clock, admin_client):
    page = Client().get("/support/").content.decode()
    assert "support@forewarn.example" in page and "Support is open now." in page
    response = admin_client.post(
        "/console/portal/supportpage/add/",
        {
            "guides_url": "https://docs.example/guides",
            "knowledge_centre_url": "https://help.example/",
            "developer_portal_url": "https://dev.example/",
            "status_page_url": "",
            "support_email": "help@provider.example",
            "phone": "+31 20 000",
            "calendar": "",
            "chat_enabled": "on",
            "chat_url": "",
            "note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert admin_client.get("/console/portal/supportpage/add/").status_code == 403  # one row
    clock.move_to("2026-12-12T10:00:00+01:00")  # a Saturday
    page = Client().get("/support/").content.decode()
    for text in (
        'href="https://help.example/"',
        "Developer portal",
        "help@provider.example",
        "chat bubble",
        "Support is closed now; it opens Mon 14 Dec 2026 08:30",
    ):
        assert text in page, text


def test_times_are_shown_in_the_contacts_zone(world):
    world.a.contact.time_zone = "America/New_York"
    world.a.contact.save()
    page = signed_in(world.a.contact).get(f"/portal/requests/{world.a.request.pk}/").content
    text = page.decode()
    assert "Times are shown in America/New_York." in text
    assert 'datetime="2026-12-07T04:00:00-05:00"' in text  # opened at 09:00 UTC


def test_the_request_form_offers_no_internal_component(world):
    from forewarn.catalog.models import Component, Visibility

    hidden = Component.objects.create(
        slug="billing-db", name="Billing database", visibility=Visibility.INTERNAL
    )
    world.a.organization.components.add(hidden)
    page = signed_in(world.a.contact).get("/portal/requests/new/").content.decode()
    assert "Acme private trunk" in page and "Billing database" not in page
