"""The outbox (docs/product.md S6): queue a notice, fan it out to one row per recipient,
cancel, close.

Every notice to every recipient is a ``Delivery`` row, written in the same
transaction as the event that caused it (``queue_notice`` is called inside
that transaction).  The unique key (notice, channel, address) makes a second
row for the same recipient impossible.  Workers claim the rows and record
their outcomes (``claims.py``), sending them on parallel connections
(``sender.py``); when a notice's rows are all done, ``notice.delivered`` is
appended to the record with the counts.
"""

import logging
import os
import secrets
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.utils import timezone

from forewarn import mailboxes
from forewarn.catalog.models import AuthorizedContact, Component
from forewarn.delivery.models import (
    Audience,
    Channel,
    Delivery,
    DeliveryStatus,
    Notice,
    Subscriber,
)
from forewarn.delivery.tokens import notice_reply_token
from forewarn.record.kinds import Kind
from forewarn.record.services import append

logger = logging.getLogger(__name__)

PENDING = [DeliveryStatus.QUEUED, DeliveryStatus.RETRYING, DeliveryStatus.SENDING]
FINAL = [DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.SKIPPED]


# Tuning --------------------------------------------------------------------


@dataclass(frozen=True)
class Tuning:
    """Knobs from ``settings.FOREWARN_DELIVERY`` (a dict) or env ``FOREWARN_DELIVERY_<NAME>``."""

    threads: int = 8  # parallel connections per worker
    batch: int = 200  # rows per claim
    claim_seconds: float = 120.0  # a dead worker's claims are taken over after this
    retry_base_seconds: float = 60.0  # first retry after this, doubling
    retry_max_seconds: float = 6 * 3600.0
    max_attempts: int = 8
    max_age_seconds: float = 24 * 3600.0  # give up on a row queued longer ago than this
    round_seconds: float = 5.0  # one scheduler call sends for at most this long
    http_timeout: float = 5.0
    disable_after_failures: int = 10  # failed deliveries in a row disable a webhook
    disable_after_seconds: float = 24 * 3600.0  # … or failing for this long
    fan_out_batch: int = 2000

    @property
    def claim_ttl(self) -> timedelta:
        return timedelta(seconds=self.claim_seconds)


def tuning() -> Tuning:
    configured = getattr(settings, "FOREWARN_DELIVERY", {}) or {}
    values = {}
    for field in fields(Tuning):
        raw = os.environ.get(f"FOREWARN_DELIVERY_{field.name.upper()}")
        if raw is None:
            raw = configured.get(field.name, configured.get(field.name.upper()))
        if raw is not None:
            values[field.name] = type(field.default)(raw)
    return Tuning(**values)


def retry_delay(attempts: int, tune: Tuning) -> timedelta:
    """1 × base after the first failure, then doubling, capped."""
    seconds = tune.retry_base_seconds * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, tune.retry_max_seconds))


_WORKER = f"{socket.gethostname()[:30]}:{os.getpid()}:{secrets.token_hex(3)}"


def worker_name() -> str:
    return _WORKER


# Queueing and fan-out --------------------------------------------------------


def queue_notice(
    *,
    key: str,
    thread_key: str,
    kind: str,
    subject: str,
    body: str,
    audience: str = Audience.EVERYONE,
    components: Iterable = (),
    due_at: datetime | None = None,
    event_times: dict | None = None,
    ics: str = "",
    direct_addresses: Iterable[str] = (),
    direct_chat_webhooks: Iterable[str] = (),
    organizations: Iterable = (),
    created_by: str = "system",
) -> Notice:
    """Queue a notice once per ``key``; fan it out now when it is due. Call it inside the event's transaction.

    A DIRECT notice goes to ``direct_addresses`` (email) and ``direct_chat_webhooks``
    (Slack-compatible chat webhook URLs, e.g. a team's channel); both are kept in
    ``Notice.direct_addresses``, told apart by their form. ``organizations`` (or their ids)
    narrow the authorized contacts to those organizations'.

    Bad arguments raise ``ValidationError`` naming the argument, before anything is written.
    """
    return queue_notices([QueuedNotice(**locals())])[0]


