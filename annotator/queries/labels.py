"""A project's labels as records, and which of their attributes are links."""

from __future__ import annotations

from sqlalchemy import select

from annotator.extensions import db
from annotator.models import DocumentQuestion, Label
from annotator.records import AttributeDef, LabelRecord, QuestionRecord


def question_records(project_id: int) -> list[QuestionRecord]:
    """The project's article questions in their order, with their allowed answers."""
    rows = db.session.execute(
        select(DocumentQuestion)
        .where(DocumentQuestion.project_id == project_id)
        .order_by(DocumentQuestion.order, DocumentQuestion.id)
    ).scalars()
    return [QuestionRecord(q.name, q.kind, tuple(q.allowed_values()), q.text) for q in rows]


def label_records(project_id: int) -> list[LabelRecord]:
    labels = db.session.execute(
        select(Label).where(Label.project_id == project_id).order_by(Label.order, Label.id)
    ).scalars()
    return [
        LabelRecord(
            name=lb.name,
            color=lb.color,
            shortcut=lb.shortcut,
            description=lb.description,
            attributes=tuple(
                AttributeDef(a["name"], a["type"], tuple(a.get("options", ())))
                for a in lb.attributes or []
            ),
        )
        for lb in labels
    ]


def link_attributes(project_id: int) -> dict[str, tuple[str, ...]]:
    """Label name -> names of its link attributes."""
    rows = db.session.execute(
        select(Label.name, Label.attributes).where(Label.project_id == project_id)
    )
    return {
        name: tuple(a["name"] for a in attrs or [] if a.get("type") == "link")
        for name, attrs in rows
    }
