"""A contact of one organization never sees another's data: every portal URL, taken from the
URLconf (a new one is covered without editing this file), asked by Acme's contact for
Globex's objects answers 404 and changes nothing; the pages without an object show none of
Globex's rows. The contact API's refusals are in ``test_api.py``."""

from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from forewarn.portal.models import ContactToken
from forewarn.releases import services as releases
from forewarn.support.models import Attachment, RequestMessage, SupportRequest
from forewarn.support.services import Upload, add_customer_message

from .conftest import signed_in

# Pages anyone may open (signing in; the public support page): no organization's data.
PUBLIC = {"portal:sign-in", "portal:sign-in-sent", "portal:sign-in-link", "portal:support"}
GLOBEX = ("Globex secret", "Globex private trunk", "gina@globex.example")


def portal_urls() -> list[tuple[str, str, list[str]]]:
    """(name, route, its arguments) of every named URL of the portal's namespace."""
    found = []

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace == "portal" and pattern.name:
                found.append((f"portal:{pattern.name}", route, list(pattern.pattern.converters)))

    walk(get_resolver().url_patterns, "", None)
    return found


def test_the_walk_finds_the_portal_urls():
    names = {name for name, _, _ in portal_urls()}
    assert {"portal:home", "portal:request", "portal:notice", "portal:token-revoke"} <= names


@pytest.fixture
def globex_objects(world):
    """Globex's object for each URL argument; a new argument must be added here."""
    message = add_customer_message(
        world.b.request,
        sender_email=world.b.contact.email,
        body="Log attached",
        uploads=(Upload("globex.log", b"secret log"),),
        origin="web",
        actor="t",
    )
    return {
        "request_id": world.b.request.pk,
        "notice_id": world.b.notice.pk,
        "token_id": world.b.token.pk,
        "attachment_id": message.attachments.get().pk,
    }


def _state(world) -> tuple:
    request = SupportRequest.objects.get(pk=world.b.request.pk)
    return (
        request.status,
        RequestMessage.objects.filter(request=request).count(),
        ContactToken.objects.get(pk=world.b.token.pk).revoked_at,
    )


@pytest.mark.parametrize("name, route, arguments", portal_urls(), ids=lambda v: str(v))
def test_acme_asking_for_globex_finds_nothing(world, globex_objects, name, route, arguments):
    if name in PUBLIC:
        return
    client = signed_in(world.a.contact)
    before = _state(world)
    missing = sorted(set(arguments) - set(globex_objects))
    assert not missing, f"{name}: give Globex's object for {missing} in globex_objects"
    url = "/" + route
    for argument in arguments:
        url = url.replace(f"<int:{argument}>", str(globex_objects[argument]))
        url = url.replace(f"<str:{argument}>", str(globex_objects[argument]))
    answers = {
        method: getattr(client, method)(url, {"body": "x", "name": "x", "subject": "x"})
        for method in ("get", "post")
    }
    if arguments:
        codes = {m: r.status_code for m, r in answers.items()}
        assert set(codes.values()) <= {404, 405} and 404 in codes.values(), (url, codes)
    else:
        assert answers["get"].status_code in (200, 405), (url, answers["get"])
        for method, response in answers.items():
            text = response.content.decode(errors="replace")
            assert not any(secret in text for secret in GLOBEX), (method, url)
    assert _state(world) == before


def test_acme_sees_its_own(world):
    client = signed_in(world.a.contact)
    pages = {
        "/portal/": "Acme private trunk",
        "/portal/requests/": "Acme secret request",
        f"/portal/requests/{world.a.request.pk}/": "Only Acme may read this.",
        "/portal/notices/": "Acme secret notice",
        f"/portal/notices/{world.a.notice.pk}/": "Only Acme hears of this.",
        "/portal/work/": "Acme secret incident",
    }
    for url, text in pages.items():
        response = client.get(url)
        assert response.status_code == 200 and text in response.content.decode(), url
        assert "Globex" not in response.content.decode(), url


def test_an_attachment_of_globex_is_not_found_under_an_acme_request(world, globex_objects):
    client = signed_in(world.a.contact)
    url = f"/portal/requests/{world.a.request.pk}/attachments/{globex_objects['attachment_id']}/"
    assert client.get(url).status_code == 404
    assert Attachment.objects.filter(pk=globex_objects["attachment_id"]).exists()


def test_internal_notes_are_not_shown(world):
    from forewarn.support import handling

    handling.add_note(
        world.a.request, body="Internal: customer is grumpy", actor="sam", role="responder"
    )
    client = signed_in(world.a.contact)
    page = client.get(f"/portal/requests/{world.a.request.pk}/").content.decode()
    assert "grumpy" not in page


def test_releases_show_what_the_organization_uses_and_its_own_hotfixes_only(world):
    who = {"actor": "alice", "role": "admin"}
    public = releases.save_product(**who, slug="desk", name="Agent Desk")
    acme_only = releases.save_product(
        **who, slug="acme-tools", name="Acme Tools", is_public=False,
        organizations=[world.a.organization],
    )  # fmt: skip
    globex_only = releases.save_product(
        **who, slug="globex-tools", name="Globex Tools", is_public=False,
        organizations=[world.b.organization],
    )  # fmt: skip
    past = timezone.now() - timedelta(days=3)

    def imported(product, number, title, organization=None):
        releases.import_version(
            product, **who, number=number, released_at=past, title=title,
            notes={"fixed": f"{title} notes."}, organization=organization,
        )  # fmt: skip

    imported(public, "1.00", "Desk for all")
    imported(public, "1.00.1", "Acme's own hotfix", world.a.organization)
    imported(public, "1.00.2", "Globex secret hotfix", world.b.organization)
    imported(acme_only, "2.00", "Acme private tools")
    imported(globex_only, "3.00", "Globex secret tools")
    html = signed_in(world.a.contact).get("/portal/releases/").content.decode()
    for seen in ("Desk for all", "Acme&#x27;s own hotfix", "Acme private tools"):
        assert seen in html, seen
    assert "Globex" not in html
    html = signed_in(world.b.contact).get("/portal/releases/").content.decode()
    assert "Globex secret hotfix" in html and "Globex secret tools" in html
    assert "Acme" not in html
