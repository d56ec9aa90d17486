"""What happens when an annotator finishes an article: training and control items are scored
against gold; real articles may bring a control item into the queue."""

from __future__ import annotations

from sqlalchemy import select

from annotator.extensions import db
from annotator.models import Document, ItemScore, Project, User
from annotator.services.quality import control, training
from annotator.services.quality.scoring import feedback_for


def after_finish(user: User, document: Document, status: str) -> bool:
    """Score / serve as needed; True when the annotator has just passed the training (the
    caller then assigns them real work)."""
    project = db.session.get(Project, document.project_id)
    if document.purpose == "work":
        control.maybe_serve(project, user.id)
        return False
    if status != "done":
        return False
    result = feedback_for(user.id, document.id)
    attempt = (
        training.current_attempt(project.id, user.id) if document.purpose == "training" else None
    )
    query = select(ItemScore).where(
        ItemScore.user_id == user.id,
        ItemScore.document_id == document.id,
        ItemScore.purpose == document.purpose,
    )
    if attempt is not None:
        query = query.where(ItemScore.attempt_id == attempt.id)
    item = db.session.execute(query.order_by(ItemScore.id.desc()).limit(1)).scalar_one_or_none()
    if item is None or (attempt is not None and attempt.finished_at is not None):
        item = ItemScore(project_id=project.id, user_id=user.id, document_id=document.id)
        item.purpose = document.purpose
        db.session.add(item)
    item.span_f1, item.answer_agreement = result.span_f1, result.answer_agreement
    item.score = result.score
    item.passed = result.score >= project.training_pass
    item.detail = result.as_dict()
    db.session.flush()
    if document.purpose == "training":
        return training.training_done(project, user.id, document.id, item)
    control.check(project, user.id)
    return False
