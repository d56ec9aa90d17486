""" "Hide outlet from annotators" on every endpoint an annotator can reach (session and API
token), and span routes that end with membership: a removed annotator's spans are not theirs
to read, change or delete any more."""

from __future__ import annotations

import pytest

from annotator.extensions import db
from annotator.models import Document, Project, Span, User
from annotator.services.accounts.tokens import create_token
from annotator.services.projects.projects import remove_member
from tests.web.test_access import build_url, build_world, entry_for, site_rules

OUTLET, AUTHOR = "Daily Example Outlet", "Jane Byline"


@pytest.fixture
def world(app):
    ids = build_world(app)
    with app.app_context():
        document = db.session.get(Document, ids["document"])
        document.outlet, document.author = OUTLET, AUTHOR
        document.url = "https://daily.example/story"
        db.session.get(Project, ids["project"]).hide_outlet = True
        _, raw = create_token(db.session.get(User, ids["alice"]), "blinding")
        db.session.commit()
        ids["raw_token"] = raw
    return ids


def _annotator_reads(app):
    """Every GET route that the access matrix lets an annotator read (status 200); the
    favicon (a static image) holds no article data."""
    for rule in site_rules(app):
        if rule.rule == "/favicon.ico":
            continue
        route = entry_for(rule)
        if route is not None and route.method == "GET" and route.expect["annotator"] == 200:
            yield rule, route


def test_hidden_outlet_on_every_annotator_endpoint(app, client, auth, world):
    auth.login("alice")
    token = {"Authorization": f"Bearer {world['raw_token']}"}
    seen = 0
    for rule, route in _annotator_reads(app):
        url = build_url(rule, route, world)
        for headers in ({}, token) if url.startswith("/api/") else ({},):
            other = app.test_client() if headers else client
            response = other.get(url, headers=headers)
            assert response.status_code == 200, (url, headers)
            body = response.get_data(as_text=True)
            for secret in (OUTLET, AUTHOR, "daily.example"):
                assert secret not in body, (url, bool(headers), secret)
            seen += 1
    assert seen >= 8
    assert "/api/v1/projects/<int:project_id>/documents" in {
        r.rule for r, _ in _annotator_reads(app)
    }


def test_leads_still_see_the_outlet(app, client, auth, world):
    auth.login("lena")
    body = client.get(f"/api/v1/projects/{world['project']}/documents").get_json()
    assert body["documents"][0]["outlet"] == OUTLET
    assert (
        client.get(f"/api/v1/documents/{world['document']}").get_json()["document"]["outlet"]
        == OUTLET
    )


def test_outlet_shown_when_the_option_is_off(app, client, auth, world):
    with app.app_context():
        db.session.get(Project, world["project"]).hide_outlet = False
        db.session.commit()
    auth.login("alice")
    body = client.get(f"/api/v1/projects/{world['project']}/documents").get_json()
    assert body["documents"][0]["outlet"] == OUTLET


def test_removed_annotator_loses_their_spans(app, client, auth, world):
    auth.login("alice")
    url = f"/api/v1/spans/{world['span']}"
    assert client.get(url).status_code == 200
    with app.app_context():
        remove_member(
            db.session.get(Project, world["project"]), db.session.get(User, world["alice"])
        )
        db.session.commit()
    assert client.get(url).status_code == 404
    assert client.patch(url, json={"note": "still mine?", "version": 1}).status_code == 404
    assert client.delete(url).status_code == 404
    with app.app_context():
        span = db.session.get(Span, world["span"])
        assert span is not None and span.note == ""
