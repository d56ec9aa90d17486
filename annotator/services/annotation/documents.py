"""Reading documents with the access rules: annotators see only articles assigned to them."""

from __future__ import annotations

from sqlalchemy import select

from annotator.extensions import db
from annotator.models import Assignment, Document, Project, User
from annotator.services.errors import Forbidden, NotFound
from annotator.services.projects.access import is_lead


def document_for(user: User, role: str, project: Project, document_id: int) -> Document:
    """The document if it is in the project and the user may open it."""
    document = db.session.get(Document, document_id)
    if document is None or document.project_id != project.id:
        raise NotFound("No such article in this project.")
    if not is_lead(role):
        if assignment_of(user.id, document.id) is None:
            raise Forbidden("This article is not assigned to you.")
        _gate(user, project, document)
    return document


def _gate(user: User, project: Project, document: Document) -> None:
    from annotator.services.annotation.document_context import gate_refusal
    from annotator.services.quality.training import has_training, membership

    member = membership(project.id, user.id)
    if member is None:
        return
    refusal = gate_refusal(
        document.purpose,
        document.purpose == "work" and has_training(project.id),
        member.qualified_at is not None,
        member.paused,
    )
    if refusal:
        raise Forbidden(refusal)


def assignment_of(user_id: int, document_id: int) -> Assignment | None:
    return db.session.execute(
        select(Assignment).where(
            Assignment.user_id == user_id, Assignment.document_id == document_id
        )
    ).scalar_one_or_none()