@dataclass(frozen=True)
class QueuedNotice:
    """``queue_notice``'s arguments, for ``queue_notices``."""

    key: str
    thread_key: str
    kind: str
    subject: str
    body: str
    audience: str = Audience.EVERYONE
    components: Iterable = ()
    due_at: datetime | None = None
    event_times: dict | None = None
    ics: str = ""
    direct_addresses: Iterable[str] = ()
    direct_chat_webhooks: Iterable[str] = ()
    organizations: Iterable = ()
    created_by: str = "system"


def queue_notices(queued: list[QueuedNotice]) -> list[Notice]:
    """``queue_notice`` for many notices at once, one statement per step rather than per
    notice (support files a batch of mail together, each with its acknowledgement). The
    notices in the order given; a key queued before (or twice here) gives the notice it
    already has. Every argument is checked before anything is written."""
    now = timezone.now()
    found = {n.key: n for n in Notice.objects.filter(key__in={q.key for q in queued if q.key})}
    new: dict[str, tuple[Notice, list[int], list]] = {}
    for item in queued:
        if item.key not in found and item.key not in new:
            new[item.key] = _prepared(item, now)
    if new:
        # No savepoint of its own inside the caller's transaction (an error here fails the
        # event with it); the insert has one, to survive a race on a key.
        with transaction.atomic(savepoint=False):
            found |= _insert_new(list(new.values()), now)
    return [found[item.key] for item in queued]


def _prepared(item: QueuedNotice, now: datetime) -> tuple[Notice, list[int], list]:
    """The notice to insert, its component ids and organizations; ``ValidationError`` naming
    the argument that is wrong."""
    due_at = item.due_at or now
    if timezone.is_naive(due_at):
        raise ValidationError({"due_at": f"{due_at.isoformat()} must carry a time zone."})
    if item.audience not in Audience.values:
        raise ValidationError(
            {
                "audience": f"Unknown audience {item.audience!r}; "
                f"use one of {', '.join(Audience.values)}."
            }
        )
    direct = _clean_addresses(item.direct_addresses) + _clean_chat_webhooks(
        item.direct_chat_webhooks
    )
    if item.audience == Audience.DIRECT and not direct:
        raise ValidationError({"direct_addresses": "A direct notice needs at least one address."})
    missing = {
        name: f"A notice needs a {name}."
        for name, value in (
            ("key", item.key),
            ("thread_key", item.thread_key),
            ("subject", item.subject),
        )
        if not value
    }
    if missing:
        raise ValidationError(missing)
    notice = Notice(
        key=item.key,
        thread_key=item.thread_key,
        kind=item.kind,
        subject=item.subject,
        body=item.body,
        audience=item.audience,
        direct_addresses=direct,
        event_times=_clean_event_times(item.event_times or {}),
        ics=item.ics or "",
        due_at=due_at,
        created_at=now,
        created_by=item.created_by,
    )
    return notice, _component_ids(item.components), list(item.organizations or ())


def _insert_new(prepared: list[tuple[Notice, list[int], list]], now: datetime) -> dict:
    """Insert the prepared notices, give each its reply token, and fan out those due; {key:
    notice}. A key that someone else queued meanwhile gives theirs."""
    notices = [notice for notice, _, _ in prepared]
    try:
        with transaction.atomic():
            Notice.objects.bulk_create(notices)
    except IntegrityError:  # a key queued meanwhile: one at a time, each in its own savepoint
        if len(prepared) == 1:
            return {notices[0].key: Notice.objects.get(key=notices[0].key)}
        found = {}
        for one in prepared:
            one[0].pk = None
            found |= _insert_new([one], now)
        return found
    for notice, component_ids, organizations in prepared:
        if component_ids:
            notice.components.set(component_ids)
        organization_ids = [getattr(o, "pk", o) for o in organizations]
        if organization_ids:
            notice.organizations.set(organization_ids)
        notice.reply_to_ref = notice_reply_token(notice.pk)
    _set_reply_tokens(notices)
    due = [notice for notice in notices if notice.due_at <= now]
    if due:  # in this transaction, which is the claim's
        claimed = _claim(due, now)
        _write_fanned([(n, recipients(n)) for n in due if not claimed.get(n.pk, True)])
    return {notice.key: notice for notice in notices}


