"""Every training and quality-control decision writes a ``QualityEvent``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from annotator.extensions import db
from annotator.models import QualityEvent, User


def record(
    project_id: int,
    action: str,
    *,
    subject_id: int | None = None,
    actor_id: int | None = None,
    **detail: Any,
) -> None:
    db.session.add(
        QualityEvent(
            project_id=project_id,
            subject_id=subject_id,
            actor_id=actor_id,
            action=action,
            detail=detail,
        )
    )


def events(project_id: int, limit: int = 200) -> list[dict[str, Any]]:
    """The project's quality audit trail, newest first."""
    names = dict(db.session.execute(select(User.id, User.username)).all())
    rows = db.session.execute(
        select(QualityEvent)
        .where(QualityEvent.project_id == project_id)
        .order_by(QualityEvent.id.desc())
        .limit(limit)
    ).scalars()
    return [
        {
            "at": e.at.isoformat() if e.at else None,
            "action": e.action,
            "subject": names.get(e.subject_id),
            "actor": names.get(e.actor_id),
            "detail": e.detail or {},
        }
        for e in rows
    ]
