"""The pure core of planned work: the life cycle's tables, windows from an RRULE across DST,
who a policy applies to, the invitation, and the keys of notices."""

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from forewarn.planned import ics, lifecycle, occurrences, scope, wording
from forewarn.planned.lifecycle import Move, PlannedState, TransitionError, check_move


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- life cycle ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "move", "target"),
    [
        ("draft", "publish", "scheduled"),
        ("scheduled", "start", "in_progress"),
        ("scheduled", "reschedule", "scheduled"),
        ("in_progress", "end", "verifying"),
        ("in_progress", "extend", "in_progress"),
        ("verifying", "complete", "completed"),
        ("verifying", "extend", "in_progress"),
        ("verifying", "cancel", "cancelled"),
    ],
)
def test_each_allowed_move_leads_where_the_table_says(state, move, target):
    assert check_move(state, move) is PlannedState(target)


def test_a_refused_move_says_what_is_allowed():
    with pytest.raises(
        TransitionError,
        match=r"A window that is scheduled allows start, reschedule, cancel; not complete\.",
    ):
        check_move("scheduled", "complete")


@given(st.lists(st.sampled_from(list(Move)), max_size=12))
def test_no_path_leaves_completed_or_cancelled(moves):
    state = PlannedState.DRAFT
    for move in moves:
        try:
            following = check_move(state, move)
        except TransitionError:
            continue
        assert not state.is_final, f"{state} → {following} by {move}"
        state = following


@pytest.mark.parametrize(
    ("current", "set_by_work", "before", "expected"),
    [
        ("under_maintenance", "under_maintenance", "operational", "operational"),
        ("degraded_performance", "under_maintenance", "operational", None),  # changed meanwhile
        ("operational", "operational", "operational", None),
    ],
)
def test_a_component_returns_unless_someone_changed_it(current, set_by_work, before, expected):
    assert lifecycle.restore_to(current, set_by_work, before) == expected


def test_completion_needs_every_component_operational():
    assert lifecycle.may_complete(["operational", "operational"])
    assert not lifecycle.may_complete(["operational", "degraded_performance"])


def test_the_work_follows_its_most_advanced_open_window():
    assert lifecycle.work_state(["completed", "in_progress", "scheduled"]) == "in_progress"
    assert lifecycle.work_state(["completed", "cancelled"]) == "completed"
    assert lifecycle.work_state(["cancelled"]) == "cancelled"
    assert lifecycle.work_state(["draft", "draft"]) == "draft"


# --- windows -------------------------------------------------------------------------------


def test_one_window_without_a_rule():
    assert occurrences.windows(utc(2027, 1, 1, 9), utc(2027, 1, 1, 10), "UTC") == [
        occurrences.Window(0, utc(2027, 1, 1, 9), utc(2027, 1, 1, 10))
    ]


def test_a_weekly_night_window_keeps_its_wall_clock_times_across_the_autumn_change():
    # Sundays 01:00–03:00 Amsterdam; on Sun 31 Oct 2027 02:00–03:00 happens twice.
    found = occurrences.windows(
        utc(2027, 10, 23, 23), utc(2027, 10, 24, 1), "Europe/Amsterdam", "FREQ=WEEKLY;COUNT=3"
    )
    assert [(w.start, w.end) for w in found] == [
        (utc(2027, 10, 23, 23), utc(2027, 10, 24, 1)),  # CEST
        (utc(2027, 10, 30, 23), utc(2027, 10, 31, 2)),  # 03:00 after the change: CET
        (utc(2027, 11, 7, 0), utc(2027, 11, 7, 2)),  # CET
    ]


@pytest.mark.parametrize(
    ("rule", "field", "message"),
    [
        ("FREQ=SOMETIMES", "rrule", "is not an RFC 5545 RRULE"),
        ("FREQ=MINUTELY;COUNT=2", "rrule", "at most daily"),
        ("FREQ=DAILY", "rrule", "more than 100 windows"),
        ("FREQ=DAILY;COUNT=2;UNTIL=20270101T000000", "rrule", "not an RFC 5545 RRULE"),
        ("DTSTART:20270101T000000Z", "rrule", "Give one RFC 5545 RRULE value"),
    ],
)
def test_a_bad_rule_names_the_field(rule, field, message):
    with pytest.raises(occurrences.OccurrenceError, match=message) as caught:
        occurrences.windows(utc(2027, 1, 1, 9), utc(2027, 1, 1, 10), "UTC", rule)
    assert caught.value.field == field


