"""The five seed presets: their shape, their sources, and a worked example per work type."""

import datetime as dt
import os
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from forewarn.calendars import engine
from forewarn.policies.presets import CALENDAR_PRESETS, PRESETS, SEED_FILES, calendar_for, preset
from forewarn.policies.rules import Content, NoticeKind, PolicyError, Region, Severity
from forewarn.policies.validator import check

AMS, MAD, NYC = (
    ZoneInfo("Europe/Amsterdam"),
    ZoneInfo("Europe/Madrid"),
    ZoneInfo("America/New_York"),
)
ANN, START, DONE, EXT = (
    NoticeKind.ANNOUNCEMENT,
    NoticeKind.START,
    NoticeKind.COMPLETION,
    NoticeKind.EXTENSION,
)
SHUT = NoticeKind.SHUTDOWN_REMINDERS


def ams(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=AMS)


def mad(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=MAD)


def nyc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=NYC)


def run(policy_slug, work_type, start, end=None, **options):
    policy = preset(policy_slug)
    return check(
        policy, work_type, start, end, calendar=calendar_for(policy.calendar_slug), **options
    )


# --- shape ---------------------------------------------------------------------------------


def test_presets_have_exactly_the_seed_work_types():
    assert {slug: [w.slug for w in p.work_types] for slug, p in PRESETS.items()} == {
        "seed-000": [
            "platform-upgrade",
            "routine-update",
            "service-update",
            "maintenance-window",
            "urgent-update",
        ],
        "seed-001": ["scheduled-maintenance", "emergency-maintenance"],
        "seed-002": [
            "hotfix",
            "minor-version",
            "major-version",
            "api-change",
            "scheduled-maintenance",
        ],
        "seed-003": ["maintenance", "emergency-maintenance"],
        "seed-004": ["security-patch", "update"],
    }


def test_notice_rules_per_work_type():
    rules = {
        (p.slug, w.slug): (str(w.notice) if w.notice else None, w.where_possible)
        for p in PRESETS.values()
        for w in p.work_types
    }
    assert rules == {
        ("seed-000", "platform-upgrade"): ("before the start", False),
        ("seed-000", "routine-update"): (None, False),
        ("seed-000", "service-update"): ("3 business days", False),
        ("seed-000", "maintenance-window"): ("5 business days", False),
        ("seed-000", "urgent-update"): ("as soon as possible", False),
        ("seed-001", "scheduled-maintenance"): ("2 weeks", True),
        ("seed-001", "emergency-maintenance"): ("24 hours", True),
        ("seed-002", "hotfix"): ("after completion", False),
        ("seed-002", "minor-version"): ("on release", False),
        ("seed-002", "major-version"): ("15 calendar days", False),
        ("seed-002", "api-change"): ("15 business days", False),
        ("seed-002", "scheduled-maintenance"): ("7 calendar days", False),
        ("seed-003", "maintenance"): ("1 business day", True),
        ("seed-003", "emergency-maintenance"): ("as soon as possible", False),
        ("seed-004", "security-patch"): ("as soon as possible", False),
        ("seed-004", "update"): ("as soon as possible", False),
    }


def test_seed_002_default_durations():
    durations = {w.slug: w.default_duration for w in PRESETS["seed-002"].work_types}
    assert durations == {
        "hotfix": dt.timedelta(minutes=5),
        "minor-version": dt.timedelta(minutes=30),
        "major-version": dt.timedelta(hours=4),
        "api-change": dt.timedelta(minutes=5),
        "scheduled-maintenance": dt.timedelta(hours=3),
    }


def test_every_rule_names_its_source():
    for policy in PRESETS.values():
        assert policy.source == SEED_FILES[policy.slug]
        for work_type in policy.work_types:
            assert work_type.source, work_type.slug
            assert work_type.notice is None or work_type.notice.source, work_type.slug
            assert all(rule.source for rule in work_type.placement), work_type.slug