def _set_reply_tokens(notices: list[Notice]) -> None:
    """Write the notices' reply tokens in one statement on PostgreSQL (an UPDATE over arrays),
    one prepared statement run for each on SQLite, which has no round trips to save:
    ``bulk_update`` would build a CASE of every notice in Python, which costs more than the
    statement saves."""
    quote = connection.ops.quote_name
    meta = Notice._meta
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    column = quote(meta.get_field("reply_to_ref").column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} SET {column} = v.ref FROM unnest(%s::bigint[], %s::text[]) "
                f"AS v(id, ref) WHERE {table}.{pk} = v.id",
                [[n.pk for n in notices], [n.reply_to_ref for n in notices]],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET {column} = %s WHERE {pk} = %s",
                [(n.reply_to_ref, n.pk) for n in notices],
            )


def _clean_addresses(addresses: Iterable[str]) -> list[str]:
    cleaned = []
    for address in addresses or ():
        address = str(address).strip().lower()
        try:
            validate_email(address)
            address = mailboxes.canonical(address)
        except (ValidationError, ValueError):
            raise ValidationError(
                {"direct_addresses": f"{address!r} is not an email address."}
            ) from None
        if address not in cleaned:
            cleaned.append(address)
    return cleaned


def _clean_chat_webhooks(urls: Iterable[str]) -> list[str]:
    cleaned = []
    for url in urls or ():
        url = str(url).strip()
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise ValidationError(
                {"direct_chat_webhooks": f"{url!r} is not an http(s) URL."}
            ) from None
        if url not in cleaned:
            cleaned.append(url)
    return cleaned


def is_chat_webhook(direct_address: str) -> bool:
    """Whether an entry of ``Notice.direct_addresses`` is a chat webhook URL (else an email)."""
    return direct_address.startswith(("https://", "http://"))


def _clean_event_times(event_times: dict) -> dict:
    cleaned = {}
    for label, value in event_times.items():
        at = value if isinstance(value, datetime) else _parse_instant(label, value)
        if timezone.is_naive(at):
            raise ValidationError({"event_times": f"{label}: {value!r} must carry a time zone."})
        cleaned[str(label)] = at.astimezone(UTC).isoformat()
    return cleaned


def _parse_instant(label, value) -> datetime:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(
            {"event_times": f"{label}: {value!r} is not an ISO 8601 instant."}
        ) from None


def _component_ids(components: Iterable) -> list[int]:
    try:
        ids = [c.pk if isinstance(c, Component) else int(c) for c in components or ()]
    except (TypeError, ValueError):
        raise ValidationError({"components": "Give components or their ids."}) from None
    if not ids:
        return ids
    missing = set(ids) - set(Component.objects.filter(pk__in=ids).values_list("pk", flat=True))
    if missing:
        raise ValidationError({"components": f"Unknown component ids: {sorted(missing)}."})
    return ids


def _of_components(component_ids: list[int]) -> Q:
    """Subscribers of any of ``component_ids``, or of every component (none chosen): two
    subqueries on the subscription table (each read once, hashed), no join to de-duplicate."""
    chosen = Subscriber.components.through.objects.values("subscriber_id")
    return Q(pk__in=chosen.filter(component_id__in=component_ids)) | ~Q(pk__in=chosen)


