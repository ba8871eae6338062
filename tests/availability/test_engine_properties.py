"""Properties of the availability engine, checked against a minute-by-minute reference.

The reference reads S8 directly: excluded time (recorded exclusions, a component's own time
under maintenance, beta) counts once, under the first reason, and a component with a contract
only takes the exclusions whose reason it honours.
"""

import dataclasses
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forewarn.availability.engine import (
    REASONS,
    STATUSES,
    ComponentSpec,
    Exclusion,
    Period,
    StatusInterval,
    availability_table,
    daily_availability,
    status_weights,
)
from forewarn.availability.reasons import maintenance_reason, planned_reasons

AMS = ZoneInfo("Europe/Amsterdam")
T0 = datetime(2026, 1, 5, tzinfo=AMS)
MINUTES = 240
PERIOD = Period(T0, T0 + timedelta(minutes=MINUTES))
PLAIN = ("a", "b", "c")


def minute(m: int) -> datetime:
    return T0 + timedelta(minutes=m)


# What set a status: nothing, planned work (whose exclusion may name its reason) or a ticket.
REFS = (None, "planned:1", "planned:2", "CHG-3")
intervals = st.lists(
    st.builds(
        lambda c, s, length, status, ref: StatusInterval(
            c, minute(s), None if length is None else minute(s + length), status, None, ref
        ),
        st.sampled_from((*PLAIN, "g")),
        st.integers(-30, MINUTES + 20),
        st.none() | st.integers(0, 120),
        st.sampled_from(STATUSES),
        st.sampled_from(REFS),
    ),
    max_size=14,
)
exclusions = st.lists(
    st.builds(
        lambda s, length, reason, ids, ref: Exclusion(
            minute(s), minute(s + length), reason, ids, ref
        ),
        st.integers(-30, MINUTES + 20),
        st.integers(0, 90),
        st.sampled_from(REASONS[1:]),
        st.none() | st.lists(st.sampled_from((*PLAIN, "g")), min_size=1, max_size=2),
        st.sampled_from(REFS),
    ),
    max_size=5,
)
# A third-party contract honours only some reasons (None: every reason); "a" and "g" carry it.
honoured = st.none() | st.frozensets(st.sampled_from(REASONS[1:]), max_size=3)
catalogs = st.builds(
    lambda k, weight, degraded, beta, contract: (
        [
            ComponentSpec(
                c,
                partial_weight=weight,
                unavailable_statuses={"major_outage", "degraded_performance"} if degraded else None,
                is_beta=c == beta,
                honoured_reasons=contract if c == "a" else None,
            )
            for c in PLAIN
        ]
        + [
            ComponentSpec(
                "g",
                members=PLAIN,
                min_available=k,
                partial_weight=weight,
                unavailable_statuses={"major_outage", "degraded_performance"} if degraded else None,
                honoured_reasons=contract,
            )
        ]
    ),
    st.integers(1, 3),
    st.sampled_from((0.0, 0.25, 0.5, 1.0)),
    st.booleans(),
    st.sampled_from((None, None, None, "b", "g")),
    honoured,
)
nows = st.none() | st.integers(0, MINUTES + 30)


def reference(specs, rows, excl, now):
    """Each component's (total, excluded by reason, unavailable) in minutes, minute by minute."""
    end = MINUTES if now is None else min(MINUTES, now)
    by_id = {spec.id: spec for spec in specs}

    def weight_at(component_id, t, weights):
        covering = [
            weights[STATUSES.index(r.status)]
            for r in rows
            if r.component_id == component_id
            and r.start <= minute(t)
            and (r.end is None or minute(t) < r.end)
        ]
        return max(covering, default=0.0)

    def maintenance(ref):
        # Planned work: the reason its own exclusion gives (the first, if several), else
        # scheduled maintenance; set by hand or by anything else: emergency maintenance.
        if ref is None or not ref.startswith("planned:"):
            return "emergency_maintenance"
        named = [x.reason for x in excl if x.ref == ref]
        return min(named, key=REASONS.index, default="scheduled_maintenance")

    figures = {}
    for spec in specs:
        weights = status_weights(spec)
        by_reason, unavailable = dict.fromkeys(REASONS, 0), 0.0
        for t in range(end):
            reasons = [
                x.reason
                for x in excl
                if (x.component_ids is None or spec.id in x.component_ids)
                and x.start <= minute(t) < x.end
            ]
            reasons += [
                maintenance(r.cause_ref)
                for r in rows
                if r.component_id == spec.id
                and r.status == "under_maintenance"
                and r.start <= minute(t)
                and (r.end is None or minute(t) < r.end)
            ]
            if spec.honoured_reasons is not None:
                reasons = [r for r in reasons if r in spec.honoured_reasons]
            reasons += ["beta"] if spec.is_beta else []
            if reasons:
                by_reason[min(reasons, key=REASONS.index)] += 1
                continue
            if spec.members:
                out = [weight_at(m, t, weights) for m in spec.members]
                need = len(spec.members) - spec.min_available + 1
                levels = [w for w in set(weights) if w > 0 and sum(o >= w for o in out) >= need]
                unavailable += max(levels, default=0.0)
            else:
                unavailable += weight_at(spec.id, t, weights)
        figures[spec.id] = (end, by_reason, unavailable)
    assert set(by_id) == set(figures)
    return figures


