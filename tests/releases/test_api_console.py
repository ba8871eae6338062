"""Releases through the API and the console: the same services, the role rules, 4xx naming
the field, and who was told and when."""

from datetime import timedelta

from django.test import Client
from django.urls import reverse

from forewarn.releases.models import Product, Version
from tests.conftest import make_staff

from .conftest import T0, tick

BASE = "/api/v1/releases"


def test_plan_release_and_withdraw_through_the_api(world, clock, api_as):
    communicator, viewer = api_as("communicator"), api_as("viewer")
    created = communicator.post(
        f"{BASE}/products",
        {"slug": "engine", "name": "Engine", "organizations": ["gamma"], "is_public": False},
    )
    assert created.status_code == 201, created.json()
    assert created.json()["organizations"] == ["gamma"]
    refused = communicator.post(
        f"{BASE}/products/engine/versions", {"number": "7.1", "release_at": T0.isoformat()}
    )
    assert refused.status_code == 422
    assert "N.NN" in str(refused.json()) and "number" in str(refused.json())
    assert not Version.objects.exists()
    body = {"number": "2.05", "release_at": T0.isoformat(), "notes": {"new": "Faster."}}
    assert viewer.post(f"{BASE}/products/engine/versions", body).status_code == 403
    planned = communicator.post(f"{BASE}/products/engine/versions", body)
    assert planned.status_code == 201, planned.json()
    found = planned.json()
    assert (found["kind"], found["state"], found["notices"]) == ("minor", "planned", [])
    released = communicator.post(f"{BASE}/versions/{found['id']}/release")
    assert released.status_code == 200
    tick(clock, T0 + timedelta(seconds=1))
    shown = viewer.get(f"{BASE}/versions/{found['id']}").json()
    (notice,) = shown["notices"]
    assert [(d["address"], d["organization"], d["status"]) for d in notice["deliveries"]] == [
        ("gus@gamma.example", "gamma", "sent")
    ]
    assert notice["deliveries"][0]["sent_at"] == (T0 + timedelta(seconds=1)).isoformat()
    bad = communicator.post(f"{BASE}/versions/{found['id']}/withdraw", {"reason": ""})
    assert bad.status_code == 422 and "reason" in str(bad.json())
    gone = communicator.post(f"{BASE}/versions/{found['id']}/withdraw", {"reason": "Broken."})
    assert gone.json()["state"] == "withdrawn"
    assert [v["number"] for v in viewer.get(f"{BASE}/versions", product="engine").json()] == [
        "2.05"
    ]


def test_a_major_with_too_little_notice_is_a_422_on_release_at(world, api_as):
    communicator = api_as("communicator")
    body = {"number": "8.00", "release_at": (T0 + timedelta(days=3)).isoformat()}
    refused = communicator.post(f"{BASE}/products/docs/versions", body)
    assert refused.status_code == 422
    assert "release_at" in str(refused.json())
    assert "15 calendar days" in str(refused.json())


def test_the_console_plans_releases_and_shows_who_was_told(world, clock):
    client = Client()
    client.force_login(make_staff("cora", "communicator"))
    page = client.post(
        reverse("admin:releases_version_add"),
        {"product": world.docs.pk, "number": "7.1", "release_at": "2027-01-04 11:00"},
    )
    assert page.status_code == 400 and "N.NN" in page.content.decode()
    page = client.post(
        reverse("admin:releases_version_add"),
        {
            "product": world.docs.pk,
            "number": "7.10",
            "release_at": "2027-01-04 11:00",
            "notes_new": "Bulk export.",
            "documentation": "Export guide | https://docs.example.com/export",
        },
    )
    version = Version.objects.get(number="7.10")
    assert page.status_code == 302
    assert version.documentation == [
        {"title": "Export guide", "url": "https://docs.example.com/export"}
    ]
    act = reverse("admin:releases_version_act", args=[version.pk, "release"])
    assert client.post(act).status_code == 302
    tick(clock, T0 + timedelta(seconds=1))
    page = client.get(reverse("admin:releases_version_change", args=[version.pk])).content.decode()
    assert "Who was told" in page and "ann@acme.example" in page and "bob@beta.example" in page
    viewer = Client()
    viewer.force_login(make_staff("vera", "viewer"))
    assert viewer.post(act).status_code == 403
    assert (
        "Release it now"
        not in viewer.get(
            reverse("admin:releases_version_change", args=[version.pk])
        ).content.decode()
    )


def test_the_console_saves_products_through_the_service(world):
    client = Client()
    client.force_login(make_staff("cora", "communicator"))
    page = client.post(
        reverse("admin:releases_product_add"),
        {
            "slug": "cli",
            "name": "CLI",
            "plans": '["Basic"]',
            "chat_webhooks": "[]",
            "is_public": "on",
        },
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    product = Product.objects.get(slug="cli")
    assert product.policy.slug == "seed-002" and product.plans == ["Basic"]
