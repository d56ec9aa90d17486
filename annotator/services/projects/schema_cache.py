"""A project's label schema and questions as the annotate calls send them, built once per
worker process and reused until the project's ``schema_stamp`` changes.

Every insert, update or delete of a label or question (through the ORM, orphans included)
gives its project a new random stamp in the same transaction, so a process holding an older
stamp rebuilds on its next request. The cache lives on the app (``app.extensions``), never in
a module global, so two apps in one process never see each other's projects.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import uuid4

from flask import current_app
from sqlalchemy import event, select, update

from annotator.extensions import db
from annotator.models import DocumentQuestion, Label, Project

CACHE_KEY = "annotator.schema_cache"


@dataclass(slots=True, frozen=True)
class ProjectSchema:
    """Read-only: callers put these lists into responses and must not change them."""

    labels: list[dict]
    questions: list[dict]
    label_names: dict[int, str]
    by_id: dict[int, dict]


def project_schema(project_id: int, stamp: str) -> ProjectSchema:
    """The project's schema for ``stamp`` (read from the project row by the caller)."""
    cache = current_app.extensions.setdefault(CACHE_KEY, {})
    hit = cache.get(project_id)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    schema = _build(project_id)
    cache[project_id] = (stamp, schema)
    return schema


def _build(project_id: int) -> ProjectSchema:
    connection = db.session.connection()
    labels = [
        {
            "id": row.id,
            "name": row.name,
            "color": row.color,
            "shortcut": row.shortcut,
            "description": row.description,
            "attributes": row.attributes or [],
        }
        for row in connection.execute(
            select(
                Label.id,
                Label.name,
                Label.color,
                Label.shortcut,
                Label.description,
                Label.attributes,
            )
            .where(Label.project_id == project_id)
            .order_by(Label.order, Label.id)
        )
    ]
    questions = db.session.execute(
        select(DocumentQuestion)
        .where(DocumentQuestion.project_id == project_id)
        .order_by(DocumentQuestion.order, DocumentQuestion.id)
    ).scalars()
    return ProjectSchema(
        labels=labels,
        questions=[
            {
                "id": q.id,
                "name": q.name,
                "text": q.text,
                "kind": q.kind,
                "options": q.allowed_values(),
                "required": q.required,
            }
            for q in questions
        ],
        label_names={lb["id"]: lb["name"] for lb in labels},
        by_id={lb["id"]: lb for lb in labels},
    )


def _restamp(mapper, connection, target) -> None:
    project_id = target.project_id if target.project_id is not None else target.project.id
    connection.execute(
        update(Project.__table__)
        .where(Project.__table__.c.id == project_id)
        .values(schema_stamp=uuid4().hex)
    )


for _model in (Label, DocumentQuestion):
    for _name in ("after_insert", "after_update", "after_delete"):
        event.listen(_model, _name, _restamp)