def recipients(
    notice: Notice,
    component_ids: list[int] | None = None,
    organization_ids: list[int] | None = None,
) -> dict[tuple[str, str], dict]:
    """Who the notice goes to: {(channel, address): row fields}; one entry per address and channel.

    ``component_ids`` and ``organization_ids`` are the notice's own, when the caller has read
    them already (``fan_out_due`` reads those of every due notice at once)."""
    if (
        component_ids is None and notice.audience != Audience.DIRECT
    ):  # a direct notice's are not read
        component_ids = list(notice.components.values_list("pk", flat=True))
    found: dict[tuple[str, str], dict] = {}
    if notice.audience in (Audience.PUBLIC, Audience.EVERYONE):
        subscribers = Subscriber.objects.filter(
            confirmed_at__isnull=False, unsubscribed_at__isnull=True, disabled_at__isnull=True
        )
        if component_ids:
            subscribers = subscribers.filter(_of_components(component_ids))
        for pk, channel, address, zone in subscribers.values_list(
            "pk", "channel", "address", "time_zone"
        ):
            address = mailboxes.comparable(address) if channel == Channel.EMAIL else address.strip()
            found[(channel, address)] = {"subscriber_id": pk, "time_zone": zone}
    if notice.audience in (Audience.CONTACTS, Audience.EVERYONE):
        contacts = AuthorizedContact.objects.filter(is_active=True, receives_notices=True)
        if organization_ids is None:
            organization_ids = list(notice.organizations.values_list("pk", flat=True))
        if organization_ids:
            contacts = contacts.filter(organization_id__in=organization_ids)
        if component_ids:
            contacts = contacts.filter(organization__components__in=component_ids).distinct()
        for pk, address, zone, region_zone in contacts.values_list(
            "pk", "email", "time_zone", "organization__region__time_zone"
        ):
            row = found.setdefault((Channel.EMAIL, mailboxes.comparable(address)), {})
            row.setdefault("contact_id", pk)
            row.setdefault("time_zone", zone or region_zone or "")
    if notice.audience == Audience.STATUSPAGE_WEBHOOKS:
        webhooks = Subscriber.statuspage_webhooks()
        if component_ids:
            webhooks = webhooks.filter(
                Q(components__isnull=True) | Q(components__in=component_ids)
            ).distinct()
        for pk, address in webhooks.values_list("pk", "address"):
            found[(Channel.WEBHOOK, address.strip())] = {"subscriber_id": pk, "time_zone": ""}
    if notice.audience == Audience.DIRECT:
        for address in notice.direct_addresses:
            if is_chat_webhook(address):
                found.setdefault((Channel.CHAT, address), {"time_zone": ""})
            else:
                found.setdefault((Channel.EMAIL, mailboxes.comparable(address)), {"time_zone": ""})
    return found


# Told, inside fan_out's transaction, when a notice reaches the authorized contacts of
# organizations: (notice, organization ids). Support opens one request per organization for
# it, into which replies thread (seed 003); it registers itself in its AppConfig.ready().
CONTACT_NOTICE_HOOKS: list[Callable[[Notice, list[int]], None]] = []


def on_contact_notice(hook: Callable[[Notice, list[int]], None]):
    """Register ``hook`` to run for every notice fanned out to organizations' contacts."""
    if hook not in CONTACT_NOTICE_HOOKS:
        CONTACT_NOTICE_HOOKS.append(hook)
    return hook


def _tell_contact_hooks(notice: Notice, found: dict) -> None:
    contact_ids = [row["contact_id"] for row in found.values() if row.get("contact_id")]
    if not contact_ids or not CONTACT_NOTICE_HOOKS:
        return
    organizations = sorted(
        set(
            AuthorizedContact.objects.filter(pk__in=contact_ids).values_list(
                "organization_id", flat=True
            )
        )
    )
    for hook in CONTACT_NOTICE_HOOKS:
        hook(notice, organizations)


def fan_out(notice: Notice, found: dict | None = None) -> int:
    """Write the notice's delivery rows, exactly once (the conditional UPDATE is the claim).

    ``found``: its recipients, when the caller has read them (``fan_out_due``, once for every
    due notice with the same audience)."""
    if found is None:
        with transaction.atomic():
            return _claim_and_write(notice, timezone.now())
    return fan_out_together([notice], found)


def _claim_and_write(notice: Notice, now: datetime) -> int:
    """Claim ``notice`` and write its rows, inside the caller's transaction; the recipients
    are read once it is claimed. 0 when it was claimed elsewhere, or cancelled."""
    claimed = _claim([notice], now)
    if claimed.get(notice.pk, True):
        return 0
    return _write_claimed([notice], claimed, recipients(notice))


def fan_out_together(notices: list[Notice], found: dict) -> int:
    """Fan out ``notices``, which share the recipients ``found``, in one transaction: one
    conditional UPDATE claims them all, and each claimed notice's rows are written in the
    same transaction, so a claim never commits without its rows (nor rows without their
    claim). A notice another worker claimed first is left out. Returns rows written."""
    with transaction.atomic():
        claimed = _claim(notices, timezone.now())
        return _write_claimed(notices, claimed, found)


