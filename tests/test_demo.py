"""`forewarn demo` prepares everything; running it twice changes nothing but refreshes the demo rows."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from forewarn.catalog.models import AuthorizedContact, Component, ProductCategory


def _demo(port: int) -> str:
    out = io.StringIO()
    call_command("demo", no_serve=True, port=port, stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_demo_twice_is_idempotent_and_links_point_at_its_port(settings, monkeypatch):
    monkeypatch.delenv("FOREWARN_SITE_URL", raising=False)
    first = _demo(8123)
    counts = (Component.objects.count(), AuthorizedContact.objects.count())
    second = _demo(8123)

    assert (Component.objects.count(), AuthorizedContact.objects.count()) == counts
    password = first.split("password: ")[1].split(")")[0]
    assert f"password: {password})" in second  # the same admin, the same password
    assert get_user_model().objects.get(username="admin").check_password(password)
    assert settings.SITE_URL == "http://127.0.0.1:8123"
    assert "http://127.0.0.1:8123/console/" in first
    # Seed 001 §2: the five product categories and their commitments.
    assert {
        name: str(target.normalize())
        for name, target in ProductCategory.objects.values_list("name", "target_pct")
    } == {
        "Business Messaging": "99.99",
        "Voice": "99.99",
        "Service Cloud": "99.9",
        "Marketing Cloud": "99.9",
        "Conversational AI Cloud": "99.9",
    }
    voice = Component.objects.get(slug="voice-sip")
    assert (sorted(voice.members.values_list("slug", flat=True)), voice.min_available_members) == (
        ["sip-trunk-ams", "sip-trunk-fra"],
        1,
    )
    monkeypatch.delenv("FOREWARN_SITE_URL", raising=False)
