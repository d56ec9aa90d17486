"""Progress figures: an annotator's done / assigned, and per-annotator figures for leads."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from annotator.extensions import db
from annotator.models import Assignment, Document, Project, User


@dataclass
class Progress:
    done: int = 0
    assigned: int = 0
    seconds: int = 0
    next_document_id: int | None = None

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.assigned) if self.assigned else 0


FINISHED = ("done", "skipped")


def progress_for_user(user: User, project_ids: list[int]) -> dict[int, Progress]:
    """Per project: the user's own done / assigned and the next unfinished article."""
    out = {pid: Progress() for pid in project_ids}
    if not project_ids:
        return out
    rows = db.session.execute(
        select(
            Assignment.project_id,
            func.count(),
            func.sum(case((Assignment.status.in_(FINISHED), 1), else_=0)),
            func.coalesce(func.sum(Assignment.seconds_spent), 0),
        )
        .where(Assignment.user_id == user.id, Assignment.project_id.in_(project_ids))
        .group_by(Assignment.project_id)
    )
    for pid, assigned, done, seconds in rows:
        out[pid] = Progress(done=int(done or 0), assigned=assigned, seconds=int(seconds))
    for pid in project_ids:
        out[pid].next_document_id = next_document(user.id, pid)
    return out


def next_document(user_id: int, project_id: int, after: int | None = None) -> int | None:
    """The user's next unfinished article: in-progress ones first, then by order of import, or
    (active learning in force) the one the latest model is least certain about.

    Training and quality control (``services/quality``): a paused member gets none; an
    annotator who has not passed the project's training gets only training articles, in
    their attempt's order; a control article queued for them comes before other unstarted
    work (looking like any other article), active learning or not."""
    from annotator.services.projects import active_learning
    from annotator.services.quality.serving import queue_filter

    gate = queue_filter(user_id, project_id)
    if gate is None:
        return None
    where, first = gate
    query = (
        select(Assignment.document_id)
        .join(Document, Document.id == Assignment.document_id)
        .where(
            Assignment.user_id == user_id,
            Assignment.project_id == project_id,
            Assignment.status.in_(("todo", "in_progress")),
            *where,
        )
        .order_by(
            case((Assignment.status == "in_progress", 0), else_=1), *first, Assignment.document_id
        )
        .limit(1)
    )
    if after is not None:
        query = query.where(Assignment.document_id != after)
    first = db.session.execute(query).scalar_one_or_none()
    if first is None or not _active(project_id):
        return first
    started = db.session.execute(
        query.where(Assignment.status == "in_progress")
    ).scalar_one_or_none()
    if started is not None:  # started work is never pushed aside
        return started
    if db.session.get(Document, first).purpose in ("training", "control"):
        return first  # a trainee's attempt order, or a control item due: kept as served
    by = active_learning.scores(project_id)
    if by is None:
        return first
    todo = (
        select(Assignment.document_id)
        .join(Document, Document.id == Assignment.document_id)
        .where(
            Assignment.user_id == user_id,
            Assignment.project_id == project_id,
            Assignment.status == "todo",
            Document.purpose.not_in(("training", "control")),
            *where,
        )
    )
    if after is not None:
        todo = todo.where(Assignment.document_id != after)
    return active_learning.least_certain(list(db.session.execute(todo).scalars()), by)


def _active(project_id: int) -> bool:
    return bool(
        db.session.execute(
            select(Project.active_learning).where(Project.id == project_id)
        ).scalar_one_or_none()
    )


def annotator_progress(project_id: int) -> list[dict]:
    """For leads: every assignee's done / assigned, skipped and time spent."""
    rows = db.session.execute(
        select(
            User.username,
            func.count(),
            func.sum(case((Assignment.status == "done", 1), else_=0)),
            func.sum(case((Assignment.status == "skipped", 1), else_=0)),
            func.coalesce(func.sum(Assignment.seconds_spent), 0),
        )
        .join(User, User.id == Assignment.user_id)
        .where(Assignment.project_id == project_id)
        .group_by(User.username)
        .order_by(User.username)
    )
    out = []
    for name, assigned, done, skipped, seconds in rows:
        finished = int(done or 0) + int(skipped or 0)
        out.append(
            {
                "username": name,
                "assigned": assigned,
                "done": int(done or 0),
                "skipped": int(skipped or 0),
                "seconds": int(seconds),
                "percent": round(100 * finished / assigned) if assigned else 0,
                "seconds_per_article": round(int(seconds) / finished) if finished else 0,
            }
        )
    return out


def document_counts(project_id: int) -> dict:
    total = db.session.execute(
        select(func.count(Document.id)).where(Document.project_id == project_id)
    ).scalar_one()
    assigned = db.session.execute(
        select(func.count(func.distinct(Assignment.document_id))).where(
            Assignment.project_id == project_id
        )
    ).scalar_one()
    return {"documents": total, "assigned_documents": assigned}


@dataclass
class QueuePosition:
    """Where an article sits in one user's queue (their assignments, in order of import)."""

    number: int
    total: int
    previous_id: int | None
    next_id: int | None


def queue_position(user_id: int, project_id: int, document_id: int) -> QueuePosition | None:
    """ "Article N of M" and the neighbours in the user's own queue; None when not assigned."""
    mine = (Assignment.user_id == user_id, Assignment.project_id == project_id)
    doc = Assignment.document_id
    row = db.session.execute(
        select(
            func.count(),
            func.sum(case((doc <= document_id, 1), else_=0)),
            func.max(case((doc < document_id, doc), else_=None)),
            func.min(case((doc > document_id, doc), else_=None)),
            func.sum(case((doc == document_id, 1), else_=0)),
        ).where(*mine)
    ).one()
    total, number, previous_id, next_id, here = row
    if not here:
        return None
    return QueuePosition(int(number), int(total), previous_id, next_id)