def _claim(notices: list[Notice], now: datetime) -> dict[int, bool]:
    """``UPDATE … SET fanned_out_at = now WHERE fanned_out_at IS NULL … RETURNING``: the claim
    of each notice still unclaimed, with whether it was cancelled meanwhile (a cancelled
    notice is claimed too, and gets no rows). {notice id: cancelled}."""
    quote = connection.ops.quote_name
    meta = Notice._meta
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    fanned = quote(meta.get_field("fanned_out_at").column)
    cancelled = quote(meta.get_field("cancelled_at").column)
    stamp = meta.get_field("fanned_out_at").get_db_prep_save(now, connection)
    ids = [n.pk for n in notices]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {fanned} = %s WHERE {pk} IN ({', '.join(['%s'] * len(ids))}) "
            f"AND {fanned} IS NULL RETURNING {pk}, {cancelled}",
            [stamp, *ids],
        )
        claimed = {row[0]: row[1] is not None for row in cursor.fetchall()}
    for notice in notices:
        if notice.pk in claimed:
            notice.fanned_out_at = now
    return claimed


def _write_claimed(notices: list[Notice], claimed: dict[int, bool], found: dict) -> int:
    """The delivery rows of each claimed, uncancelled notice (inside the claim's transaction)."""
    return _write_fanned([(n, found) for n in notices if not claimed.get(n.pk, True)])


def _write_fanned(fanned: list[tuple[Notice, dict]]) -> int:
    """The delivery rows of notices claimed together (one ``_claim``), each with its
    recipients, in as few statements as ``fan_out_batch`` allows; returns rows written."""
    if not fanned:
        return 0
    now = fanned[0][0].fanned_out_at  # one claim stamps them alike
    _insert_deliveries(fanned, now, tuning().fan_out_batch)
    for notice, found in fanned:
        _record_if_late(notice, now, len(found))
        _tell_contact_hooks(notice, found)
    return sum(len(found) for _, found in fanned)


def _record_if_late(notice: Notice, now: datetime, count: int) -> None:
    """A notice fanned out after its due time (the worker was down) goes out once, late, and
    the record keeps by how much (``FOREWARN_NOTICE_LATE_AFTER_SECONDS``, default 60)."""
    late_after = timedelta(seconds=getattr(settings, "FOREWARN_NOTICE_LATE_AFTER_SECONDS", 60))
    delay = now - notice.due_at
    if delay <= late_after:
        return
    seconds = int(delay.total_seconds())
    append(
        Kind.NOTICE_LATE,
        subject=notice,
        actor="system",
        description=f"{notice.subject}: due {notice.due_at.isoformat()}, went out {seconds} s late "
        f"to {count} recipient(s).",
        details={
            "key": notice.key,
            "due_at": notice.due_at.isoformat(),
            "fanned_out_at": now.isoformat(),
            "delay_seconds": seconds,
            "recipients": count,
        },
        at=now,
    )


_VARYING = ("notice_id", "channel", "address", "subscriber_id", "contact_id", "time_zone")


