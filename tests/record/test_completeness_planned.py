"""The record of planned work, event by event (see ``test_completeness``, whose registry test
reads this file too): drafting, publishing over a warning, moving and cancelling; and a
window that starts, overruns, is extended and completes."""

# ruff: noqa: F811 (the fixtures are parameters named as imported)

from datetime import timedelta
from unittest.mock import ANY

import pytest
import time_machine

from forewarn.catalog import services as catalog
from forewarn.catalog.models import AuthorizedContact, Component, Organization
from forewarn.planned import progress, runner, services
from forewarn.planned.models import Window
from forewarn.policies.models import Policy
from forewarn.policies.services import load_presets
from forewarn.record.kinds import Kind

# The fixtures ``clock`` (autouse) and ``recorded`` are test_completeness's own.
from .test_completeness import NOW, Recorded, clock, recorded, subject  # noqa: F401


@pytest.fixture
def voice(recorded) -> Component:
    """The presets, a component an organization uses, and its contact."""
    load_presets()
    voice = catalog.save_component(Component(slug="voice", name="Voice"), actor="alice")
    acme = catalog.save_organization(
        Organization(slug="acme", name="Acme", plan="Enterprise"), components=[voice], actor="alice"
    )
    catalog.save_contact(
        AuthorizedContact(organization=acme, name="Ann", email="ann@acme.example"), actor="alice"
    )
    recorded()
    return voice


def draft(voice, policy: str, work_type: str, start, end, **fields):
    row = Policy.objects.get(slug=policy)
    return services.create_draft(
        actor="rita",
        role="responder",
        title="Database upgrade",
        policy=row,
        work_type=row.work_types.get(slug=work_type),
        start=start,
        end=end,
        components={voice: "under_maintenance"},
        impact_text="Calls may drop.",
        **fields,
    )


def queued(work, key: str, kind: str, due, audience="everyone", organizations=ANY) -> Recorded:
    return Recorded(
        Kind.PLANNED_NOTICE_QUEUED,
        ANY,
        "",
        subject(work),
        {
            "key": key,
            "notice_id": ANY,
            "kind": kind,
            "window": 0,
            "due_at": due.isoformat(),
            "audience": audience,
            "policy": work.policy.slug,
            "organizations": organizations,
            "plan": "",
        },
        ANY,
    )


def without_tickets(events: list[Recorded], work, count: int) -> list[Recorded]:
    """The events but the support requests the notices opened (seed 003: every notification
    opens a ticket; ``test_completeness_support`` holds their details): ``count`` of them, each
    for a notice of this work."""
    tickets = [e for e in events if e.kind == Kind.SUPPORT_REQUEST_OPENED]
    assert [(t.details["notice"].split(":")[:2], t.details["informational"]) for t in tickets] == [
        (["planned", str(work.pk)], True)
    ] * count
    return [e for e in events if e.kind != Kind.SUPPORT_REQUEST_OPENED]


def test_planned_work_drafted_published_over_a_warning_moved_and_cancelled(voice, recorded):
    start, end = NOW + timedelta(days=3), NOW + timedelta(days=3, hours=1)  # Thu 15:00 CET
    work = draft(voice, "seed-001", "scheduled-maintenance", start, end, risk="high")
    it, p = subject(work), f"planned:{work.pk}"
    services.update(work, actor="rita", role="responder", description="Moving to new disks.")
    services.publish(work, actor="cody", role="communicator", justification="Vendor deadline.")
    later = NOW + timedelta(days=20, hours=7)  # Sun 20 Dec 22:00 CET: two weeks, after hours
    services.reschedule(
        work, actor="cody", role="communicator", start=later, reason="Outside business hours."
    )
    services.cancel(work, actor="cody", role="communicator", reason="Not needed.")
    acme = [Organization.objects.get().pk]
    assert without_tickets(recorded(), work, 3) == [
        Recorded(
            Kind.PLANNED_CREATED,
            "rita",
            "",
            it,
            {
                "policy": "seed-001",
                "work_type": "scheduled-maintenance",
                "windows": [[start.isoformat(), end.isoformat()]],
                "rrule": "",
                "time_zone": "Europe/Amsterdam",
                "components": {"voice": "under_maintenance"},
            },
        ),
        Recorded(
            Kind.PLANNED_CHANGED,
            "rita",
            "",
            it,
            {"changes": {"description": {"from": "", "to": "Moving to new disks."}}},
        ),
        Recorded(
            Kind.PLANNED_JUSTIFIED,
            "cody",
            "",
            it,
            {
                "move": "publish",
                "role": "communicator",
                "justification": "Vendor deadline.",
                "violations": [
                    {
                        "window": 0,
                        "policy": "seed-001",
                        "code": code,
                        "severity": "warning",
                        "override_allowed": True,
                        "message": ANY,
                    }
                    for code in ("too_little_notice", "high_risk_in_business_hours")
                ],
            },
        ),
        queued(work, f"{p}:0:announcement:v0", "announcement", NOW, organizations=acme),
        Recorded(
            Kind.PLANNED_PUBLISHED, "cody", "", it, {"windows": ANY, "uncovered_organizations": []}
        ),
        queued(work, f"{p}:0:reschedule:v1", "reschedule", NOW, organizations=acme),
        Recorded(
            Kind.PLANNED_RESCHEDULED,
            "cody",
            "",
            it,
            {
                "window": 0,
                "from": {"start": start.isoformat(), "end": end.isoformat()},
                "to": {"start": later.isoformat(), "end": (later + timedelta(hours=1)).isoformat()},
                "reason": "Outside business hours.",
                "sequence": 1,
                "violations": [],
                "check": ANY,
            },
        ),
        queued(work, f"{p}:0:cancellation:v2", "cancellation", NOW, organizations=acme),
        Recorded(Kind.PLANNED_CANCELLED, "cody", "", it, {"windows": [0], "reason": "Not needed."}),
    ]


