"""What a release tells its customers, through the outbox, once (seed 002).

On release (minor version "once the version has been released", hotfix or plugin update
"once the update has been done", major version on the day it ships) one notice goes to the
authorized contacts of every organization that uses the product (or of the one organization
a client-specific hotfix was made for), and one to the subscribers of the product's release
notes. A security release (seed 004) goes out at once by email and chat: the product's chat
webhooks get it too. The announcements ahead of a major version or an API change are the
planned work's own (``planned.notices``). Keys make each notice once: ``release:<id>:…``.

Contact notices pass through the outbox's contact hook like every other contractual notice,
so support opens an informational request per organization (seed 003).
"""

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from forewarn.delivery.models import Audience, Channel, Notice
from forewarn.delivery.outbox import queue_notice
from forewarn.planned.models import PlannedWork

from . import notes, queries
from .models import Announcement, SlaVersion, Version
from .numbering import KIND_LABELS, ReleaseKind

KIND_PREFIX = "release."


def public_url(version: Version) -> str:
    """Where the notes can be read on the web: the What's new page (public products only)."""
    if not version.product.is_public or version.organization_id:
        return ""
    return f"{settings.SITE_URL}/whats-new/{version.product.slug}/#v{version.number}"


def about(version: Version, *, reason: str = "") -> notes.About:
    return notes.About(
        product=version.product.name,
        number=version.number,
        kind_label=KIND_LABELS[ReleaseKind(version.kind)],
        url=public_url(version),
        notes=version.notes,
        security=version.security,
        advisories=tuple(version.advisories),
        documentation=tuple(notes.Page(d["title"], d["url"]) for d in version.documentation),
        organization=version.organization.name if version.organization_id else "",
        reason=reason,
    )


def audience_of(version: Version) -> list[int]:
    """The organizations whose authorized contacts hear of ``version``."""
    if version.organization_id:
        return [version.organization_id]
    return sorted(queries.users(version.product).values_list("pk", flat=True))


def subscriber_addresses(version: Version) -> tuple[list[str], list[str]]:
    """(emails, chat webhooks) of the product's release-note subscribers; a client-specific
    hotfix is that client's alone, so its subscribers hear nothing of it."""
    if version.organization_id:
        return [], []
    emails, chats = [], []
    for subscriber in version.product.subscribers.all():
        if not subscriber.is_active:
            continue
        if subscriber.channel == Channel.EMAIL:
            emails.append(subscriber.address)
        elif subscriber.channel == Channel.CHAT:
            chats.append(subscriber.address)
    if version.security:
        chats += [u for u in version.product.chat_webhooks if u not in chats]
    return emails, chats


def kind_word(version: Version) -> str:
    return "security" if version.security else version.kind


def planned_audience(work: PlannedWork | None) -> set[int]:
    """The organizations the planned work tells itself (those using its components)."""
    if work is None:
        return set()
    return {pk for audience in work.audiences or [] for pk in audience["organizations"]}


def tell(
    version: Version,
    *,
    now: datetime,
    actor: str,
    step: str = "released",
    reason: str = "",
    work: PlannedWork | None = None,
    skip: Iterable[int] = (),
    due_at: datetime | None = None,
) -> list[Notice]:
    """Queue one notice of ``version`` (``step``: released, announced, withdrawn) to the
    contacts of the organizations that use it (less ``skip``: those a planned work tells
    itself) and one to its subscribers; each once, by its key."""
    words = about(version, reason=reason)
    if step == "announced":
        subject, body = notes.announcement_subject(words), notes.announcement(words)
        times = {"start": work.windows.order_by("index").first().start_at}
        key = f"release:{version.pk}:announced:{work.pk}"
        kind = KIND_PREFIX + "announcement"
    else:
        withdrawn = step == "withdrawn"
        subject, body = (
            notes.subject(words, withdrawn=withdrawn),
            notes.body(words, withdrawn=withdrawn),
        )
        times = {"released": version.released_at or now}
        key = f"release:{version.pk}:{step}"
        kind = KIND_PREFIX + ("withdrawn" if withdrawn else kind_word(version))
    common = {
        "thread_key": f"release:{version.pk}",
        "kind": kind,
        "subject": subject,
        "body": body,
        "due_at": due_at or now,
        "event_times": times,
        "created_by": actor,
    }
    queued = []
    skipped = set(skip)
    organizations = [pk for pk in audience_of(version) if pk not in skipped]
    if organizations:  # none: nobody uses it (an empty list would mean every contact)
        queued.append(
            queue_notice(
                key=f"{key}:contacts",
                audience=Audience.CONTACTS,
                organizations=organizations,
                **common,
            )
        )
    emails, chats = subscriber_addresses(version)
    if emails or chats:
        queued.append(
            queue_notice(
                key=f"{key}:subscribers",
                audience=Audience.DIRECT,
                direct_addresses=emails,
                direct_chat_webhooks=chats,
                **common,
            )
        )
    version.notices.add(*queued)
    return queued


def announce(version: Version, work: PlannedWork, *, actor: str) -> list[Notice]:
    """The announcement ahead of a major version or an API change, to the product's users the
    planned work does not tell itself (it tells those using its components) and to the
    subscribers of its release notes; due when the planned work's own announcement is (the
    policy's plan: 15 calendar days, 15 working days before the start)."""
    now = timezone.now()
    due = (
        Notice.objects.filter(key__startswith=f"planned:{work.pk}:", kind="planned.announcement")
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )
    return tell(
        version,
        now=now,
        actor=actor,
        step="announced",
        work=work,
        skip=planned_audience(work),
        due_at=due or now,
    )


def announce_general(announcement: Announcement, *, now: datetime, actor: str) -> Notice:
    """A general announcement to the contacts of the organizations it names (``told``)."""
    return queue_notice(
        key=f"announcement:{announcement.pk}",
        thread_key=f"announcement:{announcement.pk}",
        kind=f"announcement.{announcement.topic}",
        subject=announcement.title,
        body=announcement.body,
        audience=Audience.CONTACTS,
        organizations=announcement.told,
        due_at=now,
        created_by=actor,
    )


def sla_published(
    version: SlaVersion, organizations: list[int], *, now: datetime, actor: str
) -> Notice:
    """A new SLA version, to the contacts of the organizations using the category (seed 002:
    "Improvements and changes in Service Policies and SLAs" by email)."""
    category = version.category
    body = (
        f"The SLA of **{category.name}** changes: version {version.label}, an availability "
        f"target of {version.target_pct.normalize():f} % from the time below.\n\n{version.summary}"
    )
    return queue_notice(
        key=f"sla_version:{version.pk}",
        thread_key=f"sla_version:{version.pk}",
        kind="announcement.sla",
        subject=f"{category.name}: SLA version {version.label}",
        body=body,
        audience=Audience.CONTACTS,
        organizations=organizations,
        due_at=now,
        event_times={"effective": version.effective_from},
        created_by=actor,
    )
