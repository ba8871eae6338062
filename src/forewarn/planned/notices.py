"""What planned work tells customers, and its owner, through the outbox; each notice recorded.

Customers are told in *audiences*: the clients under each policy (``checks.groups``, kept on
the work as ``audiences``), the work's own policy also speaking to the confirmed public
subscribers of the affected components. The notices planned at fixed times (announcement,
reminders, the shut-down's reminders) are queued at publication with their due instant;
the others when their event happens (start, completion, extension, release, reschedule,
cancellation), each only if that audience's work type sends it by email or chat. An
upgrade's announcement tells each plan the new features its licences include. Keys and
wording: ``wording``.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.contrib.auth import get_user_model

from forewarn.catalog.models import Organization
from forewarn.delivery.emails import mail_domain
from forewarn.delivery.models import Audience, Notice
from forewarn.delivery.outbox import cancel_notice, queue_notice
from forewarn.policies.models import WorkType
from forewarn.policies.rules import NoticeChannel, NoticeKind
from forewarn.record.kinds import Kind

from . import ics, wording
from .checks import Group, WindowCheck
from .models import PlannedWork, Window

SENT_BY_OUTBOX = {NoticeChannel.EMAIL, NoticeChannel.CHAT}
PLANNED_AHEAD = (NoticeKind.ANNOUNCEMENT, NoticeKind.REMINDER, NoticeKind.SHUTDOWN_REMINDERS)
INVITES = {NoticeKind.ANNOUNCEMENT, NoticeKind.RESCHEDULE, NoticeKind.EXTENSION}
KIND_PREFIX = "planned."


def public_url(work: PlannedWork) -> str:
    """The work's page on the status page."""
    return f"{settings.SITE_URL}/maintenance/{work.public_id}/"


@dataclass(frozen=True)
class Target:
    """One notice's recipients: an audience, maybe narrowed to organizations, with its words."""

    audience: str
    organizations: tuple[int, ...]
    policy: str  # "" for the work's own policy
    work_type: WorkType
    plan: str = ""
    features: tuple[str, ...] = ()
    plan_change: str = ""


def audiences_json(groups: list[Group]) -> list[dict]:
    return [
        {
            "policy": g.slug,
            "work_type": g.work_type.slug,
            "organizations": [o.pk for o in g.organizations],
        }
        for g in groups
    ]


def targets(work: PlannedWork, *, by_plan: bool = False) -> list[Target]:
    """The recipients of one notice of ``work``, per audience (and per plan when ``by_plan``)."""
    found = []
    types = {w.policy.slug: w for w in [work.work_type, *work.other_work_types.all()]}
    split = by_plan and bool(work.new_features or work.plan_changes)
    for n, audience in enumerate(work.audiences or [_own(work)]):
        primary = n == 0
        work_type = types.get(audience["policy"], work.work_type)
        if primary and audience["policy"] != work.policy.slug:
            work_type = work.work_type
        suffix = "" if primary else audience["policy"]
        ids = tuple(audience["organizations"])
        if not split:
            if primary and not ids:
                found.append(Target(Audience.PUBLIC, (), suffix, work_type))
            else:
                kind = Audience.EVERYONE if primary else Audience.CONTACTS
                found.append(Target(kind, ids, suffix, work_type))
            continue
        if primary:
            names = tuple(f["name"] for f in work.new_features)
            found.append(Target(Audience.PUBLIC, (), suffix, work_type, features=names))
        plans: dict[str, list[int]] = {}
        for pk, plan in Organization.objects.filter(pk__in=ids).values_list("pk", "plan"):
            plans.setdefault(plan, []).append(pk)
        for plan, members in sorted(plans.items()):
            found.append(
                Target(
                    Audience.CONTACTS,
                    tuple(members),
                    suffix,
                    work_type,
                    plan or "none",
                    _features_for(work, plan),
                    str((work.plan_changes or {}).get(plan, "")),
                )
            )
    return found


