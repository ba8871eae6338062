"""What incidents say, and to whom, through the outbox; each notice queued is recorded.

Keys follow one convention (``Notice.key`` is unique, so each is queued once):

    incident:<id>:update:<update id>                  customers, one per update that notifies
    incident:<id>:update:<update id>:follower:<f id>  a visitor following only this incident
    incident:<id>:postmortem                          customers, when published with notify
    incident:<id>:reminder:<deadline ISO>             responders, once per deadline
    incident:<id>:escalation:<tier>                   a tier's people, once per tier

Customers' notices share the thread ``incident:<id>``; the staff's (reminders,
escalations) share ``incident:<id>:staff``. Customers are the confirmed subscribers
of the affected components and the authorized contacts of the organizations using
them (``Audience.EVERYONE`` with the components; all of them when the incident names
no component), and the followers of the incident who are not among them.
"""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from forewarn.catalog.models import Organization
from forewarn.catalog.statuses import LABELS as COMPONENT_STATUS_LABELS
from forewarn.delivery.models import Audience, Delivery, Notice
from forewarn.delivery.outbox import queue_notice
from forewarn.record.kinds import Kind

from . import followers
from .escalation import Tier
from .lifecycle import IncidentStatus
from .models import EscalationContact, Incident, IncidentSubscription, IncidentUpdate, Postmortem

KIND_UPDATE = "incident.update"
KIND_POSTMORTEM = "incident.postmortem"
KIND_REMINDER = "incident.reminder"
KIND_ESCALATION = "incident.escalation"
STATUS_WORDS = {s: s.value.capitalize() for s in IncidentStatus}


# Links ------------------------------------------------------------------------------


def public_url(incident: Incident) -> str:
    """The incident's page on the status page (served by the status page's incident views)."""
    return f"{settings.SITE_URL}/incidents/{incident.public_id}/"


def console_url(incident: Incident) -> str:
    return f"{settings.SITE_URL}/console/incidents/incident/{incident.pk}/change/"


# Customers ----------------------------------------------------------------------------


def announce_update(incident: Incident, update: IncidentUpdate, *, actor: str) -> list[Notice]:
    """Tell customers of an update of a public incident (nothing for an internal one or notify off)."""
    if not incident.is_public or not update.notify:
        return []
    started = {"started": incident.detected_at}
    ended = (
        {"resolved": update.posted_at}
        if update.status == IncidentStatus.RESOLVED
        else {"posted": update.posted_at}
    )
    return _tell_customers(
        incident,
        suffix=f"update:{update.pk}",
        kind=KIND_UPDATE,
        subject=f"{STATUS_WORDS[IncidentStatus(update.status)]}: {incident.title}",
        body=f"{update.body.strip()}\n\n{_affected_line(incident)}",
        event_times=started | ended,
        actor=actor,
    )


def announce_postmortem(incident: Incident, postmortem: Postmortem, *, actor: str) -> list[Notice]:
    return _tell_customers(
        incident,
        suffix="postmortem",
        kind=KIND_POSTMORTEM,
        subject=f"Postmortem: {incident.title}",
        body=postmortem.body.strip(),
        event_times={"started": incident.detected_at, "resolved": incident.resolved_at},
        actor=actor,
    )


def _affected_line(incident: Incident) -> str:
    named = [
        f"{a.component.name} ({COMPONENT_STATUS_LABELS[a.component.status].lower()})"
        for a in incident.affected.select_related("component").order_by("component__name")
    ]
    return f"**Affected:** {', '.join(named)}" if named else ""


def _tell_customers(
    incident: Incident,
    *,
    suffix: str,
    kind: str,
    subject: str,
    body: str,
    event_times: dict,
    actor: str,
) -> list[Notice]:
    link = f"[Follow this incident on the status page]({public_url(incident)})"
    key = f"{incident.ref}:{suffix}"
    if Notice.objects.filter(key=key).exists():
        return []  # told already (e.g. made public, internal and public again)
    components = list(incident.affected.values_list("component_id", flat=True))
    notice = queue_notice(
        key=key,
        thread_key=incident.ref,
        kind=kind,
        subject=subject,
        body=f"{body}\n\n{link}".strip(),
        audience=Audience.EVERYONE,
        components=components,
        event_times=event_times,
        created_by=actor,
    )
    deliveries = Delivery.objects.filter(notice=notice)
    _record_queued(incident, notice, actor=actor, recipients=deliveries.count())
    sent = [notice]
    following = list(
        IncidentSubscription.objects.filter(
            incident=incident, confirmed_at__isnull=False, unsubscribed_at__isnull=True
        ).order_by("pk")
    )
    told = set(
        deliveries.filter(address__in=[f.email.lower() for f in following]).values_list(
            "address", flat=True
        )
    )
    for follower in following:
        if follower.email.lower() in told:
            continue  # a subscriber or contact already has it, in the same thread
        stop = f"You follow this incident only. [Stop following it]({followers.stop_url(follower)})"
        sent.append(
            queue_notice(
                key=f"{key}:follower:{follower.pk}",
                thread_key=incident.ref,
                kind=kind,
                subject=subject,
                body=f"{body}\n\n{link}\n\n{stop}".strip(),
                audience=Audience.DIRECT,
                direct_addresses=[follower.email],
                event_times=event_times,
                created_by=actor,
            )
        )
    if len(sent) > 1:
        incident.record(
            Kind.INCIDENT_NOTICE_QUEUED,
            actor=actor,
            description=f"notice {key} queued to {len(sent) - 1} follower(s) of the incident.",
            details={
                "key": key,
                "followers": len(sent) - 1,
                "notice_ids": [n.pk for n in sent[1:]],
            },
        )
    return sent


