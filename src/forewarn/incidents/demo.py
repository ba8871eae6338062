"""Demo incidents: one open public P2 with several updates, resolved ones across the last 90
days (two caused by third parties, so the availability reports show their exclusions; one with
a published postmortem), an internal P4, and a template.

Loaded through the services (past incidents through ``backfill``), at times counted back from
now. Each is found again by its title, so loading twice changes nothing.
"""

from datetime import datetime, timedelta

from django.utils import timezone

from forewarn.catalog.models import Component

from . import configuration, postmortems, services
from .backfill import PastUpdate, backfill_incident
from .models import Incident, IncidentTemplate

WHO = {"actor": "demo", "role": "admin"}

# (title, priority, cause, {slug: status}, days ago, UTC minute of the day, [(minutes, status,
# message)]): the resolved ones, oldest first.
PAST = [
    (
        "Chatbot answers slowly",
        "P3",
        "own",
        {"nlu-engine": "degraded_performance"},
        75,
        13 * 60,
        [
            (0, "investigating", "Chatbots take several seconds to answer. We are investigating."),
            (40, "identified", "An intent model deployed this morning is too large; rolling back."),
            (90, "resolved", "The previous model is back and answers are fast again."),
        ],
    ),
    (
        "Slow search in Ticketing",
        "P3",
        "own",
        {"ticketing": "degraded_performance"},
        45,
        16 * 60,
        [
            (0, "investigating", "Searching cases takes up to a minute. We are investigating."),
            (50, "identified", "A missing index after last night's upgrade. We are rebuilding it."),
            (120, "monitoring", "The index is rebuilt; search is fast again. We are watching it."),
            (180, "resolved", "Search has been fast for an hour. This incident is resolved."),
        ],
    ),
    (
        "Calls failing in the EU",
        "P1",
        "third_party",
        {"voice-sip": "major_outage", "sip-trunk-ams": "major_outage"},
        30,
        2 * 60,
        [
            (
                0,
                "investigating",
                "Inbound and outbound calls fail in the EU. We are investigating.",
            ),
            (12, "identified", "Our carrier's interconnect in Amsterdam is down; they are on it."),
            (27, "monitoring", "The carrier restored the interconnect. Calls connect again."),
            (40, "resolved", "Calls have connected normally for a quarter of an hour. Resolved."),
        ],
    ),
    (
        "Campaign sends delayed for one account",
        "P3",
        "client_caused",
        {"campaigns": "degraded_performance"},
        9,
        9 * 60,
        [
            (0, "investigating", "Some campaign sends are queued longer than usual."),
            (35, "identified", "One account's import saturated the send queue; we paced it."),
            (70, "resolved", "The queue is back to normal."),
        ],
    ),
    (
        "Database maintenance at our hosting provider ran long",
        "P2",
        "third_party",
        {"agent-workspace": "partial_outage"},
        3,
        5 * 60,
        [
            (0, "investigating", "Agents cannot load conversations. We are investigating."),
            (20, "identified", "Our database provider's maintenance is running over its window."),
            (55, "resolved", "The provider finished; Agent Workspace works again."),
        ],
    ),
]

POSTMORTEM = {
    "Calls failing in the EU": (
        "## What happened\n\nFor 40 minutes our carrier's interconnect in Amsterdam was down, "
        "and calls through the Amsterdam trunk failed. Frankfurt should have carried them, but "
        "its capacity was reserved for outbound calls only.\n\n## What we change\n\n"
        "- Frankfurt now carries inbound calls too when Amsterdam fails.\n"
        "- We test the switch-over every month."
    )
}

OPEN_P2 = (
    "Delayed WhatsApp deliveries",
    {"whatsapp-business": "partial_outage"},
    [
        (70, "investigating", "Some WhatsApp messages arrive minutes late. We are investigating."),
        (45, "identified", "Meta's delivery API answers slowly for EU numbers; we retry faster."),
        (15, "monitoring", "Most messages arrive within a minute again. We keep watching."),
    ],
)

INTERNAL_P4 = (
    "Transcript export slow for large bots",
    "Exporting the transcripts of bots with more than a million conversations takes hours. "
    "Internal: no customer has reported it yet.",
)

TEMPLATE = {
    "name": "Voice down",
    "title": "Calls failing",
    "body": "Calls fail to connect. We are investigating and will update within 15 minutes.",
    "priority": "P1",
}


def load() -> None:
    """Create the demo incidents that are not there yet."""
    configuration.load_seed_policies(actor="demo")
    components = {c.slug: c for c in Component.objects.all()}
    now = timezone.now().replace(second=0, microsecond=0)
    for title, priority, cause, statuses, days_ago, minute, steps in PAST:
        if Incident.objects.filter(title=title).exists():
            continue
        began = _day(now, days_ago) + timedelta(minutes=minute)
        incident = backfill_incident(
            **WHO,
            title=title,
            priority=priority,
            cause=cause,
            components={components[s]: status for s, status in statuses.items()},
            updates=[PastUpdate(began + timedelta(minutes=m), st, text) for m, st, text in steps],
        )
        if title in POSTMORTEM:
            postmortems.save_postmortem(incident, POSTMORTEM[title], **WHO)
            postmortems.publish_postmortem(incident, notify=False, **WHO)
    title, statuses, steps = OPEN_P2
    if not Incident.objects.filter(title=title).exists():
        backfill_incident(
            **WHO,
            title=title,
            priority="P2",
            components={components[s]: status for s, status in statuses.items()},
            updates=[PastUpdate(now - timedelta(minutes=m), st, text) for m, st, text in steps],
        )
    title, description = INTERNAL_P4
    if not Incident.objects.filter(title=title).exists():
        services.open_incident(
            **WHO,
            title=title,
            priority="P4",
            message="Looking into the export of very large bots.",
            description=description,
            components={},
        )
    if not IncidentTemplate.objects.filter(name=TEMPLATE["name"]).exists():
        configuration.save_template(
            IncidentTemplate(**TEMPLATE),
            components=[components["voice-sip"]],
            **WHO,
        )


def _day(now: datetime, days_ago: int) -> datetime:
    """Midnight UTC ``days_ago`` days before ``now``."""
    return (now - timedelta(days=days_ago)).replace(hour=0, minute=0)
