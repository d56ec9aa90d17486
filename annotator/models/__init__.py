"""Typed SQLAlchemy models, one module per area. Keep them thin: logic lives in services/."""

from annotator.models.documents import Assignment, Document, DocumentAnswer
from annotator.models.projects import DocumentQuestion, Label, Membership, Project
from annotator.models.spans import Span, SpanEvent
from annotator.models.users import ApiToken, User

__all__ = [
    "ApiToken",
    "Assignment",
    "Document",
    "DocumentAnswer",
    "DocumentQuestion",
    "Label",
    "Membership",
    "Project",
    "Span",
    "SpanEvent",
    "User",
]
