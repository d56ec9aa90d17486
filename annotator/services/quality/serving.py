"""Which of an annotator's assignments the queue may serve, and in what order."""

from __future__ import annotations

from sqlalchemy import case

from annotator.models import Document
from annotator.services.quality.training import current_attempt, has_training, membership


def queue_filter(user_id: int, project_id: int):
    """``None`` (serve nothing: paused) or ``(conditions, ordering)`` for the queue query."""
    member = membership(project_id, user_id)
    if member is None or member.role != "annotator":
        return (), ()
    if member.paused:
        return None
    if member.qualified_at is None and has_training(project_id):
        attempt = current_attempt(project_id, user_id)
        order = list(attempt.order) if attempt else []
        if not order:
            return None
        rank = case({doc: i for i, doc in enumerate(order)}, value=Document.id, else_=len(order))
        return (Document.purpose == "training", Document.id.in_(order)), (rank,)
    return (Document.purpose != "training",), (case((Document.purpose == "control", 0), else_=1),)
