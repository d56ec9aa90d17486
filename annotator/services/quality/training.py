"""Training rounds and qualification.

A project with training items (articles with gold, ``Document.purpose == "training"``) gives a
new annotator those first, in an order of their own; real work is not assigned to them (and
cannot be opened) until they pass: the mean item score of an attempt reaches the project's
``training_pass``. Below it they may retry, in a new order, up to ``training_attempts``
attempts; a retry clears their spans and answers on the training items (audited as span
deletions; the scores of earlier attempts are kept). Passing runs the assignment again so
real work reaches them at once. A project without training items treats everyone as
qualified.
"""

from __future__ import annotations

import random

from sqlalchemy import delete, func, select

from annotator.extensions import db
from annotator.models import (
    Assignment,
    Document,
    ItemScore,
    Membership,
    Project,
    TrainingAttempt,
    User,
)
from annotator.models.base import utcnow
from annotator.services.errors import ServiceError
from annotator.services.quality import audit


def purpose_ids(project_id: int, purpose: str) -> list[int]:
    return list(
        db.session.execute(
            select(Document.id)
            .where(Document.project_id == project_id, Document.purpose == purpose)
            .order_by(Document.id)
        ).scalars()
    )


def annotators(project_id: int) -> list[User]:
    """The project's active annotators (as ``projects.annotators``, without importing it)."""
    return list(
        db.session.execute(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.project_id == project_id,
                Membership.role == "annotator",
                User.active,
            )
            .order_by(User.username)
        ).scalars()
    )


def membership(project_id: int, user_id: int) -> Membership | None:
    return db.session.execute(
        select(Membership).where(Membership.project_id == project_id, Membership.user_id == user_id)
    ).scalar_one_or_none()


def has_training(project_id: int) -> bool:
    return bool(purpose_ids(project_id, "training"))


def is_qualified(project_id: int, user_id: int) -> bool:
    """True when the project has no training set, or the member passed it."""
    if not has_training(project_id):
        return True
    member = membership(project_id, user_id)
    return member is not None and (member.role != "annotator" or member.qualified_at is not None)


def qualified_ids(project_id: int, user_ids: list[int]) -> list[int]:
    """Those of ``user_ids`` who may get real work (all of them without a training set)."""
    if not has_training(project_id):
        return list(user_ids)
    ok = set(
        db.session.execute(
            select(Membership.user_id).where(
                Membership.project_id == project_id, Membership.qualified_at.is_not(None)
            )
        ).scalars()
    )
    return [u for u in user_ids if u in ok]


def attempts(project_id: int, user_id: int) -> list[TrainingAttempt]:
    return list(
        db.session.execute(
            select(TrainingAttempt)
            .where(TrainingAttempt.project_id == project_id, TrainingAttempt.user_id == user_id)
            .order_by(TrainingAttempt.number)
        ).scalars()
    )


def current_attempt(project_id: int, user_id: int) -> TrainingAttempt | None:
    tries = attempts(project_id, user_id)
    return tries[-1] if tries else None


def sync_training(project: Project) -> int:
    """Start a first attempt for every unqualified annotator without one, and add training
    items marked since to open attempts. Returns the number of assignments created."""
    ids = purpose_ids(project.id, "training")
    if not ids:
        return 0
    created = 0
    for user in annotators(project.id):
        member = membership(project.id, user.id)
        if member is None or member.qualified_at is not None:
            continue
        attempt = current_attempt(project.id, user.id)
        if attempt is None:
            created += _start(project, user.id, 1, ids)
        elif attempt.finished_at is None:
            new = [d for d in ids if d not in attempt.order]
            if new:
                attempt.order = [*attempt.order, *new]
                created += _assign(project.id, user.id, new)
    db.session.flush()
    return created


def _start(project: Project, user_id: int, number: int, ids: list[int]) -> int:
    order = list(ids)
    random.Random(f"{project.id}:{user_id}:{number}").shuffle(order)
    db.session.add(
        TrainingAttempt(project_id=project.id, user_id=user_id, number=number, order=order)
    )
    audit.record(project.id, "attempt", subject_id=user_id, number=number, items=len(order))
    return _assign(project.id, user_id, order)


