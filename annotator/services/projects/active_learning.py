"""Active learning (opt-in per project): an annotator's next article is the assigned one the
latest model is least certain about.

Only the *order* changes: the set of articles each annotator has (k per article, balanced
workloads) stays what :mod:`~annotator.services.projects.assigning` made, an article already
started comes first as always, and no one sees anything of anyone else's work (the order is a
number per article from the model, the same for every annotator). The scores are computed after
each finished training run (``ModelRun.uncertainty``, see
:mod:`annotator.classifier.uncertainty`), so the order follows the newest model. Articles the
model has no score for come after scored ones, by order of import.
"""

from __future__ import annotations

from sqlalchemy import case, func, select, update

from annotator.extensions import db
from annotator.models import Assignment, ModelRun, Project

PICKED = "uncertainty"


def scores(project_id: int) -> dict[int, float] | None:
    """``{document id: uncertainty}`` of the newest finished run that has them, or None."""
    found = db.session.execute(
        select(ModelRun.uncertainty)
        .where(
            ModelRun.project_id == project_id,
            ModelRun.status == "finished",
            ModelRun.uncertainty.is_not(None),
        )
        .order_by(ModelRun.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if not found:
        return None
    return {int(k): float(v) for k, v in found.items()}


def order_in_force(project: Project) -> str:
    """ "uncertainty" (active learning with a scored model), "waiting" (active learning on, no
    model has scored the articles yet: import order meanwhile) or "import"."""
    if not project.active_learning:
        return "import"
    return PICKED if scores(project.id) is not None else "waiting"


def least_certain(document_ids: list[int], by: dict[int, float]) -> int | None:
    """The most uncertain of ``document_ids`` (ties and unscored ones: lowest id first)."""
    if not document_ids:
        return None
    return min(document_ids, key=lambda d: (d not in by, -by.get(d, 0.0), d))


def mark_picked(user_id: int, project: Project, document_id: int, next_id: int | None) -> bool:
    """Record that the annotator opened ``document_id`` as active learning's pick: it is their
    next article ``next_id`` (from ``progress.next_document``), unstarted, while the uncertainty
    order is in force. True when recorded."""
    if document_id != next_id or order_in_force(project) != PICKED:
        return False
    result = db.session.execute(
        update(Assignment)
        .where(
            Assignment.user_id == user_id,
            Assignment.document_id == document_id,
            Assignment.status == "todo",
            Assignment.picked_by == "",
        )
        .values(picked_by=PICKED)
    )
    db.session.commit()
    return bool(result.rowcount)


def picked_counts(project_id: int) -> dict:
    """For leads: how many assignments active learning picked, of how many in the project."""
    picked, total = db.session.execute(
        select(
            func.coalesce(func.sum(case((Assignment.picked_by == PICKED, 1), else_=0)), 0),
            func.count(),
        ).where(Assignment.project_id == project_id)
    ).one()
    return {"picked": int(picked or 0), "assignments": int(total)}
