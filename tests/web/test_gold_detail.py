"""A project with agreed and disputed attributes, links, answers, notes, nested same-label spans
and an empty Done: auto-merge keeps what the annotators agree on, shows what they do not, counts
every candidate it leaves out, and the gold goes out in the exports."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from sqlalchemy import select

from annotator.extensions import db
from annotator.models import GoldSpan, Label, Project, Span
from annotator.services.annotation.workflow import answer_question, set_status
from annotator.services.projects.assigning import assign
from annotator.services.transfer.exporting import ExportRequest, stream
from tests.factories import make_document, make_project, make_span, make_user

TEXT = (
    "The minister 🎉 said taxes will rise. Critics call it a plan for the rich, a plan for the few."
)
EMPTY = "Nothing of note happened in the town hall today."
C = "/api/v1/curation"


def _label(project_id, name):
    return db.session.execute(
        select(Label).where(Label.project_id == project_id, Label.name == name)
    ).scalar_one()


def _span(user, doc, label, fragment, nth=0, **extra):
    start = -1
    for _ in range(nth + 1):
        start = doc.text.index(fragment, start + 1)
    body = {"label_id": label.id, "start": start, "end": start + len(fragment), "text": fragment}
    body.update(extra)
    return make_span(user, doc, body)


@pytest.fixture
def gold_world(app):
    with app.app_context():
        lead = make_user("lena")
        alice, bob = make_user("alice"), make_user("bob")
        project = make_project("Gold study", lead=lead, annotators=[alice, bob])
        doc = make_document(project, TEXT, external_id="taxes", title="Taxes will rise")
        empty = make_document(project, EMPTY, external_id="town-hall", title="Town hall")
        assign(project)
        db.session.commit()
        lab = {n: _label(project.id, n) for n in ("Framing", "Claim", "Quote", "Source")}
        question = project.questions[0]
        for user, frame, answer in (
            (alice, "Political", "4"),
            (bob, "Policy prescription and evaluation", "4"),
        ):
            source = _span(user, doc, lab["Source"], "The minister")
            _span(user, doc, lab["Quote"], "taxes will rise", attributes={
                "speaker": source["id"], "form": "indirect"
            })  # fmt: skip
            _span(user, doc, lab["Framing"], "a plan for the rich", attributes={"frame": frame})
            # nested Claims, both annotators drew both
            _span(user, doc, lab["Claim"], "Critics call it a plan for the rich, a plan for")
            _span(user, doc, lab["Claim"], "a plan for the rich", attributes={"type": "opinion"})
            answer_question(user, doc, question.id, answer)
            set_status(user, doc, "done")
        _span(alice, doc, lab["Claim"], "the few", note="hedged?")  # alice only
        _span(bob, empty, lab["Claim"], "Nothing of note")  # alice finished it empty
        answer_question(alice, empty, question.id, "1")
        answer_question(bob, empty, question.id, "1")
        set_status(alice, empty, "done")
        set_status(bob, empty, "done")
        db.session.commit()
        return {"project": project.id, "doc": doc.id, "empty": empty.id, "question": question.id}


def _gold(doc_id):
    return {
        (g.label.name, TEXT[g.start : g.end]): g
        for g in db.session.execute(select(GoldSpan).where(GoldSpan.document_id == doc_id))
        .scalars()
        .all()
    }


def test_merge_keeps_agreed_attributes_and_links_and_counts_what_it_leaves(
    app, client, auth, gold_world
):
    auth.login("lena")
    summary = client.post(f"{C}/projects/{gold_world['project']}/merge", json={}).get_json()
    assert summary["gold_spans_added"] == 5 and summary["gold_answers_added"] == 2
    assert summary["links_added"] == 1 and summary["spans_with_disputes"] == 1
    assert summary["unmerged"] == {"below_min_votes": 2}  # alice's "the few", bob's empty one
    with app.app_context():
        gold = _gold(gold_world["doc"])
        quote, source = gold[("Quote", "taxes will rise")], gold[("Source", "The minister")]
        assert quote.attributes == {"speaker": source.id, "form": "indirect"}
        framing = gold[("Framing", "a plan for the rich")]
        assert framing.attributes == {}
        assert framing.disputes == {
            "frame": {"alice": "Political", "bob": "Policy prescription and evaluation"}
        }
        assert gold[("Claim", "a plan for the rich")].attributes == {"type": "opinion"}
        assert ("Claim", "Critics call it a plan for the rich, a plan for") in gold
    queue = {
        d["external_id"]: d
        for d in client.get(f"{C}/projects/{gold_world['project']}/queue").get_json()["documents"]
    }
    assert queue["taxes"]["disputes"] == 1 and queue["taxes"]["unmerged"] == 1
    assert queue["town-hall"]["unmerged_reasons"] == {"below_min_votes": 1}
    payload = client.get(f"{C}/documents/{gold_world['doc']}").get_json()
    (left,) = payload["unmerged"]
    assert (left["label"], left["reason"], left["annotators"]) == (
        "Claim",
        "below_min_votes",
        ["alice"],
    )
    disputed = [g for g in payload["gold"] if g["disputes"]]
    assert [g["disputes"]["frame"]["bob"] for g in disputed] == [
        "Policy prescription and evaluation"
    ]
    page = client.get(f"/projects/{gold_world['project']}/curation").get_data(as_text=True)
    assert "too few annotators marked it" in page
    # Setting the disputed attribute resolves the dispute; a second run adds nothing.
    body = {"attributes": {"frame": "Political"}, "version": disputed[0]["version"]}
    changed = client.patch(f"{C}/gold/{disputed[0]['id']}", json=body)
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["disputes"] == {}
    again = client.post(f"{C}/projects/{gold_world['project']}/merge", json={}).get_json()
    assert again["gold_spans_added"] == 0 and again["unmerged"]["already_gold"] == 5
    # Accepting the left-out span by hand takes it off the article's list.
    with app.app_context():
        few = db.session.execute(select(Span.id).where(Span.text == "the few")).scalar_one()
    accepted = client.post(f"{C}/documents/{gold_world['doc']}/gold", json={"span_id": few})
    assert accepted.status_code == 201
    assert client.get(f"{C}/documents/{gold_world['doc']}").get_json()["unmerged"] == []


def _export(app, fmt, **options):
    with app.app_context():
        project = db.session.execute(select(Project).where(Project.name == "Gold study")).scalar()
        return b"".join(stream(project, ExportRequest(format=fmt, content="gold", **options)))


def test_gold_answers_attributes_links_and_notes_are_exported(app, client, auth, gold_world):
    auth.login("lena")
    client.post(f"{C}/projects/{gold_world['project']}/merge", json={"min_votes": 1})
    lines = [json.loads(x) for x in _export(app, "jsonl").decode().splitlines()]
    taxes = next(x for x in lines if x["id"] == "taxes")
    assert taxes["answers"] == [{"annotator": "gold", "question": "one-sided", "value": "4"}]
    by_text = {taxes["text"][g["start"] : g["end"]]: g for g in taxes["gold"]}
    source_id = next(g["id"] for g in taxes["gold"] if g["label"] == "Source")
    assert by_text["taxes will rise"]["attributes"] == {"speaker": source_id, "form": "indirect"}
    assert by_text["the few"]["note"] == "alice: hedged?"
    studio = json.loads(_export(app, "labelstudio"))
    task = next(t for t in studio if t["data"]["text"] == TEXT)
    (annotation,) = task["annotations"]
    assert annotation["meta"] == {"annotator": "gold"} and annotation["ground_truth"] is True
    regions = {r["id"]: r for r in annotation["result"] if r["type"] == "labels"}
    quote = next(i for i, r in regions.items() if r["value"]["text"] == "taxes will rise")
    source = next(i for i, r in regions.items() if r["value"]["labels"] == ["Source"])
    choices = {
        (r["id"], r["from_name"], tuple(r["value"]["choices"]))
        for r in annotation["result"]
        if r["type"] == "choices"
    }
    assert (quote, "form", ("indirect",)) in choices
    relations = [r for r in annotation["result"] if r["type"] == "relation"]
    assert [(r["from_id"], r["to_id"], r["labels"]) for r in relations] == [
        (quote, source, ["speaker"])
    ]
    assert any(r.get("meta", {}).get("text") == ["alice: hedged?"] for r in annotation["result"])
    with zipfile.ZipFile(io.BytesIO(_export(app, "brat"))) as archive:
        ann = next(
            archive.read(n).decode()
            for n in archive.namelist()
            if n.endswith(".ann") and "taxes" in n
        )
    assert "AnnotatorNotes" in ann and "hedged?" in ann and "\tform " in ann.replace(":", " ")
    rows = list(csv.DictReader(io.StringIO(_export(app, "csv").decode())))
    quote = next(r for r in rows if r["label"] == "Quote")
    assert json.loads(quote["attributes"])["form"] == "indirect"


def test_agreement_report_covers_questions_attributes_and_links(client, auth, gold_world):
    auth.login("lena")
    report = client.get(f"/api/v1/projects/{gold_world['project']}/agreement").get_json()
    question = report["questions"]["one-sided"]
    assert question["level"] == "ordinal" and question["documents"] == 2
    # alice and bob agree on both articles (4 and 1): alpha 1, kappa 1
    assert question["alpha"] == pytest.approx(1.0) and question["kappa"] == pytest.approx(1.0)
    frame = report["attributes"]["Framing"]["frame"]
    assert frame["pairs"] == 1 and frame["agreement"] == 0.0
    assert frame["alpha"] == pytest.approx(0.0)  # two values, one unit: observed = expected
    claim_type = report["attributes"]["Claim"]["type"]
    assert (claim_type["matched_pairs"], claim_type["pairs"]) == (2, 1)
    assert "every rating is the same" in claim_type["reason"]
    speaker = report["links"]["Quote"]["speaker"]
    assert speaker["pairs"] == 1 and speaker["agreement"] == 1.0
    assert any("2 articles" in w for w in report["warnings"])
    assert report["titles"]["taxes"] == "Taxes will rise"
    page = client.get(f"/projects/{gold_world['project']}/agreement").get_data(as_text=True)
    assert "Taxes will rise" in page and 'id="question-agreement"' in page
    assert "Cohen's κ on characters" in page and "rough guides" in page


def test_dataset_card_counts_gold(app, client, auth, gold_world):
    auth.login("lena")
    client.post(f"{C}/projects/{gold_world['project']}/merge", json={})
    bundle = client.get(f"/api/v1/projects/{gold_world['project']}/export?format=jsonl&bundle=1")
    card = zipfile.ZipFile(io.BytesIO(bundle.data)).read("README.md").decode()
    assert "## Gold standard" in card
    for row in ("| articles | 2 |", "| spans | 5 |", "| links | 1 |", "| answers | 2 |"):
        assert row in card, card
    assert "| attribute values | 2 |" in card and "| open split votes | 1 |" in card
    assert "ordinal alpha (question one-sided)" in card


def test_cli_agreement_prints_decision_agreement(runner, gold_world):
    result = runner.invoke(args=["agreement", "Gold study", "--bootstrap", "50"])
    assert result.exit_code == 0, result.output
    assert "question one-sided: ordinal alpha 1.000" in result.output
    assert (
        "attribute Framing.frame: alpha 0.000, same value 0% over 1 matched pairs" in result.output
    )
    assert "link Quote.speaker:" in result.output and "warning: The 95% intervals" in result.output


def test_raw_jsonl_carries_gold_answers_and_imports_them_as_gold(app, client, auth, gold_world):
    from annotator.models import Document, GoldAnswer
    from annotator.services.projects.projects import create_project
    from annotator.services.transfer.annotation_import import (
        import_annotations,
        read_annotation_files,
    )

    auth.login("lena")
    client.post(f"{C}/projects/{gold_world['project']}/merge", json={"min_votes": 1})
    with app.app_context():
        project = db.session.execute(select(Project).where(Project.name == "Gold study")).scalar()
        data = b"".join(stream(project, ExportRequest(format="jsonl", content="raw")))
    lines = [json.loads(x) for x in data.decode().splitlines()]
    taxes = next(x for x in lines if x["id"] == "taxes")
    # the annotators' answers, then the curated one under "gold" (as in the gold-only export)
    assert {"annotator": "gold", "question": "one-sided", "value": "4"} in taxes["answers"]
    assert [a["annotator"] for a in taxes["answers"]][-1] == "gold"
    assert sum(a["annotator"] == "gold" for a in taxes["answers"]) == 1
    path = app.instance_path + "/raw.jsonl"
    with open(path, "wb") as fh:
        fh.write(data)
    with app.app_context():
        copy = create_project("Copy", preset="media-bias")
        report = import_annotations(copy, read_annotation_files("jsonl", [path]))
        db.session.commit()
        exported = sum(a["annotator"] == "gold" for line in lines for a in line["answers"])
        assert report.gold_answers == exported >= 1
        values = db.session.execute(
            select(GoldAnswer.value)
            .join(Document, Document.id == GoldAnswer.document_id)
            .where(Document.project_id == copy.id)
        ).scalars()
        assert "4" in list(values)
