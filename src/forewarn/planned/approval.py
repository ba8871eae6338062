"""The policy check of planned work as publishing and moving it use it, and its override rules.

Publishing (S3): a violation that cannot be overridden blocks it; otherwise every violation
needs a written justification, and a firm one (an error) an admin — a communicator may
justify "where possible" warnings only. Each justification is kept (``Justification``) and
recorded with its author.
"""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError

from forewarn.record.kinds import Kind

from . import guards
from .checks import WorkCheck, check_work, violation_json
from .lifecycle import Move
from .models import Justification, PlannedWork, Window
from .occurrences import Window as Span


def check_windows(work: PlannedWork, windows: Iterable[Window], now: datetime) -> WorkCheck:
    statuses = dict(work.affected.values_list("component_id", "expected_status"))
    spans = [Span(w.index, w.start_at, w.end_at) for w in windows]
    return check_work(work, spans, now=now, statuses=statuses)


def approve(
    work: PlannedWork,
    checked: WorkCheck,
    *,
    move: Move,
    role: str | None,
    actor: str,
    justification: str,
    now: datetime,
    window: Window | None = None,
) -> list[dict]:
    """Let the move through the policy check, or refuse it; returns the violations accepted."""
    found = [violation_json(i, p, v) for i, p, v in checked.violations]
    if not found:
        return []
    if checked.is_blocked:
        firm = [v["message"] for v in found if not v["override_allowed"]]
        raise ValidationError({"violations": "It may not be published: " + " ".join(firm)})
    text = (justification or "").strip()
    if not text:
        raise ValidationError(
            {
                "justification": "The window breaks its policy; give a written justification: "
                + " ".join(v["message"] for v in found)
            }
        )
    text = guards.bounded("justification", text)
    needed = guards.OVERRIDE if checked.has_errors else guards.PUBLISH
    guards.allow(role, needed, "publish work that breaks a firm rule of its policy")
    Justification.objects.create(
        work=work,
        window=window,
        move=move.value,
        text=text,
        author=actor,
        role=role or "",
        violations=found,
        at=now,
    )
    work.record(
        Kind.PLANNED_JUSTIFIED,
        actor=actor,
        description=f"{move.value} despite {len(found)} violation(s): {text}",
        details={"move": move.value, "role": role, "justification": text, "violations": found},
    )
    return found


def plan_json(checked) -> list[dict]:
    return [
        {
            "window": w.window.index,
            "start": w.window.start.isoformat(),
            "end": w.window.end.isoformat(),
            "policies": [
                {
                    "policy": c.group.slug,
                    "work_type": c.group.work_type.slug,
                    "announce_by": c.result.announce_by.isoformat()
                    if c.result.announce_by
                    else None,
                    "violations": [v.code for v in c.result.violations],
                    "notices": [[n.kind.value, n.due_at.isoformat()] for n in c.result.plan],
                }
                for c in w.checks
            ],
        }
        for w in checked.windows
    ]
