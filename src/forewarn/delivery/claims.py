"""Claiming due delivery rows and recording their outcomes; safe with any number of workers.

A row is due when its status is queued, retrying or sending and its
``next_attempt_at`` has passed.  Claiming sets status ``sending`` and
``next_attempt_at = claim_expires_at = now + claim TTL``: a row claimed by a
worker that died becomes due again by itself when the claim expires, and the
next claim writes an ``unknown`` attempt for it.

* PostgreSQL: the candidates are read ``FOR UPDATE SKIP LOCKED``, so workers
  on several machines take disjoint rows without waiting for each other.
* SQLite: one writer at a time (``BEGIN IMMEDIATE``); the conditional UPDATE,
  which repeats the due condition, is the claim.

Either way the UPDATE repeats the due condition, the rows are read back by a
claim token unique to this call, and only those are sent.

Outcomes are recorded in one short transaction per group (the hot path, sent
rows, in one raw UPDATE and one multi-row INSERT of attempts).
"""

import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from forewarn.delivery import emails
from forewarn.delivery.models import (
    AttemptOutcome,
    Channel,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
)
from forewarn.delivery.outbox import PENDING, retry_delay, tuning, worker_name
from forewarn.delivery.webhook_health import note_results

SKIPPED = "skipped"
_CHUNK = 500  # ids per statement, well under every database's parameter limit


@dataclass(frozen=True, slots=True)
class Claimed:
    """A claimed delivery with what sending it needs."""

    id: int
    notice_id: int
    channel: str
    address: str
    time_zone: str
    attempts: int
    queued_at: datetime
    subscriber: emails.SubscriberRef | None
    contact_id: int | None
    gone: str  # why the recipient is gone (skip it), or ""


_CLAIM_FIELDS = (
    "id",
    "notice_id",
    "channel",
    "address",
    "time_zone",
    "attempts",
    "queued_at",
    "subscriber_id",
    "subscriber__channel",
    "subscriber__address",
    "subscriber__secret",
    "subscriber__payload_format",
    "subscriber__unsubscribed_at",
    "subscriber__disabled_at",
    "contact_id",
    "contact__is_active",
    "contact__receives_notices",
)


def claim(limit: int, *, exclude_channels: Iterable[str] = ()) -> list[Claimed]:
    """Claim up to ``limit`` due rows for this worker."""
    tune = tuning()
    now = timezone.now()
    token = f"{worker_name()}:{secrets.token_hex(4)}"
    due = Q(status__in=PENDING, next_attempt_at__lte=now)
    with transaction.atomic():
        candidates = Delivery.objects.filter(due)
        if exclude_channels:
            candidates = candidates.exclude(channel__in=list(exclude_channels))
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        picked = list(
            candidates.order_by("next_attempt_at", "id").values_list("id", "status", "claimed_by")[
                :limit
            ]
        )
        if not picked:
            return []
        ids = [pk for pk, _, _ in picked]
        expires = now + tune.claim_ttl
        count = Delivery.objects.filter(due, pk__in=ids).update(
            status=DeliveryStatus.SENDING,
            claimed_by=token,
            claim_expires_at=expires,
            next_attempt_at=expires,
            attempts=F("attempts") + 1,
            last_tried_at=now,
        )
        if count == 0:
            return []
        rows = list(
            Delivery.objects.filter(pk__in=ids, claimed_by=token)
            .order_by("id")
            .values_list(*_CLAIM_FIELDS)
        )
        abandoned = [
            DeliveryAttempt(
                delivery_id=pk,
                at=now,
                worker=worker_name(),
                outcome=AttemptOutcome.UNKNOWN,
                detail=f"The claim of {claimer or 'a worker'} expired before it recorded an outcome; sending again.",
            )
            for pk, status, claimer in picked
            if status == DeliveryStatus.SENDING
        ]
        if abandoned:
            DeliveryAttempt.objects.bulk_create(abandoned)
    return [_claimed(row) for row in rows]


def _claimed(row) -> Claimed:
    (pk, notice_id, channel, address, zone, attempts, queued_at, sub_id, sub_channel, sub_address,
     secret, payload_format, unsubscribed_at, disabled_at, contact_id, contact_active,
     contact_receives) = row  # fmt: skip
    gone = ""
    if sub_id and unsubscribed_at:
        gone = "The subscriber unsubscribed before sending."
    elif sub_id and disabled_at:
        gone = "The subscriber was disabled before sending."
    elif contact_id and not sub_id and not (contact_active and contact_receives):
        gone = "The contact no longer receives notices."
    subscriber = (
        emails.SubscriberRef(sub_id, sub_channel, sub_address, secret, payload_format)
        if sub_id
        else None
    )
    return Claimed(
        pk, notice_id, channel, address, zone, attempts, queued_at, subscriber, contact_id, gone
    )


# Recording -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one claimed delivery."""

    delivery_id: int
    status: str  # an AttemptOutcome, or SKIPPED
    detail: str = ""
    attempts: int = 1
    queued_at: datetime | None = None
    subscriber_id: int | None = None
    channel: str = Channel.EMAIL
    thread_message_id: str = ""  # the shared Message-ID of a thread's first notice, if it is one


