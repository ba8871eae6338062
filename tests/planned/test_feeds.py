"""The status page's calendar feeds of planned work (parsed back with ``icalendar``) and its Atom
feed (parsed with the standard library's XML): one event per window, the invitation's UID, a
SEQUENCE that rises on every change, cancelled events marked so."""

from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import icalendar

from forewarn.catalog.models import Component
from forewarn.catalog.services import save_component
from forewarn.delivery.models import Notice
from forewarn.planned import services

from .conftest import draft

ATOM = "{http://www.w3.org/2005/Atom}"
START, END = datetime(2027, 1, 12, 9, tzinfo=UTC), datetime(2027, 1, 12, 11, tzinfo=UTC)


def published(world, **fields):
    work = draft(world, start=START, end=END, **fields)
    return services.publish(work, actor="cody", role="communicator")


def events(client, path: str = "/maintenance.ics") -> list:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return list(icalendar.Calendar.from_ical(response.content).walk("VEVENT"))


def facts(event) -> tuple:
    return (
        str(event["UID"]),
        int(event["SEQUENCE"]),
        str(event["STATUS"]),
        event.decoded("DTSTART"),
        event.decoded("DTEND"),
        str(event["SUMMARY"]),
    )


def test_the_feed_carries_the_invitations_event(client, world, clock):
    work = published(world)
    (event,) = events(client)
    assert facts(event) == (
        f"planned-{work.pk}-0@forewarn.example",
        0,
        "CONFIRMED",
        START,
        END,
        "Database upgrade",
    )
    assert str(event["URL"]) == f"http://127.0.0.1:8000/maintenance/{work.public_id}/"
    announcement = Notice.objects.filter(
        key__startswith=f"planned:{work.pk}:0:announcement"
    ).first()
    (invited,) = icalendar.Calendar.from_ical(announcement.ics).walk("VEVENT")
    assert (str(invited["UID"]), int(invited["SEQUENCE"])) == (str(event["UID"]), 0)
    calendar = icalendar.Calendar.from_ical(client.get("/maintenance.ics").content)
    assert "METHOD" not in calendar
    assert str(calendar["X-WR-CALNAME"]) == "Forewarn Demo Cloud: planned work"


def test_a_reschedule_raises_the_sequence_and_moves_the_event(client, world, clock):
    work = published(world)
    later = START + timedelta(days=7)
    services.reschedule(
        work, actor="cody", role="communicator", start=later, reason="Vendor asked for a week"
    )
    (event,) = events(client)
    assert facts(event)[1:5] == (1, "CONFIRMED", later, later + (END - START))


def test_a_cancelled_window_stays_in_the_feed_marked_cancelled(client, world, clock):
    work = published(world)
    services.cancel(work, actor="cody", role="communicator", reason="Not needed after all")
    (event,) = events(client)
    assert facts(event)[:3] == (f"planned-{work.pk}-0@forewarn.example", 1, "CANCELLED")


def test_a_recurring_work_is_one_event_per_window(client, world, clock):
    work = published(world, rrule="FREQ=WEEKLY;COUNT=3", time_zone="Europe/Amsterdam")
    services.cancel(work, actor="cody", role="communicator", reason="Holiday", window=1)
    found = [facts(e)[:4] for e in events(client)]
    assert found == [
        (f"planned-{work.pk}-0@forewarn.example", 0, "CONFIRMED", START),
        (f"planned-{work.pk}-1@forewarn.example", 1, "CANCELLED", START + timedelta(days=7)),
        (f"planned-{work.pk}-2@forewarn.example", 0, "CONFIRMED", START + timedelta(days=14)),
    ]


def test_a_components_feed_has_only_the_work_on_it(client, world, clock):
    on_voice = published(world, title="Voice upgrade")
    published(world, title="SMS upgrade", components={world.sms: "degraded_performance"})
    assert [str(e["SUMMARY"]) for e in events(client, "/components/voice/maintenance.ics")] == [
        "Voice upgrade"
    ]
    assert len(events(client)) == 2
    assert on_voice.title in client.get("/").content.decode()


def test_the_page_links_each_feed(client, world, clock):
    html = client.get("/").content.decode()
    assert 'href="/maintenance.ics"' in html
    assert 'href="/components/voice/maintenance.ics"' in html
    assert 'href="/maintenance.atom"' in html


def test_no_feed_for_a_component_that_is_not_public(client, world, clock):
    save_component(Component(slug="farm", name="Build farm", visibility="internal"), actor="a")
    assert client.get("/components/farm/maintenance.ics").status_code == 404
    assert client.get("/components/nothing/maintenance.ics").status_code == 404


def test_the_atom_feed_lists_each_update_newest_first(client, world, clock):
    work = published(world)
    clock.shift(timedelta(hours=1))
    services.cancel(work, actor="cody", role="communicator", reason="The vendor postponed")
    response = client.get("/maintenance.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Cancelled: Database upgrade",
        "Scheduled: Database upgrade",
    ]
    assert entries[0].find(f"{ATOM}link").get("href") == (
        f"http://testserver/maintenance/{work.public_id}/"
    )
    assert "The vendor postponed" in entries[0].findtext(f"{ATOM}summary")
