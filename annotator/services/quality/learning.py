"""Learning curves of a project's annotators: rows -> plain spans -> ``analysis.learning``.

Every article an annotator finished (done) counts, in the order they finished it: training
and control items (which have gold by definition) as well as real work (gold where curated):
so the curve shows whether training worked and who drifts later.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from annotator.extensions import db
from annotator.models import Assignment, GoldSpan, Label, Project, Span, User


def curves(project: Project) -> dict[str, list[dict]]:
    names = dict(db.session.execute(select(User.id, User.username)).all())
    labels = dict(
        db.session.execute(select(Label.id, Label.name).where(Label.project_id == project.id)).all()
    )
    done = db.session.execute(
        select(Assignment.user_id, Assignment.document_id)
        .where(Assignment.project_id == project.id, Assignment.status == "done")
        .order_by(Assignment.finished_at, Assignment.id)
    ).all()
    sequences: dict[str, list[str]] = defaultdict(list)
    finishers: dict[str, list[str]] = defaultdict(list)
    for uid, doc in done:
        sequences[names[uid]].append(str(doc))
        finishers[str(doc)].append(names[uid])
    spans: dict[tuple[str, str], list] = defaultdict(list)
    for doc, uid, start, end, label in db.session.execute(
        select(Span.document_id, Span.user_id, Span.start, Span.end, Span.label_id).where(
            Span.label_id.in_(list(labels))
        )
    ):
        spans[(str(doc), names[uid])].append((start, end, labels[label]))
    gold: dict[str, list] = defaultdict(list)
    for doc, start, end, label in db.session.execute(
        select(GoldSpan.document_id, GoldSpan.start, GoldSpan.end, GoldSpan.label_id).where(
            GoldSpan.label_id.in_(list(labels))
        )
    ):
        gold[str(doc)].append((start, end, labels[label]))
    with_gold = _gold_documents(project.id)
    for doc in with_gold:
        gold.setdefault(str(doc), [])
    from annotator.analysis.learning import learning_curves  # NumPy: not in every worker

    return learning_curves(dict(sequences), spans, dict(gold), dict(finishers))


def _gold_documents(project_id: int) -> set[int]:
    """Articles whose gold is the reference: curated ones, training and control items."""
    from annotator.models import Document, DocumentCuration

    rows = db.session.execute(
        select(Document.id)
        .outerjoin(DocumentCuration, DocumentCuration.document_id == Document.id)
        .where(
            Document.project_id == project_id,
            (Document.purpose != "work") | (DocumentCuration.status == "curated"),
        )
    ).scalars()
    return set(rows)
