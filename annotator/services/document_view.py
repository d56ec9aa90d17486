"""The annotate page's data: an article, the project's schema and the viewer's (or, for leads,
another annotator's) spans — built with a fixed, small number of queries."""

from __future__ import annotations

from sqlalchemy import select

from annotator.extensions import db
from annotator.models import Assignment, Document, Label, Project, Span, User
from annotator.services.access import is_lead
from annotator.services.errors import Forbidden, NotFound
from annotator.services.workflow import answers_of

SPAN_COLUMNS = (
    Span.id,
    Span.label_id,
    Span.start,
    Span.end,
    Span.text,
    Span.attributes,
    Span.note,
    Span.source,
    Span.version,
    Span.guidelines_version,
)


def _span_rows(document_id: int, user_id: int | None, labels: dict[int, str]):
    query = select(*SPAN_COLUMNS, Span.user_id).where(Span.document_id == document_id)
    if user_id is not None:
        query = query.where(Span.user_id == user_id)
    for row in db.session.execute(query.order_by(Span.start, Span.end, Span.id)):
        yield (
            row.user_id,
            {
                "id": row.id,
                "label_id": row.label_id,
                "label": labels.get(row.label_id, ""),
                "start": row.start,
                "end": row.end,
                "text": row.text,
                "attributes": row.attributes or {},
                "note": row.note or "",
                "source": row.source,
                "version": row.version,
                "guidelines_version": row.guidelines_version,
            },
        )


def schema_payload(project: Project) -> dict:
    labels = db.session.execute(
        select(Label).where(Label.project_id == project.id).order_by(Label.order, Label.id)
    ).scalars()
    return {
        "labels": [
            {
                "id": lb.id,
                "name": lb.name,
                "color": lb.color,
                "shortcut": lb.shortcut,
                "description": lb.description,
                "attributes": lb.attributes or [],
            }
            for lb in labels
        ],
        "questions": [
            {
                "id": q.id,
                "name": q.name,
                "text": q.text,
                "kind": q.kind,
                "options": q.allowed_values(),
            }
            for q in project.questions
        ],
    }


def document_payload(
    user: User, role: str, project: Project, document: Document, annotator: str | None = None
) -> dict:
    """Everything the annotate page needs. ``annotator`` (leads only): a user name, or ``*``
    for every annotator's spans in lanes."""
    lead = is_lead(role)
    if annotator and not lead:
        raise Forbidden("Only leads can view other annotators' spans.")
    schema = schema_payload(project)
    labels = {lb["id"]: lb["name"] for lb in schema["labels"]}
    assignees = db.session.execute(
        select(User.id, User.username, Assignment.status)
        .join(Assignment, Assignment.user_id == User.id)
        .where(Assignment.document_id == document.id)
        .order_by(User.username)
    ).all()
    mine = next((a for a in assignees if a.id == user.id), None)
    if not lead and mine is None:
        raise Forbidden("This article is not assigned to you.")
    payload = {
        "document": _document_fields(document, project, lead),
        "project": {
            "id": project.id,
            "name": project.name,
            "blind": project.blind,
            "snap_to_words": project.snap_to_words,
            "suggestions": project.suggestions
            and (not project.blind or project.suggestions_in_blind),
            "guidelines_version": project.guidelines_version,
        },
        **schema,
        "viewer": {
            "username": user.username,
            "role": role,
            "read_only": False,
            "annotator": user.username,
        },
        "assignment": {"status": mine.status} if mine else None,
        "annotators": [a.username for a in assignees] if lead else [],
    }
    if annotator == "*":
        lanes = {a.username: [] for a in assignees}
        names = {a.id: a.username for a in assignees}
        for uid, span in _span_rows(document.id, None, labels):
            lanes.setdefault(names.get(uid) or f"user-{uid}", []).append(span)
        payload.update(spans=[], lanes=lanes, answers={})
        payload["viewer"].update(read_only=True, annotator="*")
        return payload
    target_id = user.id
    if annotator and annotator != user.username:
        target = next((a for a in assignees if a.username == annotator), None)
        if target is None:
            raise NotFound(f"{annotator!r} has no assignment for this article.")
        target_id = target.id
        payload["viewer"].update(read_only=True, annotator=annotator)
    payload["spans"] = [s for _, s in _span_rows(document.id, target_id, labels)]
    payload["answers"] = answers_of(target_id, document.id)
    return payload


def _document_fields(document: Document, project: Project, lead: bool) -> dict:
    fields = {
        "id": document.id,
        "external_id": document.external_id,
        "title": document.title,
        "text": document.text,
        "length": len(document.text),
    }
    if lead or not project.hide_outlet:
        fields.update(
            outlet=document.outlet,
            author=document.author,
            url=document.url,
            published=document.published.isoformat() if document.published else None,
        )
    return fields


def load_document(document_id: int) -> Document:
    document = db.session.get(Document, document_id)
    if document is None:
        raise NotFound("No such article.")
    return document
