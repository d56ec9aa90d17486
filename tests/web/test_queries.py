"""``queries.iter_documents``: rows to records on SQLite and PostgreSQL alike.

Span order and local ids follow Python's string order (not the database's collation or the
order of user and label ids), links become local ids, filters and batches see only the
project's own documents.
"""

from datetime import date

import pytest

from annotator.extensions import db
from annotator.models import Assignment, Document, DocumentAnswer, GoldSpan, Label, Span
from annotator.queries import Selection, iter_documents
from annotator.services.projects.projects import create_project
from tests.factories import make_user

TEXT = "Ünïcode “quotes” and plain words for spans."


def _doc(project, external_id, text=TEXT, **extra):
    doc = Document(
        project_id=project.id, external_id=external_id, text=text, sha256=external_id, **extra
    )
    db.session.add(doc)
    db.session.flush()
    return doc


def _span(doc, user, label, start, end, **extra):
    span = Span(
        document_id=doc.id,
        user_id=user.id,
        label_id=label.id,
        start=start,
        end=end,
        text=doc.text[start:end],
        attributes=extra.pop("attributes", {}),
        **extra,
    )
    db.session.add(span)
    db.session.flush()
    return span


@pytest.fixture
def world(app):
    with app.app_context():
        # ids in the opposite order of the names, and names whose database collation may differ
        zed, amy, upper = make_user("zed"), make_user("amy"), make_user("Bob")
        project = create_project("Q", preset="empty")
        other = create_project("Other", preset="empty")
        link = [{"name": "speaker", "type": "link", "options": []}]
        labels = {}
        for name, attrs in (("zeta", []), ("Alpha", link), ("ärger", []), ("alpha", [])):
            labels[name] = Label(project_id=project.id, name=name, attributes=attrs)
            db.session.add(labels[name])
        foreign = Label(project_id=other.id, name="alpha", attributes=[])
        db.session.add(foreign)
        db.session.flush()
        docs = []
        for k in range(5):  # documents of two projects interleaved by id
            docs.append(
                _doc(
                    project, f"q{k}", meta={"k": k} if k % 2 else {}, published=date(2024, 5, k + 1)
                )
            )
            _span(_doc(other, f"o{k}"), amy, foreign, 0, 3)
        first = docs[0]
        s = {}
        s["zed_zeta"] = _span(first, zed, labels["zeta"], 4, 9)
        s["amy_zeta"] = _span(first, amy, labels["zeta"], 4, 9)
        s["upper"] = _span(first, upper, labels["zeta"], 4, 9)
        s["amy_alpha"] = _span(first, amy, labels["alpha"], 4, 9)
        s["amy_Alpha"] = _span(first, amy, labels["Alpha"], 4, 9, note="n")
        s["amy_ärger"] = _span(first, amy, labels["ärger"], 4, 9)
        s["dup2"] = _span(first, amy, labels["zeta"], 4, 9, guidelines_version=2)
        s["early"] = _span(first, zed, labels["zeta"], 0, 3)
        s["long"] = _span(first, zed, labels["zeta"], 0, 7)
        speaker = _span(first, zed, labels["Alpha"], 10, 16)
        s["quote"] = _span(
            first, zed, labels["Alpha"], 20, 25, attributes={"speaker": speaker.id, "x": 1}
        )
        s["dangling"] = _span(first, amy, labels["Alpha"], 26, 31, attributes={"speaker": 10**6})
        s["flag"] = _span(first, amy, labels["Alpha"], 32, 37, attributes={"speaker": True})
        _span(docs[3], amy, labels["alpha"], 1, 2)
        db.session.add(GoldSpan(document_id=first.id, label_id=labels["zeta"].id, start=4, end=9,
                                text=first.text[4:9], attributes={"a": 1}))  # fmt: skip
        gold_speaker = GoldSpan(document_id=first.id, label_id=labels["Alpha"].id, start=10,
                                end=16, text=first.text[10:16], attributes={})  # fmt: skip
        db.session.add(gold_speaker)
        db.session.flush()
        db.session.add(GoldSpan(document_id=first.id, label_id=labels["Alpha"].id, start=20,
                                end=25, text=first.text[20:25],
                                attributes={"speaker": gold_speaker.id}))  # fmt: skip
        db.session.add(Assignment(document_id=first.id, user_id=zed.id, project_id=project.id,
                                  status="done"))  # fmt: skip
        db.session.add(Assignment(document_id=first.id, user_id=amy.id, project_id=project.id))
        db.session.commit()
        yield {"project": project.id, "docs": [d.id for d in docs], "ids": {
            k: v.id for k, v in s.items()}}  # fmt: skip


