"""Demo data that tells a provider's story at a glance; safe to load any number of times."""

from datetime import timedelta
from decimal import Decimal
from functools import partial
from importlib import import_module

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from forewarn.catalog import services
from forewarn.catalog.models import (
    AuthorizedContact,
    Component,
    ComponentGroup,
    ComponentStatus,
    Organization,
    ProductCategory,
    Region,
    StatusInterval,
)
from forewarn.policies.services import load_calendar_presets
from forewarn.statuspage.version import page_changed


def domain_demo_modules() -> list[str]:
    """Each app (other than this one) may add demo data in a ``demo`` module with a ``load()``."""
    found = []
    for config in apps.get_app_configs():
        if config.name.startswith("forewarn.") and config.name != "forewarn.ops":
            if module_has_submodule(config.module, "demo"):
                found.append(f"{config.name}.demo")
    return sorted(found)


WEEKDAY_PEAK = [{"weekday": d, "start": "08:00", "end": "20:00"} for d in range(5)]

# Seed 001 §2: product categories and their availability commitments, measured per quarter.
CATEGORIES = [
    ("business-messaging", "Business Messaging", "99.99"),
    ("voice", "Voice", "99.99"),
    ("service-cloud", "Service Cloud", "99.90"),
    ("marketing-cloud", "Marketing Cloud", "99.90"),
    ("conversational-ai-cloud", "Conversational AI Cloud", "99.90"),
]

# (group, [(slug, name, category, region, description, extra)])
COMPONENTS = [
    (
        "Business Messaging",
        [
            (
                "sms-api",
                "SMS API",
                "business-messaging",
                "eu",
                "Send and receive SMS through the REST API.",
                {},
            ),
            (
                "whatsapp-business",
                "WhatsApp Business",
                "business-messaging",
                "eu",
                "WhatsApp messaging for customer conversations.",
                {},
            ),
            (
                "rcs",
                "RCS Messaging",
                "business-messaging",
                "eu",
                "Rich Communication Services.",
                {"is_beta": True},
            ),
        ],
    ),
    (
        "Voice",
        [
            ("sip-trunk-ams", "SIP trunk Amsterdam", "voice", "eu", "Primary SIP trunk.", {}),
            ("sip-trunk-fra", "SIP trunk Frankfurt", "voice", "eu", "Back-up SIP trunk.", {}),
            (
                "voice-sip",
                "Voice/SIP",
                "voice",
                "eu",
                "Inbound and outbound calls; available while at least one trunk is (seed 001 §3).",
                {"min_available_members": 1},
            ),
        ],
    ),
    (
        "Service Cloud",
        [
            (
                "agent-workspace",
                "Agent Workspace",
                "service-cloud",
                "eu",
                "The contact-centre agent desktop.",
                {},
            ),
            ("ticketing", "Ticketing", "service-cloud", "us", "Cases, queues and SLAs.", {}),
        ],
    ),
    (
        "Marketing Cloud",
        [
            (
                "campaigns",
                "Campaigns",
                "marketing-cloud",
                "eu",
                "Audience campaigns across channels.",
                {},
            ),
            ("journeys", "Journeys", "marketing-cloud", "us", "Automated customer journeys.", {}),
        ],
    ),
    (
        "Conversational AI Cloud",
        [
            (
                "chatbot-builder",
                "Chatbot Builder",
                "conversational-ai-cloud",
                "eu",
                "Design and run chatbots.",
                {},
            ),
            (
                "nlu-engine",
                "NLU Engine",
                "conversational-ai-cloud",
                "eu",
                "Intent recognition.",
                {},
            ),
        ],
    ),
    (
        "Hosting providers",
        [
            (
                "hosting-network",
                "Hosting network (third party)",
                None,
                "us",
                "Upstream data-centre network: 100 % monthly, restore within 1 hour (seed 004).",
                {
                    "is_third_party": True,
                    "third_party_target_pct": Decimal("100"),
                    "restore_objective": timedelta(hours=1),
                    # Seed 004: "... in any given monthly billing period, excluding scheduled
                    # maintenance."
                    "third_party_honoured_reasons": ["scheduled_maintenance"],
                },
            ),
            (
                "cloud-database",
                "Cloud database (third party)",
                None,
                "us",
                "Upstream database instances: 99.9 % monthly (seed 004).",
                {
                    "is_third_party": True,
                    "third_party_target_pct": Decimal("99.9"),
                    "restore_objective": timedelta(hours=1),
                    # Seed 004: "excludes downtime due to either Scheduled Maintenance or
                    # Instance Resize Migration".
                    "third_party_honoured_reasons": [
                        "scheduled_maintenance",
                        "instance_resize_migration",
                    ],
                },
            ),
        ],
    ),
]

ORGANIZATIONS = [
    (
        "acme-retail",
        "Acme Retail B.V.",
        "Enterprise",
        250,
        "eu",
        ["sms-api", "whatsapp-business", "voice-sip", "agent-workspace"],
        [
            ("Anna de Vries", "anna@acme-retail.example", "Europe/Amsterdam"),
            ("Pieter Jansen", "pieter@acme-retail.example", "Europe/Amsterdam"),
        ],
    ),
    (
        "northwind",
        "Northwind Logistics Inc.",
        "Business",
        80,
        "us",
        ["ticketing", "journeys", "sms-api"],
        [("Maria Lopez", "maria@northwind.example", "America/Los_Angeles")],
    ),
    (
        "globex-health",
        "Globex Health",
        "Enterprise",
        400,
        "eu",
        ["voice-sip", "chatbot-builder", "nlu-engine", "campaigns"],
        [
            ("Sam Okafor", "sam@globex.example", "Europe/London"),
            ("Lena Fischer", "lena@globex.example", "Europe/Berlin"),
        ],
    ),
]


