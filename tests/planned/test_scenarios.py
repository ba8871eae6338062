"""One end-to-end run per seed preset, driven through time with the real worker functions:
the right notices to the right people at the right instants, in order, each once; and a
badly scheduled variant of each with the violations its policy names."""

from datetime import UTC, datetime, timedelta

import pytest

from forewarn.catalog.models import Component
from forewarn.planned import approval, services
from forewarn.planned.models import Window
from forewarn.record.models import Event

from .conftest import T0, draft, in_order, refused, sent, tick

EVERYONE_ON_VOICE = [
    "all@example.com",
    "ann@acme.example",
    "bob@beta.example",
    "voice-fan@example.com",
]


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def kinds(work) -> list[str]:
    return list(
        Event.objects.filter(subject_type="planned.plannedwork", subject_id=str(work.pk))
        .order_by("at", "id")
        .values_list("kind", flat=True)
    )


def test_seed_000_service_update_is_announced_three_business_days_ahead(world, clock):
    # Tue 12 Jan 2027 10:00–12:00 CET; 3 business days before is Thu 7 Jan 10:00 CET.
    work = draft(world, start=utc(2027, 1, 12, 9), end=utc(2027, 1, 12, 11))
    services.publish(work, actor="cody", role="communicator")
    for at in [
        utc(2027, 1, 7, 8, 59),
        utc(2027, 1, 7, 9),
        utc(2027, 1, 12, 9),
        utc(2027, 1, 12, 11),
    ]:
        tick(clock, at)
    # Start and end are shown on the status site only (seed 000 §5): one email each.
    assert sent(work) == [("announcement", utc(2027, 1, 7, 9), a) for a in EVERYONE_ON_VOICE]
    window = Window.objects.get(work=work)
    assert (window.state, window.started_at, window.completed_at) == (
        "completed",
        utc(2027, 1, 12, 9),
        utc(2027, 1, 12, 11),
    )
    assert Component.objects.get(slug="voice").status == "operational"
    assert [h.status_before for h in window.holds.all()] == ["operational"]
    assert kinds(work)[-3:] == ["planned.started", "planned.ended", "planned.completed"]


def test_seed_000_maintenance_window_in_peak_hours_without_notice_is_blocked(world, clock):
    work = draft(
        world, work_type="maintenance-window", start=utc(2027, 1, 6, 9), end=utc(2027, 1, 6, 10)
    )
    with refused("violations", "may not be published") as _:
        services.publish(work, actor="ada", role="admin", justification="Needed now.")
    work.refresh_from_db()
    assert (work.state, work.published_at) == ("draft", None)
    checked = approval.check_windows(work, work.windows.all(), T0)
    assert [(p, v.code) for _, p, v in checked.violations] == [
        ("seed-000", "too_little_notice"),
        ("seed-000", "in_peak_hours"),
    ]


def test_seed_001_scheduled_maintenance_two_weeks_ahead(world, clock):
    # Tue 26 Jan 2027 22:00–24:00 CET: announced two weeks before, at Tue 12 Jan 22:00 CET.
    work = draft(
        world,
        "seed-001",
        "scheduled-maintenance",
        start=utc(2027, 1, 26, 21),
        end=utc(2027, 1, 26, 23),
    )
    services.publish(work, actor="cody", role="communicator")
    for at in [
        utc(2027, 1, 12, 20, 59),
        utc(2027, 1, 12, 21),
        utc(2027, 1, 26, 21),
        utc(2027, 1, 26, 23),
    ]:
        tick(clock, at)
    assert sent(work) == [("announcement", utc(2027, 1, 12, 21), a) for a in EVERYONE_ON_VOICE]
    assert work.windows.get().state == "completed"


def test_seed_001_high_risk_work_in_business_hours_needs_a_justification(world, clock):
    work = draft(
        world,
        "seed-001",
        "scheduled-maintenance",
        start=utc(2027, 1, 6, 9),
        end=utc(2027, 1, 6, 10),
        risk="high",
    )
    with refused("justification", "give a written justification"):
        services.publish(work, actor="cody", role="communicator")
    # Both promises are "reasonable efforts" (warnings): a communicator may justify them.
    services.publish(
        work, actor="cody", role="communicator", justification="The vendor's fix expires."
    )
    window = work.windows.get()
    assert [v["code"] for v in window.violations] == [
        "too_little_notice",
        "high_risk_in_business_hours",
    ]
    assert window.kept_policy is False
    (justified,) = work.justifications.all()
    assert (justified.author, justified.role, justified.text) == (
        "cody",
        "communicator",
        "The vendor's fix expires.",
    )
    tick(clock, T0)
    assert sent(work) == [("announcement", T0, a) for a in EVERYONE_ON_VOICE]