# The seeds are kept in the repository (docs/seeds/); FOREWARN_SEEDS points elsewhere.
SEEDS_DIR = Path(
    os.environ.get("FOREWARN_SEEDS") or Path(__file__).resolve().parents[2] / "docs" / "seeds"
)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _require_seeds() -> None:
    """Skip without the seed documents, except in CI (CI=true), where that is a failure."""
    if not SEEDS_DIR.is_dir():
        message = f"seed documents not found in {SEEDS_DIR} (set FOREWARN_SEEDS)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


def test_sources_quote_their_seed_word_for_word():
    _require_seeds()
    for policy in PRESETS.values():
        seed = _squash((SEEDS_DIR / Path(policy.source).name).read_text())
        quotes = [policy.work_types[0].source]
        for work_type in policy.work_types:
            quotes += [work_type.source, work_type.notice.source if work_type.notice else ""]
            quotes += [rule.source for rule in work_type.placement]
            quotes += [spec.source for spec in work_type.notices]
        for quote in filter(None, quotes):
            for cell in quote.split(" | "):
                assert _squash(cell) in seed, (policy.slug, cell)


def test_calendar_sources_quote_their_seed_word_for_word():
    _require_seeds()
    seeds = " ".join(_squash(path.read_text()) for path in SEEDS_DIR.glob("*.txt"))
    for slug, data in CALENDAR_PRESETS.items():
        for cell in data["source"].split(" | "):
            assert _squash(cell) in seeds, (slug, cell)


def test_override_is_refused_where_the_seed_has_an_urgent_work_type():
    flags = {
        (p.slug, w.slug) for p in PRESETS.values() for w in p.work_types if not w.override_allowed
    }
    assert flags == {
        ("seed-000", "service-update"),
        ("seed-000", "maintenance-window"),
        ("seed-002", "major-version"),
        ("seed-002", "api-change"),
        ("seed-002", "scheduled-maintenance"),
    }


def test_unknown_preset_is_refused():
    with pytest.raises(PolicyError) as error:
        preset("seed-005")
    assert error.value.field == "policy"


# --- calendars -------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["nl-business", "us-support"])
def test_calendar_presets_match_the_engine_presets(slug):
    assert calendar_for(slug) == engine.preset(slug)


def test_every_policy_refers_to_a_calendar_preset():
    assert {p.calendar_slug for p in PRESETS.values()} <= set(CALENDAR_PRESETS)
    for slug, data in CALENDAR_PRESETS.items():
        assert data["slug"] == slug
        assert calendar_for(slug).zone == data["time_zone"]


def test_us_support_hours_run_from_new_york_morning_to_los_angeles_evening():
    cal = calendar_for("us-support")
    assert cal.open_intervals(nyc(2026, 10, 13), nyc(2026, 10, 14)) == [
        (nyc(2026, 10, 13, 8), nyc(2026, 10, 13, 21))
    ]


def test_spanish_working_days_skip_the_national_holiday():
    cal = calendar_for("es-business")
    assert not cal.is_business_date(dt.date(2026, 10, 12))


def test_unknown_calendar_preset_is_refused():
    with pytest.raises(PolicyError) as error:
        calendar_for("mars-business")
    assert error.value.field == "calendar"


# --- a worked example per work type -------------------------------------------------------------

NL_REGION = Region("nl", "Europe/Amsterdam", [(d, dt.time(8), dt.time(20)) for d in range(5)])

