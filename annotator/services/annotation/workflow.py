"""An annotator's progress through an article: answers, status changes and time on the page."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update

from annotator.extensions import db
from annotator.models import (
    Assignment,
    Document,
    DocumentAnswer,
    DocumentQuestion,
    Project,
    Span,
    User,
)
from annotator.models.base import utcnow
from annotator.services.annotation.documents import assignment_of
from annotator.services.errors import Forbidden, NotFound, ServiceError
from annotator.services.projects.assigning import assign
from annotator.services.quality.hooks import after_finish
from annotator.services.quality.training import has_real_assignments

STATUSES = ("in_progress", "done", "skipped")
MAX_SECONDS_PER_BEAT = 600


def answer_question(user: User, document: Document, question_id: int, value: Any) -> str:
    question = db.session.get(DocumentQuestion, question_id)
    if question is None or question.project_id != document.project_id:
        raise NotFound("No such question in this project.")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or value not in question.allowed_values():
        raise ServiceError(f"Answer must be one of {', '.join(question.allowed_values())}.")
    answer = db.session.execute(
        select(DocumentAnswer).where(
            DocumentAnswer.document_id == document.id,
            DocumentAnswer.user_id == user.id,
            DocumentAnswer.question_id == question.id,
        )
    ).scalar_one_or_none()
    if answer is None:
        db.session.add(
            DocumentAnswer(
                document_id=document.id, user_id=user.id, question_id=question.id, value=value
            )
        )
    else:
        answer.value, answer.updated_at = value, utcnow()
    return value


def answers_of(user_id: int, document_id: int) -> dict[str, str]:
    rows = db.session.execute(
        select(DocumentAnswer.question_id, DocumentAnswer.value).where(
            DocumentAnswer.user_id == user_id, DocumentAnswer.document_id == document_id
        )
    )
    return {str(q): v for q, v in rows}


def _own_assignment(user: User, document: Document) -> Assignment:
    assignment = assignment_of(user.id, document.id)
    if assignment is None:
        raise Forbidden("This article is not assigned to you.")
    return assignment


def set_status(user: User, document: Document, status: Any, reason: Any = "") -> Assignment:
    if status not in STATUSES:
        raise ServiceError(f"'status' must be one of {', '.join(STATUSES)}.")
    reason = reason or ""
    if not isinstance(reason, str) or len(reason) > 1000:
        raise ServiceError("'reason' must be text of at most 1000 characters.")
    if status == "skipped" and not reason.strip():
        raise ServiceError("Say why you skip this article.")
    assignment = _own_assignment(user, document)
    if status == "done":
        _require_answers(user, document)
    now = utcnow()
    assignment.status = status
    assignment.skip_reason = reason.strip() if status == "skipped" else ""
    assignment.started_at = assignment.started_at or now
    assignment.finished_at = now if status in ("done", "skipped") else None
    if status in ("done", "skipped"):
        db.session.flush()
        if after_finish(user, document, status):  # passed the training: real work unlocks
            unlock_real_work(document.project_id)
    return assignment


def unlock_real_work(project_id: int) -> None:
    """Fill and rebalance the assignments for a newly qualified annotator, once the lead has
    assigned real work (before that there is nothing to share)."""
    if not has_real_assignments(project_id):
        return
    try:
        assign(db.session.get(Project, project_id))
    except ServiceError:
        pass  # e.g. no real articles yet: the lead assigns later


def clear_work(user: User, document_ids: list[int]) -> int:
    """Remove the user's spans (audited as deletions) and answers on these articles: a
    training retry starts from a blank page. Returns the number of spans removed."""
    from annotator.services.annotation.spans import audit, span_dict

    spans = db.session.execute(
        select(Span).where(Span.user_id == user.id, Span.document_id.in_(document_ids))
    ).scalars()
    removed = 0
    for span in list(spans):
        audit(span.id, span.document_id, user.id, "delete", span_dict(span), None)
        db.session.delete(span)
        removed += 1
    db.session.execute(
        delete(DocumentAnswer).where(
            DocumentAnswer.user_id == user.id, DocumentAnswer.document_id.in_(document_ids)
        )
    )
    db.session.flush()
    return removed


def _require_answers(user: User, document: Document) -> None:
    """Done is refused while a required question of the project is unanswered."""
    required = db.session.execute(
        select(DocumentQuestion.id, DocumentQuestion.text)
        .where(DocumentQuestion.project_id == document.project_id, DocumentQuestion.required)
        .order_by(DocumentQuestion.order, DocumentQuestion.id)
    ).all()
    if not required:
        return
    answered = answers_of(user.id, document.id)
    missing = [text for qid, text in required if str(qid) not in answered]
    if missing:
        raise ServiceError(
            "Answer the required question before marking Done: " + "; ".join(missing),
            payload={"missing_questions": [q for q, _ in required if str(q) not in answered]},
        )


def add_time(user: User, document: Document, seconds: Any) -> int:
    """Add visible-tab seconds to the assignment (capped per call)."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise ServiceError("'seconds' must be a number.")
    if not 0 <= seconds <= MAX_SECONDS_PER_BEAT:
        raise ServiceError(f"'seconds' must be between 0 and {MAX_SECONDS_PER_BEAT}.")
    assignment = _own_assignment(user, document)
    db.session.execute(
        update(Assignment)
        .where(Assignment.id == assignment.id)
        .values(seconds_spent=Assignment.seconds_spent + int(round(seconds)))
        .execution_options(synchronize_session=False)
    )
    return assignment.id
