"""Seed 004's system of record for a request: every event with its date and time, who acted
and the name of the contact, what was written (description, analysis, steps), the response
and the resolution, in the request's record export."""

import csv
import io
import json

from django.test import Client

from forewarn.catalog.models import AuthorizedContact
from forewarn.catalog.services import save_contact
from forewarn.support import chat, handling, services

from .conftest import ams


def _text(details: dict) -> str | None:
    return details.get("body") or details.get("summary")


def test_the_record_export_of_a_request_holds_every_event_with_time_actor_and_contact(
    world, clock, api_as
):
    carl = save_contact(
        AuthorizedContact(organization=world.acme, name="Carl", email="carl@acme.example"),
        actor="alice",
    )
    request = chat.post(world.anna, body="Invoices fail to export.").request
    staff = {"actor": "sam", "role": "responder"}
    clock.move_to(ams(2026, 12, 7, 10, 20))
    handling.add_note(request, body="Analysis: the PDF service times out.", **staff)
    handling.reply(request, body="Which invoice?", status="waiting_on_customer", **staff)
    clock.move_to(ams(2026, 12, 7, 11, 0))
    services.add_customer_message(  # a colleague answers by email, on Anna's request
        request,
        sender_email=carl.email,
        body="Invoice 2026-118, for Anna.",
        origin="email",
        actor=carl.email,
    )
    clock.move_to(ams(2026, 12, 7, 11, 30))
    handling.reply(request, body="Restarted the PDF service; it exports now.", **staff)
    handling.set_status(request, "solved", **staff)
    handling.log_conversation(
        kind="call",
        organization=world.acme,
        contact=world.anna,
        request=request,
        at=ams(2026, 12, 7, 11, 10),
        minutes=5,
        summary="Walked Anna through the export.",
        **staff,
    )

    found = api_as("viewer").get(
        "/api/v1/record.csv", subject_type="support.supportrequest", subject_id=str(request.pk)
    )
    assert found.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(found.streaming_content).decode())))
    summary = [
        (
            r["at_local"][11:16],
            r["kind"],
            r["actor"],
            r["contact"],
            _text(json.loads(r["details"])),
        )
        for r in rows
    ]
    assert summary == [
        (
            "10:00",
            "support_request.opened",
            "anna@acme.example",
            "Anna",
            "Invoices fail to export.",
        ),
        (
            "10:20",
            "support_request.note_added",
            "sam",
            "Anna",
            "Analysis: the PDF service times out.",
        ),
        ("10:20", "support_request.status_changed", "sam", "Anna", None),
        ("10:20", "support_request.replied", "sam", "Anna", "Which invoice?"),
        (
            "11:00",
            "support_request.message_added",
            "carl@acme.example",
            "Carl",
            "Invoice 2026-118, for Anna.",
        ),
        ("11:10", "conversation.logged", "sam", "Anna", "Walked Anna through the export."),
        (
            "11:30",
            "support_request.replied",
            "sam",
            "Anna",
            "Restarted the PDF service; it exports now.",
        ),
        ("11:30", "support_request.status_changed", "sam", "Anna", None),
    ]
    details = [json.loads(r["details"]) for r in rows]
    assert details[0]["origin"] == "chat"
    assert details[3]["first_response"] is True  # the time of response
    assert details[7] == {"from": "open", "to": "solved"}  # the time of resolution: its row's


def test_the_request_page_links_its_record(world, clock):
    request = chat.post(world.anna, body="Hello").request
    client = Client()
    client.force_login(world.viewer)
    html = client.get(f"/console/support/supportrequest/{request.pk}/change/").content.decode()
    query = f"subject_type=support.supportrequest&amp;subject_id={request.pk}"
    assert f'href="/console/record/event/?{query}"' in html
    assert f'href="/console/record/event/export.csv?{query}"' in html