WORKED = [
    # (id, policy, work type, start, end, options, announce_by, violations, plan)
    (
        "000 platform upgrade: written notice before the on-site visit, sent at once",
        "seed-000",
        "platform-upgrade",
        ams(2026, 10, 13, 10),
        ams(2026, 10, 13, 12),
        {"on_site": True, "now": ams(2026, 10, 5, 9)},
        ams(2026, 10, 13, 10),
        [],
        [(ANN, ams(2026, 10, 5, 9))],
    ),
    (
        "000 routine update: no notice at all",
        "seed-000",
        "routine-update",
        ams(2026, 10, 13, 10),
        ams(2026, 10, 13, 10, 30),
        {"now": ams(2026, 10, 13, 9)},
        None,
        [],
        [],
    ),
    (
        "000 service update: 3 business days across a weekend (Mon 12, Fri 9, Thu 8 Oct)",
        "seed-000",
        "service-update",
        ams(2026, 10, 13, 10),
        ams(2026, 10, 13, 12),
        {"now": ams(2026, 10, 5, 9)},
        ams(2026, 10, 8, 10),
        [],
        [
            (ANN, ams(2026, 10, 8, 10)),
            (START, ams(2026, 10, 13, 10)),
            (DONE, ams(2026, 10, 13, 12)),
        ],
    ),
    (
        "000 service update: across King's Day (Wed 29, Tue 28, Fri 24 Apr)",
        "seed-000",
        "service-update",
        ams(2026, 4, 30, 10),
        ams(2026, 4, 30, 12),
        {"now": ams(2026, 4, 1, 9)},
        ams(2026, 4, 24, 10),
        [],
        [(ANN, ams(2026, 4, 24, 10)), (START, ams(2026, 4, 30, 10)), (DONE, ams(2026, 4, 30, 12))],
    ),
    (
        "000 service update: across 5 May (Mon 4, Fri 1 May, Thu 30 Apr)",
        "seed-000",
        "service-update",
        ams(2026, 5, 6, 14),
        ams(2026, 5, 6, 16),
        {"now": ams(2026, 4, 1, 9)},
        ams(2026, 4, 30, 14),
        [],
        [(ANN, ams(2026, 4, 30, 14)), (START, ams(2026, 5, 6, 14)), (DONE, ams(2026, 5, 6, 16))],
    ),
    (
        # Before opening on Tuesday: Thu 8, Fri 9 and Mon 12 Oct whole, from Thursday 08:30.
        "000 service update: 3 whole business days before an early-morning start",
        "seed-000",
        "service-update",
        ams(2026, 10, 13, 7),
        ams(2026, 10, 13, 8),
        {"now": ams(2026, 10, 5, 9)},
        ams(2026, 10, 8, 8, 30),
        [],
        [
            (ANN, ams(2026, 10, 8, 8, 30)),
            (START, ams(2026, 10, 13, 7)),
            (DONE, ams(2026, 10, 13, 8)),
        ],
    ),
    (
        # Mon 12 to Fri 16 Oct lie whole before the window: due at Monday's opening, not at
        # Mon 22:00 (the start's wall-clock time), which would leave only Tuesday to Friday.
        "000 maintenance window: 5 whole business days before a Saturday night",
        "seed-000",
        "maintenance-window",
        ams(2026, 10, 17, 22),
        ams(2026, 10, 18, 1),
        {"now": ams(2026, 10, 5, 9), "regions": [NL_REGION]},
        ams(2026, 10, 12, 8, 30),
        [],
        [
            (ANN, ams(2026, 10, 12, 8, 30)),
            (START, ams(2026, 10, 17, 22)),
            (DONE, ams(2026, 10, 18, 1)),
        ],
    ),
    (
        "000 urgent update: announced at once, completion when finished",
        "seed-000",
        "urgent-update",
        ams(2026, 10, 13, 14),
        ams(2026, 10, 13, 14, 30),
        {"now": ams(2026, 10, 13, 14)},
        None,
        [],
        [(ANN, ams(2026, 10, 13, 14)), (DONE, ams(2026, 10, 13, 14, 30))],
    ),
    (
        "001 scheduled maintenance: 2 weeks across the DST change keep 22:00",
        "seed-001",
        "scheduled-maintenance",
        ams(2026, 10, 31, 22),
        ams(2026, 11, 1, 2),
        {"risk": "high", "now": ams(2026, 10, 1, 9)},
        ams(2026, 10, 17, 22),
        [],
        [(ANN, ams(2026, 10, 17, 22))],
    ),
    (
        "001 emergency maintenance: 24 elapsed hours across the DST change",
        "seed-001",
        "emergency-maintenance",
        ams(2026, 10, 25, 12),
        ams(2026, 10, 25, 14),
        {"now": ams(2026, 10, 24, 13)},
        ams(2026, 10, 24, 13),
        [],
        [(ANN, ams(2026, 10, 24, 13))],
    ),
    (
        "001 emergency maintenance: less than 24 hours is a warning, announced at once",
        "seed-001",
        "emergency-maintenance",
        ams(2026, 10, 25, 12),
        ams(2026, 10, 25, 14),
        {"now": ams(2026, 10, 25, 8)},
        ams(2026, 10, 24, 13),
        ["too_little_notice"],
        [(ANN, ams(2026, 10, 25, 8))],
    ),
    (
        "002 hotfix: notified once the update has been done, 5 minutes",
        "seed-002",
        "hotfix",
        mad(2026, 10, 13, 10),
        None,
        {"now": mad(2026, 10, 13, 9)},
        None,
        [],
        [(NoticeKind.AFTER_COMPLETION, mad(2026, 10, 13, 10, 5))],
    ),
    (
        "002 minor version: notified on release, 30 minutes",
        "seed-002",
        "minor-version",
        mad(2026, 10, 13, 10),
        None,
        {"now": mad(2026, 10, 13, 9)},
        None,
        [],
        [(NoticeKind.RELEASE, mad(2026, 10, 13, 10))],
    ),
    (
        # Calendar days keep the wall-clock time: 10:00 CET on Thu 5 Nov is due 10:00 CEST on
        # Wed 21 Oct, which is 15 days and 1 hour earlier. Counting 15 × 24 elapsed hours
        # would say 11:00 CEST, a time no customer counting "15 calendar days" would name.
        "002 major version: 15 calendar days across the DST change",
        "seed-002",
        "major-version",
        mad(2026, 11, 5, 10),
        None,
        {"now": mad(2026, 10, 5, 9)},
        mad(2026, 10, 21, 10),
        [],
        [(ANN, mad(2026, 10, 21, 10)), (NoticeKind.RELEASE, mad(2026, 11, 5, 10))],
    ),
    (
        "002 API change: 15 working days, skipping Spain's national day (Mon 12 Oct)",
        "seed-002",
        "api-change",
        mad(2026, 10, 23, 10),
        None,
        {"now": mad(2026, 9, 1, 9)},
        mad(2026, 10, 1, 10),
        [],
        [(ANN, mad(2026, 10, 1, 10))],
    ),
    (
        # A Saturday-night release: 15 working days whole, Fri 2 to Fri 23 Oct without 12 Oct.
        "002 API change: 15 whole working days before a Saturday night",
        "seed-002",
        "api-change",
        mad(2026, 10, 24, 2),
        None,
        {"now": mad(2026, 9, 1, 9)},
        mad(2026, 10, 2, 9),
        [],
        [(ANN, mad(2026, 10, 2, 9))],
    ),
    (
        "002 scheduled maintenance with a shut-down: several reminders and one just before",
        "seed-002",
        "scheduled-maintenance",
        mad(2026, 10, 17, 22),
        None,
        {"shutdown": True, "now": mad(2026, 10, 5, 9)},
        mad(2026, 10, 10, 22),
        [],
        [
            (ANN, mad(2026, 10, 10, 22)),
            (SHUT, mad(2026, 10, 14, 22)),
            (SHUT, mad(2026, 10, 16, 22)),
            (SHUT, mad(2026, 10, 17, 21, 45)),
        ],
    ),
    (
        # An evening window after closing: Tuesday itself is the whole business day before
        # it, so the deadline is Tue 08:30 (Mon 20:00 left the same opening time, earlier).
        "003 maintenance: 1 business day, start reminder, closing notice, extension",
        "seed-003",
        "maintenance",
        ams(2026, 10, 13, 20),
        ams(2026, 10, 13, 22),
        {"impact": "partial_outage", "now": ams(2026, 10, 5, 9)},
        ams(2026, 10, 13, 8, 30),
        [],
        [
            (ANN, ams(2026, 10, 13, 8, 30)),
            (START, ams(2026, 10, 13, 20)),
            (DONE, ams(2026, 10, 13, 22)),
            (EXT, ams(2026, 10, 13, 22)),
        ],
    ),
    (
        "003 maintenance without interruption: no reminder at the start",
        "seed-003",
        "maintenance",
        ams(2026, 10, 13, 20),
        ams(2026, 10, 13, 22),
        {"now": ams(2026, 10, 5, 9)},
        ams(2026, 10, 13, 8, 30),
        [],
        [
            (ANN, ams(2026, 10, 13, 8, 30)),
            (DONE, ams(2026, 10, 13, 22)),
            (EXT, ams(2026, 10, 13, 22)),
        ],
    ),
    (
        "003 emergency maintenance: the same notices, announced at once",
        "seed-003",
        "emergency-maintenance",
        ams(2026, 10, 13, 14),
        ams(2026, 10, 13, 15),
        {"impact": "major_outage", "now": ams(2026, 10, 13, 14)},
        None,
        [],
        [
            (ANN, ams(2026, 10, 13, 14)),
            (START, ams(2026, 10, 13, 14)),
            (DONE, ams(2026, 10, 13, 15)),
            (EXT, ams(2026, 10, 13, 15)),
        ],
    ),
    (
        "004 security patch: validated on a test environment, announced at once",
        "seed-004",
        "security-patch",
        nyc(2026, 10, 13, 22),
        nyc(2026, 10, 13, 23),
        {"validated_on_test_environment": True, "now": nyc(2026, 10, 13, 15)},
        None,
        [],
        [(ANN, nyc(2026, 10, 13, 15))],
    ),
    (
        "004 update: not validated on a test environment",
        "seed-004",
        "update",
        nyc(2026, 10, 13, 22),
        nyc(2026, 10, 13, 23),
        {"now": nyc(2026, 10, 13, 15)},
        None,
        ["not_validated_on_test_environment"],
        [(ANN, nyc(2026, 10, 13, 15))],
    ),
]


