"""An annotator's work on one article beside its gold: rows -> records -> ``agreement.feedback``."""

from __future__ import annotations

from sqlalchemy import select

from annotator.agreement.feedback import Feedback, compare
from annotator.extensions import db
from annotator.models import DocumentAnswer, DocumentQuestion, GoldAnswer, GoldSpan, Label, Span
from annotator.records import SpanRecord


def _records(rows, doc: str, who: str) -> list[SpanRecord]:
    return [SpanRecord(doc, who, label, start, end) for label, start, end in rows]


def feedback_for(user_id: int, document_id: int) -> Feedback:
    gold = db.session.execute(
        select(Label.name, GoldSpan.start, GoldSpan.end)
        .join(Label, Label.id == GoldSpan.label_id)
        .where(GoldSpan.document_id == document_id)
    ).all()
    own = db.session.execute(
        select(Label.name, Span.start, Span.end)
        .join(Label, Label.id == Span.label_id)
        .where(Span.document_id == document_id, Span.user_id == user_id)
    ).all()
    gold_answers = dict(
        db.session.execute(
            select(DocumentQuestion.name, GoldAnswer.value)
            .join(DocumentQuestion, DocumentQuestion.id == GoldAnswer.question_id)
            .where(GoldAnswer.document_id == document_id)
        ).all()
    )
    own_answers = dict(
        db.session.execute(
            select(DocumentQuestion.name, DocumentAnswer.value)
            .join(DocumentQuestion, DocumentQuestion.id == DocumentAnswer.question_id)
            .where(DocumentAnswer.document_id == document_id, DocumentAnswer.user_id == user_id)
        ).all()
    )
    return compare(
        _records(gold, str(document_id), "gold"),
        _records(own, str(document_id), "own"),
        gold_answers,
        own_answers,
    )