def _record_queued(incident: Incident, notice: Notice, *, actor: str, recipients: int) -> None:
    incident.record(
        Kind.INCIDENT_NOTICE_QUEUED,
        actor=actor,
        description=f"notice {notice.key} queued to {recipients} recipient(s).",
        details={
            "key": notice.key,
            "notice_id": notice.pk,
            "kind": notice.kind,
            "audience": notice.audience,
            "recipients": recipients,
        },
    )


# Staff --------------------------------------------------------------------------------


def staff_thread(incident: Incident) -> str:
    return f"{incident.ref}:staff"


def usable(addresses: list[str]) -> list[str]:
    """The addresses that are email addresses: a staff row with a typo must not stop an incident."""
    found = []
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            continue
        found.append(address)
    return found


def remind(
    incident: Incident, deadline: datetime, *, addresses: list[str], chat_webhooks: list[str]
) -> Notice | None:
    """Remind the responders that an update is due at ``deadline``; once per deadline."""
    addresses = usable(addresses)
    if not addresses and not chat_webhooks:
        return None
    last = {"last_update": incident.last_update_at} if incident.last_update_at else {}
    return queue_notice(
        key=f"{incident.ref}:reminder:{deadline.isoformat()}",
        thread_key=staff_thread(incident),
        kind=KIND_REMINDER,
        subject=f"Update due: {incident.priority} {incident.title}",
        body=(
            f"The next update on **{incident.title}** ({incident.priority}, "
            f"{incident.status}) is due. Post it in the console: <{console_url(incident)}>"
        ),
        audience=Audience.DIRECT,
        direct_addresses=addresses,
        direct_chat_webhooks=chat_webhooks,
        event_times={"update_due": deadline, **last},
        created_by="system",
    )


def tier_contacts(tier: Tier) -> tuple[list[str], list[str]]:
    """The configured addresses (staff users' and plain ones) and chat webhooks of a tier."""
    addresses, hooks = [], []
    for contact in EscalationContact.objects.filter(tier=tier).select_related("user"):
        if contact.user_id and contact.user.email and contact.user.is_active:
            addresses.append(contact.user.email)
        if contact.email:
            addresses.append(contact.email)
        if contact.chat_webhook_url:
            hooks.append(contact.chat_webhook_url)
    return addresses, hooks


def success_managers(incident: Incident) -> list[str]:
    """The addresses of the success managers of organizations using the affected components."""
    components = incident.affected.values_list("component_id", flat=True)
    return list(
        Organization.objects.filter(components__in=components, success_manager__is_active=True)
        .exclude(success_manager__email="")
        .order_by("name")
        .values_list("success_manager__email", flat=True)
        .distinct()
    )


def tell_tier(
    incident: Incident,
    tier: Tier,
    *,
    reason: str,
    addresses: list[str],
    chat_webhooks: list[str],
    actor: str,
) -> Notice | None:
    """Tell a tier's people that the incident escalated to them; once per tier."""
    addresses = usable(addresses)
    if not addresses and not chat_webhooks:
        return None
    return queue_notice(
        key=f"{incident.ref}:escalation:{tier.value}",
        thread_key=staff_thread(incident),
        kind=KIND_ESCALATION,
        subject=f"Escalated to {tier.label}: {incident.priority} {incident.title}",
        body=(
            f"**{incident.title}** ({incident.priority}, {incident.status}) was escalated to "
            f"{tier.label}: {reason}.\n\nFollow it in the console: <{console_url(incident)}>"
        ),
        audience=Audience.DIRECT,
        direct_addresses=addresses,
        direct_chat_webhooks=chat_webhooks,
        event_times={"started": incident.detected_at},
        created_by=actor,
    )
