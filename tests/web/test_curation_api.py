"""The curation API: permissions (leads and admins only), validation, gold changes with their
audit trail, and that annotators' own spans never change."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from annotator.extensions import db
from annotator.models import (
    DocumentCuration,
    DocumentQuestion,
    GoldEvent,
    GoldSpan,
    Label,
    Span,
    SpanEvent,
)
from tests.factories import make_world

TEXT = "Leaders 🤝 met in Geneva. “A new chapter,” they said."
C = "/api/v1/curation"


def label_id(project_id: int, name: str) -> int:
    return db.session.execute(
        select(Label.id).where(Label.project_id == project_id, Label.name == name)
    ).scalar_one()


def add(world, who: str, fragment: str, label: str = "Claim", **attrs) -> int:
    start = TEXT.index(fragment)
    span = Span(
        document_id=world["document"],
        user_id=world[who],
        label_id=label_id(world["project"], label),
        start=start,
        end=start + len(fragment),
        text=fragment,
        attributes=attrs,
    )
    db.session.add(span)
    db.session.commit()
    return span.id


@pytest.fixture
def world(app):
    with app.app_context():
        ids = make_world()
        ids["a_geneva"] = add(ids, "alice", "met in Geneva", type="factual")
        ids["b_geneva"] = add(ids, "bob", "met in Geneva", type="factual")
        ids["a_chapter"] = add(ids, "alice", "A new chapter", "Quote")
        ids["b_said"] = add(ids, "bob", "they said", "Source")
        ids["claim"] = label_id(ids["project"], "Claim")
        ids["quote"] = label_id(ids["project"], "Quote")
        return ids


def spans_snapshot():
    return sorted(
        db.session.execute(
            select(Span.id, Span.label_id, Span.start, Span.end, Span.attributes, Span.version)
        ).all()
    )


@pytest.mark.parametrize("who, status", [("alice", 403), ("otto", 404), (None, 401)])
def test_only_leads_may_curate(client, auth, world, who, status):
    if who:
        auth.login(who)
    doc = world["document"]
    calls = [
        client.get(f"{C}/documents/{doc}"),
        client.get(f"{C}/projects/{world['project']}/queue"),
        client.post(f"{C}/documents/{doc}/gold", json={"span_id": world["a_geneva"]}),
        client.post(f"{C}/documents/{doc}/merge", json={}),
        client.post(f"{C}/projects/{world['project']}/merge", json={}),
        client.put(f"{C}/documents/{doc}/status", json={"status": "curated"}),
    ]
    assert [r.status_code for r in calls] == [status] * len(calls)
    assert all(r.is_json and "error" in r.get_json() for r in calls)
    with client.application.app_context():
        assert db.session.execute(select(func.count(GoldSpan.id))).scalar_one() == 0


def test_annotator_cannot_touch_gold(app, client, auth, world):
    auth.login("lena")
    gold = client.post(
        f"{C}/documents/{world['document']}/gold", json={"span_id": world["a_geneva"]}
    ).get_json()
    auth.logout()
    auth.login("alice")
    assert client.patch(f"{C}/gold/{gold['id']}", json={"version": 1}).status_code == 403
    assert client.delete(f"{C}/gold/{gold['id']}").status_code == 403
    assert client.get(f"/projects/{world['project']}/curation").status_code == 403
    url = f"/projects/{world['project']}/documents/{world['document']}/curate"
    assert client.get(url).status_code == 403


def test_accept_an_annotator_span(app, client, auth, world):
    with app.app_context():
        before = spans_snapshot()
    auth.login("lena")
    response = client.post(
        f"{C}/documents/{world['document']}/gold", json={"span_id": world["a_geneva"]}
    )
    assert response.status_code == 201
    gold = response.get_json()
    assert (gold["label"], gold["text"], gold["source"]) == ("Claim", "met in Geneva", "manual")
    assert gold["provenance"] == ["alice", "bob"]  # bob marked exactly the same
    assert gold["attributes"] == {"type": "factual"}
    assert TEXT[gold["start"] : gold["end"]] == "met in Geneva"
    again = client.post(
        f"{C}/documents/{world['document']}/gold", json={"span_id": world["b_geneva"]}
    )
    assert again.status_code == 409 and again.get_json()["gold"]["id"] == gold["id"]
    data = client.get(f"{C}/documents/{world['document']}").get_json()
    assert [g["id"] for g in data["gold"]] == [gold["id"]]
    assert sorted(data["lanes"]) == ["alice", "bob"] and data["curation"]["status"] == "in_progress"
    with app.app_context():
        assert spans_snapshot() == before  # annotators' spans untouched
        assert db.session.execute(select(func.count(SpanEvent.id))).scalar_one() == 0
        events = db.session.execute(select(GoldEvent.action, GoldEvent.user_id)).all()
        assert events == [("create", world["lead"])]


def test_accept_with_edited_boundaries_label_and_attributes(app, client, auth, world):
    auth.login("lena")
    start = TEXT.index("A new chapter")
    body = {
        "span_id": world["a_chapter"],
        "label_id": world["claim"],
        "start": start,
        "end": start + len("A new chapter,"),
        "text": "A new chapter,",
        "attributes": {"type": "opinion", "check-worthy": True},
    }
    response = client.post(f"{C}/documents/{world['document']}/gold", json=body)
    assert response.status_code == 201, response.get_json()
    gold = response.get_json()
    assert (gold["label"], gold["text"]) == ("Claim", "A new chapter,")
    assert gold["attributes"] == {"type": "opinion", "check-worthy": True}
    assert gold["provenance"] == ["alice"]


@pytest.mark.parametrize(
    "body, status, words",
    [
        ({"span_id": 999999}, 404, "No such annotator span"),
        ({"span_id": "1"}, 400, "'span_id' must be an integer"),
        ({"label_id": "x", "start": 0, "end": 7, "text": "Leaders"}, 400, "label_id"),
        ({"label_id": None, "start": 0, "end": 7, "text": "Leaders"}, 400, "label_id"),
        ({"claim": 1, "start": 0, "end": 99, "text": "x"}, 400, "Unknown fields"),
        ({"label_id": "CLAIM", "start": 0, "end": 99, "text": "x"}, 400, "not a span"),
        ({"label_id": "CLAIM", "start": 0, "end": 7, "text": "Leader"}, 400, "does not match"),
        ({"label_id": "CLAIM", "start": 0, "end": 8, "text": "Leaders "}, 400, "whitespace"),
        ({"label_id": "CLAIM", "start": 0, "end": 7, "text": "Leaders", "attributes": {"x": 1}},
         400, "no attribute"),
        ({"label_id": "OTHER", "start": 0, "end": 7, "text": "Leaders"}, 400, "does not belong"),
    ],
)  # fmt: skip
def test_accept_validation(app, client, auth, world, body, status, words):
    with app.app_context():
        other = db.session.execute(
            select(Label.id).where(Label.project_id == world["other"])
        ).scalars().first()  # fmt: skip
    if body.get("label_id") == "CLAIM":
        body = {**body, "label_id": world["claim"]}
    elif body.get("label_id") == "OTHER":
        body = {**body, "label_id": other}
    auth.login("lena")
    response = client.post(f"{C}/documents/{world['document']}/gold", json=body)
    assert response.status_code == status
    assert words in response.get_json()["error"]
    bad = client.post(f"{C}/documents/{world['document']}/gold", data="nope")
    assert bad.status_code == 400


def test_edit_reject_and_delete_gold(app, client, auth, world):
    auth.login("lena")
    doc = world["document"]
    gold = client.post(f"{C}/documents/{doc}/gold", json={"span_id": world["a_geneva"]}).get_json()
    start = TEXT.index("in Geneva")
    edited = client.patch(
        f"{C}/gold/{gold['id']}",
        json={"version": 1, "start": start, "end": start + 9, "text": "in Geneva"},
    )
    assert edited.status_code == 200 and edited.get_json()["version"] == 2
    assert edited.get_json()["provenance"] == ["alice", "bob"]  # where it came from
    stale = client.patch(f"{C}/gold/{gold['id']}", json={"version": 1, "text": "x"})
    assert stale.status_code == 409 and stale.get_json()["gold"]["version"] == 2
    assert client.patch(f"{C}/gold/{gold['id']}", json={"start": 0}).status_code == 400
    assert client.delete(f"{C}/gold/{gold['id']}?version=x").status_code == 400
    assert client.delete(f"{C}/gold/{gold['id']}?version=1").status_code == 409
    assert client.delete(f"{C}/gold/{gold['id']}?version=2&reject=1").status_code == 204
    assert client.delete(f"{C}/gold/{gold['id']}").status_code == 404
    with app.app_context():
        actions = db.session.execute(select(GoldEvent.action).order_by(GoldEvent.id)).scalars()
        assert list(actions) == ["create", "update", "reject"]


def test_merge_is_idempotent_and_respects_rejections(app, client, auth, world):
    auth.login("lena")
    doc = world["document"]
    first = client.post(f"{C}/documents/{doc}/merge", json={"min_votes": 2}).get_json()
    assert first["gold_spans_added"] == 1 and first["per_label"] == {"Claim": 1}
    again = client.post(f"{C}/documents/{doc}/merge", json={"min_votes": 2}).get_json()
    assert again["gold_spans_added"] == 0
    gold = client.get(f"{C}/documents/{doc}").get_json()["gold"]
    assert [(g["text"], g["source"], g["provenance"]) for g in gold] == [
        ("met in Geneva", "auto", ["alice", "bob"])
    ]
    client.delete(f"{C}/gold/{gold[0]['id']}?reject=1")
    third = client.post(f"{C}/projects/{world['project']}/merge", json={"min_votes": 2})
    assert third.get_json()["gold_spans_added"] == 0
    lone = client.post(f"{C}/documents/{doc}/merge", json={"min_votes": 1, "match": "overlap"})
    assert lone.get_json()["per_label"] == {"Quote": 1, "Source": 1}
    for bad in ({"min_votes": 0}, {"min_votes": True}, {"match": "fuzzy"}):
        response = client.post(f"{C}/documents/{doc}/merge", json=bad)
        assert response.status_code == 400 and "error" in response.get_json()


def test_status_and_gold_answers(app, client, auth, world):
    auth.login("lena")
    doc = world["document"]
    with app.app_context():
        question = db.session.execute(
            select(DocumentQuestion.id).where(DocumentQuestion.project_id == world["project"])
        ).scalar_one()
    assert client.put(f"{C}/documents/{doc}/status", json={"status": "done"}).status_code == 400
    assert client.put(f"{C}/documents/{doc}/status", json={"status": "curated"}).status_code == 200
    url = f"{C}/documents/{doc}/answers/{question}"
    assert client.put(url, json={"value": "9"}).status_code == 400
    assert client.put(url, json={}).status_code == 400
    assert client.put(f"{C}/documents/{doc}/answers/999999", json={"value": "1"}).status_code == 404
    assert client.put(url, json={"value": 4}).get_json() == {"question_id": question, "value": "4"}
    data = client.get(f"{C}/documents/{doc}").get_json()
    assert data["gold_answers"] == {str(question): "4"}
    assert data["curation"]["status"] == "curated"
    assert client.put(url, json={"value": None}).get_json()["value"] is None
    with app.app_context():
        assert db.session.execute(select(DocumentCuration.status)).scalar_one() == "curated"


def test_queue_orders_by_disagreement(app, client, auth, world):
    from tests.factories import make_document

    with app.app_context():
        from annotator.models import Project

        quiet = make_document(
            db.session.get(Project, world["project"]), "Nothing to see.", external_id="quiet"
        ).id
    auth.login("lena")
    rows = client.get(f"{C}/projects/{world['project']}/queue").get_json()["documents"]
    assert [r["id"] for r in rows] == [world["document"], quiet]
    assert rows[0]["disagreement"] > 0 and rows[1]["disagreement"] is None
    client.put(f"{C}/documents/{world['document']}/status", json={"status": "curated"})
    rows = client.get(f"{C}/projects/{world['project']}/queue").get_json()["documents"]
    assert [r["id"] for r in rows] == [quiet, world["document"]]
    page = client.get(f"/projects/{world['project']}/curation")
    assert page.status_code == 200 and b"curation-queue" in page.data


def test_a_discontinuous_span_keeps_its_pieces_when_accepted_and_moved(app, client, auth, world):
    """Its fragments follow its ends: kept when accepted as is, cut or stretched with a moved
    end (a piece wholly outside dropped), and a plain span once one piece is left."""
    first, second = TEXT.index("Leaders"), TEXT.index("Geneva")
    with app.app_context():
        span = db.session.get(Span, world["a_geneva"])
        span.start, span.end = first, second + len("Geneva")
        span.text = TEXT[span.start : span.end]
        span.fragments = [[first, first + len("Leaders")], [second, second + len("Geneva")]]
        db.session.commit()
        pieces = span.fragments
    auth.login("lena")
    doc = world["document"]
    gold = client.post(f"{C}/documents/{doc}/gold", json={"span_id": world["a_geneva"]})
    assert gold.status_code == 201 and gold.get_json()["fragments"] == pieces
    gold = gold.get_json()
    moved = client.patch(
        f"{C}/gold/{gold['id']}", json={"version": gold["version"], "end": second + 3}
    ).get_json()
    assert moved["fragments"] == [pieces[0], [second, second + 3]]
    assert moved["text"] == TEXT[first : second + 3]
    # the start moved into the gap: the first piece is gone and only one is left
    plain = client.patch(
        f"{C}/gold/{gold['id']}", json={"version": moved["version"], "start": second - 3}
    ).get_json()
    assert (plain["start"], plain["end"], plain["fragments"]) == (second - 3, second + 3, None)
    with app.app_context():
        row = db.session.get(GoldSpan, gold["id"])
        assert row.fragments is None
    # accepted with an edited end: the annotator's pieces are cut to it
    client.delete(f"{C}/gold/{gold['id']}")
    cut = client.post(
        f"{C}/documents/{doc}/gold", json={"span_id": world["a_geneva"], "end": second + 2}
    ).get_json()
    assert cut["fragments"] == [pieces[0], [second, second + 2]]