def _own(work: PlannedWork) -> dict:
    return {"policy": work.policy.slug, "work_type": work.work_type.slug, "organizations": []}


def _features_for(work: PlannedWork, plan: str) -> tuple[str, ...]:
    """Seed 000: "Depending on your licences, some new features will be at no extra cost"."""
    plan = plan.strip().casefold()
    return tuple(
        f["name"]
        for f in work.new_features
        if not f.get("plans") or plan in {p.strip().casefold() for p in f["plans"]}
    )


def in_force(work_type: WorkType, at: datetime) -> WorkType:
    """``work_type`` as the version of its policy in force at ``at`` has it (the contract in
    force when the work happens, as ``checks.PolicyAt`` checks a window against)."""
    found = (w for w in work_type.policy.work_types_at(at) if w.slug == work_type.slug)
    return next(found, work_type)


def sends(work_type: WorkType, kind: NoticeKind, *, interrupting: bool = True) -> bool:
    """Whether ``work_type`` sends a ``kind`` notice by email or chat."""
    spec = work_type.to_rules().notice_spec(kind)
    if spec is None or not SENT_BY_OUTBOX & set(spec.channels):
        return False
    return interrupting or not spec.only_if_interrupting


def invitation(window: Window, *, cancelled: bool = False, stamp: datetime) -> str:
    invite = invitation_of(window, stamp=stamp)
    return ics.cancel(invite) if cancelled else ics.request(invite)


def invitation_of(window: Window, *, stamp: datetime) -> ics.Invitation:
    """The calendar event of ``window``, as the invitations and the page's feeds give it."""
    work = window.work
    return ics.Invitation(
        uid=ics.uid(work.pk, window.index, mail_domain()),
        sequence=window.sequence,
        start=window.start_at,
        end=window.end_at,
        summary=work.title,
        description=work.impact_text or work.description,
        organizer=parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "noreply@forewarn.invalid",
        url=public_url(work),
        stamp=stamp,
    )


def about(work: PlannedWork, target: Target, **extra) -> wording.About:
    return wording.About(
        title=work.title,
        work_type=target.work_type.name,
        description=work.description,
        impact=work.impact_text,
        shutdown=work.shutdown,
        url=public_url(work),
        features=target.features,
        plan_change=target.plan_change,
        for_plan=bool(target.plan),
        **extra,
    )


def queue(
    window: Window,
    target: Target,
    kind: NoticeKind,
    *,
    actor: str,
    now: datetime,
    due_at: datetime | None = None,
    lead: timedelta | None = None,
    repeat: int | None = None,
    event_times: dict | None = None,
    reason: str = "",
    next_update_at: datetime | None = None,
) -> Notice:
    """Queue one notice of ``window`` to ``target`` and record it."""
    work = window.work
    key = wording.key(
        work.pk,
        window.index,
        kind,
        window.sequence,
        lead=lead,
        policy=target.policy,
        plan=target.plan,
        repeat=repeat,
    )
    words = about(work, target, reason=reason, next_update_at=next_update_at, lead=lead)
    times = {"start": window.start_at, "end": window.end_at} | (event_times or {})
    ics_text = ""
    if kind in INVITES:
        ics_text = invitation(window, stamp=now)
    elif kind is NoticeKind.CANCELLATION:
        ics_text = invitation(window, cancelled=True, stamp=now)
    notice = queue_notice(
        key=key,
        thread_key=wording.thread(work.pk),
        kind=KIND_PREFIX + kind.value,
        subject=wording.subject(kind, words),
        body=wording.body(kind, words),
        audience=target.audience,
        components=list(work.affected.values_list("component_id", flat=True)),
        organizations=target.organizations,
        due_at=due_at or now,
        event_times=times,
        ics=ics_text,
        created_by=actor,
    )
    work.record(
        Kind.PLANNED_NOTICE_QUEUED,
        actor=actor,
        description=f"notice {key} queued, due {notice.due_at.isoformat()}.",
        details={
            "key": key,
            "notice_id": notice.pk,
            "kind": kind.value,
            "window": window.index,
            "due_at": notice.due_at.astimezone(UTC).isoformat(),
            "audience": target.audience,
            "policy": target.policy or work.policy.slug,
            "organizations": list(target.organizations),
            "plan": target.plan,
        },
    )
    return notice


