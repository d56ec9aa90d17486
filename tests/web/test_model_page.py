"""The Model page compares like with like: a sentence run beside sentence-level human
agreement, baselines that beat the model flagged, the confusion matrix labelled."""

from __future__ import annotations

from sqlalchemy import select

from annotator.agreement.sentence_level import sentence_agreement
from annotator.extensions import db
from annotator.models import Label, ModelRun, Project, User
from tests.factories import make_document, make_span, make_world


def test_sentence_agreement_per_label_over_pairs():
    no, claim, both = frozenset(), frozenset({"Claim"}), frozenset({"Claim", "Quote"})
    labels_by_doc = {
        "d1": {"a": [claim, no, both], "b": [claim, claim, no], "c": [no, no, no]},
        "d2": {"a": [no]},  # one annotator: no pair
    }
    out = sentence_agreement(labels_by_doc, ["Claim", "Quote", "Framing"])
    # Claim: a-b 2*1/(2+2) = 0.5, a-c 0/(2+0) = 0, b-c 0/(2+0) = 0
    assert out["Claim"]["f1"] == 0.5 / 3 and out["Claim"]["pairs"] == 3
    assert out["Quote"]["f1"] == 0.0 and out["Quote"]["pairs"] == 2
    assert out["Framing"]["f1"] is None and out["Framing"]["reason"]
    assert sentence_agreement({}, ["Claim"])["Claim"]["reason"].startswith("no two annotators")


def test_baselines_that_beat_the_model_are_flagged(app, client, auth):
    with app.app_context():
        ids = make_world()
        project = db.session.get(Project, ids["project"])
        claim = db.session.execute(
            select(Label).where(Label.project_id == project.id, Label.name == "Claim")
        ).scalar_one()
        doc = make_document(project, "Taxes will rise. The sky is blue.", external_id="s")
        for who, fragment in (("alice", "Taxes will rise"), ("bob", "The sky")):
            start = doc.text.index(fragment)
            body = {"label_id": claim.id, "start": start, "end": start + len(fragment)}
            make_span(db.session.get(User, ids[who]), doc, {**body, "text": fragment})
        metrics = {
            "labels": ["Claim"],
            "model": {"per_label": {"Claim": {"precision": 0.3, "recall": 0.3, "f1": 0.308}}},
            "majority": {"per_label": {"Claim": {"f1": 0.1}}},
            "random": {"per_label": {"Claim": {"f1": 0.444}}},
            "confusion": {"Claim": [[5, 2], [3, 1]]},
        }
        db.session.add(
            ModelRun(project_id=project.id, level="sentence", status="finished", metrics=metrics)
        )
        db.session.commit()
    auth.login("lena")
    page = client.get(f"/projects/{ids['project']}/model").get_data(as_text=True)
    assert page.count("▲ beats the model") == 1 and "0.444 ▲ beats the model" in page
    # alice and bob marked different sentences of the one shared article: human F1 0
    assert '<td class="human-sentence">0.000</td>' in page
    assert 'title="false positives">2</td>' in page and "predicted no" in page