def test_a_window_starts_overruns_is_extended_and_completes(voice, recorded):
    start, end = NOW + timedelta(days=2), NOW + timedelta(days=2, hours=2)
    work = draft(voice, "seed-003", "maintenance", start, end, owner=None)
    services.publish(work, actor="cody", role="communicator")
    recorded()
    it, p = subject(work), f"planned:{work.pk}"
    window = Window.objects.get(work=work)
    with time_machine.travel(start, tick=False):
        runner.advance(window, start)
        catalog.set_status(voice, "degraded_performance", actor="rita")
    with time_machine.travel(end, tick=False):
        window.refresh_from_db()
        runner.advance(window, end)
    extended = end + timedelta(hours=1)
    with time_machine.travel(end + timedelta(minutes=5), tick=False):
        progress.extend(work, actor="rita", role="responder", reason="Slow.", end=extended)
    with time_machine.travel(extended, tick=False):
        window.refresh_from_db()
        runner.advance(window, extended)
    status = subject(voice)
    assert without_tickets(recorded(), work, 4) == [
        Recorded(Kind.COMPONENT_STATUS_CHANGED, "system", "", status, ANY, start),
        queued(work, f"{p}:0:start:v0", "start", start),
        Recorded(
            Kind.PLANNED_STARTED,
            "system",
            "",
            it,
            {
                "window": 0,
                "components": [
                    {
                        "component": "voice",
                        "name": "Voice",
                        "from": "operational",
                        "to": "under_maintenance",
                    }
                ],
                "late_by_seconds": 0,
            },
            start,
        ),
        Recorded(Kind.COMPONENT_STATUS_CHANGED, "rita", "", status, ANY, start),
        Recorded(
            Kind.PLANNED_ENDED,
            "system",
            "",
            it,
            {"window": 0, "components": [], "late_by_seconds": 0},
            end,
        ),
        Recorded(
            Kind.PLANNED_OVERRUNNING,
            "system",
            "",
            it,
            {"window": 0, "statuses": {"voice": "degraded_performance"}},
            end,
        ),
        queued(work, f"{p}:0:extension:1:v0", "extension", end),
        Recorded(
            Kind.COMPONENT_STATUS_CHANGED, "rita", "", status, ANY, end + timedelta(minutes=5)
        ),
        queued(work, f"{p}:0:extension:2:v1", "extension", end + timedelta(minutes=5)),
        Recorded(
            Kind.PLANNED_EXTENDED,
            "rita",
            "",
            it,
            {
                "window": 0,
                "reason": "Slow.",
                "from": end.isoformat(),
                "to": extended.isoformat(),
                "sequence": 1,
                "violations": [],
            },
            end + timedelta(minutes=5),
        ),
        Recorded(Kind.COMPONENT_STATUS_CHANGED, "system", "", status, ANY, extended),
        Recorded(
            Kind.PLANNED_ENDED,
            "system",
            "",
            it,
            {
                "window": 0,
                "components": [
                    {
                        "component": "voice",
                        "name": "Voice",
                        "from": "under_maintenance",
                        "to": "operational",
                    }
                ],
                "late_by_seconds": 0,
            },
            extended,
        ),
        queued(work, f"{p}:0:completion:v1", "completion", extended),
        Recorded(
            Kind.PLANNED_COMPLETED,
            "system",
            "",
            it,
            {"window": 0, "statuses": {"voice": "operational"}, "overran": True},
            extended,
        ),
    ]


def test_a_release_is_recorded_once_with_its_notices(voice, recorded):
    work = draft(
        voice, "seed-002", "minor-version", NOW + timedelta(days=1), None, description="Fixes."
    )
    services.publish(work, actor="cody", role="communicator")
    recorded()
    progress.release(work, actor="rita", role="responder")
    p = f"planned:{work.pk}"
    assert without_tickets(recorded(), work, 1) == [
        Recorded(
            Kind.PLANNED_NOTICE_QUEUED,
            "rita",
            "",
            subject(work),
            {
                "key": f"{p}:0:release:v0",
                "notice_id": ANY,
                "kind": "release",
                "window": 0,
                "due_at": NOW.isoformat(),
                "audience": "everyone",
                "policy": "seed-002",
                "organizations": [Organization.objects.get().pk],
                "plan": "",
            },
        ),
        Recorded(
            Kind.PLANNED_RELEASED,
            "rita",
            "",
            subject(work),
            {"released_at": NOW.isoformat(), "keys": [f"{p}:0:release:v0"]},
        ),
    ]
