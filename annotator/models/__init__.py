"""Typed SQLAlchemy models, one module per area. Keep them thin: logic lives in services/."""

from annotator.models import write_stamp
from annotator.models.comments import Comment
from annotator.models.documents import Assignment, Document, DocumentAnswer
from annotator.models.gold import DocumentCuration, GoldAnswer, GoldEvent, GoldSpan
from annotator.models.outlets import Outlet
from annotator.models.projects import (
    DocumentQuestion,
    GuidelineVersion,
    Label,
    Membership,
    Project,
)
from annotator.models.quality import ItemScore, QualityEvent, TrainingAttempt
from annotator.models.report_cache import ReportCache
from annotator.models.spans import Span, SpanEvent
from annotator.models.training import ModelRun, SuggestionDecision
from annotator.models.users import ApiToken, User
from annotator.models.write_stamp import ProjectWrite

__all__ = [
    "ApiToken",
    "Assignment",
    "Comment",
    "Document",
    "DocumentAnswer",
    "DocumentCuration",
    "DocumentQuestion",
    "GoldAnswer",
    "GoldEvent",
    "GoldSpan",
    "GuidelineVersion",
    "ItemScore",
    "Label",
    "Membership",
    "ModelRun",
    "Outlet",
    "Project",
    "ProjectWrite",
    "ReportCache",
    "Span",
    "SpanEvent",
    "SuggestionDecision",
    "QualityEvent",
    "Span",
    "SpanEvent",
    "TrainingAttempt",
    "User",
]

write_stamp.listen(Project.metadata)
