"""How points and rollups are written and read in bulk; ``services`` calls this, nothing else.

A batch of points goes in with one binary ``COPY`` on PostgreSQL (one multi-row ``INSERT``
on SQLite), and the batch's sums per 5-minute slot are added to the rollups with one
``INSERT … ON CONFLICT DO UPDATE`` (slots in order, so concurrent batches lock rollup rows in
the same order). When points are deleted, the rollups of the slots they were in are counted
again from the points that remain.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.conf import settings
from django.db import connection

from . import series as core
from .models import Metric, MetricPoint, MetricRollup

UPSERT_CHUNK = 500  # slots per statement (6 parameters each, under SQLite's limit)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def hold(metric: Metric) -> None:
    """Keep the metric from being deleted until this transaction ends (what a foreign key's
    check would do, once per batch instead of once per point); it must still exist."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {_q(Metric._meta.db_table)} WHERE id = %s FOR KEY SHARE",
                [metric.pk],
            )
            found = cursor.fetchone()
    else:  # SQLite: one writer at a time, the transaction is the lock
        found = Metric.objects.filter(pk=metric.pk).exists()
    if not found:
        raise Metric.DoesNotExist(f"Metric {metric.slug} was deleted.")


def relax_commit() -> None:
    """Let PostgreSQL acknowledge this batch before its WAL reaches the disk.

    A batch of points is measurements, not a promise: if PostgreSQL itself crashes within a
    fraction of a second after acknowledging it (``wal_writer_delay`` × 3), the batch can be
    lost, never half-stored, and the database stays consistent. Waiting for the disk doubled the
    time of a batch. Only when the points' transaction is the outermost one (so nothing else's
    commit is relaxed), and not with ``FOREWARN_METRICS_DURABLE = True``.
    """
    if (
        connection.vendor == "postgresql"
        and len(connection.atomic_blocks) == 1
        and not getattr(settings, "FOREWARN_METRICS_DURABLE", False)
    ):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def insert(metric_id: int, rows: Sequence[tuple[datetime, float, int]]) -> None:
    """Store the points and add them to their slots' rollups."""
    if connection.vendor == "postgresql":
        columns = ", ".join(_q(c) for c in ("metric_id", "at", "value", "count"))
        sql = f"COPY {_q(MetricPoint._meta.db_table)} ({columns}) FROM STDIN (FORMAT BINARY)"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            # psycopg 3's binary COPY: no SQL to parse per row.
            copy.set_types(["bigint", "timestamptz", "float8", "integer"])
            for at, value, count in rows:
                copy.write_row((metric_id, at, value, count))
    else:
        MetricPoint.objects.bulk_create(
            MetricPoint(metric_id=metric_id, at=at, value=value, count=count)
            for at, value, count in rows
        )
    add_to_rollups(metric_id, core.rollup(rows))


def add_to_rollups(metric_id: int, sums: dict[int, core.Sums]) -> None:
    if not sums:
        return
    table = _q(MetricRollup._meta.db_table)
    count = _q("count")
    least, greatest = ("LEAST", "GREATEST") if connection.vendor == "postgresql" else ("MIN", "MAX")
    slots = sorted(sums)
    with connection.cursor() as cursor:
        for first in range(0, len(slots), UPSERT_CHUNK):
            chunk = slots[first : first + UPSERT_CHUNK]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(chunk))
            params = [p for slot in chunk for p in (metric_id, slot, *sums[slot])]
            cursor.execute(
                f"INSERT INTO {table} (metric_id, slot, total, {count}, low, high) "
                f"VALUES {values} ON CONFLICT (metric_id, slot) DO UPDATE SET "
                f"total = {table}.total + EXCLUDED.total, "
                f"{count} = {table}.{count} + EXCLUDED.{count}, "
                f"low = {least}({table}.low, EXCLUDED.low), "
                f"high = {greatest}({table}.high, EXCLUDED.high)",
                params,
            )


def recount(metric_id: int, slots: Iterable[int]) -> None:
    """Count the rollups of ``slots`` again from the points left in them."""
    slots = set(slots)
    if not slots:
        return
    MetricRollup.objects.filter(metric_id=metric_id, slot__in=slots).delete()
    left = MetricPoint.objects.filter(
        metric_id=metric_id,
        at__gte=core.slot_start(min(slots)),
        at__lt=core.slot_start(max(slots) + 1),
    ).values_list("at", "value", "count")
    sums = core.rollup(left.iterator(chunk_size=5_000))
    add_to_rollups(metric_id, {s: v for s, v in sums.items() if s in slots})


def forget_before(metric_id: int, before: datetime) -> None:
    """Drop the rollups of slots wholly before ``before``; recount the slot it falls in."""
    edge = core.slot_of(before)
    MetricRollup.objects.filter(metric_id=metric_id, slot__lt=edge).delete()
    recount(metric_id, [edge])


def bucket_sums(metric_id: int, win: core.Window) -> list[tuple[int, float, int, float, float]]:
    """``(bucket index, total, count, low, high)`` of the buckets of ``win`` that have points,
    summed from the rollups in the database (integer arithmetic on slot numbers, the same on
    both databases): at most 180 rows come back, however many slots a month has."""
    first, after = core.slot_range(win)
    per_bucket = win.width // core.FINEST
    count = _q("count")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (slot - %s) / %s AS bucket, SUM(total), CAST(SUM({count}) AS BIGINT), MIN(low), MAX(high) "
            f"FROM {_q(MetricRollup._meta.db_table)} "
            "WHERE metric_id = %s AND slot >= %s AND slot < %s GROUP BY bucket",
            [first, per_bucket, metric_id, first, after],
        )
        return cursor.fetchall()