def _order(record):
    return [(s.start, s.end, s.annotator, s.label, s.id) for s in record.spans]


def test_spans_in_python_string_order_with_stable_local_ids(world, app):
    with app.app_context():
        records = list(iter_documents(world["project"], batch=2))
        assert [r.id for r in records] == ["q0", "q1", "q2", "q3", "q4"]
        first = records[0]
        spans = _order(first)
        assert spans[:9] == [
            (0, 3, "zed", "zeta", "T1"),
            (0, 7, "zed", "zeta", "T2"),
            (4, 9, "Bob", "zeta", "T3"),
            (4, 9, "amy", "Alpha", "T4"),
            (4, 9, "amy", "alpha", "T5"),
            (4, 9, "amy", "zeta", "T6"),
            (4, 9, "amy", "zeta", "T7"),
            (4, 9, "amy", "ärger", "T8"),
            (4, 9, "zed", "zeta", "T9"),
        ]
        assert [s.guidelines_version for s in first.spans[5:7]] == [1, 2]  # insertion order
        assert all(s.text == TEXT[s.start : s.end] for s in first.spans)
        assert all(s.document_id == "q0" for s in first.spans)
        assert first.spans[3].note == "n"
        assert first.published == "2024-05-01" and first.meta == {}
        assert records[1].meta == {"k": 1}
        assert [len(r.spans) for r in records] == [13, 0, 0, 1, 0]  # no other project's spans
        assert first.gold[0].id == "G1" and first.gold[0].attributes == {"a": 1}


def test_links_become_local_ids(world, app):
    with app.app_context():
        first = next(iter_documents(world["project"]))
        by_text = {(s.start, s.end): s for s in first.spans}
        speaker = by_text[(10, 16)]
        assert by_text[(20, 25)].attributes == {"speaker": speaker.id, "x": 1}
        assert by_text[(26, 31)].attributes == {"speaker": ""}  # outside the selection
        assert by_text[(32, 37)].attributes == {"speaker": True}
        only_quotes = Selection(annotators=frozenset({"zed"}), labels=frozenset({"Alpha"}))
        quote = next(iter_documents(world["project"], only_quotes)).spans[1]
        assert quote.attributes == {"speaker": "T1", "x": 1}
        gold = {(g.start, g.end): g for g in first.gold}
        assert gold[(20, 25)].attributes == {"speaker": gold[(10, 16)].id} == {"speaker": "G2"}


def test_filters_done_only_and_listed_documents(world, app):
    with app.app_context():
        amy = Selection(annotators=frozenset({"amy"}), labels=frozenset({"zeta", "alpha"}))
        first = next(iter_documents(world["project"], amy))
        assert _order(first) == [
            (4, 9, "amy", "alpha", "T1"),
            (4, 9, "amy", "zeta", "T2"),
            (4, 9, "amy", "zeta", "T3"),
        ]
        done = list(iter_documents(world["project"], Selection(done_only=True)))
        assert [r.id for r in done] == ["q0"]
        assert {s.annotator for s in done[0].spans} == {"zed"}
        docs = world["docs"]
        wanted = [docs[3], docs[0], docs[0] + 1, 10**6]  # another project's and a missing id
        listed = list(iter_documents(world["project"], document_ids=wanted, batch=1))
        assert [r.id for r in listed] == ["q0", "q3"]
        assert [len(r.spans) for r in listed] == [13, 1]


def test_answers_follow_the_selection(world, app):
    with app.app_context():
        from annotator.models import DocumentQuestion

        project = world["project"]
        question = DocumentQuestion(project_id=project, name="bias", text="?", options=[])
        db.session.add(question)
        db.session.flush()
        first = world["docs"][0]
        for user_id, value in ((1, "3"), (2, "4")):
            db.session.add(DocumentAnswer(document_id=first, user_id=user_id,
                                          question_id=question.id, value=value))  # fmt: skip
        db.session.commit()
        answers = next(iter_documents(project)).answers
        assert [(a.annotator, a.value) for a in answers] == [("zed", "3"), ("amy", "4")]
        done = next(iter_documents(project, Selection(done_only=True))).answers
        assert [a.annotator for a in done] == ["zed"]


def test_documents_name_who_finished_them(world, app):
    with app.app_context():
        first = next(iter_documents(world["project"]))
        assert first.annotators == ("zed",)  # amy's assignment is not done
        only_amy = next(iter_documents(world["project"], Selection(annotators=frozenset({"amy"}))))
        assert only_amy.annotators == ()
