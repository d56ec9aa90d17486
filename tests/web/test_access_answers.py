"""Consistent access answers (issue 22 "Leads", issue 23 item 13).

A non-member gets the same 404 for an existing project, article or span as for a missing one,
by session and by API token alike, so ids cannot be probed; an annotator asking the project
span list for someone else's spans gets 403, as the per-article endpoint answers.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from annotator.extensions import db
from annotator.models import Label, Span, User
from annotator.services.accounts.tokens import create_token
from tests.factories import make_span, make_world

MISSING = 999_999


def _framing(ids) -> int:
    return db.session.execute(
        select(Label.id).where(Label.project_id == ids["project"], Label.name == "Framing")
    ).scalar_one()


@pytest.fixture
def world(app):
    with app.app_context():
        ids = make_world()
        from annotator.models import Document

        alice = db.session.get(User, ids["alice"])
        doc = db.session.get(Document, ids["document"])
        span = make_span(
            alice, doc, {"label_id": _framing(ids), "start": 0, "end": 7, "text": "Leaders"}
        )
        db.session.commit()
        ids["span"] = span["id"]
        otto = db.session.get(User, ids["outsider"])
        _, ids["otto_token"] = create_token(otto, "probe")
        bob = db.session.get(User, ids["bob"])
        _, ids["bob_token"] = create_token(bob, "script")
        db.session.commit()
    return ids


def _pairs(world) -> list[tuple[str, str]]:
    """(URL of an existing thing in lena's project, URL of a missing one)."""
    p, d, s = world["project"], world["document"], world["span"]
    return [
        (f"/api/v1/projects/{p}/documents", f"/api/v1/projects/{MISSING}/documents"),
        (f"/api/v1/projects/{p}/spans", f"/api/v1/projects/{MISSING}/spans"),
        (f"/api/v1/projects/{p}/export", f"/api/v1/projects/{MISSING}/export"),
        (f"/api/v1/documents/{d}", f"/api/v1/documents/{MISSING}"),
        (f"/api/v1/spans/{s}", f"/api/v1/spans/{MISSING}"),
        (f"/api/v1/curation/documents/{d}", f"/api/v1/curation/documents/{MISSING}"),
    ]


def _page_pairs(world) -> list[tuple[str, str]]:
    p, d = world["project"], world["document"]
    return [
        (f"/projects/{p}", f"/projects/{MISSING}"),
        (f"/projects/{p}/documents", f"/projects/{MISSING}/documents"),
        (f"/projects/{p}/settings", f"/projects/{MISSING}/settings"),
        (
            f"/projects/{p}/documents/{d}/annotate",
            f"/projects/{p}/documents/{MISSING}/annotate",
        ),
    ]


def test_non_member_session_gets_the_same_404_as_for_missing_ids(client, auth, world):
    auth.login("otto")
    for existing, missing in _pairs(world):
        a, b = client.get(existing), client.get(missing)
        assert a.status_code == b.status_code == 404, (existing, a.status_code, b.status_code)
        assert a.get_json()["error"] == b.get_json()["error"], existing
    for existing, missing in _page_pairs(world):
        a, b = client.get(existing), client.get(missing)
        assert a.status_code == b.status_code == 404, (existing, a.status_code, b.status_code)
        assert b"No such" in a.data


def test_non_member_token_gets_the_same_404_as_for_missing_ids(client, world):
    headers = {"Authorization": f"Bearer {world['otto_token']}"}
    for existing, missing in _pairs(world):
        a = client.get(existing, headers=headers)
        b = client.get(missing, headers=headers)
        assert a.status_code == b.status_code == 404, (existing, a.status_code, b.status_code)
        assert a.get_json()["error"] == b.get_json()["error"], existing


def test_members_still_get_403_for_what_their_role_forbids(client, auth, world):
    auth.login("alice")
    assert client.get(f"/api/v1/projects/{world['project']}/export").status_code == 403
    assert client.get(f"/projects/{world['project']}/documents").status_code == 403


def test_annotator_asking_for_anothers_spans_gets_403_by_session(client, auth, world):
    auth.login("bob")
    url = f"/api/v1/projects/{world['project']}/spans"
    refused = client.get(url + "?annotator=alice")
    assert refused.status_code == 403
    assert "leads" in refused.get_json()["error"].lower()
    per_article = client.get(f"/api/v1/documents/{world['document']}?annotator=alice")
    assert per_article.status_code == 403
    own = client.get(url)
    assert own.status_code == 200
    assert all(s["annotator"] == "bob" for s in own.get_json()["spans"])


def test_annotator_asking_for_anothers_spans_gets_403_by_token(client, world):
    headers = {"Authorization": f"Bearer {world['bob_token']}"}
    url = f"/api/v1/projects/{world['project']}/spans?annotator=alice"
    assert client.get(url, headers=headers).status_code == 403


def test_lead_filters_the_span_list_by_annotator(app, client, auth, world):
    with app.app_context():
        from annotator.models import Document

        bob = db.session.get(User, world["bob"])
        doc = db.session.get(Document, world["document"])
        make_span(bob, doc, {"label_id": _framing(world), "start": 10, "end": 13, "text": "met"})
        db.session.commit()
        assert db.session.query(Span).count() == 2
    auth.login("lena")
    url = f"/api/v1/projects/{world['project']}/spans"
    everything = client.get(url).get_json()["spans"]
    assert sorted(s["annotator"] for s in everything) == ["alice", "bob"]
    only = client.get(url + "?annotator=alice").get_json()["spans"]
    assert [s["annotator"] for s in only] == ["alice"]
