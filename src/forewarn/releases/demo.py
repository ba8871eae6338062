"""Demo products with a release history, so the What's new page, its feeds and JSON are filled:
majors, minors, hotfixes (one made for Acme Retail alone), a security release, an upcoming
major version and an API change with a deprecation and its sunset date, each planned work
under seed 002's notice policy.

Made through the services at the time of loading: the past versions are imported as the
history before Forewarn (nobody is told of them), the coming ones planned. Each is found again
by its number, so loading twice changes nothing.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from forewarn.catalog.models import Component, Organization
from forewarn.policies.services import load_presets

from . import services
from .models import Product, Version

WHO = {"actor": "demo", "role": "admin"}

PRODUCTS = [
    {
        "slug": "agent-desktop",
        "name": "Agent Desktop",
        "description": "The agents' workspace of Service Cloud.",
        "plans": ["Enterprise", "Business"],
        "components": ["agent-workspace", "ticketing"],
    },
    {
        "slug": "messaging-api",
        "name": "Messaging API",
        "description": "The REST API for SMS and WhatsApp.",
        "plans": [],
        "organizations": ["acme-retail", "northwind"],
        "components": ["sms-api"],
    },
]

# (product, number, days from now (negative: released that long ago), fields)
HISTORY = [
    ("agent-desktop", "6.00", -200, {"notes": {"new": "A new inbox with **tabs** per channel."}}),
    (
        "agent-desktop",
        "6.01",
        -150,
        {"notes": {"improved": "Faster search.", "fixed": "Drafts kept on reload."}},
    ),
    (
        "agent-desktop",
        "6.02",
        -90,
        {
            "security": True,
            "advisories": ["CVE-2026-41234"],
            "notes": {
                "security": "Fixes a stored XSS in case notes.",
                "fixed": "Attachments over 10 MB.",
            },
            "documentation": [
                {"title": "Securing attachments", "url": "https://docs.example.com/attachments"}
            ],
        },
    ),
    (
        "agent-desktop",
        "6.02.1",
        -80,
        {"organization": "acme-retail", "notes": {"fixed": "Acme's SSO redirect loop."}},
    ),
    (
        "agent-desktop",
        "6.03",
        -20,
        {"notes": {"new": "Case templates.", "improved": "Keyboard shortcuts."}},
    ),
    (
        "agent-desktop",
        "7.00",
        30,
        {
            "notes": {
                "new": "A new editor and call recording.",
                "breaking": "Internet Explorer is no longer supported.",
            }
        },
    ),
    ("messaging-api", "3.00", -300, {"notes": {"new": "WhatsApp templates."}}),
    (
        "messaging-api",
        "3.01",
        -120,
        {"notes": {"improved": "Delivery reports arrive in under a second."}},
    ),
    ("messaging-api", "3.01.1", -60, {"notes": {"fixed": "Unicode messages split correctly."}}),
    (
        "messaging-api",
        "3.02",
        40,
        {
            "api_change": True,
            "notes": {
                "api": "`POST /v2/sms` is replaced by `POST /v3/messages`.",
                "breaking": "`POST /v2/sms` stops working at its sunset.",
            },
        },
    ),
]


def _product(spec: dict) -> Product:
    found = Product.objects.filter(slug=spec["slug"]).first()
    if found is not None:
        return found
    return services.save_product(
        **WHO,
        slug=spec["slug"],
        name=spec["name"],
        description=spec["description"],
        plans=spec["plans"],
        organizations=Organization.objects.filter(slug__in=spec.get("organizations", [])),
        components=Component.objects.filter(slug__in=spec["components"]),
    )


@transaction.atomic
def load() -> None:
    load_presets()
    products = {spec["slug"]: _product(spec) for spec in PRODUCTS}
    now = timezone.now()
    for slug, number, days, fields in HISTORY:
        product = products[slug]
        if Version.objects.filter(product=product, number=number).exists():
            continue
        at = now + timedelta(days=days)
        fields = dict(fields)
        if "organization" in fields:
            fields["organization"] = Organization.objects.get(slug=fields["organization"])
        if fields.get("api_change"):
            fields["deprecations"] = [
                {
                    "subject": "POST /v2/sms",
                    "replacement": "POST /v3/messages",
                    "deprecated_at": at,
                    "sunset_at": at + timedelta(days=180),
                    "link": "https://docs.example.com/api/v3-migration",
                }
            ]
        if days < 0:
            services.import_version(product, **WHO, number=number, released_at=at, **fields)
        else:
            services.plan_version(product, **WHO, number=number, release_at=at, **fields)