# Seed 001 §3: Voice/SIP is available while at least one of its trunks is.
MEMBERS = {"voice-sip": ["sip-trunk-ams", "sip-trunk-fra"]}


@transaction.atomic
def load() -> None:
    """Create or update the demo catalog through the catalog's services (so the record shows
    what the demo made, and a second load records nothing), then let other domains add theirs."""
    # One source of truth for the seed calendars: policies.presets.CALENDAR_PRESETS.
    calendars = load_calendar_presets(actor="demo")
    regions = {
        "eu": _upsert(
            Region,
            services.save_region,
            {"slug": "eu"},
            name="Europe (Amsterdam)",
            time_zone="Europe/Amsterdam",
            peak_hours=WEEKDAY_PEAK,
            calendar=calendars["nl-business"],
        ),
        "us": _upsert(
            Region,
            services.save_region,
            {"slug": "us"},
            name="United States (East)",
            time_zone="America/New_York",
            peak_hours=WEEKDAY_PEAK,
            calendar=calendars["us-support"],
        ),
    }
    categories = {
        slug: _upsert(
            ProductCategory,
            services.save_category,
            {"slug": slug},
            name=name,
            target_pct=Decimal(target),
            period="quarter",
            time_zone="Europe/Amsterdam",
        )
        for slug, name, target in CATEGORIES
    }
    components: dict[str, Component] = {}
    for group_position, (group_name, members) in enumerate(COMPONENTS):
        group = _upsert(
            ComponentGroup, services.save_group, {"name": group_name}, position=group_position
        )
        for position, (slug, name, category, region, description, extra) in enumerate(members):
            created = not Component.objects.filter(slug=slug).exists()
            components[slug] = _upsert(
                Component,
                partial(services.save_component, members=_members(slug, components)),
                {"slug": slug},
                name=name,
                group=group,
                position=position,
                category=categories.get(category),
                region=regions[region],
                description=description,
                **extra,
            )
            if created:
                _demo_history(components[slug])
    for slug, name, plan, licences, region, used, contacts in ORGANIZATIONS:
        org = _upsert(
            Organization,
            partial(services.save_organization, components=[components[c] for c in used]),
            {"slug": slug},
            name=name,
            plan=plan,
            licences=licences,
            region=regions[region],
        )
        for contact_name, email, tz in contacts:
            _upsert(
                AuthorizedContact,
                services.save_contact,
                {"organization": org, "email": email},
                name=contact_name,
                time_zone=tz,
            )
    for module in domain_demo_modules():
        import_module(module).load()


def _upsert(model, save, lookup: dict, **fields):
    """The row ``lookup`` finds (or a new one) with ``fields`` set, saved by ``save``."""
    row = model.objects.filter(**lookup).first() or model(**lookup)
    for field, value in fields.items():
        setattr(row, field, value)
    return save(row, actor="demo")


def _members(slug: str, components: dict[str, Component]) -> list[Component] | None:
    return [components[m] for m in MEMBERS[slug]] if slug in MEMBERS else None


# A few past outages so the history and the uptime bars have something to show.
_PAST = {
    "whatsapp-business": [
        (12, 14 * 60, 95, ComponentStatus.PARTIAL_OUTAGE, "Upstream delivery delays")
    ],
    "sip-trunk-ams": [(30, 2 * 60, 40, ComponentStatus.MAJOR_OUTAGE, "Carrier interconnect down")],
    "sip-trunk-fra": [
        (30, 2 * 60 + 20, 35, ComponentStatus.MAJOR_OUTAGE, "Carrier interconnect down")
    ],
    "ticketing": [(45, 16 * 60, 180, ComponentStatus.DEGRADED_PERFORMANCE, "Slow search")],
    # Set under maintenance by hand, without planned work: excluded as emergency maintenance.
    "agent-workspace": [
        (8, 6 * 60, 45, ComponentStatus.UNDER_MAINTENANCE, "Certificate rotation, set by hand")
    ],
    # Down during an instance resize migration (availability/demo.py records the exclusion),
    # which the database contract honours, and once outside any exclusion.
    "cloud-database": [
        (25, 3 * 60, 30, ComponentStatus.MAJOR_OUTAGE, "Instance resized to a larger flavour"),
        (9, 15 * 60, 20, ComponentStatus.MAJOR_OUTAGE, "Storage node failover"),
    ],
}


def _demo_history(component: Component) -> None:
    """Give a new demo component 120 days of history, with its listed past outages, in place
    of the interval its creation opened; the page shows the bars, so it is marked changed."""
    component.status_history.all().delete()
    now = timezone.now().replace(second=0, microsecond=0)
    start = now - timedelta(days=120)
    cursor = start
    for days_ago, minute_of_day, minutes, status, cause in _PAST.get(component.slug, []):
        begin = (now - timedelta(days=days_ago)).replace(hour=0, minute=0) + timedelta(
            minutes=minute_of_day
        )
        end = begin + timedelta(minutes=minutes)
        StatusInterval.objects.create(
            component=component,
            status=ComponentStatus.OPERATIONAL,
            started_at=cursor,
            ended_at=begin,
            cause="demo",
        )
        StatusInterval.objects.create(
            component=component, status=status, started_at=begin, ended_at=end, cause=cause
        )
        cursor = end
    StatusInterval.objects.create(
        component=component, status=ComponentStatus.OPERATIONAL, started_at=cursor, cause="demo"
    )
    page_changed()
