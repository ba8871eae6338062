"""The outbox: queueing, fan-out to the right recipients once, cancelling, claiming, recording outcomes."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from forewarn.delivery import claims, journal, outbox
from forewarn.delivery.claims import Outcome
from forewarn.delivery.jobs import complete_delivered_notices, fan_out_due_notices
from forewarn.delivery.models import (
    AttemptOutcome,
    Audience,
    Channel,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Notice,
)
from forewarn.record.models import Event

from .conftest import contact, subscribe

pytestmark = pytest.mark.django_db


def notice(key="n1", **fields):
    defaults = {
        "thread_key": "planned:1",
        "kind": "planned.announcement",
        "subject": "Planned maintenance",
        "body": "We will upgrade the database.",
        "audience": Audience.PUBLIC,
    }
    return outbox.queue_notice(key=key, **(defaults | fields))


def addresses(n: Notice) -> set[tuple[str, str]]:
    return set(Delivery.objects.filter(notice=n).values_list("channel", "address"))


def test_queue_notice_is_idempotent_on_its_key(components):
    subscribe("a@example.com")
    first = notice("planned:1:announcement:v1")
    again = notice("planned:1:announcement:v1", subject="Something else")
    assert again.pk == first.pk
    assert again.subject == "Planned maintenance"
    assert Notice.objects.count() == 1
    assert Delivery.objects.count() == 1


def test_public_notice_reaches_active_subscribers_of_its_components(components):
    sms, voice = components["sms-api"], components["voice"]
    subscribe("all@example.com")  # no components chosen: everything
    subscribe("Voice@Example.com", components=[voice])
    subscribe("sms@example.com", components=[sms])
    subscribe("both@example.com", components=[sms, voice])
    subscribe("unconfirmed@example.com", confirmed_at=None)
    subscribe("gone@example.com", unsubscribed_at=datetime(2026, 1, 1, tzinfo=UTC))
    subscribe("https://hooks.example.com/a", channel=Channel.WEBHOOK, components=[voice])
    subscribe(
        "https://hooks.example.com/off",
        channel=Channel.WEBHOOK,
        disabled_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    n = notice(components=[voice])
    assert addresses(n) == {
        ("email", "all@example.com"),
        ("email", "voice@example.com"),
        ("email", "both@example.com"),
        ("webhook", "https://hooks.example.com/a"),
    }


def test_public_notice_without_components_reaches_every_active_subscriber(components):
    subscribe("a@example.com", components=[components["sms-api"]])
    subscribe("b@example.com")
    subscribe("c@example.com", confirmed_at=None)
    assert addresses(notice()) == {("email", "a@example.com"), ("email", "b@example.com")}


def test_contacts_notice_reaches_contacts_of_organizations_using_the_components(components):
    sms, voice = components["sms-api"], components["voice"]
    contact("ops@acme.example", organization="acme", components=[voice])
    contact("quiet@acme.example", organization="acme", receives_notices=False)
    contact("left@acme.example", organization="acme", is_active=False)
    contact("ops@globex.example", organization="globex", components=[sms])
    subscribe("public@example.com")
    n = notice(audience=Audience.CONTACTS, components=[voice])
    assert addresses(n) == {("email", "ops@acme.example")}
    everyone_contacts = notice("n2", audience=Audience.CONTACTS)
    assert addresses(everyone_contacts) == {
        ("email", "ops@acme.example"),
        ("email", "ops@globex.example"),
    }


def test_everyone_gets_one_email_when_an_address_is_both_subscriber_and_contact(components):
    voice = components["voice"]
    subscriber = subscribe("Boss@Acme.example", components=[voice])
    boss = contact("boss@acme.example", components=[voice])
    contact("ops@acme.example", components=[voice])
    n = notice(audience=Audience.EVERYONE, components=[voice])
    rows = {d.address: d for d in Delivery.objects.filter(notice=n)}
    assert set(rows) == {"boss@acme.example", "ops@acme.example"}
    assert (rows["boss@acme.example"].subscriber, rows["boss@acme.example"].contact) == (
        subscriber,
        boss,
    )


def test_one_mailbox_spelled_two_ways_gets_one_email(components):
    voice = components["voice"]
    subscriber = subscribe("anna@xn--bcher-kva.example", components=[voice])
    anna = contact("anna@BÜCHER.example", components=[voice])
    n = notice(audience=Audience.EVERYONE, components=[voice], key="n-idn")
    rows = list(Delivery.objects.filter(notice=n).values_list("address", "subscriber", "contact"))
    assert rows == [("anna@xn--bcher-kva.example", subscriber.pk, anna.pk)]
    direct = notice(
        audience=Audience.DIRECT,
        key="n-direct",
        direct_addresses=["anna@bücher.example", "anna@xn--bcher-kva.example"],
    )
    assert addresses(direct) == {("email", "anna@xn--bcher-kva.example")}


def test_direct_notice_goes_to_the_listed_addresses_only():
    subscribe("public@example.com")
    n = notice(
        audience=Audience.DIRECT,
        direct_addresses=["Owner@Example.com", "owner@example.com", "x@y.example"],
    )
    assert addresses(n) == {("email", "owner@example.com"), ("email", "x@y.example")}


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"audience": Audience.DIRECT},
            {"direct_addresses": ["A direct notice needs at least one address."]},
        ),
        (
            {"audience": Audience.DIRECT, "direct_addresses": ["not-an-email"]},
            {"direct_addresses": ["'not-an-email' is not an email address."]},
        ),
        (
            {"audience": "friends"},
            {
                "audience": [
                    "Unknown audience 'friends'; use one of public, contacts, everyone, direct, statuspage_hooks."
                ]
            },
        ),
        (
            {"due_at": datetime(2026, 12, 1, 9, 0)},
            {"due_at": ["2026-12-01T09:00:00 must carry a time zone."]},
        ),
        (
            {"event_times": {"start": "2026-12-21T10:00:00"}},
            {"event_times": ["start: '2026-12-21T10:00:00' must carry a time zone."]},
        ),
        (
            {"event_times": {"start": "next monday"}},
            {"event_times": ["start: 'next monday' is not an ISO 8601 instant."]},
        ),
        ({"components": [999999]}, {"components": ["Unknown component ids: [999999]."]}),
        ({"components": ["sms"]}, {"components": ["Give components or their ids."]}),
        (
            {"subject": "", "key": ""},
            {"key": ["A notice needs a key."], "subject": ["A notice needs a subject."]},
        ),
    ],
)
def test_bad_input_is_refused_naming_the_argument_and_changes_nothing(fields, errors):
    with pytest.raises(ValidationError) as refused:
        notice(**fields)
    assert refused.value.message_dict == errors
    assert Notice.objects.count() == 0


def test_future_notice_is_fanned_out_once_by_the_scheduler_when_due(components):
    subscribe("a@example.com")
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), tick=False):
        n = notice(due_at=datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
        assert Delivery.objects.count() == 0
        assert fan_out_due_notices() == 0
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, 1, tzinfo=UTC), tick=False):
        assert fan_out_due_notices() == 1
        assert fan_out_due_notices() == 0
        assert outbox.fan_out(n) == 0
    assert Delivery.objects.filter(notice=n).count() == 1


def test_a_notice_whose_fan_out_fails_backs_off_and_never_blocks_the_ones_after_it(
    components, monkeypatch
):
    subscribe("a@example.com")
    at = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    with time_machine.travel(at - timedelta(hours=1), tick=False):
        bad = notice("bad", due_at=at)
        good = notice("good", due_at=at + timedelta(seconds=1))
    real = outbox.recipients

    def broken_for_bad(n, *args):
        if n.key == "bad":
            raise ValueError("a recipient query that breaks")
        return real(n, *args)

    monkeypatch.setattr(outbox, "recipients", broken_for_bad)
    with time_machine.travel(at + timedelta(seconds=5), tick=False):
        assert fan_out_due_notices() == 1  # the good one went out behind the bad one
    bad.refresh_from_db()
    assert (bad.fanned_out_at, bad.fan_out_failures) == (None, 1)
    assert bad.fan_out_error == "ValueError: a recipient query that breaks"
    assert bad.fan_out_retry_at == at + timedelta(seconds=35)
    assert Delivery.objects.filter(notice=good).count() == 1
    assert not Delivery.objects.filter(notice=bad).exists()  # rolled back whole
    with time_machine.travel(at + timedelta(seconds=20), tick=False):
        assert fan_out_due_notices() == 0  # still backing off: not tried again yet
    bad.refresh_from_db()
    assert bad.fan_out_failures == 1
    with time_machine.travel(at + timedelta(seconds=40), tick=False):
        assert fan_out_due_notices() == 0  # tried again, failed again: waits twice as long
    bad.refresh_from_db()
    assert bad.fan_out_failures == 2
    assert bad.fan_out_retry_at == at + timedelta(seconds=100)
    monkeypatch.setattr(outbox, "recipients", real)
    with time_machine.travel(at + timedelta(seconds=101), tick=False):
        assert fan_out_due_notices() == 1  # mended: it goes out, once
        assert fan_out_due_notices() == 0
    assert Delivery.objects.filter(notice=bad).count() == 1


def test_due_notices_with_the_same_audience_read_the_subscribers_once(components):
    # Reminders of many works on the same components, due at the same tick (bench/planned.py):
    # one read of the subscribers for them all; other audiences get their own, and each
    # notice still reaches exactly its own recipients.
    sms, voice = components["sms-api"], components["voice"]
    subscribe("all@example.com")
    subscribe("voice@example.com", components=[voice])
    subscribe("sms@example.com", components=[sms])
    due = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    with time_machine.travel(due - timedelta(hours=1), tick=False):
        on_voice = [notice(f"v{n}", components=[voice], due_at=due) for n in range(6)]
        on_sms = notice("s", components=[sms], due_at=due)
        everything = notice("all", due_at=due)
    with time_machine.travel(due, tick=False), CaptureQueriesContext(connection) as queries:
        assert outbox.fan_out_due() == 6 * 2 + 2 + 3
    reads = [q for q in queries.captured_queries if 'FROM "delivery_subscriber"' in q["sql"]]
    assert len(reads) == 3  # voice, sms, every component
    for n in on_voice:
        assert addresses(n) == {("email", "all@example.com"), ("email", "voice@example.com")}
    assert addresses(on_sms) == {("email", "all@example.com"), ("email", "sms@example.com")}
    assert {a for _, a in addresses(everything)} == {
        "all@example.com",
        "voice@example.com",
        "sms@example.com",
    }


def test_a_database_outage_backs_off_no_notice_the_next_tick_tries_again(components, monkeypatch):
    from django.db import OperationalError

    subscribe("a@example.com")
    at = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    with time_machine.travel(at - timedelta(hours=1), tick=False):
        n = notice("due", due_at=at)
    real = outbox.recipients

    def database_down(*args):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(outbox, "recipients", database_down)
    with time_machine.travel(at + timedelta(seconds=1), tick=False):
        with pytest.raises(OperationalError):
            fan_out_due_notices()
    n.refresh_from_db()
    assert (n.fan_out_failures, n.fan_out_retry_at) == (0, None)  # not the notice's fault
    monkeypatch.setattr(outbox, "recipients", real)
    with time_machine.travel(at + timedelta(seconds=2), tick=False):
        assert fan_out_due_notices() == 1  # the very next tick, no back-off


def test_the_unique_key_makes_a_second_delivery_to_the_same_recipient_impossible():
    subscribe("a@example.com")
    n = notice()
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(notice=n, channel=Channel.EMAIL, address="a@example.com")


def test_cancelling_a_notice_skips_its_unsent_deliveries():
    for i in range(3):
        subscribe(f"u{i}@example.com")
    n = notice()
    sent = claims.claim(1)[0]
    claims.record_outcomes([Outcome(sent.id, AttemptOutcome.SENT)])
    assert outbox.cancel_notice(n, actor="alice", reason="plans changed") == 2
    statuses = sorted(Delivery.objects.filter(notice=n).values_list("status", flat=True))
    assert statuses == ["sent", "skipped", "skipped"]
    event = Event.objects.get(kind="notice.cancelled")
    assert (event.actor, event.details["skipped"]) == ("alice", 2)
    assert claims.claim(10) == []


def test_cancelled_before_due_is_never_fanned_out():
    subscribe("a@example.com")
    n = notice(due_at=datetime(2030, 1, 1, tzinfo=UTC))
    outbox.cancel_notice(n)
    with time_machine.travel(datetime(2030, 1, 2, tzinfo=UTC), tick=False):
        assert fan_out_due_notices() == 0
    assert Delivery.objects.count() == 0


def test_claims_are_disjoint_and_expired_claims_are_taken_over():
    for i in range(5):
        subscribe(f"u{i}@example.com")
    notice()
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    Delivery.objects.update(next_attempt_at=start)
    with time_machine.travel(start, tick=False):
        first, second = claims.claim(3), claims.claim(3)
        assert {c.id for c in first}.isdisjoint({c.id for c in second})
        assert len(first) + len(second) == 5
        assert claims.claim(3) == []
        assert set(Delivery.objects.values_list("status", flat=True)) == {"sending"}
    # The worker holding `first` died: two minutes later its rows are due again.
    with time_machine.travel(start + timedelta(seconds=121), tick=False):
        again = claims.claim(10)
    assert {c.id for c in again} == {c.id for c in first} | {c.id for c in second}
    assert {c.attempts for c in again} == {2}
    unknown = DeliveryAttempt.objects.filter(outcome=AttemptOutcome.UNKNOWN)
    assert unknown.count() == 5
    assert "expired before it recorded an outcome" in unknown.first().detail


@pytest.mark.django_db(transaction=True)
def test_parallel_claimers_never_take_the_same_row():
    if connection.vendor == "sqlite":
        pytest.skip(
            "in-memory SQLite shares one cache between threads; test_faults runs workers on a file"
        )
    for i in range(120):
        subscribe(f"u{i}@example.com")
    notice()
    taken: list[list[int]] = []
    errors = []

    def claimer():
        try:
            mine = []
            for _ in range(50):
                batch = claims.claim(7)
                if not batch:
                    break
                mine += [c.id for c in batch]
            taken.append(mine)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claimer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    every = [pk for mine in taken for pk in mine]
    assert len(every) == len(set(every)) == 120


def test_transient_failures_back_off_exponentially_then_give_up(settings):
    subscribe("a@example.com")
    notice()
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    Delivery.objects.update(next_attempt_at=start, queued_at=start)
    delays = []
    when = start
    for _ in range(8):
        with time_machine.travel(when, tick=False):
            (item,) = claims.claim(1)
            claims.record_outcomes(
                [
                    Outcome(
                        item.id,
                        AttemptOutcome.TRANSIENT,
                        "451 try later",
                        attempts=item.attempts,
                        queued_at=item.queued_at,
                    )
                ]
            )
        row = Delivery.objects.get()
        if row.status == DeliveryStatus.FAILED:
            break
        delays.append(row.next_attempt_at - when)
        when = row.next_attempt_at
    assert delays == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 64)]
    row = Delivery.objects.get()
    assert (row.status, row.attempts) == (DeliveryStatus.FAILED, 8)
    assert row.last_error == "Gave up after 8 attempts: 451 try later"
    assert DeliveryAttempt.objects.filter(outcome="transient").count() == 8


def test_a_row_older_than_a_day_is_given_up_on_its_next_failure():
    subscribe("a@example.com")
    notice()
    (item,) = claims.claim(1)
    claims.record_outcomes(
        [
            Outcome(
                item.id,
                AttemptOutcome.TRANSIENT,
                "timeout",
                attempts=1,
                queued_at=item.queued_at - timedelta(hours=25),
            )
        ]
    )
    assert Delivery.objects.get().status == DeliveryStatus.FAILED


def test_a_mail_server_down_for_a_day_fails_the_rows_visibly():
    subscribe("a@example.com")
    notice()
    (item,) = claims.claim(1)
    old = item.queued_at - timedelta(hours=24, seconds=1)
    claims.record_outcomes(
        [
            Outcome(
                item.id, AttemptOutcome.DEFERRED, "Mail server unreachable: refused", queued_at=old
            )
        ]
    )
    row = Delivery.objects.get()
    assert (row.status, row.last_error) == (
        DeliveryStatus.FAILED,
        "Gave up after 24 h: Mail server unreachable: refused",
    )


def test_deferred_attempts_do_not_count_and_permanent_failures_are_kept():
    subscribe("a@example.com")
    subscribe("b@example.com")
    notice()
    first, second = claims.claim(2)
    claims.record_outcomes(
        [
            Outcome(first.id, AttemptOutcome.DEFERRED, "Mail server unreachable", attempts=1),
            Outcome(second.id, AttemptOutcome.PERMANENT, "550 no such user", attempts=1),
        ]
    )
    deferred, failed = Delivery.objects.get(pk=first.id), Delivery.objects.get(pk=second.id)
    assert (deferred.status, deferred.attempts) == (DeliveryStatus.RETRYING, 0)
    assert (failed.status, failed.last_error) == (DeliveryStatus.FAILED, "550 no such user")
    assert set(DeliveryAttempt.objects.values_list("outcome", flat=True)) == {
        "deferred",
        "permanent",
    }


def test_notice_delivered_is_recorded_once_with_the_counts():
    for i in range(3):
        subscribe(f"u{i}@example.com")
    n = notice()
    a, b, c = claims.claim(3)
    claims.record_outcomes(
        [
            Outcome(a.id, AttemptOutcome.SENT),
            Outcome(b.id, AttemptOutcome.PERMANENT, "550"),
        ]
    )
    assert complete_delivered_notices() == 0  # one still sending
    claims.record_outcomes(
        [Outcome(c.id, claims.SKIPPED, "The subscriber unsubscribed before sending.")]
    )
    assert complete_delivered_notices() == 1
    assert complete_delivered_notices() == 0
    event = Event.objects.get(kind="notice.delivered")
    assert event.subject_id == str(n.pk)
    assert {k: event.details[k] for k in ("total", "sent", "failed", "skipped")} == {
        "total": 3,
        "sent": 1,
        "failed": 1,
        "skipped": 1,
    }
    assert event.description == "Planned maintenance: sent 1 of 3 (1 failed, 1 skipped)."


def test_a_sent_row_records_its_message_id():
    subscribe("a@example.com")
    notice("first")
    second = notice("second")  # same thread: not the thread root, so a Message-ID per delivery
    (item,) = [c for c in claims.claim(5) if c.notice_id == second.pk]
    claims.record_outcomes([Outcome(item.id, AttemptOutcome.SENT)])
    row = Delivery.objects.get(pk=item.id)
    assert row.message_id.startswith(f"<d{item.id}.")
    assert row.message_id.endswith("@forewarn.example>")
    assert row.sent_at is not None


def test_a_dead_workers_journal_is_replayed_so_its_sends_are_not_repeated(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    for i in range(3):
        subscribe(f"u{i}@example.com")
    notice()
    a, b, c = claims.claim(3)
    live, dead = journal.Journal(), journal.Journal()
    live.note(c.id)
    dead.note(a.id)
    dead.note(b.id)
    dead.close(recorded=False)  # as if killed: the file stays, its lock is gone
    assert journal.replay_orphans() == 2
    rows = {d.pk: d for d in Delivery.objects.all()}
    assert (rows[a.id].status, rows[b.id].status, rows[c.id].status) == ("sent", "sent", "sending")
    assert (
        "recorded from the worker's journal" in DeliveryAttempt.objects.get(delivery_id=a.id).detail
    )
    assert journal.replay_orphans() == 0  # replayed once; the live one is left alone
    live.close(recorded=True)
    assert list((tmp_path / "delivery-journal").iterdir()) == []


def test_due_notices_with_the_same_audience_go_out_in_one_claim_and_a_bad_one_alone(
    components, monkeypatch
):
    # Notices that share their recipients are claimed by one UPDATE and written in one
    # transaction; if writing one of them fails, nothing of that transaction is kept and each
    # goes again alone: the good ones once, the bad one backs off with no rows.
    subscribe("a@example.com")
    due = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    with time_machine.travel(due - timedelta(hours=1), tick=False):
        made = [notice(f"r{n}", due_at=due) for n in range(4)]
    real = outbox._record_if_late

    def broken_for_r2(n, *args):
        if n.key == "r2":
            raise ValueError("a record that cannot be written")
        return real(n, *args)

    monkeypatch.setattr(outbox, "_record_if_late", broken_for_r2)
    with time_machine.travel(due, tick=False):
        assert outbox.fan_out_due() == 3
        assert outbox.fan_out_due() == 0
    for n in made:
        n.refresh_from_db()
    assert [Delivery.objects.filter(notice=n).count() for n in made] == [1, 1, 0, 1]
    assert [n.fanned_out_at is None for n in made] == [False, False, True, False]
    assert made[2].fan_out_failures == 1


def test_fanning_out_together_skips_a_notice_claimed_elsewhere(components):
    subscribe("a@example.com")
    due = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    with time_machine.travel(due - timedelta(hours=1), tick=False):
        first, second, cancelled = (notice(k, due_at=due) for k in ("c1", "c2", "c3"))
        outbox.cancel_notice(cancelled)
    with time_machine.travel(due, tick=False):
        assert outbox.fan_out(first) == 1  # another worker got there first
        found = outbox.recipients(second)
        with CaptureQueriesContext(connection) as queries:
            assert outbox.fan_out_together([first, second, cancelled], found) == 1
    claims = [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(claims) == 1  # one claim for all three
    assert Delivery.objects.filter(notice=first).count() == 1  # not written twice
    assert Delivery.objects.filter(notice=second).count() == 1
    assert not Delivery.objects.filter(notice=cancelled).exists()
    cancelled.refresh_from_db()
    assert cancelled.fanned_out_at is not None  # claimed, so never looked at again


def test_fanning_out_a_cancelled_notice_alone_writes_nothing(components):
    subscribe("a@example.com")
    due = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    with time_machine.travel(due - timedelta(hours=1), tick=False):
        cancelled = notice("c", due_at=due)
        outbox.cancel_notice(cancelled)
    with time_machine.travel(due, tick=False):
        assert outbox.fan_out(cancelled) == 0
        assert outbox.fan_out(cancelled) == 0
    assert not Delivery.objects.filter(notice=cancelled).exists()
    cancelled.refresh_from_db()
    assert cancelled.fanned_out_at == due
