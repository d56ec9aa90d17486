"""What the curation pages show: the queue ordered by disagreement, and one article with every
annotator's spans, the gold lane and answers. Plain functions over the database."""

from __future__ import annotations

import math
from collections import Counter

from sqlalchemy import func, select

from annotator.extensions import db
from annotator.models import (
    Document,
    DocumentAnswer,
    DocumentCuration,
    DocumentQuestion,
    GoldSpan,
    Label,
    Project,
    User,
)
from annotator.services.annotation.document_context import document_context
from annotator.services.annotation.document_view import document_payload
from annotator.services.curation.gold import curation_status, gold_answers, gold_dict


def queue(project: Project) -> list[dict]:
    """Every article with its disagreement, gold count and curation status: uncurated articles
    first, most disagreement first (articles without a figure after those with one)."""
    from annotator.services.analysis.agreement import report_for

    report = report_for(project, n_boot=0, decisions=False)
    figures = {r["document_id"]: r for r in report.get("per_document", [])}
    gold = dict(
        db.session.execute(
            select(GoldSpan.document_id, func.count(GoldSpan.id))
            .join(Document, Document.id == GoldSpan.document_id)
            .where(Document.project_id == project.id)
            .group_by(GoldSpan.document_id)
        ).all()
    )
    disputed = dict(
        db.session.execute(
            select(GoldSpan.document_id, func.count(GoldSpan.id))
            .join(Document, Document.id == GoldSpan.document_id)
            .where(Document.project_id == project.id, GoldSpan.disputes.is_not(None))
            .group_by(GoldSpan.document_id)
        ).all()
    )
    status, unmerged = {}, {}
    for doc_id, state, left in db.session.execute(
        select(DocumentCuration.document_id, DocumentCuration.status, DocumentCuration.unmerged)
        .join(Document, Document.id == DocumentCuration.document_id)
        .where(Document.project_id == project.id)
    ):
        status[doc_id], unmerged[doc_id] = state, left or []
    rows = []
    for doc_id, external, title in db.session.execute(
        select(Document.id, Document.external_id, Document.title)
        .where(Document.project_id == project.id)
        .order_by(Document.id)
    ):
        fig = figures.get(external, {})
        rows.append(
            {
                "id": doc_id,
                "external_id": external,
                "title": title or external,
                "annotators": fig.get("annotators", 0),
                "spans": fig.get("spans", 0),
                "disagreement": fig.get("disagreement"),
                "alpha": fig.get("alpha"),
                "gold": gold.get(doc_id, 0),
                # gold spans whose attribute votes split, and candidates the merge left out
                "disputes": disputed.get(doc_id, 0),
                "unmerged": len(unmerged.get(doc_id, ())),
                "unmerged_reasons": dict(Counter(u["reason"] for u in unmerged.get(doc_id, ()))),
                "status": status.get(doc_id, "open"),
            }
        )

    def order(row):
        d = row["disagreement"]
        missing = d is None or (isinstance(d, float) and math.isnan(d))
        return (row["status"] == "curated", missing, -(d or 0.0), row["id"])

    return sorted(rows, key=order)


def curation_payload(user: User, role: str, project: Project, document: Document) -> dict:
    """The annotate page's all-lanes payload plus gold spans, answers and curation status."""
    payload = document_payload(user, document_context(user, document.id), "*")
    labels = dict(
        db.session.execute(select(Label.id, Label.name).where(Label.project_id == project.id)).all()
    )
    golds = db.session.execute(
        select(GoldSpan)
        .where(GoldSpan.document_id == document.id)
        .order_by(GoldSpan.start, GoldSpan.end, GoldSpan.id)
    ).scalars()
    payload["gold"] = [gold_dict(g, labels.get(g.label_id, "")) for g in golds]
    answers: dict[str, dict[str, str]] = {}
    for name, question_id, value in db.session.execute(
        select(User.username, DocumentAnswer.question_id, DocumentAnswer.value)
        .join(User, User.id == DocumentAnswer.user_id)
        .join(DocumentQuestion, DocumentQuestion.id == DocumentAnswer.question_id)
        .where(DocumentAnswer.document_id == document.id)
    ):
        answers.setdefault(str(question_id), {})[name] = value
    payload["annotator_answers"] = answers
    payload["gold_answers"] = gold_answers(document.id)
    payload["curation"] = {"status": curation_status(document.id)}
    unmerged = db.session.execute(
        select(DocumentCuration.unmerged).where(DocumentCuration.document_id == document.id)
    ).scalar_one_or_none()
    have = {(g["label"], g["start"], g["end"]) for g in payload["gold"]}
    # what the last pre-fill left out, less what a curator has since made gold
    payload["unmerged"] = [
        u for u in unmerged or [] if (u["label"], u["start"], u["end"]) not in have
    ]
    payload["viewer"]["read_only"] = False
    return payload


def neighbours(project: Project, document_id: int) -> tuple[int | None, int | None]:
    """The previous and next article in the queue."""
    ids = [row["id"] for row in queue(project)]
    if document_id not in ids:
        return None, None
    i = ids.index(document_id)
    return (ids[i - 1] if i > 0 else None), (ids[i + 1] if i + 1 < len(ids) else None)
