"""Comment threads (issue 22): an annotator's questions about an article or a span, the leads'
replies and open-questions list, and who may see them (never another annotator, blind or not)."""

from __future__ import annotations

import pytest

from annotator.extensions import db
from annotator.models import Comment, Project, Span
from annotator.services.projects.assigning import assign
from tests.factories import make_document, make_span, make_world

A = "/api/v1"


@pytest.fixture
def world(app):
    with app.app_context():
        ids = make_world()
        project = db.session.get(Project, ids["project"])
        project.blind = True
        second = make_document(project, "A second article about talks.", external_id="second")
        assign(project)
        from annotator.models import Document, User

        alice = db.session.get(User, ids["alice"])
        span = make_span(
            alice,
            db.session.get(Document, ids["document"]),
            {
                "label_id": _label(project, "Quote"),
                "start": 26,
                "end": 40,
                "text": "A new chapter,",
            },
        )
        db.session.commit()
        ids.update(second=second.id, span=span["id"])
    return ids


def _label(project, name):
    return next(label.id for label in project.labels if label.name == name)


def _login(client, name):
    client.post("/logout")
    assert (
        client.post("/login", data={"username": name, "password": "correct-horse-1"}).status_code
        == 302
    )


def _ask(client, document, **body):
    return client.post(f"{A}/documents/{document}/comments", json=body)


def test_question_reply_resolve_and_reopen(app, client, world):
    _login(client, "alice")
    response = _ask(
        client, world["document"], body="  How do I label a scare quote?  ", span_id=world["span"]
    )
    assert response.status_code == 201, response.get_json()
    thread = response.get_json()
    assert thread["body"] == "How do I label a scare quote?"  # trimmed
    assert thread["annotator"] == thread["author"] == "alice"
    assert thread["span"]["text"] == "A new chapter,"
    assert thread["resolved"] is False and thread["replies"] == []

    _login(client, "lena")
    listed = client.get(f"{A}/projects/{world['project']}/comments").get_json()["threads"]
    assert [t["id"] for t in listed] == [thread["id"]]
    assert listed[0]["document_title"] == "An article"  # the factory's title
    reply = _ask(
        client, world["document"], body="Label it Quote, form: scare quote.", parent_id=thread["id"]
    )
    assert reply.status_code == 201
    assert [(r["author"], r["body"]) for r in reply.get_json()["replies"]] == [
        ("lena", "Label it Quote, form: scare quote.")
    ]
    resolved = client.post(f"{A}/comments/{thread['id']}/resolve", json={"resolved": True})
    assert resolved.get_json()["resolved"] is True
    assert resolved.get_json()["resolved_by"] == "lena"
    assert client.get(f"{A}/projects/{world['project']}/comments").get_json()["threads"] == []
    everything = client.get(f"{A}/projects/{world['project']}/comments?status=all").get_json()
    assert [t["resolved"] for t in everything["threads"]] == [True]

    # The annotator asks again in the same thread: it is open once more.
    _login(client, "alice")
    again = _ask(client, world["document"], body="And inside a headline?", parent_id=thread["id"])
    assert again.get_json()["resolved"] is False
    assert client.post(f"{A}/comments/{thread['id']}/resolve", json={}).status_code == 403
    with app.app_context():
        assert db.session.get(Comment, thread["id"]).resolved_at is None


def test_other_annotators_never_see_a_thread(app, client, world):
    """Blind project: bob, assigned the same article, sees none of alice's questions."""
    _login(client, "alice")
    thread = _ask(client, world["document"], body="Is “met” a Claim?").get_json()
    _login(client, "bob")
    assert client.get(f"{A}/documents/{world['document']}/comments").get_json() == {"threads": []}
    assert (
        client.get(f"{A}/documents/{world['document']}/comments?annotator=alice").status_code == 403
    )
    # No reply into it, no resolving it, no list of the project's questions.
    reply = _ask(client, world["document"], body="me too", parent_id=thread["id"])
    assert reply.status_code == 404
    assert client.post(f"{A}/comments/{thread['id']}/resolve", json={}).status_code == 404
    assert client.get(f"{A}/projects/{world['project']}/comments").status_code == 403
    page = client.get(f"/projects/{world['project']}/documents/{world['document']}/annotate")
    assert "Is “met” a Claim?" not in page.get_data(as_text=True)
    # Nor can bob ask about alice's span.
    assert _ask(client, world["document"], body="?", span_id=world["span"]).status_code == 404
    # An outsider and anonymous callers learn nothing either.
    _login(client, "otto")  # a non-member: the same 404 as for a missing article
    assert client.get(f"{A}/documents/{world['document']}/comments").status_code == 404
    client.post("/logout")
    assert client.get(f"{A}/documents/{world['document']}/comments").status_code == 401


