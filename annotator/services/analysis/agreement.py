"""Agreement for a project: rows -> plain span tuples -> ``annotator.agreement.project_report``.

Who annotated a document: annotators whose assignment is done, plus anyone with spans on it
(so an annotator who finished an article without marking anything counts as agreeing on
"nothing here").
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select

from annotator.extensions import db
from annotator.models import (
    Assignment,
    Document,
    DocumentQuestion,
    GoldSpan,
    Label,
    Project,
    Span,
    User,
)
from annotator.queries import iter_documents, label_records
from annotator.records import annotators_of
from annotator.services.report_cache import cached

# Below this many articles a bootstrap interval over articles is shown with a warning.
SMALL_SAMPLE = 10


def report_for(
    project: Project, *, n_boot: int = 500, seed: int = 0, decisions: bool = True
) -> dict:
    """The span agreement report, with (``decisions``) agreement on questions, attributes and
    links, article titles, and a warning where a bootstrap interval rests on few articles.

    Kept in the report cache until the project's next write (``services/report_cache``)."""
    params = {"n_boot": n_boot, "seed": seed, "decisions": decisions}
    return cached(
        project.id, "agreement", params, lambda: _report(project, n_boot, seed, decisions)
    )


def _report(project: Project, n_boot: int, seed: int, decisions: bool) -> dict:
    users = dict(db.session.execute(select(User.id, User.username)).all())
    labels = dict(
        db.session.execute(select(Label.id, Label.name).where(Label.project_id == project.id)).all()
    )
    docs = db.session.execute(
        select(
            Document.id,
            Document.external_id,
            Document.outlet,
            func.length(Document.text),
            Document.title,
        ).where(Document.project_id == project.id, Document.purpose == "work")
    ).all()
    external = {d.id: d.external_id for d in docs}
    spans = [
        (external[doc], users[user], start, end, labels[label], version)
        for doc, user, start, end, label, version in db.session.execute(
            select(
                Span.document_id,
                Span.user_id,
                Span.start,
                Span.end,
                Span.label_id,
                Span.guidelines_version,
            )
            .join(Document, Document.id == Span.document_id)
            .where(Document.project_id == project.id, Document.purpose == "work")
        )
    ]
    annotators: dict[str, set[str]] = defaultdict(set)
    for doc, user in db.session.execute(
        select(Assignment.document_id, Assignment.user_id)
        .join(Document, Document.id == Assignment.document_id)
        .where(
            Assignment.project_id == project.id,
            Assignment.status == "done",
            Document.purpose == "work",  # training and control items never count
        )
    ):
        annotators[external[doc]].add(users[user])
    for doc, who, *_ in spans:
        annotators[doc].add(who)
    lengths = {d.external_id: d[3] for d in docs if d.external_id in annotators}
    outlets = {d.external_id: d.outlet or "(none)" for d in docs if d.external_id in annotators}
    gold = [
        (external[doc], start, end, labels[label])
        for doc, start, end, label in db.session.execute(
            select(GoldSpan.document_id, GoldSpan.start, GoldSpan.end, GoldSpan.label_id)
            .join(Document, Document.id == GoldSpan.document_id)
            .where(Document.project_id == project.id, Document.purpose == "work")
        )
    ]
    from annotator.agreement import project_report  # numpy: on first use, not at start

    report = project_report(
        spans,
        lengths,
        outlets,
        doc_annotators=dict(annotators),
        gold=gold or None,
        n_boot=n_boot,
        seed=seed,
    )
    report["document_ids"] = {d.external_id: d.id for d in docs}
    report["titles"] = {d.external_id: d.title or d.external_id for d in docs}
    if report.get("status") == "ok":
        report["overall"]["character_kappa"] = _mean_pair(report["pairs"]["kappa"])
        if report["overall"]["character_kappa"] is None:
            report["overall"]["character_kappa_reason"] = (
                "no annotator pair has a defined kappa (no shared articles, or one category)"
            )
    if decisions:
        report.update(decision_report(project))
    _warn_small_samples(report, n_boot)
    return report


