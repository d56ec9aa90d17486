"""The lead's article list: search, filters, paging, manual (re)assignment with a confirm,
and the edit history (article, span, audit-log export by page and CLI)."""

from __future__ import annotations

import csv
import html
import io
import json

import pytest
from sqlalchemy import select

from annotator.extensions import db
from annotator.models import Assignment, Label, Project, Span, User
from annotator.services.annotation.spans import delete_span, update_span
from tests.factories import make_document, make_project, make_span, make_user


@pytest.fixture
def ids(app):
    with app.app_context():
        lena, alice, bob = make_user("lena"), make_user("alice"), make_user("bob")
        project = make_project("Bias study", lead=lena, annotators=[alice, bob])
        docs = [
            make_document(project, "Taxes rose 🤑 sharply.", title="Tax story", outlet="Daily A"),
            make_document(project, "The senate voted.", title="Senate", outlet="Daily B"),
            make_document(project, "Rain 50% likely.", title="Weather_report", outlet="Daily A"),
            make_document(project, "Nobody has this one.", title="Lonely", outlet="Daily B"),
        ]
        a, b = alice.id, bob.id
        db.session.add_all(
            [
                Assignment(document_id=docs[0].id, user_id=a, project_id=project.id, status="done"),
                Assignment(document_id=docs[0].id, user_id=b, project_id=project.id, status="done"),
                Assignment(document_id=docs[1].id, user_id=a, project_id=project.id, status="done"),
                Assignment(document_id=docs[1].id, user_id=b, project_id=project.id, status="done"),
                Assignment(document_id=docs[2].id, user_id=a, project_id=project.id),
            ]
        )
        db.session.commit()
        framing = db.session.execute(
            select(Label.id).where(Label.project_id == project.id, Label.name == "Framing")
        ).scalar_one()
        # Article 0: alice and bob differ (bob's span ends elsewhere); article 1: they agree.
        make_span(alice, docs[0], {"label_id": framing, "start": 0, "end": 5, "text": "Taxes"})
        make_span(bob, docs[0], {"label_id": framing, "start": 0, "end": 10, "text": "Taxes rose"})
        make_span(alice, docs[1], {"label_id": framing, "start": 4, "end": 10, "text": "senate"})
        make_span(bob, docs[1], {"label_id": framing, "start": 4, "end": 10, "text": "senate"})
        db.session.commit()
        return {
            "project": project.id,
            "docs": [d.id for d in docs],
            "alice": a,
            "bob": b,
            "framing": framing,
        }


@pytest.fixture
def lead(client, auth, ids):
    auth.login("lena")
    return client


def listed(client, ids, query="") -> list[str]:
    text = html.unescape(client.get(f"/projects/{ids['project']}/documents{query}").get_data(True))
    return [
        t for t in ("Tax story", "Senate", "Weather_report", "Lonely") if f"<td>{t}</td>" in text
    ]


def test_search_by_title_and_text(lead, ids):
    assert listed(lead, ids) == ["Tax story", "Senate", "Weather_report", "Lonely"]
    assert listed(lead, ids, "?q=senate") == ["Senate"]  # title and text, any case
    assert listed(lead, ids, "?q=SHARPLY") == ["Tax story"]
    assert listed(lead, ids, "?q=%F0%9F%A4%91") == ["Tax story"]  # an emoji in the text
    assert listed(lead, ids, "?q=50%25") == ["Weather_report"]  # % is literal, not a wildcard
    assert listed(lead, ids, "?q=r_p") == []  # _ is literal too
    assert listed(lead, ids, "?q=er_r") == ["Weather_report"]


def test_filter_by_outlet_status_annotator_and_disagreement(lead, ids):
    assert listed(lead, ids, "?outlet=Daily+A") == ["Tax story", "Weather_report"]
    assert listed(lead, ids, "?status=unassigned") == ["Lonely"]
    assert listed(lead, ids, "?status=todo") == ["Weather_report"]
    assert listed(lead, ids, "?status=done") == ["Tax story", "Senate"]
    assert listed(lead, ids, "?annotator=bob") == ["Tax story", "Senate"]
    assert listed(lead, ids, "?disagreement=1") == ["Tax story"]
    assert listed(lead, ids, "?disagreement=1&outlet=Daily+B") == []