@pytest.mark.parametrize(
    ("policy", "work_type", "start", "end", "options", "deadline", "violations", "plan"),
    [case[1:] for case in WORKED],
    ids=[case[0] for case in WORKED],
)
def test_worked_example(policy, work_type, start, end, options, deadline, violations, plan):
    result = run(policy, work_type, start, end, **options)
    assert result.announce_by == deadline
    if deadline is not None:
        assert result.announce_by.utcoffset() == deadline.utcoffset()
    assert [v.code for v in result.violations] == violations
    assert [(n.kind, n.due_at) for n in result.plan] == plan


def test_every_work_type_has_a_worked_example():
    covered = {(case[1], case[2]) for case in WORKED}
    assert covered == {(p.slug, w.slug) for p in PRESETS.values() for w in p.work_types}


# --- behaviour the seeds single out --------------------------------------------------------------


def test_shutdown_reminders_say_which_one_is_just_before():
    result = run(
        "seed-002",
        "scheduled-maintenance",
        mad(2026, 10, 17, 22),
        shutdown=True,
        now=mad(2026, 10, 5, 9),
    )
    assert [n.description for n in result.plan if n.kind is SHUT] == [
        "Reminder 3 days before the shut-down.",
        "Reminder 1 day before the shut-down.",
        "Reminder 15 minutes before the shut-down, just before it.",
    ]