def decision_report(project: Project) -> dict:
    """Agreement on article questions, span attributes and links (``agreement.decisions``)."""
    rows = db.session.execute(
        select(DocumentQuestion)
        .where(DocumentQuestion.project_id == project.id)
        .order_by(DocumentQuestion.order, DocumentQuestion.id)
    ).scalars()  # a query, not ``project.questions``: exports pass a detached project
    questions = {
        q.name: {"kind": q.kind, "values": q.allowed_values(), "text": q.text} for q in rows
    }
    answers, spans = [], []
    for doc in iter_documents(project.id):
        answers.extend(doc.answers)
        spans.extend(doc.spans)
    from annotator.agreement.decisions import question_agreement, span_decision_agreement
    from annotator.agreement.report import clean

    decided = span_decision_agreement(spans, label_records(project.id))
    out = {"questions": question_agreement(answers, questions), **decided}
    for name, entry in out["questions"].items():
        entry["text"] = questions[name]["text"]
    return clean(out)


def sentence_level_agreement(project: Project) -> dict:
    """Annotator-vs-annotator F1 per label on sentence labels (a sentence carries a label when
    a span of it overlaps the sentence): the human figure beside a sentence model's F1."""
    from annotator.agreement.sentence_level import sentence_agreement
    from annotator.classifier.sentences import sentence_labels, split_sentences

    by_doc: dict[str, dict[str, list]] = {}
    for doc in iter_documents(project.id):
        people = sorted(annotators_of(doc))
        if len(people) < 2:
            continue
        sentences = split_sentences(doc.text)
        by_doc[doc.id] = {
            who: sentence_labels([s for s in doc.spans if s.annotator == who], sentences)
            for who in people
        }
    return sentence_agreement(by_doc, [lb.name for lb in label_records(project.id)])


def _mean_pair(matrix) -> float | None:
    """The mean of the defined off-diagonal cells of an annotator x annotator matrix."""
    values = [
        v for i, row in enumerate(matrix) for j, v in enumerate(row) if i < j and v is not None
    ]
    return sum(values) / len(values) if values else None


def _warn_small_samples(report: dict, n_boot: int) -> None:
    if report.get("status") != "ok" or not n_boot:
        return
    n = report.get("summary", {}).get("documents", 0)
    if n < SMALL_SAMPLE:
        report.setdefault("warnings", []).append(
            f"The 95% intervals resample {n} article{'s' if n != 1 else ''}: with fewer than "
            f"{SMALL_SAMPLE} they are rough guides, not reliable bounds."
        )


def headline_figures(project: Project) -> dict | None:
    """The overall figures for a dataset card, or None when there is not enough data."""
    report = report_for(project, n_boot=200)
    if report.get("status") != "ok":
        return None
    overall = report["overall"]
    figures = {
        "unitizing alpha (overall)": overall.get("unitizing_alpha"),
        "character-level alpha (overall)": overall.get("character_alpha"),
        "span F1 exact (mean over annotator pairs)": overall.get("span_f1_exact"),
        "span F1 partial (mean over annotator pairs)": overall.get("span_f1_partial"),
    }
    for label, values in report.get("per_label", {}).items():
        figures[f"unitizing alpha ({label})"] = values.get("unitizing_alpha")
    for name, q in report.get("questions", {}).items():
        figures[f"{q['level']} alpha (question {name})"] = q.get("alpha")
    for label, attrs in report.get("attributes", {}).items():
        for name, a in attrs.items():
            figures[f"alpha ({label} {name}, {a['pairs']} matched pairs)"] = a.get("alpha")
    for label, attrs in report.get("links", {}).items():
        for name, a in attrs.items():
            figures[f"same link ({label} {name}, {a['pairs']} matched pairs)"] = a.get("agreement")
    return {k: v for k, v in figures.items() if v is not None}
