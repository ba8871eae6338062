"""Versions through the services: numbers and kinds, client-specific hotfixes, the notices
each kind of release sends (to whom, when, once), majors and API changes as planned work
under the notice policy, withdrawal."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from forewarn.planned.lifecycle import PlannedState
from forewarn.planned.models import PlannedWork
from forewarn.releases import notices, queries, services
from forewarn.releases.models import Version
from forewarn.support.models import SupportRequest

from .conftest import T0, WHO, refused, tick, told

SOON = T0 + timedelta(hours=2)


def minor(world, number="7.10", **fields):
    fields.setdefault("release_at", SOON)
    return services.plan_version(world.docs, **WHO, number=number, **fields)


@pytest.fixture
def v709(world):
    """7.09 released long ago, so the next numbers have a previous version."""
    return services.plan_version(world.docs, **WHO, number="7.09", kind="minor", release_at=SOON)


def test_the_number_is_refused_with_the_expected_form(world):
    with refused("number", "N.NN"):
        minor(world, "7.1")
    assert not Version.objects.exists()


def test_kinds_are_computed_and_may_be_given(world, v709):
    assert minor(world, "7.10").kind == "minor"
    eight = minor(world, "8.00", release_at=T0 + timedelta(days=20))
    assert (eight.kind, eight.kind_overridden) == ("major", False)
    hotfix = minor(world, "7.10.1")
    assert hotfix.kind == "hotfix"
    given = minor(world, "8.01", kind="minor")
    assert (given.kind, given.kind_overridden) == ("minor", False)
    overridden = minor(world, "8.02", kind="major", release_at=T0 + timedelta(days=20))
    assert (overridden.kind, overridden.kind_overridden) == ("major", True)
    with refused("kind", "N.NN.N"):
        minor(world, "8.03", kind="hotfix")
    with refused("number", "has a version 7.10 already"):
        minor(world, "7.10")
    with refused("number", "hotfix of 6.01"):
        minor(world, "6.01.1")


def test_a_viewer_may_not_plan_a_version(world):
    with pytest.raises(PermissionDenied):
        services.plan_version(
            world.docs, actor="vic", role="viewer", number="7.10", release_at=SOON
        )


def test_a_minor_version_tells_every_user_on_release_once(world, clock, v709):
    version = minor(world, notes={"new": "Bulk **export**.", "fixed": "Search."})
    assert told(f"release:{version.pk}") == []  # planned: nobody told yet
    services.release(version, **WHO)
    tick(clock, T0 + timedelta(seconds=1))
    assert told(f"release:{version.pk}") == [
        ("release.minor", "chat", "https://chat.example.com/hook"),
        ("release.minor", "email", "ann@acme.example"),
        ("release.minor", "email", "bob@beta.example"),
        ("release.minor", "email", "fan@example.com"),
    ]
    with refused("state", "released cannot become released"):
        services.release(version, **WHO)
    sent = [m for m in mail.outbox if "7.10" in m.subject]
    assert {m.from_email for m in sent} == {"Releases <releases@forewarn.example>"}
    assert sent[0].subject == "Minor version: Athento Docs 7.10"
    assert "Bulk **export**." in sent[0].body
    # Each organization told has an informational request, as for every contractual notice.
    assert sorted(
        SupportRequest.objects.filter(is_informational=True).values_list(
            "organization__slug", flat=True
        )
    ) == ["acme", "beta"]


def test_an_organization_that_does_not_use_the_product_hears_nothing(world, clock, v709):
    services.release(minor(world), **WHO)
    services.release(minor(world, "7.11", security=True, advisories=["CVE-2027-1"]), **WHO)
    tick(clock, T0 + timedelta(seconds=1))
    assert not [m for m in mail.outbox if "gus@gamma.example" in m.to]
    assert not queries.visible_to(world.gamma).filter(product__is_public=False).exists()


def test_a_client_specific_hotfix_is_heard_by_that_client_only(world, clock, v709):
    with refused("organization", "Gamma does not use Athento Docs"):
        minor(world, "7.09.1", organization=world.gamma)
    with refused("organization", "Only a hotfix"):
        minor(world, "7.10", organization=world.acme)
    hotfix = minor(world, "7.09.1", organization=world.acme, notes={"fixed": "Acme's import."})
    services.release(hotfix, **WHO)
    tick(clock, T0 + timedelta(seconds=1))
    assert told(f"release:{hotfix.pk}") == [("release.hotfix", "email", "ann@acme.example")]
    assert list(queries.visible_to(world.acme)) == [hotfix]
    assert list(queries.visible_to(world.beta)) == []
    assert list(queries.public_versions()) == []


def test_a_security_release_goes_out_at_once_by_email_and_chat(world, clock, v709):
    version = minor(
        world, security=True, advisories=["CVE-2027-1234"], release_at=T0 + timedelta(days=3)
    )
    services.release(version, **WHO)  # released now, ahead of its planned date
    tick(clock, T0 + timedelta(seconds=1))
    assert told(f"release:{version.pk}") == [
        ("release.security", "chat", "https://chat.example.com/hook"),
        ("release.security", "chat", "https://chat.example.com/security"),
        ("release.security", "email", "ann@acme.example"),
        ("release.security", "email", "bob@beta.example"),
        ("release.security", "email", "fan@example.com"),
    ]
    subject = next(m.subject for m in mail.outbox if "7.10" in m.subject)
    assert subject == "Security release: Athento Docs 7.10"


def test_a_major_version_is_planned_work_with_15_days_notice(world, clock, v709):
    start = T0 + timedelta(days=20)
    major = minor(world, "8.00", release_at=start, notes={"new": "A new editor."})
    work = major.planned_work
    assert (work.work_type.slug, work.policy.slug, work.state) == (
        "major-version",
        "seed-002",
        PlannedState.SCHEDULED,
    )
    window = work.windows.get()
    assert (window.start_at, window.end_at - window.start_at) == (start, timedelta(hours=4))
    assert "A new editor." in work.description
    tick(clock, T0 + timedelta(seconds=1))
    # Nobody uses the engine component: the planned work tells nobody itself, so the product's
    # users and subscribers hear of it from the release's own announcement, due when the
    # policy's plan announces the work: 15 calendar days before it.
    assert told(f"planned:{work.pk}") == []
    assert told(f"release:{major.pk}") == []
    tick(clock, start - timedelta(days=15))
    assert told(f"release:{major.pk}") == [
        ("release.announcement", "chat", "https://chat.example.com/hook"),
        ("release.announcement", "email", "ann@acme.example"),
        ("release.announcement", "email", "bob@beta.example"),
        ("release.announcement", "email", "fan@example.com"),
    ]
    services.release(major, **WHO)
    tick(clock, T0 + timedelta(seconds=2))
    assert ("release.major", "email", "ann@acme.example") in told(f"release:{major.pk}")


def test_releasing_a_major_releases_its_planned_work_once_without_a_second_notice(
    world, clock, v709
):
    from forewarn.planned import progress
    from forewarn.record.kinds import Kind
    from forewarn.record.models import Event

    major = minor(world, "8.00", release_at=T0 + timedelta(days=20))
    work = major.planned_work
    # The work is the version's: marking it released alone would tell its customers twice.
    with refused("released_at", "release the version"):
        progress.release(work, actor="cody", role="admin")
    services.release(major, **WHO)
    work.refresh_from_db()
    major.refresh_from_db()
    assert work.released_at == major.released_at
    event = Event.objects.get(kind=Kind.PLANNED_RELEASED)
    assert event.description.endswith(
        "released with Athento Docs 8.00; its notices went out with the version."
    )
    tick(clock, T0 + timedelta(seconds=2))
    assert told(f"planned:{work.pk}") == []  # the version's notices only
    assert ("release.major", "email", "ann@acme.example") in told(f"release:{major.pk}")


def test_a_major_version_that_breaks_the_15_day_notice_is_blocked(world, v709):
    with refused("release_at", "15 calendar days before the start"):
        minor(world, "8.00", release_at=T0 + timedelta(days=10))
    assert not Version.objects.filter(number="8.00").exists()
    assert not PlannedWork.objects.exists()


def test_an_api_change_is_planned_work_with_15_working_days(world, v709):
    with refused("release_at", "15 business days before the start"):
        minor(world, api_change=True, release_at=T0 + timedelta(days=16))
    assert not Version.objects.filter(number="7.10").exists()
    version = minor(
        world,
        api_change=True,
        release_at=T0 + timedelta(days=28),
        deprecations=[
            {
                "subject": "GET /api/v1/documents",
                "replacement": "GET /api/v2/documents",
                "deprecated_at": T0 + timedelta(days=28),
                "sunset_at": T0 + timedelta(days=200),
            }
        ],
    )
    assert version.api_work.work_type.slug == "api-change"
    assert version.planned_work is None
    assert version.deprecations.get().subject == "GET /api/v1/documents"


def test_withdrawing_a_planned_major_cancels_its_planned_work(world, clock, v709):
    major = minor(world, "8.00", release_at=T0 + timedelta(days=20))
    with refused("reason", "Give the reason"):
        services.withdraw(major, **WHO, reason=" ")
    services.withdraw(major, **WHO, reason="Not ready.")
    major.refresh_from_db()
    assert (major.state, major.withdrawn_reason) == ("withdrawn", "Not ready.")
    assert major.planned_work.state == PlannedState.CANCELLED
    with refused("state", "withdrawn cannot become released"):
        services.release(major, **WHO)
    # 8.00 withdrawn: the next major may take its place.
    assert minor(world, "8.01", release_at=T0 + timedelta(days=20)).kind == "major"


def test_withdrawing_a_released_version_tells_those_told(world, clock, v709):
    version = minor(world)
    services.release(version, **WHO)
    services.withdraw(version, **WHO, reason="Data loss in exports.")
    tick(clock, T0 + timedelta(seconds=1))
    withdrawn = [r for r in told(f"release:{version.pk}") if r[0] == "release.withdrawn"]
    assert [a for _, _, a in withdrawn] == [
        "https://chat.example.com/hook",
        "ann@acme.example",
        "bob@beta.example",
        "fan@example.com",
    ]
    assert list(queries.public_versions()) == [version]  # shown, marked withdrawn


def test_the_history_before_forewarn_is_imported_without_notices(world):
    with refused("released_at", "in the past"):
        services.import_version(
            world.docs, **WHO, number="6.00", released_at=T0 + timedelta(days=1)
        )
    six = services.import_version(
        world.docs, **WHO, number="6.00", released_at=T0 - timedelta(days=300)
    )
    services.import_version(world.docs, **WHO, number="6.01", released_at=T0 - timedelta(days=200))
    assert (six.kind, six.state, six.released_at) == ("major", "released", T0 - timedelta(days=300))
    assert not PlannedWork.objects.exists() and not six.notices.exists()
    assert [v.number for v in queries.public_versions()] == ["6.01", "6.00"]


def test_each_notice_is_queued_once_however_often_it_is_told(world, clock, v709):
    version = minor(world)
    services.release(version, **WHO)
    again = notices.tell(version, now=T0, actor="cody")
    assert sorted(n.key for n in again) == sorted(n.key for n in version.notices.all())
    tick(clock, T0 + timedelta(seconds=1))
    assert len(told(f"release:{version.pk}")) == 4  # each recipient once


def test_a_product_slug_must_be_a_slug(world):
    with refused("slug", "letters, digits"):
        services.save_product(**WHO, slug="my product", name="Mine")
