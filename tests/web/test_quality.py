"""Training, qualification and quality control, end to end through the web app (issue 21)."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select
from statsmodels.stats.proportion import proportion_confint

from annotator.extensions import db
from annotator.models import (
    Assignment,
    Document,
    DocumentQuestion,
    GoldAnswer,
    GoldSpan,
    ItemScore,
    Label,
    Membership,
    Project,
    QualityEvent,
    Span,
    SpanEvent,
    TrainingAttempt,
    User,
)
from annotator.services.projects.assigning import assign
from annotator.services.transfer.exporting import ExportRequest, stream
from tests.factories import make_document, make_project, make_user

# Emoji before the spans: offsets are code points, the browser's UTF-16 differs.
TEXT = "Leaders 🤝 met in Geneva. They called it “a new chapter” for trade. Critics disagreed."


def _gold(doc: Document, spans, answer: str | None = "2"):
    labels = {lb.name: lb.id for lb in db.session.execute(select(Label)).scalars()}
    for label, start, end in spans:
        db.session.add(
            GoldSpan(
                document_id=doc.id,
                label_id=labels[label],
                start=start,
                end=end,
                text=doc.text[start:end],
            )
        )
    if answer is not None:
        question = db.session.execute(
            select(DocumentQuestion).where(DocumentQuestion.project_id == doc.project_id)
        ).scalar_one()
        db.session.add(GoldAnswer(document_id=doc.id, question_id=question.id, value=answer))
    db.session.commit()


GENEVA = TEXT.index("Geneva")
CHAPTER = TEXT.index("a new chapter")
CRITICS = TEXT.index("Critics")
GOLD_SPANS = [("Source", GENEVA, GENEVA + 6), ("Quote", CHAPTER, CHAPTER + 13)]


@pytest.fixture
def world(app):
    """Lead lena; annotators alice, bob, carol; 2 training, 3 control, 9 work articles."""
    with app.app_context():
        lena = make_user("lena")
        people = [make_user(n) for n in ("alice", "bob", "carol")]
        project = make_project("Quality study", lead=lena, annotators=people, per_doc=2)
        ids = {"project": project.id, "lena": lena.id}
        ids.update({u.username: u.id for u in people})
        number = 0
        for kind, n in (("train", 2), ("control", 3), ("work", 9)):
            for i in range(n):
                number += 1  # the texts differ, and nothing in them tells the kind
                doc = make_document(project, f"{TEXT} ({number})", external_id=f"{kind}{i}")
                ids[f"{kind}{i}"] = doc.id
                if kind != "work":
                    _gold(doc, GOLD_SPANS)
        ids["question"] = db.session.execute(
            select(DocumentQuestion.id).where(DocumentQuestion.project_id == project.id)
        ).scalar_one()
        ids["labels"] = {
            lb.name: lb.id
            for lb in db.session.execute(select(Label).where(Label.project_id == project.id))
            .scalars()
            .all()
        }
    return ids


def _as(client, auth, name):
    client.post("/logout")
    auth.login(name)


def _mark(client, world, external_id, purpose):
    return client.post(
        f"/projects/{world['project']}/quality/purpose",
        data={"external_id": external_id, "purpose": purpose},
    )


def _setup_training(client, auth, world):
    _as(client, auth, "lena")
    for ext in ("train0", "train1"):
        _mark(client, world, ext, "training")
    for ext in ("control0", "control1", "control2"):
        _mark(client, world, ext, "control")


def _annotate(client, world, doc_id, spans, answer="2", status="done"):
    for label, start, end in spans:
        r = client.post(
            f"/api/v1/documents/{doc_id}/spans",
            json={
                "label_id": world["labels"][label],
                "start": start,
                "end": end,
                "text": TEXT[start:end],
            },
        )
        assert r.status_code == 201, r.get_json()
    if answer is not None:
        r = client.put(
            f"/api/v1/documents/{doc_id}/answers/{world['question']}", json={"value": answer}
        )
        assert r.status_code == 200
    r = client.post(f"/api/v1/documents/{doc_id}/status", json={"status": status})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def _next(client, world):
    r = client.get(f"/projects/{world['project']}/next")
    assert r.status_code == 302
    return r.headers["Location"]


def _doc_in(location):
    return (
        int(location.split("/documents/")[1].split("/")[0]) if "/documents/" in location else None
    )


def _assigned(user_id):
    return {
        d
        for (d,) in db.session.execute(
            select(Assignment.document_id).where(Assignment.user_id == user_id)
        )
    }


def test_a_new_annotator_sees_only_training_items_until_they_pass(app, client, auth, world):
    _setup_training(client, auth, world)
    with app.app_context():
        assign(db.session.get(Project, world["project"]))
        db.session.commit()
        training = {world["train0"], world["train1"]}
        assert _assigned(world["alice"]) == training  # no real work, no control items
        order = db.session.execute(
            select(TrainingAttempt.order).where(TrainingAttempt.user_id == world["alice"])
        ).scalar_one()
        assert sorted(order) == sorted(training)
    _as(client, auth, "alice")
    # a real article (assigned by hand, as before a training set existed) stays closed
    with app.app_context():
        db.session.add(
            Assignment(
                document_id=world["work0"], user_id=world["alice"], project_id=world["project"]
            )
        )
        db.session.commit()
    assert client.get(f"/api/v1/documents/{world['work0']}").status_code == 403
    assert (
        client.get(f"/projects/{world['project']}/documents/{world['work0']}/annotate").status_code
        == 403
    )
    seen = []
    for _ in range(2):
        doc = _doc_in(_next(client, world))
        assert doc in training and doc not in seen
        seen.append(doc)
        # the gold stays hidden until Done
        assert (
            client.get(f"/projects/{world['project']}/training/{doc}/feedback").status_code == 403
        )
        body = _annotate(client, world, doc, GOLD_SPANS)
        assert body["feedback_url"].endswith(f"/training/{doc}/feedback")
        page = client.get(body["feedback_url"])
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        # the guidelines once, in the page's content (not pasted into <title> or <head>)
        assert html.count('id="guideline-all"') == 1
        title = html[html.index("<title>") : html.index("</title>")]
        assert "<section" not in title and html.index('id="guideline-all"') > html.index("<main")
    assert seen == order  # served in the attempt's own order
    with app.app_context():
        member = db.session.execute(
            select(Membership).where(Membership.user_id == world["alice"])
        ).scalar_one()
        assert member.qualified_at is not None
        actions = [e.action for e in db.session.execute(select(QualityEvent)).scalars()]
        assert "passed" in actions
        # passing unlocked real work at once (the lead had assigned before)
        assert {world[f"work{i}"] for i in range(9)} & _assigned(world["alice"])
    assert client.get(f"/api/v1/documents/{world['work0']}").status_code == 200
    doc = _doc_in(_next(client, world))
    with app.app_context():
        assert db.session.get(Document, doc).purpose == "work"
    # blindness: another trainee sees neither alice's feedback nor the gold before their Done
    _as(client, auth, "bob")
    feedback = f"/projects/{world['project']}/training/{seen[0]}/feedback"
    assert client.get(feedback + "?annotator=alice").status_code == 403
    assert client.get(f"/api/v1/documents/{seen[0]}?annotator=alice").status_code == 403
    payload = client.get(f"/api/v1/documents/{seen[0]}").get_json()
    assert payload["spans"] == [] and "gold" not in json.dumps(payload).lower()
    _as(client, auth, "lena")
    lead_view = client.get(feedback + "?annotator=alice")
    assert lead_view.status_code == 200 and "alice" in lead_view.get_data(as_text=True)


def test_a_failed_attempt_can_be_retried_in_a_new_order_up_to_the_limit(app, client, auth, world):
    _setup_training(client, auth, world)
    client.post(
        f"/projects/{world['project']}/quality/settings",
        data={"training_pass": "0.6", "training_attempts": "2", "control_every": "0",
              "control_min_accuracy": "0.6", "control_min_items": "3"},
    )  # fmt: skip
    _as(client, auth, "bob")
    for _ in range(2):  # wrong label, wrong answer: a low score
        doc = _doc_in(_next(client, world))
        _annotate(client, world, doc, [("Claim", CRITICS, CRITICS + 7)], answer="5")
    assert _next(client, world).endswith(f"/projects/{world['project']}/training")
    page = client.get(f"/projects/{world['project']}/training").get_data(as_text=True)
    assert "below the pass mark" in page and "Try again" in page
    with app.app_context():
        first = db.session.execute(
            select(TrainingAttempt).where(TrainingAttempt.user_id == world["bob"])
        ).scalar_one()
        assert first.passed is False and first.score < 0.6
    r = client.post(f"/projects/{world['project']}/training/retry")
    assert r.status_code == 302
    with app.app_context():
        tries = (
            db.session.execute(
                select(TrainingAttempt)
                .where(TrainingAttempt.user_id == world["bob"])
                .order_by(TrainingAttempt.number)
            )
            .scalars()
            .all()
        )
        assert [t.number for t in tries] == [1, 2]
        assert sorted(tries[1].order) == sorted(tries[0].order)
        # the retry cleared bob's training spans, audited; the old scores are kept
        deleted = db.session.execute(
            select(func.count(SpanEvent.id)).where(
                SpanEvent.user_id == world["bob"], SpanEvent.action == "delete"
            )
        ).scalar_one()
        assert deleted == 2
        assert (
            db.session.execute(
                select(func.count(ItemScore.id)).where(ItemScore.user_id == world["bob"])
            ).scalar_one()
            == 2
        )
    for _ in range(2):
        doc = _doc_in(_next(client, world))
        _annotate(client, world, doc, [], answer="5")
    r = client.post(f"/projects/{world['project']}/training/retry", follow_redirects=True)
    assert "attempts are used" in r.get_data(as_text=True)
    _as(client, auth, "lena")
    page = client.get(f"/projects/{world['project']}/quality").get_data(as_text=True)
    assert "out of attempts" in page


def test_balance_counts_only_qualified_annotators(app, client, auth, world):
    _setup_training(client, auth, world)
    for name in ("alice", "bob"):
        client.post(f"/projects/{world['project']}/quality/members/{world[name]}/qualify")
    with app.app_context():
        project = db.session.get(Project, world["project"])
        report = assign(project)
        db.session.commit()
        assert report.in_training == 1
        work = {world[f"work{i}"] for i in range(9)}
        training = {world["train0"], world["train1"]}
        for name in ("alice", "bob"):  # k = 2 over the two qualified ones
            assert _assigned(world[name]) - training == work
        assert _assigned(world["carol"]) == {world["train0"], world["train1"]}
    client.post(f"/projects/{world['project']}/quality/members/{world['carol']}/qualify")
    with app.app_context():
        loads = []
        for name in ("alice", "bob", "carol"):
            loads.append(len(_assigned(world[name]) & work))
        assert sum(loads) == 18 and max(loads) - min(loads) <= 1
        per_doc = dict(
            db.session.execute(
                select(Assignment.document_id, func.count())
                .where(Assignment.document_id.in_(work))
                .group_by(Assignment.document_id)
            ).all()
        )
        assert set(per_doc.values()) == {2}
        # control items are never assigned by the balancer
        controls = {world[f"control{i}"] for i in range(3)}
        assert not any(_assigned(world[n]) & controls for n in ("alice", "bob", "carol"))
        events = db.session.execute(
            select(QualityEvent.action, QualityEvent.actor_id).where(
                QualityEvent.action == "passed"
            )
        ).all()
        assert len(events) == 3 and all(actor == world["lena"] for _, actor in events)


def _keys(value):
    """The shape of a JSON value: keys (recursively), not values."""
    if isinstance(value, dict):
        return {k: _keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_keys(value[0])] if value else []
    return type(value).__name__


def test_control_items_come_at_the_rate_and_look_like_real_work(app, client, auth, world):
    _setup_training(client, auth, world)
    client.post(
        f"/projects/{world['project']}/quality/settings",
        data={"training_pass": "0.6", "training_attempts": "3", "control_every": "3",
              "control_min_accuracy": "0.5", "control_min_items": "3"},
    )  # fmt: skip
    client.post(f"/projects/{world['project']}/quality/members/{world['alice']}/qualify")
    with app.app_context():
        assign(db.session.get(Project, world["project"]), per_doc=1)
        db.session.commit()
    _as(client, auth, "alice")
    controls = {world[f"control{i}"] for i in range(3)}
    served, kinds = [], []
    work_payload = control_payload = work_status = control_status = None
    doc = _doc_in(_next(client, world))
    while doc is not None:
        payload = client.get(f"/api/v1/documents/{doc}").get_json()
        status = _annotate(client, world, doc, GOLD_SPANS[:1], answer="2")
        if doc in controls:
            control_payload, control_status = payload, status
            kinds.append("C")
        else:
            work_payload, work_status = payload, status
            kinds.append("W")
        served.append(doc)
        doc = status["next_document_id"]
    with app.app_context():
        n_work = len(_assigned(world["alice"]) - controls - {world["train0"], world["train1"]})
    assert n_work >= 4
    # one control item after every 3 real ones, while unseen control items last
    expected = []
    for i in range(1, n_work + 1):
        expected.append("W")
        if i % 3 == 0 and expected.count("C") < 3:
            expected.append("C")
    assert "".join(kinds) == "".join(expected)
    # the annotator's own spans on control items are listed like any other
    listed = client.get(f"/api/v1/projects/{world['project']}/spans?limit=100").get_json()
    served_controls = {
        k for k, v in world.items() if k.startswith("control") and v in served and v in controls
    }
    assert served_controls and served_controls <= {s["document"] for s in listed["spans"]}
    # same page, same payload shape: nothing marks a control item
    assert _keys(control_payload) == _keys(work_payload)
    assert set(control_status) == set(work_status) == {"status", "next_document_id"}
    # the fixture's external ids spell "control": leads' ids never reach an annotator
    assert "external_id" not in control_payload["document"]
    dumped = json.dumps(control_payload).lower()
    for marker in ("control", "purpose", "gold", "training"):
        assert marker not in dumped
    listing = client.get(f"/api/v1/projects/{world['project']}/documents?limit=100").get_json()
    assert "control" not in json.dumps(listing).lower()
    assert all(set(d) == {"id", "title", "outlet", "length"} for d in listing["documents"])
    control_doc, work_doc = served[kinds.index("C")], served[kinds.index("W")]

    shapes: list = []

    def shell(doc):
        page = client.get(f"/projects/{world['project']}/documents/{doc}/annotate")
        html = page.get_data(as_text=True)
        # the article's data embedded in the page: the same shape, then left out of the compare
        embedded = re.search(
            r'<script type="application/json" id="annotate-data">(.*?)</script>', html
        )
        shapes.append(_keys(json.loads(embedded.group(1))))
        html = html.replace(embedded.group(1), "<payload>")
        html = re.sub(r'(content|value)="[A-Za-z0-9._-]{40,}"', "", html)  # CSRF: per request
        html = re.sub(rf"documents/{doc}(?=\D)", "documents/<id>", html)
        # its place in the queue (and the neighbours' links) differ from article to article
        html = re.sub(r"Article \d+ of (\d+)", r"Article <n> of \1", html)
        html = re.sub(r"documents/\d+/annotate", "documents/<neighbour>/annotate", html)
        return html.replace(f'data-document-id="{doc}"', 'data-document-id="<id>"')

    assert shell(control_doc) == shell(work_doc)  # the same page, byte for byte
    assert shapes[0] == shapes[1]


def test_control_and_training_items_stay_out_of_agreement_and_exports(app, client, auth, world):
    _setup_training(client, auth, world)
    for name in ("alice", "bob"):
        client.post(f"/projects/{world['project']}/quality/members/{world[name]}/qualify")
    with app.app_context():
        project = db.session.get(Project, world["project"])
        assign(project)
        # both annotate a control item and a training item (work the lead would export)
        for name in ("alice", "bob"):
            for ext in ("control0", "train0"):
                row = db.session.execute(
                    select(Assignment).where(
                        Assignment.document_id == world[ext], Assignment.user_id == world[name]
                    )
                ).scalar_one_or_none()
                if row is None:
                    row = Assignment(
                        document_id=world[ext], user_id=world[name], project_id=project.id
                    )
                    db.session.add(row)
                row.status = "done"
        db.session.commit()

        def ids(purpose="work", content="raw"):
            body = b"".join(stream(project, ExportRequest(content=content, purpose=purpose)))
            return {json.loads(line)["id"] for line in body.decode().splitlines()}

        assert ids() == {f"work{i}" for i in range(9)}
        assert ids(content="gold") <= {f"work{i}" for i in range(9)}
        assert ids("training") == {"train0", "train1"}
        assert ids("control") == {"control0", "control1", "control2"}
        from annotator.services.analysis.agreement import report_for
        from annotator.services.curation.counts import gold_counts

        report = report_for(project, n_boot=0, decisions=False)
        assert not any(k.startswith(("train", "control")) for k in report.get("document_ids", {}))
        assert sum(gold_counts(project).values()) == 0  # the only gold is on set-aside items
    _as(client, auth, "lena")
    r = client.get(f"/api/v1/projects/{world['project']}/export?purpose=training")
    assert r.status_code == 200
    assert {json.loads(x)["id"] for x in r.get_data(as_text=True).splitlines()} == {
        "train0",
        "train1",
    }
    assert (
        client.get(f"/api/v1/projects/{world['project']}/export?purpose=bogus").status_code == 400
    )


def test_control_accuracy_interval_flag_and_pause(app, client, auth, world):
    _setup_training(client, auth, world)
    client.post(
        f"/projects/{world['project']}/quality/settings",
        data={"training_pass": "0.6", "training_attempts": "3", "control_every": "1",
              "control_min_accuracy": "0.6", "control_min_items": "2", "control_pause": "1"},
    )  # fmt: skip
    client.post(f"/projects/{world['project']}/quality/members/{world['alice']}/qualify")
    with app.app_context():
        assign(db.session.get(Project, world["project"]), per_doc=1)
        db.session.commit()
    _as(client, auth, "alice")
    controls = {world[f"control{i}"] for i in range(3)}
    results = []
    doc = _doc_in(_next(client, world))
    while doc is not None and len(results) < 3:
        if doc in controls:
            good = not results  # right on the first control item, wrong afterwards
            spans = GOLD_SPANS if good else [("Claim", CRITICS, CRITICS + 7)]
            status = _annotate(client, world, doc, spans, answer="2" if good else "5")
            results.append(good)
        else:
            status = _annotate(client, world, doc, [], answer="3")
        doc = status["next_document_id"]
    assert results == [True, False]  # paused after the second: accuracy 1/2 < 0.6
    assert doc is None
    assert (
        client.get(f"/projects/{world['project']}/next")
        .headers["Location"]
        .endswith(f"/projects/{world['project']}")
    )
    with app.app_context():
        from annotator.services.quality.control import accuracy

        acc = accuracy(world["project"], world["alice"])
        low, high = proportion_confint(1, 2, alpha=0.05, method="wilson")
        assert (acc["n"], acc["correct"]) == (2, 1)
        assert acc["low"] == pytest.approx(low) and acc["high"] == pytest.approx(high)
        member = db.session.execute(
            select(Membership).where(Membership.user_id == world["alice"])
        ).scalar_one()
        assert member.flagged and member.paused
        events = (
            db.session.execute(
                select(QualityEvent).where(QualityEvent.subject_id == world["alice"])
            )
            .scalars()
            .all()
        )
        flagged = [e for e in events if e.action == "flagged"]
        assert len(flagged) == 1 and flagged[0].detail["n"] == 2
        assert flagged[0].detail["accuracy"] == 0.5
        assert any(e.action == "paused" and e.actor_id is None for e in events)
        a_work = next(
            iter(_assigned(world["alice"]) - controls - {world["train0"], world["train1"]})
        )
    assert client.get(f"/api/v1/documents/{a_work}").status_code == 403
    # nor can alice change or delete the spans she already has while paused
    with app.app_context():
        own = db.session.execute(
            select(Span.id, Span.version).where(Span.user_id == world["alice"])
        ).first()
    assert own is not None
    patch = client.patch(f"/api/v1/spans/{own.id}", json={"version": own.version, "note": "x"})
    assert patch.status_code == 403 and "paused" in patch.get_json()["error"]
    assert client.delete(f"/api/v1/spans/{own.id}").status_code == 403
    _as(client, auth, "lena")
    page = client.get(f"/projects/{world['project']}/quality").get_data(as_text=True)
    assert "flagged" in page and "paused" in page and "0.500" in page
    client.post(f"/projects/{world['project']}/quality/members/{world['alice']}/resume")
    with app.app_context():
        assert (
            db.session.execute(
                select(QualityEvent.actor_id).where(QualityEvent.action == "resumed")
            ).scalar_one()
            == world["lena"]
        )
    _as(client, auth, "alice")
    assert client.get(f"/api/v1/documents/{a_work}").status_code == 200
    patch = client.patch(f"/api/v1/spans/{own.id}", json={"version": own.version, "note": "x"})
    assert patch.status_code == 200


def test_reliability_models_prefill_answers_and_soft_label_exports(app, client, auth, world):
    from annotator.services.annotation.workflow import answer_question
    from annotator.services.quality.reliability import aggregate

    with app.app_context():
        users = {n: db.session.get(User, world[n]) for n in ("alice", "bob", "carol")}
        # alice and bob agree; carol answers at random-ish
        triples = []
        for i in range(9):
            doc = db.session.get(Document, world[f"work{i}"])
            for name, value in (("alice", str(1 + i % 5)), ("bob", str(1 + i % 5)),
                                ("carol", str(1 + (i * 2) % 5))):  # fmt: skip
                answer_question(users[name], doc, world["question"], value)
                triples.append((doc.external_id, name, value))
        db.session.commit()
    _as(client, auth, "lena")
    r = client.post(
        f"/api/v1/curation/projects/{world['project']}/merge", json={"aggregation": "dawid_skene"}
    )
    assert r.status_code == 200, r.get_json()
    model = aggregate(triples, "dawid_skene")
    with app.app_context():
        gold = dict(
            db.session.execute(
                select(Document.external_id, GoldAnswer.value)
                .join(Document, Document.id == GoldAnswer.document_id)
                .where(Document.purpose == "work")
            ).all()
        )
        assert {k: v for k, v in gold.items() if k.startswith("work")} == model.labels
    r = client.get(f"/api/v1/projects/{world['project']}/export?soft_labels=1&aggregation=mace")
    mace = aggregate(triples, "mace")
    for line in r.get_data(as_text=True).splitlines():
        row = json.loads(line)
        if not row["id"].startswith("work"):
            assert row["soft_answers"] == {"method": "mace", "questions": {}}
            continue
        probs = row["soft_answers"]["questions"]["one-sided"]
        assert row["soft_answers"]["method"] == "mace"
        for value, p in probs.items():
            assert p == pytest.approx(mace.probabilities[row["id"]][value], abs=1e-4)
    bad = client.get(f"/api/v1/projects/{world['project']}/export?aggregation=mace")
    assert bad.status_code == 400
    page = client.get(f"/projects/{world['project']}/quality?method=mace").get_data(as_text=True)
    assert "question one-sided" in page and "carol" in page
    svg = client.get(f"/projects/{world['project']}/quality/learning-curve.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert b"<svg" in svg.data


def test_quality_pages_are_for_leads_and_changes_are_audited(app, client, auth, world):
    _as(client, auth, "alice")
    assert client.get(f"/projects/{world['project']}/quality").status_code == 403
    assert _mark(client, world, "train0", "training").status_code == 403
    _as(client, auth, "lena")
    r = _mark(client, world, "work0", "training")  # no gold: refused, nothing stored
    assert "has no gold" in client.get(r.headers["Location"]).get_data(as_text=True)
    client.post(
        f"/projects/{world['project']}/quality/settings",
        data={"training_pass": "2", "training_attempts": "3", "control_every": "0",
              "control_min_accuracy": "0.6", "control_min_items": "3"},
    )  # fmt: skip
    _mark(client, world, "train0", "training")
    with app.app_context():
        assert db.session.get(Document, world["work0"]).purpose == "work"
        assert db.session.get(Project, world["project"]).training_pass == 0.6
        rows = db.session.execute(select(QualityEvent)).scalars().all()
        purposes = [
            (e.actor_id, e.detail["document"], e.detail["after"])
            for e in rows
            if e.action == "purpose"
        ]
        assert purposes == [(world["lena"], "train0", "training")]
        assert not any(e.action == "settings" for e in rows)  # the bad value changed nothing
        assert any(e.action == "attempt" for e in rows)  # the annotators started training
    page = client.get(f"/projects/{world['project']}/quality").get_data(as_text=True)
    assert "train0" in page and "purpose" in page


def test_cli_marks_items_and_reports_standing(app, runner, world):
    result = runner.invoke(args=["quality-item", "Quality study", "train0", "training"])
    assert result.exit_code == 0, result.output
    bad = runner.invoke(args=["quality-item", "Quality study", "work0", "control"])
    assert bad.exit_code == 1 and "has no gold" in bad.output
    with app.app_context():
        assert db.session.get(Document, world["train0"]).purpose == "training"
        assert db.session.get(Document, world["work0"]).purpose == "work"
    result = runner.invoke(args=["quality", "Quality study", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {r["username"]: r["state"] for r in rows} == {
        "alice": "training",
        "bob": "training",
        "carol": "training",
    }
    result = runner.invoke(args=["reliability", "Quality study", "--method", "majority"])
    assert result.exit_code == 0 and json.loads(result.output)["method"] == "majority"
