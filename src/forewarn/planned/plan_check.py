"""The policy check and the notification plan of a work's open windows, as data.

One answer for the API (``POST /planned-work/{id}/check``) and the console's pre-publish page
(``precheck``), so the two can never disagree: per window and per policy that applies to an
affected client, the announce-by deadline, the violations, the earliest compliant start, and
each notice of the plan with its instant in the policy's zone and in each affected region's
zone. Reads only; ``ValidationError`` when the check cannot run.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from forewarn.catalog.models import Region
from forewarn.policies.rules import format_instant
from forewarn.policies.validator import NoticeCheck

from .approval import check_windows
from .checks import PolicyCheck, violation_json
from .lifecycle import PlannedState
from .models import PlannedWork


def region_zones(work: PlannedWork) -> dict[str, str]:
    """{region slug: IANA zone} of the regions of the work's affected components."""
    return dict(
        Region.objects.filter(components__planned_effects__work=work)
        .distinct()
        .values_list("slug", "time_zone")
    )


def describe(work: PlannedWork, now: datetime) -> dict:
    """The check of the work's open windows at ``now``: may it be published, and by whom."""
    open_windows = [w for w in work.windows.all() if not PlannedState(w.state).is_final]
    checked = check_windows(work, open_windows, now)
    zones = region_zones(work)
    return {
        "ok": checked.ok,
        "is_blocked": checked.is_blocked,
        "needs_justification": not checked.ok and not checked.is_blocked,
        "needs_admin": checked.has_errors and not checked.is_blocked,
        "windows": [
            {
                "index": w.window.index,
                "start": w.window.start,
                "end": w.window.end,
                "policies": [policy_check(w.window.index, c, zones) for c in w.checks],
            }
            for w in checked.windows
        ],
        "uncovered_organizations": [o.slug for o in checked.uncovered],
    }


def policy_check(index: int, check: PolicyCheck, zones: dict[str, str]) -> dict:
    """One policy's answer for one window, each instant as ISO 8601 and as text."""
    result: NoticeCheck = check.result
    zone = check.zone

    def text(t):
        return None if t is None else format_instant(t, zone)

    def iso(t):
        return None if t is None else t.astimezone(zone).isoformat()

    return {
        "policy": check.group.slug,
        "work_type": check.group.work_type.slug,
        "organizations": [o.slug for o in check.group.organizations],
        "time_zone": str(zone),
        "announce_by": iso(result.announce_by),
        "announce_by_text": text(result.announce_by),
        "earliest_compliant_start": iso(result.earliest_compliant_start),
        "earliest_compliant_start_text": text(result.earliest_compliant_start),
        "violations": [violation_json(index, check.group.slug, v) for v in result.violations],
        "plan": [
            {
                "kind": n.kind.value,
                "due_at": iso(n.due_at),
                "due_at_text": text(n.due_at),
                "local": {
                    slug: format_instant(n.due_at, ZoneInfo(name)) for slug, name in zones.items()
                },
                "description": n.description,
                "channels": [c.value for c in n.channels],
                "condition": n.condition,
            }
            for n in result.plan
        ],
        "event_notices": [e.description for e in result.event_notices],
    }