def test_no_shutdown_reminders_without_a_shutdown():
    result = run(
        "seed-002", "scheduled-maintenance", mad(2026, 10, 17, 22), now=mad(2026, 10, 5, 9)
    )
    assert [n.kind for n in result.plan] == [ANN]


def test_hotfix_with_shutdown_needs_time_for_several_notices():
    now = mad(2026, 10, 13, 8)
    result = run("seed-002", "hotfix", mad(2026, 10, 13, 10), shutdown=True, now=now)
    [violation] = result.violations
    assert violation.code == "too_few_shutdown_notices"
    assert violation.message == (
        "A shut-down at Tue 13 Oct 2026 10:00 CEST must be announced on several occasions and once "
        "more just before it, but it is now Tue 13 Oct 2026 08:00 CEST: there is time for 1 "
        "earlier notice (Tue 13 Oct 2026 08:00 CEST)."
    )
    assert [(n.kind, n.due_at) for n in result.plan] == [
        (ANN, now),
        (SHUT, mad(2026, 10, 13, 9, 45)),
        (NoticeKind.AFTER_COMPLETION, mad(2026, 10, 13, 10, 5)),
    ]
    assert result.plan[0].description == "Announcement of the shut-down, sent at once."
    # A hotfix is otherwise told after the fact: the shut-down is announced at once, and the
    # reminder a day ahead must come after that announcement to be a second occasion.
    assert result.earliest_compliant_start == now + dt.timedelta(days=1, minutes=1)


