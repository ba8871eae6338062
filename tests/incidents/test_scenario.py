"""A P1 from the first alarm to the postmortem, minute by minute, with the real worker functions.

Responders are reminded before each update is due; customers get an email every
update (one thread per incident); an update posted late escalates; and afterwards
the record holds every event of the incident, none of which can be changed.
"""

from datetime import timedelta

import pytest
from django.core import mail

from forewarn.delivery import outbox, sender
from forewarn.delivery.emails import thread_root_id
from forewarn.delivery.models import Delivery, DeliveryStatus, Notice
from forewarn.incidents import exports, followers, jobs, postmortems, services
from forewarn.incidents.models import EscalationContact
from forewarn.record.models import Event, ImmutableEventError

from .conftest import T0, kinds, open_p


def tick(clock, minute: int) -> None:
    """Move to T0 + ``minute`` and do what the worker does every second."""
    clock.move_to(T0 + timedelta(minutes=minute))
    jobs.watch_cadence()
    jobs.escalate_due()
    outbox.fan_out_due()
    sender.send_due()
    outbox.complete_finished_notices()


def mails_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


@pytest.fixture
def p1(world, clock):
    mail.outbox = []
    EscalationContact.objects.create(tier="tier_2", email="noc@provider.example")
    incident = open_p(
        world,
        responders=[world.responder],
        reporter="Ann <ann@acme.example>",
        detected_at=T0 - timedelta(minutes=3),
        description="SIP calls to EU numbers failed.",
    )
    followers.follow(incident, "visitor@example.net")
    token = Notice.objects.get(kind="incident.follow_confirm").body.split("/confirm/")[1]
    followers.confirm(token.split("/")[0])
    return incident


UPDATES = [
    # (minute, status, message)
    (13, "identified", "A carrier's SIP trunk is down; moving traffic."),
    (27, "investigating", "Traffic moved, but calls to Belgium still fail."),
    (44, "monitoring", "All routes back. Watching."),  # due at 42: two minutes late
    (53, "resolved", "Calls connect everywhere."),
]


def test_a_p1_keeps_its_cadence_and_the_record_proves_it(world, clock, p1):
    schedule = dict((minute, (status, message)) for minute, status, message in UPDATES)
    for minute in range(0, 54):
        tick(clock, minute)
        if minute in schedule:
            status, message = schedule[minute]
            services.post_update(p1, actor="rita", role="responder", message=message, status=status)
            tick(clock, minute)
    p1.refresh_from_db()
    assert (p1.status, p1.resolved_at, p1.overdue_count) == (
        "resolved",
        T0 + timedelta(minutes=53),
        1,
    )
    postmortems.save_postmortem(p1, "The carrier lost power.", actor="rita", role="responder")
    postmortems.publish_postmortem(p1, actor="cody", role="communicator", notify=True)
    tick(clock, 54)

    # Responders: reminded five minutes before each deadline, each once.
    reminders = Notice.objects.filter(kind="incident.reminder").order_by("due_at")
    assert [n.event_times["update_due"] for n in reminders] == [
        (T0 + timedelta(minutes=m)).isoformat() for m in (15, 28, 42)
    ]
    assert [m.subject for m in mails_to("rita@forewarn.example")] == [
        "Update due: P1 Calls fail"
    ] * 3

    # Customers: every update and the postmortem, in one thread, sent by the outbox.
    expected = [
        "Investigating: Calls fail",
        "Identified: Calls fail",
        "Investigating: Calls fail",
        "Monitoring: Calls fail",
        "Resolved: Calls fail",
        "Postmortem: Calls fail",
    ]
    root = thread_root_id(f"incident:{p1.pk}")
    for address in ("voice-fan@example.com", "ann@acme.example", "all@example.com"):
        got = mails_to(address)
        assert [m.subject for m in got] == expected, address
        assert got[0].extra_headers["Message-ID"] == root
        assert {m.extra_headers["In-Reply-To"] for m in got[1:]} == {root}
    # The visitor followed after the opening: the confirmation, then every later notice.
    got = mails_to("visitor@example.net")
    assert [m.subject for m in got] == ["Confirm you want updates on “Calls fail”", *expected[1:]]
    assert {m.extra_headers["In-Reply-To"] for m in got[1:]} == {root}
    assert mails_to("sms-fan@example.com") == []
    assert not Delivery.objects.exclude(status=DeliveryStatus.SENT).exists()

    # The deadline after the 10:27 update passed at 10:42 with no update: Tier 2 was told.
    assert [m.subject for m in mails_to("noc@provider.example")] == [
        "Escalated to Tier 2 (technical): P1 Calls fail"
    ]
    assert [m.subject for m in mails_to("carla@provider.example")] == [
        "Escalated to Tier 1 (success managers): P1 Calls fail"
    ]

    # The record: every event of the incident, in order.
    assert kinds(p1) == [
        "incident.created",
        "incident.acknowledged",
        "incident.update_posted",
        "incident.notice_queued",
        "incident.escalated",
        "incident.follow_requested",
        "incident.follow_confirmed",
        "incident.reminder_sent",
        "incident.update_posted",
        "incident.status_changed",
        "incident.notice_queued",
        "incident.notice_queued",
        "incident.reminder_sent",
        "incident.update_posted",
        "incident.status_changed",
        "incident.notice_queued",
        "incident.notice_queued",
        "incident.reminder_sent",
        "incident.update_overdue",
        "incident.escalated",
        "incident.update_posted",
        "incident.status_changed",
        "incident.notice_queued",
        "incident.notice_queued",
        "incident.update_posted",
        "incident.status_changed",
        "incident.resolved",
        "incident.notice_queued",
        "incident.notice_queued",
        "incident.postmortem_saved",
        "incident.postmortem_published",
        "incident.notice_queued",
        "incident.notice_queued",
    ]
    report = exports.report_json(p1)
    delivered = [e for e in report["events"] if e["kind"] == "notice.delivered"]
    incident_notices = Notice.objects.filter(key__startswith=f"incident:{p1.pk}:")
    # 6 to customers, the follower's confirmation and 5 notices, 3 reminders, 2 escalations:
    # each delivered, and recorded so.
    assert len(delivered) == incident_notices.count() == 6 + 1 + 5 + 3 + 2
    assert [
        e["description"] for e in report["events"] if e["kind"] == "component.status_changed"
    ] == [
        "Voice: operational → major_outage (Calls fail)",
        "Voice: major_outage → operational (resolved: Calls fail)",
    ]
    assert (report["time_to_acknowledge_minutes"], report["time_to_resolve_minutes"]) == (
        3.0,
        56.0,
    )
    gaps = [(g["length_minutes"], g["met"], g["late_minutes"]) for g in report["cadence"]["gaps"]]
    assert gaps == [(13.0, True, 0.0), (14.0, True, 0.0), (17.0, False, 2.0), (9.0, True, 0.0)]
    assert report["cadence"]["total"]["missed"] == 1

    # None of it can be changed or removed.
    everything = Event.objects.filter(at__gte=T0 - timedelta(minutes=5))
    assert everything.count() > 40
    for event in everything:
        event.description = "rewritten"
        with pytest.raises(ImmutableEventError):
            event.save()
        with pytest.raises(ImmutableEventError):
            event.delete()
    assert not Event.objects.filter(description="rewritten").exists()
