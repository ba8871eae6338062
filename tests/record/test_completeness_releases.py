"""Releases' services write exactly the events they should (see ``test_completeness.py``,
whose registry check reads the ``Recorded(...)`` here too): a product saved, a version
planned with its API change and deprecation, its notes changed, released and withdrawn."""

# ruff: noqa: F811 (the fixtures are parameters named as imported)

from datetime import timedelta

from forewarn.catalog import services as catalog
from forewarn.catalog.models import AuthorizedContact, Organization, ProductCategory
from forewarn.policies.services import load_presets
from forewarn.record.kinds import Kind
from forewarn.releases import services

from .test_completeness import NOW, Recorded, clock, recorded, subject  # noqa: F401

WHO = {"actor": "cody", "role": "communicator"}


def ours(events: list[Recorded]) -> list[Recorded]:
    """The releases' own events (planned work and notices record theirs, tested there)."""
    return [
        e for e in events if e.kind.subject in ("product", "version", "announcement", "sla_version")
    ]


def test_a_version_from_plan_to_withdrawal(recorded):
    load_presets()
    acme = catalog.save_organization(Organization(slug="acme", name="Acme"), actor="alice")
    catalog.save_contact(
        AuthorizedContact(organization=acme, name="Ann", email="ann@acme.example"), actor="alice"
    )
    recorded()
    product = services.save_product(**WHO, slug="docs", name="Docs", organizations=[acme])
    assert recorded() == [
        Recorded(
            Kind.PRODUCT_SAVED,
            "cody",
            "",
            subject(product),
            {
                "slug": "docs",
                "name": "Docs",
                "is_public": True,
                "policy": "seed-002",
                "organizations": ["acme"],
                "plans": [],
                "components": [],
                "subscribers": 0,
                "chat_webhooks": 0,
            },
        )
    ]
    start = NOW + timedelta(days=40)
    version = services.plan_version(
        product,
        **WHO,
        number="7.10",
        release_at=start,
        api_change=True,
        deprecations=[
            {
                "subject": "GET /v1/docs",
                "deprecated_at": start,
                "sunset_at": start + timedelta(days=90),
            }
        ],
    )
    assert ours(recorded()) == [
        Recorded(
            Kind.VERSION_DEPRECATION_ADDED,
            "cody",
            "",
            subject(version),
            {
                "subject": "GET /v1/docs",
                "deprecated_at": start.isoformat(),
                "sunset_at": (start + timedelta(days=90)).isoformat(),
            },
        ),
        Recorded(
            Kind.VERSION_PLANNED,
            "cody",
            "",
            subject(version),
            {
                "product": "docs",
                "number": "7.10",
                "kind": "minor",
                "computed_kind": "minor",
                "release_at": start.isoformat(),
                "security": False,
                "organization": None,
                "api_change": True,
                "planned_work": None,
                "api_work": version.api_work_id,
            },
        ),
    ]
    services.change_version(version, **WHO, notes={"api": "v1 documents go."})
    assert ours(recorded()) == [
        Recorded(Kind.VERSION_CHANGED, "cody", "", subject(version), {"changed": ["notes"]})
    ]
    services.release(version, **WHO)
    assert ours(recorded()) == [
        Recorded(
            Kind.VERSION_RELEASED,
            "cody",
            "",
            subject(version),
            {
                "released_at": NOW.isoformat(),
                "kind": "minor",
                "security": False,
                "notices": [f"release:{version.pk}:released:contacts"],
                "organizations": [acme.pk],
            },
        )
    ]
    services.withdraw(version, **WHO, reason="Broken exports.")
    assert ours(recorded()) == [
        Recorded(
            Kind.VERSION_WITHDRAWN,
            "cody",
            "",
            subject(version),
            {
                "reason": "Broken exports.",
                "was": "released",
                "planned_work_cancelled": [version.api_work_id],
                "notices": [f"release:{version.pk}:withdrawn:contacts"],
            },
        )
    ]


def test_a_version_imported_into_the_history(recorded):
    load_presets()
    product = services.save_product(**WHO, slug="docs", name="Docs")
    recorded()
    past = NOW - timedelta(days=100)
    version = services.import_version(product, **WHO, number="6.00", released_at=past)
    assert recorded() == [
        Recorded(
            Kind.VERSION_IMPORTED,
            "cody",
            "",
            subject(version),
            {"product": "docs", "number": "6.00", "kind": "major", "released_at": past.isoformat()},
        )
    ]


def test_an_announcement(recorded):
    acme = catalog.save_organization(Organization(slug="acme", name="Acme"), actor="alice")
    recorded()
    found = services.announce(
        **WHO, title="New manual", body="Read it.", topic="manuals", organizations=[acme]
    )
    assert ours(recorded()) == [
        Recorded(
            Kind.ANNOUNCEMENT_PUBLISHED,
            "cody",
            "",
            subject(found),
            {
                "topic": "manuals",
                "organizations": ["acme"],
                "products": [],
                "told": [acme.pk],
                "notice": f"announcement:{found.pk}",
            },
        )
    ]


def test_an_sla_version(recorded):
    voice = ProductCategory.objects.create(slug="voice", name="Voice", target_pct="99.99")
    recorded()
    found = services.publish_sla_version(
        voice,
        **WHO,
        label="2027.1",
        target_pct="99.9",
        effective_from=NOW + timedelta(days=30),
        summary="Voice: 99.9 %.",
    )
    assert ours(recorded()) == [
        Recorded(
            Kind.SLA_VERSION_PUBLISHED,
            "cody",
            "",
            subject(found),
            {
                "category": "voice",
                "label": "2027.1",
                "target_pct": "99.9",
                "effective_from": (NOW + timedelta(days=30)).isoformat(),
                "told": [],
            },
        )
    ]
