"""Error pages in the app's layout with plain wording (not Werkzeug's text), and the favicon."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_user, make_world


@pytest.fixture
def world(app):
    with app.app_context():
        return make_world()


def _in_layout(response) -> str:
    html = response.get_data(as_text=True)
    assert 'class="topbar"' in html and "css/app.css" in html
    assert "error-page" in html
    return html


def test_403_on_users_is_styled_and_plain(client, auth, world):
    auth.login("lena")
    response = client.get("/users")
    assert response.status_code == 403
    html = _in_layout(response)
    assert "Not allowed" in html and "You do not have access to this page" in html
    assert "read-protected" not in html  # Werkzeug's generic description
    assert "Back to your projects" in html


def test_404_for_an_unknown_address_is_styled(client, auth, world):
    auth.login("alice")
    response = client.get("/no/such/page")
    assert response.status_code == 404
    html = _in_layout(response)
    assert "Not found" in html and "There is no such page" in html
    assert "requested URL was not found" not in html


def test_404_keeps_the_views_own_message(client, auth, world):
    auth.login("otto")
    response = client.get(f"/projects/{world['project']}")
    assert response.status_code == 404
    assert "No such project." in _in_layout(response)


def test_405_and_400_are_styled(client, auth, world):
    auth.login("lena")
    response = client.get("/logout")
    assert response.status_code == 405
    assert "Method not allowed" in _in_layout(response)
    response = client.post(f"/projects/{world['project']}/assign", data={"x": "1\x00"})
    assert response.status_code == 400
    assert "Bad request" in _in_layout(response)


def test_413_is_styled(app, client, auth, world):
    auth.login("lena")
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post(
        f"/projects/{world['project']}/import",
        data=b"x" * (limit + 1),
        content_type="application/octet-stream",
    )
    assert response.status_code == 413
    assert "Too large" in _in_layout(response)


def test_500_is_styled(app, client, auth, world):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken():
        raise RuntimeError("boom")

    app.add_url_rule("/broken", "broken", broken)
    auth.login("lena")
    response = client.get("/broken")
    assert response.status_code == 500
    html = _in_layout(response)
    assert "Something went wrong" in html and "boom" not in html


def test_anonymous_error_page_offers_login(client, app):
    with app.app_context():
        make_user("someone")
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Log in" in _in_layout(response)


def test_favicon_is_served_and_linked(client, auth, world):
    ico = client.get("/favicon.ico")
    assert ico.status_code == 200 and ico.data[:4] == b"\x00\x00\x01\x00"  # ICO header
    auth.login("lena")
    page = client.get("/").get_data(as_text=True)
    assert 'rel="icon"' in page
    href = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    assert href.endswith("/favicon.svg")
    svg = client.get(href)
    assert svg.status_code == 200 and b"<svg" in svg.data