def record_outcomes(outcomes: list[Outcome]) -> int:
    """Record outcomes in one transaction; returns how many were recorded.

    Sent: status sent, Message-ID kept.  Transient: retrying after
    ``retry_delay`` — or failed once ``max_attempts`` or ``max_age`` is reached.
    Permanent: failed.  Deferred (service unreachable): retrying without
    counting the attempt.  Skipped: the recipient went away.
    """
    if not outcomes:
        return 0
    tune = tuning()
    now = timezone.now()
    max_age = timedelta(seconds=tune.max_age_seconds)
    groups: dict[tuple, list[int]] = defaultdict(list)
    attempts = []
    ended_failed, failed_attempts, succeeded = [], [], []
    for o in outcomes:
        watched = bool(o.subscriber_id) and o.channel != Channel.EMAIL  # webhook health
        if o.status == SKIPPED:
            groups[(SKIPPED, o.detail)].append(o.delivery_id)
            continue
        attempts.append((o.delivery_id, o.status, o.detail))
        if o.status == AttemptOutcome.SENT:
            groups[(AttemptOutcome.SENT, o.thread_message_id)].append(o.delivery_id)
            if watched:
                succeeded.append(o.subscriber_id)
            continue
        too_old = o.queued_at is not None and now - o.queued_at >= max_age
        if o.status == AttemptOutcome.DEFERRED:
            if too_old:
                detail = f"Gave up after {tune.max_age_seconds / 3600:g} h: {o.detail}"
                groups[(AttemptOutcome.PERMANENT, detail)].append(o.delivery_id)
            else:
                groups[(AttemptOutcome.DEFERRED, o.detail)].append(o.delivery_id)
            continue
        if o.status == AttemptOutcome.PERMANENT:
            groups[(AttemptOutcome.PERMANENT, o.detail)].append(o.delivery_id)
        elif o.attempts >= tune.max_attempts or too_old:
            detail = f"Gave up after {o.attempts} attempts: {o.detail}"
            groups[(AttemptOutcome.PERMANENT, detail)].append(o.delivery_id)
        else:
            groups[(AttemptOutcome.TRANSIENT, o.detail, o.attempts)].append(o.delivery_id)
            if watched:
                failed_attempts.append(o.subscriber_id)
            continue
        if watched:
            failed_attempts.append(o.subscriber_id)
            ended_failed.append(o.subscriber_id)
    with transaction.atomic():
        for group, ids in groups.items():
            _apply(group, ids, now, tune)
        _insert_attempts(attempts, now)
        if succeeded or failed_attempts:
            note_results(
                succeeded=succeeded,
                failed_attempts=failed_attempts,
                ended_failed=ended_failed,
                now=now,
            )
    return len(outcomes)


def _apply(group: tuple, ids: list[int], now: datetime, tune) -> None:
    kind = group[0]
    if kind == AttemptOutcome.SENT:
        _mark_sent(ids, now, thread_message_id=group[1])
        return
    rows = Delivery.objects.filter(pk__in=ids)
    release = {"claimed_by": "", "claim_expires_at": None}
    if kind == SKIPPED:
        rows.update(
            status=DeliveryStatus.SKIPPED,
            last_error=group[1],
            attempts=F("attempts") - 1,
            **release,
        )
    elif kind == AttemptOutcome.DEFERRED:
        rows.update(
            status=DeliveryStatus.RETRYING,
            attempts=F("attempts") - 1,
            next_attempt_at=now + timedelta(seconds=tune.retry_base_seconds),
            last_error=group[1],
            **release,
        )
    elif kind == AttemptOutcome.PERMANENT:
        rows.update(status=DeliveryStatus.FAILED, failed_at=now, last_error=group[1], **release)
    else:
        rows.update(
            status=DeliveryStatus.RETRYING,
            next_attempt_at=now + retry_delay(group[2], tune),
            last_error=group[1],
            **release,
        )


def _mark_sent(ids: list[int], now: datetime, *, thread_message_id: str) -> None:
    """One UPDATE per chunk: the hot path, so plain SQL rather than the ORM's compiler."""
    table = connection.ops.quote_name(Delivery._meta.db_table)
    if thread_message_id:
        message_id_sql, message_id_params = "%s", [thread_message_id]
    else:  # <d{id}.{site}@{domain}>, as emails.delivery_message_id
        message_id_sql = "%s || CAST(id AS VARCHAR(20)) || %s"
        message_id_params = list(emails.delivery_message_id_parts())
    sent_at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            cursor.execute(
                f"UPDATE {table} SET status = %s, sent_at = %s, last_error = '', "
                f"message_id = {message_id_sql}, claimed_by = '', claim_expires_at = NULL "
                f"WHERE id IN ({', '.join(['%s'] * len(chunk))})",
                [DeliveryStatus.SENT, sent_at, *message_id_params, *chunk],
            )


def _insert_attempts(attempts: list[tuple[int, str, str]], now: datetime) -> None:
    """One multi-row INSERT per chunk of DeliveryAttempt rows."""
    if not attempts:
        return
    table = connection.ops.quote_name(DeliveryAttempt._meta.db_table)
    at = connection.ops.adapt_datetimefield_value(now)
    worker = worker_name()
    with connection.cursor() as cursor:
        for start in range(0, len(attempts), _CHUNK):
            chunk = attempts[start : start + _CHUNK]
            params = []
            for delivery_id, outcome, detail in chunk:
                params += [delivery_id, at, worker, outcome, detail]
            cursor.execute(
                f"INSERT INTO {table} (delivery_id, at, worker, outcome, detail) VALUES "
                + ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk)),
                params,
            )
