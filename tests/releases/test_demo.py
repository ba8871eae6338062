"""The demo's products and their history fill What's new and its feed; loading twice changes
nothing."""

from datetime import UTC, datetime

import feedparser
import pytest
import time_machine

from forewarn.ops import demo
from forewarn.releases.models import Version

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
def loaded(db):
    with time_machine.travel(NOW, tick=False):
        demo.load()
        yield


def test_the_demo_has_two_products_with_a_history(loaded, client):
    found = {(v.product.slug, v.number): (v.kind, v.state) for v in Version.objects.all()}
    assert found == {
        ("agent-desktop", "6.00"): ("major", "released"),
        ("agent-desktop", "6.01"): ("minor", "released"),
        ("agent-desktop", "6.02"): ("minor", "released"),
        ("agent-desktop", "6.02.1"): ("hotfix", "released"),
        ("agent-desktop", "6.03"): ("minor", "released"),
        ("agent-desktop", "7.00"): ("major", "planned"),
        ("messaging-api", "3.00"): ("major", "released"),
        ("messaging-api", "3.01"): ("minor", "released"),
        ("messaging-api", "3.01.1"): ("hotfix", "released"),
        ("messaging-api", "3.02"): ("minor", "planned"),
    }
    assert Version.objects.get(number="7.00").planned_work.work_type.slug == "major-version"
    assert Version.objects.get(number="3.02").api_work.work_type.slug == "api-change"
    with time_machine.travel(NOW, tick=False):
        parsed = feedparser.parse(client.get("/whats-new/feed.atom").content)
        demo.load()
    assert not parsed.bozo
    assert len(parsed.entries) == 7  # the released ones, less Acme's own hotfix
    assert Version.objects.count() == 10
    (deprecation,) = client.get("/whats-new/deprecations.json").json()["deprecations"]
    assert deprecation["headers"]["Sunset"].endswith("GMT")
