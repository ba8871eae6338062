"""The public What's new page, its Atom feeds (parsed by feedparser, as a feed reader does),
the JSON and the deprecations: public products only, no client-specific hotfix."""

from datetime import timedelta

import feedparser
import pytest

from forewarn.releases import services

from .conftest import T0, WHO


@pytest.fixture
def history(world, clock):
    docs = world.docs
    secret = services.save_product(
        **WHO, slug="vault", name="Vault", is_public=False, organizations=[world.acme]
    )
    for number, fields in (
        ("7.09", {"notes": {"new": "Bulk export.", "fixed": "<script>alert(1)</script> Search."}}),
        (
            "7.10",
            {"security": True, "advisories": ["CVE-2027-1234"], "notes": {"security": "XSS."}},
        ),
        ("7.10.1", {"organization": world.acme, "notes": {"fixed": "Acme only."}}),
    ):
        version = services.plan_version(docs, **WHO, number=number, release_at=T0, **fields)
        services.release(version, **WHO)
        clock.shift(timedelta(hours=1))
    services.release(services.plan_version(secret, **WHO, number="1.01", release_at=T0), **WHO)
    api = services.plan_version(
        docs,
        **WHO,
        number="7.11",
        api_change=True,
        release_at=T0 + timedelta(days=30),
        deprecations=[
            {
                "subject": "GET /api/v1/documents",
                "deprecated_at": T0 + timedelta(days=30),
                "sunset_at": T0 + timedelta(days=200),
                "link": "https://docs.example.com/api-v2",
            }
        ],
    )
    return docs, secret, api


def test_the_page_shows_public_releases_with_sanitised_notes(client, history):
    page = client.get("/whats-new/").content.decode()
    assert "Athento Docs 7.10" in page and "Athento Docs 7.09" in page
    assert "CVE-2027-1234" in page and "Security release" in page
    assert "<script>" not in page and "Bulk export." in page
    assert "7.10.1" not in page and "Acme only" not in page  # a client's hotfix is its own
    assert "Vault" not in page  # a private product
    assert "7.11" in page  # coming
    assert client.get("/whats-new/docs/").status_code == 200
    assert client.get("/whats-new/vault/").status_code == 404


def test_the_feeds_parse_with_feedparser(client, history):
    for url in ("/whats-new/feed.atom", "/whats-new/docs/feed.atom"):
        response = client.get(url)
        assert response.status_code == 200
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, parsed.bozo_exception
        assert parsed.version == "atom10"
        assert [e.title for e in parsed.entries] == [
            "Athento Docs 7.10 (minor version)",
            "Athento Docs 7.09 (minor version)",
        ]
        first = parsed.entries[0]
        assert "CVE-2027-1234" in first.summary
        assert {t.term for t in first.tags} == {"minor", "security"}
    assert client.get("/whats-new/vault/feed.atom").status_code == 404


def test_the_json_and_the_deprecations(client, history):
    found = client.get("/whats-new/releases.json").json()
    assert [v["number"] for v in found["versions"]] == ["7.10", "7.09"]
    assert found["versions"][1]["notes"]["markdown"]["new"] == "Bulk export."
    assert "<script>" not in str(found["versions"][1]["notes"]["html"])
    deprecations = client.get("/whats-new/deprecations.json").json()["deprecations"]
    (only,) = deprecations
    assert only["product"] == "docs" and only["version"] == "7.11"
    assert only["headers"]["Sunset"] == "Fri, 23 Jul 2027 09:00:00 GMT"
    assert only["headers"]["Deprecation"] == f"@{int((T0 + timedelta(days=30)).timestamp())}"
    assert 'rel="sunset"' in only["headers"]["Link"]