def test_bad_filter_values_are_400(lead, ids):
    url = f"/projects/{ids['project']}/documents"
    assert lead.get(url + "?status=bogus").status_code == 400
    assert lead.get(url + "?page=0").status_code == 400
    assert lead.get(url + "?per_page=100000").status_code == 400


def test_paging_keeps_the_filters(lead, ids):
    url = f"/projects/{ids['project']}/documents"
    first = lead.get(url + "?per_page=1&outlet=Daily+A").get_data(as_text=True)
    assert "page 1 of 2" in first and "<td>Tax story</td>" in first
    assert "page=2" in first and "outlet=Daily+A" in first
    second = lead.get(url + "?per_page=1&outlet=Daily+A&page=2").get_data(as_text=True)
    assert "<td>Weather_report</td>" in second and "<td>Tax story</td>" not in second


def assignees(app, doc_id) -> dict[str, str]:
    with app.app_context():
        rows = db.session.execute(
            select(User.username, Assignment.status)
            .join(User, User.id == Assignment.user_id)
            .where(Assignment.document_id == doc_id)
        ).all()
        return dict(rows)


def post_assign(client, ids, docs, **form):
    data = {"doc": [str(d) for d in docs], **form}
    return client.post(f"/projects/{ids['project']}/documents/assign", data=data)


def test_assign_a_selection(app, lead, ids):
    docs = ids["docs"]
    response = post_assign(lead, ids, [docs[2], docs[3]], action="assign", to_user="bob")
    assert response.status_code == 302
    assert assignees(app, docs[3]) == {"bob": "todo"}
    assert assignees(app, docs[2]) == {"alice": "todo", "bob": "todo"}
    page = lead.get(response.headers["Location"]).get_data(as_text=True)
    assert "Assigned 2 articles to bob." in html.unescape(page)
    again = post_assign(lead, ids, [docs[3]], action="assign", to_user="bob")
    text = html.unescape(lead.get(again.headers["Location"]).get_data(as_text=True))
    assert "Nothing changed; bob already had 1 article." in text


def test_reassigning_unstarted_work_needs_no_confirm(app, lead, ids):
    doc = ids["docs"][2]
    response = post_assign(lead, ids, [doc], action="reassign", from_user="alice", to_user="bob")
    assert response.status_code == 302
    assert assignees(app, doc) == {"bob": "todo"}


def test_taking_started_work_away_asks_first_and_says_what_is_lost(app, lead, ids):
    doc = ids["docs"][0]
    response = post_assign(lead, ids, [doc], action="unassign", from_user="alice")
    assert response.status_code == 200  # the confirm page, nothing changed yet
    text = html.unescape(response.get_data(as_text=True))
    assert "take away started work?" in text
    assert "Tax story" in text and "done, 1 span" in text
    assert "status and time on them are lost" in text
    assert assignees(app, doc) == {"alice": "done", "bob": "done"}
    confirmed = post_assign(lead, ids, [doc], action="unassign", from_user="alice", confirm="yes")
    assert confirmed.status_code == 302
    assert assignees(app, doc) == {"bob": "done"}
    with app.app_context():  # her spans are kept
        assert db.session.query(Span).filter_by(document_id=doc, user_id=ids["alice"]).count() == 1


def test_bad_assignment_requests_change_nothing(app, lead, ids):
    docs = ids["docs"]
    for form in (
        {"action": "assign", "to_user": "lena"},  # a lead, not an annotator
        {"action": "assign", "to_user": "nobody"},
        {"action": "explode", "to_user": "bob"},
        {"action": "reassign", "from_user": "bob", "to_user": "bob"},
    ):
        response = post_assign(lead, ids, [docs[3]], **form)
        assert response.status_code == 302, form
        assert assignees(app, docs[3]) == {}, form
    assert post_assign(lead, ids, [], action="assign", to_user="bob").status_code == 302
    with app.app_context():
        other = make_project("Other", lead=db.session.get(User, ids["alice"]))
        foreign = make_document(other, "Elsewhere.").id
    post_assign(lead, ids, [foreign], action="assign", to_user="bob")
    assert assignees(app, foreign) == {}
    bad = lead.post(f"/projects/{ids['project']}/documents/assign", data={"doc": "x"})
    assert bad.status_code == 400


