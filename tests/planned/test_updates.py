"""What the status page says at each step of a window's life (``planned.updates``): pure, from
recorded events to Statuspage's incident_updates."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from forewarn.planned.updates import Happening, statuspage_status, window_updates

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2027, 1, 12, hour, minute, tzinfo=UTC)


def published(*indices: int) -> Happening:
    windows = [
        {"window": i, "start": at(9 + i).isoformat(), "end": at(10 + i).isoformat()}
        for i in indices
    ]
    return Happening(1, "planned.published", at(8), {"windows": windows})


def said(happenings, index: int = 0) -> list[tuple[str, str, str]]:
    found = window_updates(
        happenings, index, zone=AMSTERDAM, work_type="service update", impact="Calls may drop."
    )
    return [(u.status, u.label, u.body) for u in found]


@pytest.mark.parametrize(
    ("state", "word"),
    [
        ("scheduled", "scheduled"),
        ("in_progress", "in_progress"),
        ("verifying", "verifying"),
        ("completed", "completed"),
        ("cancelled", "completed"),
    ],
)
def test_each_state_in_statuspages_words(state, word):
    assert statuspage_status(state) == word


def test_a_window_that_ran_on_time_says_scheduled_begun_complete():
    happenings = [
        published(0),
        Happening(2, "planned.started", at(9), {"window": 0, "components": []}),
        Happening(3, "planned.ended", at(10), {"window": 0, "components": []}),
        Happening(4, "planned.completed", at(10), {"window": 0}),
    ]
    assert said(happenings) == [
        (
            "completed",
            "Completed",
            "The service update is complete and the affected services are healthy.",
        ),
        ("in_progress", "In progress", "The service update has begun."),
        (
            "scheduled",
            "Scheduled",
            "Service update scheduled for Tue 12 Jan 2027 10:00 CET – Tue 12 Jan 2027 11:00 CET."
            "\n\nExpected impact: Calls may drop.",
        ),
    ]


def test_an_overrun_says_verifying_once_and_an_extension_keeps_the_state():
    happenings = [
        published(0),
        Happening(2, "planned.started", at(9), {"window": 0}),
        Happening(3, "planned.ended", at(10), {"window": 0}),
        Happening(4, "planned.overrunning", at(10), {"window": 0}),
        Happening(
            5,
            "planned.extended",
            at(10, 5),
            {"window": 0, "reason": "Slow index", "next_update_at": at(10, 35).isoformat()},
        ),
        Happening(
            6, "planned.extended", at(10, 30), {"window": 0, "reason": "", "to": at(12).isoformat()}
        ),
    ]
    assert [(s, label) for s, label, _ in said(happenings)] == [
        ("in_progress", "Extended"),
        ("verifying", "Extended"),
        ("verifying", "Verifying"),
        ("in_progress", "In progress"),
        ("scheduled", "Scheduled"),
    ]
    bodies = [body for _, _, body in said(happenings)]
    assert bodies[:2] == [
        "Extended until Tue 12 Jan 2027 13:00 CET.",
        "The work needs more time: Slow index. Next update by Tue 12 Jan 2027 11:35 CET.",
    ]


def test_a_reschedule_and_a_cancellation_concern_only_their_windows():
    happenings = [
        published(0, 1),
        Happening(
            2,
            "planned.rescheduled",
            at(8, 30),
            {
                "window": 1,
                "reason": "Holiday.",
                "to": {"start": at(14).isoformat(), "end": at(15).isoformat()},
            },
        ),
        Happening(3, "planned.cancelled", at(8, 45), {"windows": [0], "reason": "Not needed"}),
    ]
    assert said(happenings, 1)[0] == (
        "scheduled",
        "Rescheduled",
        "Moved to Tue 12 Jan 2027 15:00 CET – Tue 12 Jan 2027 16:00 CET: Holiday.",
    )
    assert said(happenings, 0)[0] == (
        "completed",
        "Cancelled",
        "This service update is cancelled: Not needed.",
    )
    assert len(said(happenings, 1)) == 2 and len(said(happenings, 0)) == 2


def test_an_operators_words_are_sanitised_on_the_page():
    happening = Happening(
        2, "planned.cancelled", at(9), {"windows": [0], "reason": "<script>x</script> **now**"}
    )
    (update,) = window_updates([happening], 0, zone=AMSTERDAM, work_type="update")
    assert "<script>" not in update.body_html and "<strong>now</strong>" in update.body_html
