"""What a project's gold standard holds, counted for the dataset card."""

from __future__ import annotations

from sqlalchemy import func, select

from annotator.extensions import db
from annotator.models import Document, GoldAnswer, GoldSpan, Label, Project


def gold_counts(project: Project) -> dict[str, int]:
    """Articles with gold, gold spans, their attribute values, links and notes, open split
    votes, and gold answers (zeros when there is no gold)."""
    links = {
        lb_id: {a["name"] for a in attrs or [] if a.get("type") == "link"}
        for lb_id, attrs in db.session.execute(
            select(Label.id, Label.attributes).where(Label.project_id == project.id)
        )
    }
    counts = dict.fromkeys(
        ("articles", "spans", "attribute values", "links", "notes", "open split votes"), 0
    )
    articles = set()
    for doc, label, attrs, notes, disputes in db.session.execute(
        select(
            GoldSpan.document_id,
            GoldSpan.label_id,
            GoldSpan.attributes,
            GoldSpan.notes,
            GoldSpan.disputes,
        )
        .join(Document, Document.id == GoldSpan.document_id)
        .where(Document.project_id == project.id, Document.purpose == "work")
    ):
        articles.add(doc)
        counts["spans"] += 1
        for name, value in (attrs or {}).items():
            if value in (None, ""):
                continue
            counts["links" if name in links.get(label, ()) else "attribute values"] += 1
        counts["notes"] += bool(notes)
        counts["open split votes"] += len(disputes or {})
    answered = db.session.execute(
        select(GoldAnswer.document_id, func.count(GoldAnswer.id))
        .join(Document, Document.id == GoldAnswer.document_id)
        .where(Document.project_id == project.id, Document.purpose == "work")
        .group_by(GoldAnswer.document_id)
    ).all()
    articles |= {doc for doc, _ in answered}
    counts["answers"] = sum(n for _, n in answered)
    counts["articles"] = len(articles)
    return counts