# --- history ----------------------------------------------------------------------------------


def edit_spans(app, ids) -> int:
    """alice moves, relabels and deletes a span of article 0; returns its id."""
    with app.app_context():
        alice = db.session.get(User, ids["alice"])
        span = db.session.execute(
            select(Span).where(Span.user_id == ids["alice"], Span.document_id == ids["docs"][0])
        ).scalar_one()
        project = db.session.get(Project, ids["project"])
        claim = next(label.id for label in project.labels if label.name != "Framing")
        update_span(alice, span.id, {"start": 6, "end": 10, "text": "rose", "version": 1})
        update_span(alice, span.id, {"label_id": claim, "version": 2})
        db.session.commit()
        delete_span(alice, span.id)
        db.session.commit()
        return span.id


def test_article_and_span_history(app, lead, ids):
    span_id = edit_spans(app, ids)
    url = f"/projects/{ids['project']}/documents/{ids['docs'][0]}/history"
    text = html.unescape(lead.get(url).get_data(as_text=True))
    assert text.count('<tr class="event-') == 5  # 2 creates, 2 updates, 1 delete
    assert "created Framing [0, 5)" in text and "created Framing [0, 10)" in text
    assert "resized [0, 5) → [6, 10)" in text
    assert "relabelled Framing →" in text
    assert "deleted" in text and "alice" in text and "bob" in text
    one = html.unescape(lead.get(url + f"?span={span_id}").get_data(as_text=True))
    assert one.count('<tr class="event-') == 4 and "bob" not in one.split("<tbody>")[1]


def test_history_is_for_leads_only(client, auth, ids):
    auth.login("alice")
    url = f"/projects/{ids['project']}/documents/{ids['docs'][0]}/history"
    assert client.get(url).status_code == 403
    assert client.get(f"/projects/{ids['project']}/audit?format=csv").status_code == 403


def test_audit_log_export_csv_and_jsonl_with_filters(app, lead, ids):
    edit_spans(app, ids)
    url = f"/projects/{ids['project']}/audit"
    response = lead.get(url + "?format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 7  # 4 creates, 2 updates, 1 delete
    assert {r["annotator"] for r in rows} == {"alice", "bob"}
    moved = next(r for r in rows if r["change"].startswith("resized"))
    assert (moved["start_before"], moved["end_before"]) == ("0", "5")
    assert (moved["start_after"], moved["text_after"]) == ("6", "rose")
    assert json.loads(moved["before"])["text"] == "Taxes"
    lines = lead.get(url + "?format=jsonl&annotator=bob").get_data(as_text=True).splitlines()
    events = [json.loads(line) for line in lines]
    assert len(events) == 2 and {e["annotator"] for e in events} == {"bob"}
    assert lead.get(url + "?format=csv&since=2999-01-01").get_data(as_text=True).count("\n") == 1
    assert len(lead.get(url + "?format=jsonl&until=2000-01-01").data) == 0
    assert lead.get(url + "?since=yesterday").status_code == 400
    assert lead.get(url + "?format=xml").status_code == 400
    page = html.unescape(lead.get(url + "?annotator=alice").get_data(as_text=True))
    assert page.count('<tr class="event-') == 5 and "format=csv&annotator=alice" in page


def test_audit_log_cli(app, runner, ids, tmp_path):
    edit_spans(app, ids)
    out = tmp_path / "audit.jsonl"
    result = runner.invoke(
        args=[
            "audit-log",
            "Bias study",
            "--format",
            "jsonl",
            "--annotator",
            "alice",
            "-o",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [e["action"] for e in events] == ["create", "create", "update", "update", "delete"]
    bad = runner.invoke(args=["audit-log", "Bias study", "--since", "soon"])
    assert bad.exit_code == 1 and "'since' must be a date" in bad.output