def test_firm_notice_without_override_blocks_publication():
    result = run("seed-002", "major-version", mad(2026, 11, 5, 10), now=mad(2026, 10, 22, 9))
    [violation] = result.violations
    assert (violation.code, violation.severity, violation.override_allowed) == (
        "too_little_notice",
        Severity.ERROR,
        False,
    )
    assert violation.message == (
        "Announce by Wed 21 Oct 2026 10:00 CEST (15 calendar days before the start on "
        "Thu 5 Nov 2026 10:00 CET); it is now Thu 22 Oct 2026 09:00 CEST, 23 hours too late."
    )
    assert result.is_blocked
    assert result.earliest_compliant_start == mad(2026, 11, 6, 9)


def test_soft_notice_needs_a_justification_but_can_go_ahead():
    result = run(
        "seed-001",
        "scheduled-maintenance",
        ams(2026, 10, 17, 22),
        ams(2026, 10, 18, 2),
        now=ams(2026, 10, 4, 9),
    )
    [violation] = result.violations
    assert (violation.severity, violation.override_allowed) == (Severity.WARNING, True)
    assert result.needs_override and not result.is_blocked
    assert result.earliest_compliant_start == ams(2026, 10, 18, 9)


def test_seed_003_completion_waits_for_healthy_components_and_extension_repeats():
    result = run(
        "seed-003",
        "maintenance",
        ams(2026, 10, 13, 20),
        ams(2026, 10, 13, 22),
        now=ams(2026, 10, 5, 9),
    )
    completion, extension = result.plan[-2:]
    assert (
        completion.condition
        == "once the work is complete and monitoring shows the affected components healthy"
    )
    assert extension.condition == "if the work is still open at the end of the window"
    assert extension.must_include == (Content.REASON, Content.NEW_END_OR_NEXT_UPDATE)
    assert extension.description == (
        "Extension notice, repeated until the work is closed, stating the reason and a new end "
        "time or when the next update comes."
    )
    assert [e.kind for e in result.event_notices] == [NoticeKind.CANCELLATION]


def test_seed_000_service_update_publishes_status_and_tells_changes_on_the_status_site():
    result = run(
        "seed-000",
        "service-update",
        ams(2026, 10, 13, 10),
        ams(2026, 10, 13, 12),
        now=ams(2026, 10, 5, 9),
    )
    assert result.work_type.publishes_status
    assert [(e.kind, e.event) for e in result.event_notices] == [
        (NoticeKind.RESCHEDULE, "the window changes"),
        (NoticeKind.CANCELLATION, "the work is cancelled"),
    ]
    assert result.plan[0].must_include == (Content.SCHEDULED_TIME, Content.EXPECTED_IMPACT)


def test_seed_004_update_must_mention_documentation():
    result = run(
        "seed-004",
        "update",
        nyc(2026, 10, 13, 22),
        nyc(2026, 10, 13, 23),
        validated_on_test_environment=True,
        contents=[Content.WHAT],
        now=nyc(2026, 10, 13, 15),
    )
    assert [(v.code, v.message) for v in result.violations] == [
        ("missing_content", "The announcement must state the documentation that changed.")
    ]
