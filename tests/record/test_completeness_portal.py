"""The portal's services write exactly the events they should (see ``test_completeness.py``,
whose registry check reads the ``Recorded(...)`` here too)."""

import pytest
from django.core.cache import cache

from forewarn.catalog import services as catalog
from forewarn.catalog.models import AuthorizedContact, Organization
from forewarn.portal import signin, support_info, tokens
from forewarn.portal.models import PortalSession, SupportPage
from forewarn.record.kinds import Kind
from forewarn.support import services

from .test_completeness import Recorded, subject
from .test_completeness import clock as clock
from .test_completeness import recorded as recorded


@pytest.fixture
def anna(recorded):
    cache.clear()
    acme = catalog.save_organization(Organization(slug="acme", name="Acme"), actor="t")
    contact = catalog.save_contact(
        AuthorizedContact(organization=acme, name="Anna", email="anna@acme.example"), actor="t"
    )
    recorded()
    return contact


WHO = {"organization": "acme", "contact": "anna@acme.example"}


def test_signing_in_and_out(anna, recorded):
    assert signin.request_link("anna@acme.example") is signin.Outcome.SENT
    assert recorded() == []  # a link asked for is the outbox's notice, not an event
    raw = signin.issue_link(anna).rsplit("/sign-in/", 1)[1].strip("/")
    started = signin.sign_in(raw)
    signin.sign_out(started.session)
    signin.sign_out(PortalSession.objects.get())  # twice: nothing more
    it = subject(started.session)
    assert recorded() == [
        Recorded(Kind.PORTAL_SESSION_STARTED, "anna@acme.example", "Anna", it, WHO),
        Recorded(Kind.PORTAL_SESSION_ENDED, "anna@acme.example", "Anna", it, WHO),
    ]


def test_contact_tokens(anna, recorded):
    token, _ = tokens.issue(anna, name="CI")
    tokens.revoke(anna, token.pk)
    tokens.revoke(anna, token.pk)  # twice: nothing more
    details = WHO | {"prefix": token.prefix, "name": "CI"}
    assert recorded() == [
        Recorded(Kind.CONTACT_TOKEN_CREATED, "anna@acme.example", "Anna", subject(token), details),
        Recorded(Kind.CONTACT_TOKEN_REVOKED, "anna@acme.example", "Anna", subject(token), details),
    ]


def test_the_support_page(recorded):
    page = support_info.save(SupportPage(guides_url="https://docs.example/"), actor="ada")
    page.chat_enabled = True
    support_info.save(page, actor="ada")
    support_info.save(page, actor="ada")  # unchanged: nothing recorded
    assert recorded() == [
        Recorded(
            Kind.SUPPORT_PAGE_CHANGED,
            "ada",
            "",
            subject(page),
            {
                "changes": {
                    "guides_url": {"from": None, "to": "https://docs.example/"},
                    "knowledge_centre_url": {"from": None, "to": ""},
                    "developer_portal_url": {"from": None, "to": ""},
                    "status_page_url": {"from": None, "to": ""},
                    "support_email": {"from": None, "to": ""},
                    "phone": {"from": None, "to": ""},
                    "chat_enabled": {"from": None, "to": False},
                    "chat_url": {"from": None, "to": ""},
                    "note": {"from": None, "to": ""},
                }
            },
        ),
        Recorded(
            Kind.SUPPORT_PAGE_CHANGED,
            "ada",
            "",
            subject(page),
            {"changes": {"chat_enabled": {"from": False, "to": True}}},
        ),
    ]


def test_a_customer_closing_a_request(anna, recorded):
    request = services.open_request(
        requester_email="anna@acme.example", subject="Q", body="?", origin="web", actor="anna"
    )
    recorded()
    services.close_by_customer(
        request, sender_email="anna@acme.example", origin="web", actor="anna@acme.example"
    )
    assert recorded() == [
        Recorded(
            Kind.SUPPORT_REQUEST_STATUS_CHANGED,
            "anna@acme.example",
            "Anna",
            subject(request),
            {"from": "new", "to": "closed", "by": "anna@acme.example", "origin": "web"},
        )
    ]