def test_a_daily_window_longer_than_a_day_overlaps_itself():
    with pytest.raises(occurrences.OccurrenceError, match="before it has ended"):
        occurrences.windows(utc(2027, 1, 1, 9), utc(2027, 1, 2, 10), "UTC", "FREQ=DAILY;COUNT=2")


def test_a_zone_that_is_not_iana_names_the_time_zone():
    with pytest.raises(occurrences.OccurrenceError) as caught:
        occurrences.windows(utc(2027, 1, 1, 9), utc(2027, 1, 1, 10), "Mars/Olympus")
    assert caught.value.field == "time_zone"


# --- who a policy applies to ------------------------------------------------------------------

SCOPES = {
    "seed-003": scope.Scope("seed-003", plans=frozenset({"Enterprise"}), fallback="seed-001"),
    "seed-001": scope.Scope("seed-001"),
    "vip": scope.Scope("vip", organizations=frozenset({"beta"}), fallback="seed-001"),
    "other": scope.Scope("other"),
}


@pytest.mark.parametrize(
    ("client", "policy", "expected"),
    [
        (scope.Client("acme", "enterprise"), "seed-003", "seed-003"),  # plan, any case
        (scope.Client("beta", "Basic"), "seed-003", "vip"),  # named: beats the work's own
        (scope.Client("gamma", "Basic"), "seed-003", "seed-001"),  # the fallback
        (scope.Client("acme", "Enterprise"), "seed-001", "seed-003"),  # limited ones around it
        (scope.Client("acme", "Enterprise"), "other", "other"),  # another family
    ],
)
def test_each_client_falls_under_one_policy(client, policy, expected):
    assert scope.policy_for(client, policy, SCOPES) == expected


def test_a_limited_policy_without_fallback_covers_no_one_else():
    scopes = {"seed-003": scope.Scope("seed-003", plans=frozenset({"Enterprise"}))}
    grouped, uncovered = scope.by_policy([scope.Client("free", "Free")], "seed-003", scopes)
    assert (grouped, uncovered) == ({"seed-003": []}, [scope.Client("free", "Free")])


# --- the invitation and the keys ----------------------------------------------------------------


def test_the_invitation_keeps_its_uid_and_raises_its_sequence():
    invite = ics.Invitation(
        uid=ics.uid(12, 0, "status.example"),
        sequence=3,
        start=utc(2027, 1, 16, 21),
        end=utc(2027, 1, 17, 1),
        summary="Database upgrade",
        description="Calls may drop.",
        organizer="status@status.example",
        stamp=utc(2027, 1, 4, 9),
    )
    for text, method, status in [
        (ics.request(invite), "REQUEST", "CONFIRMED"),
        (ics.cancel(invite), "CANCEL", "CANCELLED"),
    ]:
        calendar = icalendar.Calendar.from_ical(text)
        (event,) = calendar.walk("VEVENT")
        assert (calendar["METHOD"], str(event["UID"]), event["SEQUENCE"], event["STATUS"]) == (
            method,
            "planned-12-0@status.example",
            3,
            status,
        )
        assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (
            utc(2027, 1, 16, 21),
            utc(2027, 1, 17, 1),
        )


def test_keys_name_the_work_window_kind_lead_sequence_policy_and_plan():
    assert wording.key(12, 0, "announcement", 3) == "planned:12:0:announcement:v3"
    assert wording.key(
        12,
        1,
        "shutdown_reminders",
        0,
        lead=timedelta(days=3),
        policy="seed-001",
        plan="Enterprise Plus",
    ) == ("planned:12:1:shutdown_reminders:4320m:v0:seed-001:plan-enterprise-plus")
    assert wording.key(12, 0, "extension", 2, repeat=3) == "planned:12:0:extension:3:v2"
