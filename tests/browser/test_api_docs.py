"""The API documentation page (/api/v1/docs): Swagger UI from the app's own files (no CDN),
rendered in Chromium under the unchanged Content-Security-Policy, linked from API tokens."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from annotator.security import CSP

pytestmark = pytest.mark.browser


def test_docs_render_from_local_assets_without_csp_violations(live_server, world, page, login):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    login(page, "alice")
    page.goto(f"{live_server.url}/settings/tokens")
    page.click("#api-docs-link")
    page.wait_for_url("**/api/v1/docs")
    response = page.request.get(f"{live_server.url}/api/v1/docs")
    assert response.headers["content-security-policy"] == CSP
    # Swagger UI read the app's own document and shows its operations.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("annotator API")
    expect(
        page.locator(".opblock-summary-path", has_text="/documents/{document_id}/spans").first
    ).to_be_visible()
    assert page.locator(".opblock").count() > 30
    # Every request went to the app itself (no CDN, no validator badge).
    origin = urlparse(live_server.url).netloc
    assert requests and all(urlparse(url).netloc == origin for url in requests), requests
    assets = [u for u in requests if "/api/v1/docs/assets/" in u]
    assert any(u.endswith("swagger-ui-bundle.js") for u in assets)
    assert any(u.endswith("swagger-ui.css") for u in assets)
    # Opening an operation works (the page fixture fails on script errors and CSP reports).
    page.locator(".opblock-summary", has_text="/projects").first.click()
    expect(page.locator(".opblock.is-open").first).to_be_visible()


def test_try_it_out_sends_the_session_and_csrf_header(live_server, world, page, login):
    login(page, "lena")
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_be_visible()
    headers = page.evaluate(
        """() => window.apiDocs.getConfigs().requestInterceptor(
              {method: "POST", headers: {}, url: "/api/v1/x"}).headers"""
    )
    assert headers["X-CSRFToken"] == page.locator("meta[name=csrf-token]").get_attribute("content")
    # Anonymous visitors may read the documentation too.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("annotator API")


def test_only_the_needed_bundle_files_are_served(live_server):
    import urllib.error
    import urllib.request

    with urllib.request.urlopen(f"{live_server.url}/api/v1/docs/assets/swagger-ui.css") as r:
        assert r.status == 200 and "text/css" in r.headers["Content-Type"]
    for name in ("index.html", "swagger-initializer.js", "../__init__.py"):
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(f"{live_server.url}/api/v1/docs/assets/{name}")
        assert error.value.code == 404
