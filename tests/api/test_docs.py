"""The API's interactive docs load from this server alone (they used to pull Swagger UI from a
public CDN, unpinned and without integrity: blank offline, and trusting whoever serves it)."""

import re

from django.test import Client


def test_the_docs_page_references_only_same_origin_assets(db):
    page = Client().get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sorted(assets) == [
        "/static/ninja/favicon.png",
        "/static/ninja/favicon.svg",
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui-init.js",
        "/static/ninja/swagger-ui.css",
    ]
    for asset in assets:
        served = Client().get(asset)
        assert served.status_code == 200, asset
    assert '"url": "/api/v1/openapi.json"' in html
