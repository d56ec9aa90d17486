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
    if not is_lead(role) and assignment_of(user.id, document.id) is None:
        raise Forbidden("This article is not assigned to you.")
    return document


def assignment_of(user_id: int, document_id: int) -> Assignment | None:
    return db.session.execute(
        select(Assignment).where(
            Assignment.user_id == user_id, Assignment.document_id == document_id
        )
    ).scalar_one_or_none()
