"""Typed SQLAlchemy models, one module per area. Keep them thin: logic lives in services/."""

from annotator.models.documents import Assignment, Document, DocumentAnswer
from annotator.models.gold import DocumentCuration, GoldAnswer, GoldEvent, GoldSpan
from annotator.models.outlets import Outlet
from annotator.models.projects import DocumentQuestion, Label, Membership, Project
from annotator.models.quality import ItemScore, QualityEvent, TrainingAttempt
from annotator.models.spans import Span, SpanEvent
from annotator.models.training import ModelRun
from annotator.models.users import ApiToken, User

__all__ = [
    "ApiToken",
    "Assignment",
    "Document",
    "DocumentAnswer",
    "DocumentCuration",
    "DocumentQuestion",
    "GoldAnswer",
    "GoldEvent",
    "GoldSpan",
    "ItemScore",
    "Label",
    "Membership",
    "ModelRun",
    "Outlet",
    "Project",
    "QualityEvent",
    "Span",
    "SpanEvent",
    "TrainingAttempt",
    "User",
]
