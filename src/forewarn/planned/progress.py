"""Running planned work: extend a window, complete it, mark the version released.

Each is one transaction, like ``services``: role, input, state, record, notices, page.
Extending re-runs the policy check against the longer window (its notice judged as at
publication, when customers were told); what it breaks is recorded, not refused, since the
work is already under way.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from forewarn.policies.rules import NoticeKind
from forewarn.record.kinds import Kind

from . import effects, guards, notices, runner
from .approval import check_windows
from .checks import violation_json
from .lifecycle import Move, PlannedState
from .models import PlannedWork, Window


@transaction.atomic
def extend(
    work: PlannedWork,
    *,
    actor: str,
    role: str | None,
    reason: str,
    end: datetime | None = None,
    next_update_at: datetime | None = None,
    window: int | None = None,
) -> Window:
    """Give a running window a new end, or say when the next update comes (seed 003: "the
    reasons the extension is necessary, and either a new target end time or a guideline on
    when they can expect the next update")."""
    guards.allow(role, guards.RUN, "extend planned work")
    work = guards.locked(work)
    running = guards.window_of(work, window)
    state = PlannedState(running.state)
    if not state.is_running:
        raise ValidationError(
            {
                "state": f"Only a window in progress or verifying is extended; this one is {state.value}."
            }
        )
    reason = guards.required("reason", reason, "the reason for the extension", 300)
    now = timezone.now()
    if (end is None) == (next_update_at is None):
        raise ValidationError({"end": "Give either a new end or the time of the next update."})
    if next_update_at is not None:
        next_update_at = guards.instant("next_update_at", next_update_at)
        if next_update_at <= now:
            raise ValidationError({"next_update_at": "The next update must be in the future."})
        runner.tell_extension(
            running, now, reason=reason, actor=actor, next_update_at=next_update_at
        )
        work.record(
            Kind.PLANNED_EXTENDED,
            actor=actor,
            description=f"window {running.index}: next update by {next_update_at.isoformat()}: {reason}",
            details={
                "window": running.index,
                "reason": reason,
                "next_update_at": next_update_at.isoformat(),
            },
        )
        runner.refresh(work)  # the page shows the extension among the work's updates
        return running
    end = guards.instant("end", end)
    if end <= max(now, running.start_at):
        raise ValidationError({"end": "The new end must be in the future."})
    (span,) = guards.window_list(work.work_type, running.start_at, end, work.time_zone, "")
    checked = check_windows(
        work,
        [Window(index=running.index, start_at=span.start, end_at=span.end)],
        work.published_at or now,
    )
    found = [violation_json(running.index, p, v) for p, v in checked.windows[0].violations]
    before = running.end_at.isoformat()
    if state is PlannedState.VERIFYING:
        running.state = guards.moved(running.state, Move.EXTEND)
        effects.hold(running, actor=actor, now=now)
    running.end_at = span.end
    running.sequence += 1
    running.violations = running.violations + [v for v in found if v not in running.violations]
    running.kept_policy = running.kept_policy and not found
    runner.tell_extension(running, now, reason=reason, actor=actor, new_end=span.end)
    work.record(
        Kind.PLANNED_EXTENDED,
        actor=actor,
        description=f"window {running.index} extended to {span.end.isoformat()}: {reason}",
        details={
            "window": running.index,
            "reason": reason,
            "from": before,
            "to": span.end.isoformat(),
            "sequence": running.sequence,
            "violations": found,
        },
    )
    runner.refresh(work)
    return running


@transaction.atomic
def complete(
    work: PlannedWork, *, actor: str, role: str | None, window: int | None = None
) -> Window:
    """Close a running window now: end it if its time is not up, then complete it, which needs
    every affected component operational (else 422 naming them, and nothing changes)."""
    guards.allow(role, guards.RUN, "complete planned work")
    work = guards.locked(work)
    running = guards.window_of(work, window)
    state = PlannedState(running.state)
    if not state.is_running:
        raise ValidationError(
            {
                "state": f"Only a window in progress or verifying is completed; this one is {state.value}."
            }
        )
    now = timezone.now()
    if state is PlannedState.IN_PROGRESS:
        running.state = guards.moved(running.state, Move.END)
        running.ended_at = now
        changes = effects.release(running, actor=actor, now=now, reason="work finished")
        work.record(
            Kind.PLANNED_ENDED,
            actor=actor,
            description=f"window {running.index} ended early, by hand.",
            details={"window": running.index, "components": changes, "late_by_seconds": 0},
        )
    runner.complete(running, now, actor=actor)
    Window.objects.filter(pk=running.pk).update(next_transition_at=running.next_transition_at)
    return running


@transaction.atomic
def release(work: PlannedWork, *, actor: str, role: str | None) -> PlannedWork:
    """The version this work rolls out is released: its release notice goes out (seed 002:
    "Once the version has been released"); once."""
    guards.allow(role, guards.RUN, "mark a release")
    work = guards.locked(work)
    version = work.major_versions.select_related("product").first()
    if version is not None:  # one release, one set of notices: the version's
        raise ValidationError(
            {
                "released_at": f"This work rolls out {version.product.name} {version.number}: "
                "release the version (Releases), which marks this work released and tells "
                "its customers once."
            }
        )
    return _released(work, actor=actor, now=timezone.now())


def released_with_version(work: PlannedWork, *, actor: str, now: datetime, version: str) -> None:
    """The major version ``work`` rolls out is released (``releases.services.release``): the
    work is marked released too, without notices of its own (the version's tell everyone).
    Work cancelled or released already is left as it is."""
    work = guards.locked(work)
    if work.is_public and work.released_at is None and work.state != PlannedState.CANCELLED:
        _released(work, actor=actor, now=now, version=version)


def _released(work: PlannedWork, *, actor: str, now: datetime, version: str = "") -> PlannedWork:
    """Mark ``work`` released and record it; its own release notice goes out unless it is
    released with ``version``, whose notices tell everyone."""
    if not work.is_public or work.state == PlannedState.CANCELLED:
        raise ValidationError({"state": f"Work that is {work.state} is not released."})
    if work.released_at is not None:
        raise ValidationError(
            {"released_at": f"Released already, at {work.released_at.isoformat()}."}
        )
    work.released_at = now
    work.save(update_fields=["released_at", "updated_at"])
    queued = []
    if not version:
        window = work.windows.exclude(state=PlannedState.CANCELLED).order_by("index").first()
        queued = notices.tell(
            window, NoticeKind.RELEASE, actor=actor, now=now, event_times={"released": now}
        )
    work.record(
        Kind.PLANNED_RELEASED,
        actor=actor,
        description=f"released with {version}; its notices went out with the version."
        if version
        else f"released; {len(queued)} notice(s) queued.",
        details={"released_at": now.isoformat(), "keys": [n.key for n in queued]}
        | ({"version": version} if version else {}),
    )
    runner.refresh(work)
    return work