def _assign(project_id: int, user_id: int, doc_ids: list[int]) -> int:
    have = set(
        db.session.execute(
            select(Assignment.document_id).where(
                Assignment.user_id == user_id, Assignment.document_id.in_(doc_ids)
            )
        ).scalars()
    )
    for doc in doc_ids:
        if doc not in have:
            db.session.add(Assignment(document_id=doc, user_id=user_id, project_id=project_id))
    db.session.flush()
    return len(set(doc_ids) - have)


def retry(user: User, project: Project, clear) -> TrainingAttempt:
    """A new attempt after a failed one, in a new order, while attempts are left.

    ``clear(user, document_ids)`` removes the annotator's spans and answers on the training
    items with their audit rows (``annotation.workflow.clear_work``)."""
    attempt = current_attempt(project.id, user.id)
    if attempt is None or attempt.passed is not False:
        raise ServiceError("There is no failed training attempt to retry.")
    if attempt.number >= project.training_attempts:
        raise ServiceError(
            f"All {project.training_attempts} training attempts are used; ask a lead."
        )
    ids = purpose_ids(project.id, "training")
    clear(user, ids)
    db.session.execute(
        delete(Assignment).where(Assignment.user_id == user.id, Assignment.document_id.in_(ids))
    )
    db.session.flush()
    _start(project, user.id, attempt.number + 1, ids)
    db.session.flush()
    return current_attempt(project.id, user.id)


def training_done(project: Project, user_id: int, document_id: int, item: ItemScore) -> bool:
    """After an item of the open attempt is done: finish the attempt when it is complete.
    True when the annotator has just qualified (the caller then assigns real work)."""
    attempt = current_attempt(project.id, user_id)
    if attempt is None or attempt.finished_at is not None or document_id not in attempt.order:
        return False
    item.attempt_id = attempt.id
    db.session.flush()
    scores = dict(
        db.session.execute(
            select(ItemScore.document_id, ItemScore.score).where(ItemScore.attempt_id == attempt.id)
        ).all()
    )
    if any(d not in scores for d in attempt.order):
        return False
    mean = sum(scores[d] for d in attempt.order) / len(attempt.order)
    attempt.score, attempt.finished_at = mean, utcnow()
    attempt.passed = mean >= project.training_pass
    detail = {"number": attempt.number, "score": round(mean, 4), "pass": project.training_pass}
    if attempt.passed:
        member = membership(project.id, user_id)
        member.qualified_at = utcnow()
        audit.record(project.id, "passed", subject_id=user_id, **detail)
    else:
        left = project.training_attempts - attempt.number
        audit.record(project.id, "failed", subject_id=user_id, attempts_left=left, **detail)
    db.session.flush()
    return bool(attempt.passed)


def qualify(actor: User, project: Project, user: User) -> bool:
    """A lead qualifies a member by hand (audited), e.g. one who trained elsewhere. True when
    they were not qualified before (the caller then assigns real work)."""
    member = membership(project.id, user.id)
    if member is None:
        raise ServiceError(f"{user.username} is not a member of this project.")
    if member.qualified_at is not None:
        return False
    member.qualified_at = utcnow()
    audit.record(project.id, "passed", subject_id=user.id, actor_id=actor.id, by_lead=True)
    db.session.flush()
    return True


def has_real_assignments(project_id: int) -> bool:
    """Whether the lead has assigned real work yet (passing then fills the newcomer's share)."""
    return bool(
        db.session.execute(
            select(func.count(Assignment.id))
            .join(Document, Document.id == Assignment.document_id)
            .where(Assignment.project_id == project_id, Document.purpose == "work")
        ).scalar_one()
    )


def standing(project: Project) -> list[dict]:
    """For leads: every annotator's training state (the waiting ones need the lead)."""
    training = has_training(project.id)
    out = []
    for user in annotators(project.id):
        member = membership(project.id, user.id)
        tries = attempts(project.id, user.id)
        last = tries[-1] if tries else None
        if not training or member.qualified_at is not None:
            state = "qualified"
        elif last is None or last.finished_at is None:
            state = "training"
        elif last.number >= project.training_attempts:
            state = "out of attempts"
        else:
            state = "may retry"
        out.append(
            {
                "user_id": user.id,
                "username": user.username,
                "state": state,
                "attempts": [
                    {"number": t.number, "score": t.score, "passed": t.passed} for t in tries
                ],
                "flagged": member.flagged,
                "paused": member.paused,
            }
        )
    return out
