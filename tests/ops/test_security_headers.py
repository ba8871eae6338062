"""Every kind of page carries the Content-Security-Policy and the other security headers, and no
template of the project has an inline script or event handler for the policy to block."""

import re
from pathlib import Path

import pytest

from forewarn.catalog.models import Component

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "accelerometer=(), camera=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), payment=(), usb=()",
}
PAGES = [
    "/",  # the status page
    "/subscribe/",
    "/console/login/",
    "/console/",  # a redirect to the login
    "/api/v1/docs",
    "/api/v1/openapi.json",
    "/api/v2/summary.json",
    "/healthz",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_every_kind_of_page_carries_the_security_headers(client, path):
    Component.objects.create(slug="api", name="API")
    response = client.get(path)
    assert response.status_code in (200, 302)
    assert {name: response.headers.get(name) for name in HEADERS} == HEADERS


@pytest.mark.django_db
def test_the_signed_in_console_carries_them_too(admin_client):
    response = admin_client.get("/console/catalog/component/add/")
    assert response.status_code == 200
    assert {name: response.headers.get(name) for name in HEADERS} == HEADERS


TEMPLATES = sorted((Path(__file__).parents[2] / "src" / "forewarn").rglob("templates/**/*.html"))
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")")
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"(?:href|src|action)\s*=\s*[\"']?\s*javascript:", re.I)


def test_the_project_has_templates_to_check():
    assert len(TEMPLATES) >= 20


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_no_template_has_inline_script_or_handlers(template):
    text = template.read_text()
    found = INLINE_SCRIPT.findall(text) + HANDLER.findall(text) + JAVASCRIPT_URL.findall(text)
    assert found == []
