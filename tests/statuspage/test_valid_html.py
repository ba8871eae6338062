"""The public pages are well-formed HTML5: a strict parser finds no parse error in them."""

import html5lib
import pytest

from forewarn.catalog import services
from forewarn.catalog.models import Component, ComponentGroup


@pytest.fixture
def catalog(db):
    group = ComponentGroup.objects.create(name="Voice")
    for slug, name in [("sip", "Voice/SIP"), ("sms", "SMS <API> & more")]:
        component = Component.objects.create(
            slug=slug, name=name, group=group, description='Calls & "quotes"'
        )
        services.ensure_history(component)
    services.set_status(Component.objects.get(slug="sip"), "major_outage", cause="carrier down")


@pytest.mark.parametrize("path", ["/", "/subscribe/", "/subscribe/sent/"])
def test_public_page_parses_without_errors(client, catalog, path):
    response = client.get(path)
    assert response.status_code == 200
    parser = html5lib.HTMLParser(strict=True)
    parser.parse(response.content)  # raises ParseError on the first error
    assert parser.errors == []


@pytest.mark.parametrize("path", ["/console/availability/", "/console/policies/check/"])
def test_console_report_pages_parse_without_errors(admin_client, catalog, path):
    response = admin_client.get(path)
    assert response.status_code == 200
    html5lib.HTMLParser(strict=True).parse(response.content)