def queue_plan(
    window: Window, checked: WindowCheck, *, actor: str, now: datetime, announce: bool = True
) -> list[Notice]:
    """Queue the notices planned at fixed times before the start, for every audience (without
    the announcement when a reschedule notice has told them already)."""
    work = window.work
    plans = {c.group.slug: c.result.plan for c in checked.checks}
    by_plan = targets(work, by_plan=True)
    sent = []
    for target in targets(work):
        for planned in plans.get(target.policy or work.policy.slug, []):
            if planned.kind not in PLANNED_AHEAD or not SENT_BY_OUTBOX & set(planned.channels):
                continue
            if planned.kind is NoticeKind.ANNOUNCEMENT and not announce:
                continue
            if planned.kind is NoticeKind.ANNOUNCEMENT:
                # An upgrade tells each plan its own features: one announcement per plan.
                chosen = [t for t in by_plan if t.policy == target.policy]
                lead = None
            else:
                chosen, lead = [target], window.start_at - planned.due_at
            sent += [
                queue(
                    window, t, planned.kind, actor=actor, now=now, due_at=planned.due_at, lead=lead
                )
                for t in chosen
            ]
    return sent


def tell(
    window: Window,
    kind: NoticeKind,
    *,
    actor: str,
    now: datetime,
    interrupting: bool = True,
    always: bool = False,
    **words,
) -> list[Notice]:
    """Queue an event's notice to every audience whose work type sends it (or to all, if
    ``always``): the work type as the policy version in force when the window starts has it."""
    return [
        queue(window, target, kind, actor=actor, now=now, **words)
        for target in targets(window.work)
        if always
        or sends(in_force(target.work_type, window.start_at), kind, interrupting=interrupting)
    ]


def customer_notices(window: Window):
    work = window.work
    return Notice.objects.filter(
        thread_key=wording.thread(work.pk), key__startswith=f"planned:{work.pk}:{window.index}:"
    )


def was_told(window: Window) -> bool:
    """Whether any customer notice of this window has gone out."""
    return (
        customer_notices(window)
        .filter(fanned_out_at__isnull=False, cancelled_at__isnull=True)
        .exists()
    )


def withdraw(window: Window, *, actor: str, reason: str) -> int:
    """Cancel the window's notices that have not gone out yet; how many."""
    pending = customer_notices(window).filter(fanned_out_at__isnull=True, cancelled_at__isnull=True)
    count = 0
    for notice in pending.order_by("due_at", "pk"):
        cancel_notice(notice, actor=actor, reason=reason)
        count += 1
    return count


def alert_owner(window: Window, *, now: datetime, actor: str = "system") -> Notice | None:
    """Tell the owner (else the author) that the window is overrunning; once per window end."""
    work = window.work
    user = work.owner
    address = user.email if user is not None and user.is_active else ""
    if not address:
        author = get_user_model().objects.filter(username=work.created_by, is_active=True).first()
        address = author.email if author is not None else ""
    if not address:
        return None
    console = f"{settings.SITE_URL}/console/planned/plannedwork/{work.pk}/change/"
    return queue_notice(
        key=f"planned:{work.pk}:{window.index}:overrun:{window.end_at.isoformat()}",
        thread_key=f"{wording.thread(work.pk)}:staff",
        kind="planned.overrun",
        subject=f"Overrunning: {work.title}",
        body=(
            f"The window of **{work.title}** has ended but the work is not closed. Extend it "
            f"with a reason and a new end, or complete it once every affected component is "
            f"operational: <{console}>"
        ),
        audience=Audience.DIRECT,
        direct_addresses=[address],
        event_times={"start": window.start_at, "end": window.end_at},
        due_at=now,
        created_by=actor,
    )
