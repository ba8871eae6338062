"""Demo planned work, one or two items per seed preset, so the page, the feeds and the JSON show
every state: upcoming (one recurring), in progress, verifying, completed and cancelled.

Made through the services and the scheduler's own job, at times counted from now: the
upcoming work keeps its policy's notice; the running ones are urgent work types announced
"as soon as possible" (or, for seed 002's hotfix, after completion). The verifying window ran
its short time while its component stayed degraded, so it overruns and is extended. Each is
found again by its title, so loading twice changes nothing.
"""

from collections.abc import Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from forewarn.catalog.models import Component
from forewarn.catalog.services import set_status
from forewarn.policies.models import Policy
from forewarn.policies.rules import wall_clock_instant
from forewarn.policies.services import load_presets

from . import jobs, progress, services
from .models import PlannedWork

WHO = {"actor": "demo", "role": "admin"}
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _saturday(now: datetime, days_ahead: int, at: time) -> datetime:
    """The first Saturday at least ``days_ahead`` days after ``now``, at ``at`` in Amsterdam."""
    day = (now + timedelta(days=days_ahead)).astimezone(AMSTERDAM).date()
    day += timedelta(days=(5 - day.weekday()) % 7)
    return wall_clock_instant(day, at, AMSTERDAM)


def _draft(policy: str, work_type: str, components: dict[str, str], **fields) -> PlannedWork:
    found = Policy.objects.get(slug=policy)
    slugs = Component.objects.in_bulk(list(components), field_name="slug")
    return services.create_draft(
        **WHO,
        policy=found,
        work_type=found.work_types.get(slug=work_type),
        components={slugs[s]: status for s, status in components.items()},
        **fields,
    )


def upcoming_upgrade(now: datetime) -> None:
    saturday = _saturday(now, 21, time(7))
    work = _draft(
        "seed-000",
        "platform-upgrade",
        {"agent-workspace": "under_maintenance", "ticketing": "under_maintenance"},
        title="Service Cloud 2027.2 upgrade",
        description="The agent desktop and ticketing move to release 2027.2. "
        "See the [release notes](https://example.com/releases/2027.2).",
        impact_text="Agents are signed out once; open cases stay as they are. No security impact.",
        start=saturday,
        end=saturday + timedelta(hours=3),
        time_zone="Europe/Amsterdam",
        new_features=[
            {"name": "Call recording", "plans": ["Enterprise"]},
            {"name": "Case templates", "plans": []},
        ],
        plan_changes={"Business": "Call recording is available as an add-on."},
    )
    services.publish(work, **WHO)


def recurring_patching(now: datetime) -> None:
    first = _saturday(now, 15, time(23))
    work = _draft(
        "seed-001",
        "scheduled-maintenance",
        {"sip-trunk-ams": "under_maintenance"},
        title="Weekly SIP trunk patching (Amsterdam)",
        description="Security patches for the Amsterdam SIP trunk. Calls move to Frankfurt.",
        impact_text="Calls in progress on the Amsterdam trunk may drop once.",
        start=first,
        end=first + timedelta(hours=2),
        time_zone="Europe/Amsterdam",
        rrule="FREQ=WEEKLY;BYDAY=SA;COUNT=6",
    )
    services.publish(work, **WHO)


def patch_in_progress(now: datetime) -> None:
    work = _draft(
        "seed-004",
        "security-patch",
        {"ticketing": "degraded_performance"},
        title="OpenSSL security patch for Ticketing",
        impact_text="Searches may be slower while nodes restart one by one.",
        validated_on_test_environment=True,
        start=now,
        end=now + timedelta(hours=2),
        time_zone="America/New_York",
    )
    services.publish(work, **WHO)
    jobs.planned_transitions()  # its start has come: the worker starts it


def failover_verifying(now: datetime) -> None:
    work = _draft(
        "seed-003",
        "emergency-maintenance",
        {"campaigns": "under_maintenance"},
        title="Emergency database failover for Campaigns",
        impact_text="Campaign sends are paused during the failover.",
        start=now - timedelta(minutes=2),
        end=now,
        time_zone="Europe/Amsterdam",
    )
    services.publish(work, **WHO)
    jobs.planned_transitions()  # started
    campaigns = Component.objects.get(slug="campaigns")
    set_status(campaigns, "degraded_performance", cause="Replica catching up", actor="demo")
    jobs.planned_transitions()  # ended while Campaigns is degraded: overrunning, verifying
    progress.extend(
        work,
        **WHO,
        reason="The new primary is still catching up with the replica",
        next_update_at=now + timedelta(minutes=30),
    )


def hotfix_completed(now: datetime) -> None:
    work = _draft(
        "seed-002",
        "hotfix",
        {"chatbot-builder": "degraded_performance"},
        title="Hotfix 4.12.3 for Chatbot Builder",
        description="Fixes the export of bots with attachments.",
        start=now,
        time_zone="Europe/Madrid",
    )
    services.publish(work, **WHO)
    jobs.planned_transitions()  # started
    progress.complete(work, **WHO)  # done early: the after-completion notice goes out


def cancelled_maintenance(now: datetime) -> None:
    start = _saturday(now, 7, time(22))
    work = _draft(
        "seed-003",
        "maintenance",
        {"journeys": "under_maintenance"},
        title="Journeys search cluster maintenance",
        impact_text="Journey analytics are unavailable during the window.",
        start=start,
        end=start + timedelta(hours=2),
        time_zone="Europe/Amsterdam",
    )
    services.publish(work, **WHO)
    services.cancel(work, **WHO, reason="Our vendor postponed the patch; we will plan it anew.")


ITEMS: dict[str, Callable[[datetime], None]] = {
    "Service Cloud 2027.2 upgrade": upcoming_upgrade,
    "Weekly SIP trunk patching (Amsterdam)": recurring_patching,
    "OpenSSL security patch for Ticketing": patch_in_progress,
    "Emergency database failover for Campaigns": failover_verifying,
    "Hotfix 4.12.3 for Chatbot Builder": hotfix_completed,
    "Journeys search cluster maintenance": cancelled_maintenance,
}


def load() -> None:
    """Create the demo work that is not there yet."""
    load_presets(actor="demo")
    now = timezone.now().replace(second=0, microsecond=0)
    for title, make in ITEMS.items():
        if not PlannedWork.objects.filter(title=title).exists():
            make(now)