def test_seed_002_shutdown_is_announced_then_reminded_and_once_just_before(world, clock):
    # Tue 19 Jan 2027 20:00 CET, 3 hours by default: 7 calendar days' notice, then 3 days,
    # 1 day and 15 minutes before the shut-down.
    work = draft(
        world,
        "seed-002",
        "scheduled-maintenance",
        start=utc(2027, 1, 19, 19),
        shutdown=True,
        time_zone="Europe/Madrid",
    )
    services.publish(work, actor="cody", role="communicator")
    due = [
        utc(2027, 1, 12, 19),
        utc(2027, 1, 16, 19),
        utc(2027, 1, 18, 19),
        utc(2027, 1, 19, 18, 45),
    ]
    for at in [*due, utc(2027, 1, 19, 19), utc(2027, 1, 19, 22)]:
        tick(clock, at)
    kinds_and_times = sorted({(k, t) for k, t, _ in sent(work)}, key=lambda x: x[1])
    assert kinds_and_times == [
        ("announcement", due[0]),
        ("shutdown_reminders", due[1]),
        ("shutdown_reminders", due[2]),
        ("shutdown_reminders", due[3]),
    ]
    assert {a for _, _, a in sent(work)} == set(EVERYONE_ON_VOICE)
    assert len(sent(work)) == 16  # each of four people, each notice once
    assert work.windows.get().end_at == utc(2027, 1, 19, 22)


def test_seed_002_api_change_without_fifteen_working_days_is_blocked(world, clock):
    work = draft(world, "seed-002", "api-change", start=utc(2027, 1, 11, 9))
    with refused("violations", "15 business days before the start"):
        services.publish(work, actor="ada", role="admin", justification="Urgent.")


@pytest.fixture
def enterprise_only(world):
    """Seed 003 applies to Enterprise customers; everyone else falls back to seed 001."""
    from forewarn.policies.models import Policy
    from forewarn.policies.services import save_policy

    policy = Policy.objects.get(slug="seed-003")
    policy.applies_to_plans = ["Enterprise"]
    policy.fallback = Policy.objects.get(slug="seed-001")
    save_policy(policy, actor="alice")
    return policy


def test_seed_003_each_client_hears_under_its_own_policy(world, clock, enterprise_only):
    from forewarn.policies.models import WorkType

    # Wed 20 Jan 2027 10:00–12:00 CET. Acme (Enterprise) is under seed 003: one business day
    # before, a start reminder and a closing email; Beta (Basic) under seed 001: two weeks.
    work = draft(
        world,
        "seed-003",
        "maintenance",
        start=utc(2027, 1, 20, 9),
        end=utc(2027, 1, 20, 11),
        other_work_types=[
            WorkType.objects.get(policy__slug="seed-001", slug="scheduled-maintenance")
        ],
    )
    work = services.publish(work, actor="cody", role="communicator")
    assert [a["policy"] for a in work.audiences] == ["seed-003", "seed-001"]
    for at in [utc(2027, 1, 6, 9), utc(2027, 1, 19, 9), utc(2027, 1, 20, 9), utc(2027, 1, 20, 11)]:
        tick(clock, at)
    public = ["all@example.com", "ann@acme.example", "voice-fan@example.com"]
    assert sent(work) == in_order(
        [("announcement", utc(2027, 1, 6, 9), "bob@beta.example")]
        + [("announcement", utc(2027, 1, 19, 9), a) for a in public]
        + [("start", utc(2027, 1, 20, 9), a) for a in public]
        + [("completion", utc(2027, 1, 20, 11), a) for a in public]
    )


def test_seed_003_without_a_work_type_under_the_fallback_is_refused(world, clock, enterprise_only):
    work = draft(
        world, "seed-003", "maintenance", start=utc(2027, 1, 20, 9), end=utc(2027, 1, 20, 11)
    )
    with refused("other_work_types", "beta fall(s) under policy seed-001"):
        services.publish(work, actor="cody", role="communicator")


def test_seed_004_security_patch_is_announced_at_once(world, clock):
    work = draft(
        world,
        "seed-004",
        "security-patch",
        start=T0 + timedelta(hours=2),
        end=T0 + timedelta(hours=3),
        validated_on_test_environment=True,
        description="Patches CVE-2027-0001 in the SIP stack.",
    )
    services.publish(work, actor="cody", role="communicator")
    for at in [T0, T0 + timedelta(hours=2), T0 + timedelta(hours=3)]:
        tick(clock, at)
    assert sent(work) == [("announcement", T0, a) for a in EVERYONE_ON_VOICE]
    assert work.windows.get().state == "completed"


def test_seed_004_patch_not_validated_on_a_test_environment_is_blocked(world, clock):
    work = draft(
        world,
        "seed-004",
        "security-patch",
        start=T0 + timedelta(hours=2),
        end=T0 + timedelta(hours=3),
    )
    with refused("violations", "validated on a test environment"):
        services.publish(work, actor="ada", role="admin", justification="Trust me.")
