"""The console's pre-publish page: the policy check and the whole notification plan of a work.

The answer is ``plan_check.describe``, the one the API gives (``POST
/api/v1/planned-work/{id}/check``), so the console and the API can never disagree; here it is
laid out for a person: per window and per policy, the announce-by deadline, the violations,
the earliest compliant start, and each notice's instant in the policy's zone, the provider's
and each affected region's.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from forewarn.catalog.models import Region
from forewarn.policies.rules import format_instant

from . import plan_check
from .models import PlannedWork


def _zones(work: PlannedWork) -> list[tuple[str, str]]:
    """(heading, zone name) of the provider and of each affected region, without repeats."""
    found = [(f"Provider ({settings.PROVIDER_TIME_ZONE})", settings.PROVIDER_TIME_ZONE)]
    regions = (
        Region.objects.filter(components__planned_effects__work=work).distinct().order_by("name")
    )
    found += [(f"{r.name} ({r.time_zone})", r.time_zone) for r in regions]
    return found


def _policy_rows(checked: dict, zones: list[tuple[str, str]]) -> dict:
    def at(iso: str | None, zone: str) -> str:
        return format_instant(datetime.fromisoformat(iso), ZoneInfo(zone)) if iso else "—"

    return checked | {
        "notices": [
            {
                "kind": n["kind"].replace("_", " ").capitalize(),
                "description": n["description"],
                "channels": ", ".join(c.replace("_", " ") for c in n["channels"]),
                "condition": n["condition"],
                "due": [n["due_at_text"]] + [at(n["due_at"], zone) for _, zone in zones],
            }
            for n in checked["plan"]
        ],
    }


def verdict(answer: dict) -> tuple[str, str]:
    """(css class, sentence): may it be published, and by whom."""
    if answer["ok"]:
        return "ok", "Every window keeps every policy: it may be published as it is."
    if answer["is_blocked"]:
        return (
            "blocked",
            "A rule that cannot be overridden is broken: move the window (see the earliest "
            "compliant start) before it can be published.",
        )
    if answer["needs_admin"]:
        return (
            "admin",
            "A firm rule is broken: only an admin may publish it, with a written justification.",
        )
    return (
        "justify",
        "It breaks a rule the policy keeps “where possible”: a communicator may publish it "
        "with a written justification.",
    )


def precheck(work: PlannedWork) -> dict:
    """The check of the work's open windows, laid out per zone; ``error`` when it cannot run."""
    try:
        answer = plan_check.describe(work, timezone.now())
    except ValidationError as error:
        return {"error": " ".join(error.messages)}
    zones = _zones(work)
    css, sentence = verdict(answer)
    return answer | {
        "zones": zones,
        "verdict_class": css,
        "verdict": sentence,
        "windows": [
            w | {"policies": [_policy_rows(p, zones) for p in w["policies"]]}
            for w in answer["windows"]
        ],
    }