@settings(max_examples=300, deadline=None)
@given(catalogs, intervals, exclusions, nows)
def test_engine_matches_a_minute_by_minute_reference(specs, rows, excl, now):
    reports = availability_table(
        specs, rows, excl, PERIOD, now=None if now is None else minute(now)
    ).reports()
    for component_id, (total, by_reason, unavailable) in reference(specs, rows, excl, now).items():
        r = reports[component_id]
        assert r.total_minutes == total
        assert r.excluded_minutes_by_reason == by_reason
        assert r.unavailable_minutes == pytest.approx(unavailable, abs=1e-9)
        listed = sum(u.unavailable_minutes for u in r.unavailable_intervals)
        assert listed == pytest.approx(unavailable, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(catalogs, intervals, exclusions)
def test_unavailable_available_and_excluded_make_up_the_total(specs, rows, excl):
    for r in availability_table(specs, rows, excl, PERIOD).reports().values():
        available = r.total_minutes - r.excluded_minutes - r.unavailable_minutes
        assert available >= 0
        assert available + r.unavailable_minutes + r.excluded_minutes == r.total_minutes
        assert sum(r.excluded_minutes_by_reason.values()) == r.excluded_minutes
        assert r.availability_pct is None or 0 <= r.availability_pct <= 100


@settings(max_examples=200, deadline=None)
@given(catalogs, intervals, exclusions, st.randoms(use_true_random=False))
def test_repeating_or_reordering_the_input_changes_nothing(specs, rows, excl, random):
    # Union is idempotent and order-free: every interval twice, shuffled, gives the same table.
    once = availability_table(specs, rows, excl, PERIOD)
    twice_rows, twice_excl = rows * 2, excl * 2
    random.shuffle(twice_rows)
    random.shuffle(twice_excl)
    twice = availability_table(specs, twice_rows, twice_excl, PERIOD)
    np.testing.assert_array_equal(once.availability_pct(), twice.availability_pct())
    np.testing.assert_array_equal(
        once.measures.excluded_by_reason, twice.measures.excluded_by_reason
    )
    np.testing.assert_array_equal(once.measures.run_start, twice.measures.run_start)


@settings(max_examples=100, deadline=None)
@given(catalogs, intervals, exclusions)
def test_daily_bars_add_up_to_the_report(specs, rows, excl):
    # Moved (in real time: UTC arithmetic) to 29 March, so the 23-hour DST day is inside.
    def move(at):
        return at and at.astimezone(UTC) + (datetime(2026, 3, 29, tzinfo=AMS) - T0.astimezone(UTC))

    rows = [
        StatusInterval(r.component_id, move(r.start), move(r.end), r.status, None, r.cause_ref)
        for r in rows
    ]
    excl = [Exclusion(move(x.start), move(x.end), x.reason, x.component_ids, x.ref) for x in excl]
    period = Period(datetime(2026, 3, 28, tzinfo=AMS), datetime(2026, 4, 1, tzinfo=AMS))
    reports = availability_table(specs, rows, excl, period).reports()
    for spec in specs:
        bars = daily_availability(
            spec, rows, excl, tz=AMS, end_date=datetime(2026, 3, 31).date(), days=4
        )
        total = sum(b.unavailable_minutes for b in bars)
        assert total == pytest.approx(reports[spec.id].unavailable_minutes, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(catalogs, intervals, exclusions)
def test_an_exclusion_over_the_minutes_a_component_was_under_maintenance_adds_nothing(
    specs, rows, excl
):
    # Planned work excludes the time it held its components (ref planned:<id>) while their
    # status says under maintenance: the same minutes, from two sources, count once.
    planned = planned_reasons((x.ref, x.reason) for x in excl)
    mirrored = [
        Exclusion(
            r.start,
            r.end or minute(MINUTES + 200),
            maintenance_reason(r.cause_ref, planned),
            (r.component_id,),
            r.cause_ref,
        )
        for r in rows
        if r.status == "under_maintenance"
    ]
    once = availability_table(specs, rows, excl, PERIOD)
    twice = availability_table(specs, rows, excl + mirrored, PERIOD)
    np.testing.assert_array_equal(
        once.measures.excluded_by_reason, twice.measures.excluded_by_reason
    )
    np.testing.assert_array_equal(once.availability_pct(), twice.availability_pct())


@settings(max_examples=200, deadline=None)
@given(catalogs, intervals, exclusions, honoured)
def test_a_contract_honouring_fewer_reasons_excludes_less_and_counts_more_down(
    specs, rows, excl, contract
):
    every = [dataclasses.replace(spec, honoured_reasons=None) for spec in specs]
    fewer = [dataclasses.replace(spec, honoured_reasons=contract) for spec in specs]
    wide = availability_table(every, rows, excl, PERIOD).measures
    narrow = availability_table(fewer, rows, excl, PERIOD).measures
    assert (narrow.excluded <= wide.excluded).all()
    assert (narrow.unavailable >= wide.unavailable - 1e-9).all()
    if contract is not None:
        dropped = [i for i, r in enumerate(REASONS[1:], 1) if r not in contract]
        assert (narrow.excluded_by_reason[:, dropped] == 0).all()