def test_lead_writes_to_an_annotator_and_filters_by_annotator(app, client, world):
    _login(client, "lena")
    to_bob = _ask(client, world["document"], body="Please re-read section 2.", annotator="bob")
    assert to_bob.status_code == 201
    assert (to_bob.get_json()["annotator"], to_bob.get_json()["author"]) == ("bob", "lena")
    _login(client, "alice")
    _ask(client, world["document"], body="A question of mine")
    _login(client, "lena")
    everyone = client.get(f"{A}/documents/{world['document']}/comments").get_json()["threads"]
    assert sorted(t["annotator"] for t in everyone) == ["alice", "bob"]
    only = client.get(f"{A}/documents/{world['document']}/comments?annotator=bob").get_json()
    assert [t["body"] for t in only["threads"]] == ["Please re-read section 2."]
    _login(client, "bob")
    mine = client.get(f"{A}/documents/{world['document']}/comments").get_json()["threads"]
    assert [t["body"] for t in mine] == ["Please re-read section 2."]
    # Annotators cannot write into someone else's name.
    assert _ask(client, world["document"], body="x", annotator="alice").status_code == 403


@pytest.mark.parametrize(
    "body, message",
    [
        ({"body": "   "}, "empty"),
        ({"body": 5}, "'body' must be a string"),
        ({"body": "x" * 5001}, "at most 5000"),
        ({"body": "x", "span_id": "7"}, "'span_id' must be an integer"),
        ({"body": "x", "parent_id": True}, "'parent_id' must be an integer"),
        ({"body": "x", "colour": "red"}, "Unknown field"),
        ({"body": "x", "span_id": 999999}, "No span 999999"),
    ],
)
def test_bad_comments_are_refused_and_not_stored(app, client, world, body, message):
    _login(client, "alice")
    response = _ask(client, world["document"], **body)
    assert 400 <= response.status_code < 500
    assert message in response.get_json()["error"]
    with app.app_context():
        assert db.session.query(Comment).count() == 0


def test_reply_must_be_on_the_same_article(app, client, world):
    _login(client, "alice")
    thread = _ask(client, world["document"], body="Here").get_json()
    response = _ask(client, world["second"], body="There", parent_id=thread["id"])
    assert response.status_code == 400


def test_deleting_the_span_keeps_the_question(app, client, world):
    _login(client, "alice")
    thread = _ask(client, world["document"], body="This span?", span_id=world["span"]).get_json()
    with app.app_context():
        version = db.session.get(Span, world["span"]).version
    assert client.delete(f"{A}/spans/{world['span']}?version={version}").status_code == 204
    threads = client.get(f"{A}/documents/{world['document']}/comments").get_json()["threads"]
    assert [(t["id"], t["span"]) for t in threads] == [(thread["id"], None)]


def test_lead_page_lists_and_resolves_open_questions(app, client, world):
    _login(client, "alice")
    thread = _ask(client, world["document"], body="Where does the quote end?").get_json()
    _login(client, "lena")
    page = client.get(f"/projects/{world['project']}/comments").get_data(as_text=True)
    assert "Where does the quote end?" in page and "alice" in page
    assert f"annotator=alice#thread-{thread['id']}" in page
    overview = client.get(f"/projects/{world['project']}").get_data(as_text=True)
    assert f"/projects/{world['project']}/comments" in overview  # in the project menu
    response = client.post(f"/projects/{world['project']}/comments/{thread['id']}/resolve")
    assert response.status_code == 302
    page = client.get(f"/projects/{world['project']}/comments").get_data(as_text=True)
    assert "Where does the quote end?" not in page and "No open questions" in page
    client.post(
        f"/projects/{world['project']}/comments/{thread['id']}/resolve", data={"reopen": "1"}
    )
    assert "Where does the quote end?" in client.get(
        f"/projects/{world['project']}/comments"
    ).get_data(as_text=True)
    # A thread of another project is not this project's to resolve.
    response = client.post(f"/projects/{world['other']}/comments/{thread['id']}/resolve")
    assert response.status_code in (403, 404)