def _insert_deliveries(fanned: list[tuple[Notice, dict]], now: datetime, batch: int) -> None:
    """INSERT … ON CONFLICT DO NOTHING in batches: the unique key stays the guard.

    The constant columns come from one model instance (so field defaults apply);
    only the notice's and the recipient's columns vary.  About 20 times cheaper than
    ``bulk_create`` for 100,000 rows.  On PostgreSQL each batch is one statement over arrays
    of the varying columns (``unnest``): executemany would run one INSERT per row.
    """
    template = Delivery(next_attempt_at=now, queued_at=now)
    fields = [f for f in Delivery._meta.concrete_fields if not f.primary_key]
    constant = [f.get_db_prep_save(getattr(template, f.attname), connection) for f in fields]
    varying = [next(i for i, f in enumerate(fields) if f.attname == name) for name in _VARYING]
    rows = [
        (
            notice.pk,
            channel,
            address,
            row.get("subscriber_id"),
            row.get("contact_id"),
            row.get("time_zone") or "",
        )
        for notice, found in fanned
        for (channel, address), row in found.items()
    ]
    quote = connection.ops.quote_name
    head = (
        f"INSERT INTO {quote(Delivery._meta.db_table)} "
        f"({', '.join(quote(f.column) for f in fields)}) "
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            if connection.vendor == "postgresql":
                sql, params = _unnest_insert(head, fields, constant, varying, chunk)
                cursor.execute(sql, params)
            else:
                cursor.executemany(
                    f"{head}VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT DO NOTHING",
                    [_full_row(constant, varying, row) for row in chunk],
                )


def _full_row(constant: list, varying: list[int], row: tuple) -> list:
    values = list(constant)
    for index, value in zip(varying, row, strict=True):
        values[index] = value
    return values


def _unnest_insert(head: str, fields, constant: list, varying: list[int], chunk: list[tuple]):
    """One INSERT … SELECT for a batch: constants once, the varying columns as typed arrays."""
    names = {index: f"v{n}" for n, index in enumerate(varying)}
    select, params = [], []
    for index, field in enumerate(fields):
        if index in names:
            select.append(names[index])
        else:
            select.append(f"%s::{field.db_type(connection)}")
            params.append(constant[index])
    arrays = [f"%s::{fields[index].db_type(connection)}[]" for index in varying]
    params += [list(column) for column in zip(*chunk, strict=True)]
    sql = (
        f"{head}SELECT {', '.join(select)} FROM unnest({', '.join(arrays)}) "
        f"AS v({', '.join(names.values())}) ON CONFLICT DO NOTHING"
    )
    return sql, params


FAN_OUT_RETRY_FIRST = timedelta(seconds=30)
FAN_OUT_RETRY_MAX = timedelta(hours=1)


def fan_out_due(limit: int = 20) -> int:
    """Fan out notices whose time has come (scheduler job); returns rows written.

    The recipients are read once per audience, not once per notice: the reminders of many
    works on the same components, due at the same tick, share one read of the subscribers
    (``audiences``), and are claimed and written together, in one transaction while their
    rows stay under ``fan_out_batch`` (``fan_out_together``): each notice's claim still
    commits with its own rows, or neither does.

    A notice whose fan-out raises is rolled back whole, logged, and tried again after a
    back-off (30 s, doubling, at most an hour), while the notices after it go on: one bad notice
    never blocks the queue. It stays due, so ``notices late`` on ``/metrics`` shows it. When the
    database itself fails (``_database_unavailable``) the job fails as before and the next tick
    tries again: nobody backs off for an outage.
    """
    written = 0
    now = timezone.now()
    due = list(
        Notice.objects.filter(
            fanned_out_at__isnull=True, cancelled_at__isnull=True, due_at__lte=now
        )
        .filter(Q(fan_out_retry_at__isnull=True) | Q(fan_out_retry_at__lte=now))
        .order_by("due_at", "pk")[:limit]
    )
    groups: dict[tuple, list[Notice]] = {}
    for notice, audience in zip(due, audiences(due), strict=True):
        groups.setdefault(audience, []).append(notice)
    batch = tuning().fan_out_batch
    for audience, members in groups.items():
        try:
            found = recipients(members[0], list(audience[1]), list(audience[2]))
        except Exception:
            found = None  # each notice of the group tries (and fails) on its own below
        # Several notices per transaction only while their rows stay few: one commit for the
        # reminders of many works on the same components, not one each.
        size = max(1, batch // max(1, len(found or ())))
        for start in range(0, len(members), size):
            chunk = members[start : start + size]
            if found is not None and len(chunk) > 1:
                try:
                    written += fan_out_together(chunk, found)
                    continue
                except Exception as error:  # rolled back whole; find the bad one alone
                    if _database_unavailable(error):
                        raise
                    logger.warning("fanning out %d notices together failed", len(chunk))
            for notice in chunk:
                try:
                    written += fan_out(notice, _recipients_of(notice, audience, found)) or 0
                except Exception as error:  # any failure: it must not block the ones after it
                    if _database_unavailable(error):
                        raise
                    _fan_out_failed(notice, error, now)
    return written


def _database_unavailable(error: Exception) -> bool:
    """The database itself failed (down, restarting, locked): no notice is to blame, so none
    backs off; the job fails and the scheduler's next tick tries them all again."""
    return isinstance(error, (OperationalError, InterfaceError))


def _recipients_of(notice: Notice, audience: tuple, found: dict | None) -> dict:
    if found is not None:
        return found
    return recipients(notice, list(audience[1]), list(audience[2]))


def _fan_out_failed(notice: Notice, error: Exception, now: datetime) -> None:
    failures = notice.fan_out_failures + 1
    wait = min(FAN_OUT_RETRY_FIRST * 2 ** (failures - 1), FAN_OUT_RETRY_MAX)
    logger.exception(
        "fanning out notice %s (%s) failed (%d time(s)); trying again in %d s",
        notice.pk,
        notice.key,
        failures,
        wait.total_seconds(),
    )
    Notice.objects.filter(pk=notice.pk, fanned_out_at__isnull=True).update(
        fan_out_failures=failures,
        fan_out_retry_at=now + wait,
        fan_out_error=f"{type(error).__name__}: {error}"[:2000],
    )


def audiences(notices: list[Notice]) -> list[tuple]:
    """For each notice, what decides its recipients: (audience, component ids, organization
    ids, direct addresses); two queries for all of them. Equal tuples: the same recipients."""
    ids = [n.pk for n in notices]
    components: dict[int, set[int]] = {pk: set() for pk in ids}
    organizations: dict[int, set[int]] = {pk: set() for pk in ids}
    for notice_id, component_id in Notice.components.through.objects.filter(
        notice_id__in=ids
    ).values_list("notice_id", "component_id"):
        components[notice_id].add(component_id)
    for notice_id, organization_id in Notice.organizations.through.objects.filter(
        notice_id__in=ids
    ).values_list("notice_id", "organization_id"):
        organizations[notice_id].add(organization_id)
    return [
        (
            n.audience,
            tuple(sorted(components[n.pk])),
            tuple(sorted(organizations[n.pk])),
            tuple(n.direct_addresses or ()),
        )
        for n in notices
    ]


def cancel_notice(notice: Notice, *, actor: str = "system", reason: str = "") -> int:
    """Cancel a notice: its unsent deliveries become skipped. Returns how many were skipped."""
    now = timezone.now()
    with transaction.atomic():
        Notice.objects.filter(pk=notice.pk, cancelled_at__isnull=True).update(cancelled_at=now)
        notice.refresh_from_db(fields=["cancelled_at"])
        skipped = Delivery.objects.filter(
            Q(status__in=[DeliveryStatus.QUEUED, DeliveryStatus.RETRYING])
            | Q(status=DeliveryStatus.SENDING, next_attempt_at__lte=now),
            notice=notice,
        ).update(
            status=DeliveryStatus.SKIPPED,
            last_error=f"Notice cancelled{': ' + reason if reason else ''}.",
            claimed_by="",
            claim_expires_at=None,
        )
        append(
            Kind.NOTICE_CANCELLED,
            subject=notice,
            actor=actor,
            description=f"{notice.subject}: cancelled, {skipped} unsent deliveries skipped.",
            details={"key": notice.key, "skipped": skipped, "reason": reason},
        )
    return skipped


# Completion ----------------------------------------------------------------


def complete_finished_notices(notice_ids: Iterable[int] | None = None) -> int:
    """Append ``notice.delivered`` once for each fanned-out notice whose deliveries are all done."""
    pending = Delivery.objects.filter(notice=OuterRef("pk"), status__in=PENDING)
    candidates = Notice.objects.filter(
        fanned_out_at__isnull=False, delivered_at__isnull=True
    ).exclude(Exists(pending))
    if notice_ids is not None:
        candidates = candidates.filter(pk__in=list(notice_ids))
    done = 0
    for notice in candidates.order_by("pk")[:100]:
        now = timezone.now()
        with transaction.atomic():
            if not Notice.objects.filter(pk=notice.pk, delivered_at__isnull=True).update(
                delivered_at=now
            ):
                continue
            counts = {
                row["status"]: row["n"]
                for row in Delivery.objects.filter(notice=notice)
                .order_by()
                .values("status")
                .annotate(n=Count("id"))
            }
            span = Delivery.objects.filter(notice=notice, status=DeliveryStatus.SENT).aggregate(
                first=Min("sent_at"), last=Max("sent_at")
            )
            details = {
                "key": notice.key,
                "total": sum(counts.values()),
                "sent": counts.get(DeliveryStatus.SENT, 0),
                "failed": counts.get(DeliveryStatus.FAILED, 0),
                "skipped": counts.get(DeliveryStatus.SKIPPED, 0),
                "first_sent_at": span["first"].isoformat() if span["first"] else None,
                "last_sent_at": span["last"].isoformat() if span["last"] else None,
            }
            append(
                Kind.NOTICE_DELIVERED,
                subject=notice,
                actor="system",
                description=(
                    f"{notice.subject}: sent {details['sent']} of {details['total']}"
                    f" ({details['failed']} failed, {details['skipped']} skipped)."
                ),
                details=details,
                at=now,
            )
        done += 1
    return done
