"""Control items: gold articles mixed into real queues, scored, with running accuracy.

After every ``control_every`` real articles an annotator finishes, one control article they
have not seen is added to their queue and served before their other unstarted work. It is an
ordinary assignment on the ordinary page: nothing the annotator receives marks it. When they
finish it, it is scored against gold (``scoring``); it is *correct* when the item score reaches
the project's pass mark (``training_pass``). Running accuracy is correct / scored with a
Wilson 95% interval (``scipy.stats.binomtest``). With at least ``control_min_items`` scored,
accuracy below ``control_min_accuracy`` flags the annotator (and pauses them when
``control_pause`` is set); recovering clears the flag, but a pause stays until a lead resumes.
Every flag, pause and resume is audited.
"""

from __future__ import annotations

import random

from sqlalchemy import func, select

from annotator.extensions import db
from annotator.models import Assignment, Document, ItemScore, Project, User
from annotator.services.errors import ServiceError
from annotator.services.quality import audit
from annotator.services.quality.training import annotators, membership, purpose_ids


def wilson(correct: int, n: int, confidence: float = 0.95) -> tuple[float | None, float | None]:
    if n == 0:
        return None, None
    from scipy.stats import binomtest

    ci = binomtest(correct, n).proportion_ci(confidence_level=confidence, method="wilson")
    return float(ci.low), float(ci.high)


def _count(project_id: int, user_id: int, purpose: str, statuses=None) -> int:
    query = (
        select(func.count(Assignment.id))
        .join(Document, Document.id == Assignment.document_id)
        .where(
            Assignment.project_id == project_id,
            Assignment.user_id == user_id,
            Document.purpose == purpose,
        )
    )
    if statuses:
        query = query.where(Assignment.status.in_(statuses))
    return db.session.execute(query).scalar_one()


def maybe_serve(project: Project, user_id: int) -> int | None:
    """After a real article is done: queue a control article when one is due; its id."""
    every = project.control_every
    if not every:
        return None
    done = _count(project.id, user_id, "work", ("done", "skipped"))
    served = _count(project.id, user_id, "control")
    if done < (served + 1) * every:
        return None
    seen = set(
        db.session.execute(
            select(Assignment.document_id).where(Assignment.user_id == user_id)
        ).scalars()
    )
    fresh = [d for d in purpose_ids(project.id, "control") if d not in seen]
    if not fresh:
        return None
    doc = random.Random(f"{project.id}:{user_id}:{served}").choice(fresh)
    db.session.add(Assignment(document_id=doc, user_id=user_id, project_id=project.id))
    db.session.flush()
    return doc


def accuracy(project_id: int, user_id: int) -> dict:
    rows = db.session.execute(
        select(ItemScore.passed).where(
            ItemScore.project_id == project_id,
            ItemScore.user_id == user_id,
            ItemScore.purpose == "control",
        )
    ).scalars()
    results = list(rows)
    n, correct = len(results), sum(results)
    low, high = wilson(correct, n)
    return {
        "n": n,
        "correct": correct,
        "accuracy": correct / n if n else None,
        "low": low,
        "high": high,
    }


def check(project: Project, user_id: int) -> dict:
    """Recompute the annotator's control accuracy and flag / pause / unflag (audited)."""
    acc = accuracy(project.id, user_id)
    member = membership(project.id, user_id)
    if member is None:
        return acc
    below = acc["n"] >= project.control_min_items and acc["accuracy"] < project.control_min_accuracy
    figures = {
        "accuracy": round(acc["accuracy"], 4) if acc["n"] else None,
        "n": acc["n"],
        "low": round(acc["low"], 4) if acc["low"] is not None else None,
        "high": round(acc["high"], 4) if acc["high"] is not None else None,
        "threshold": project.control_min_accuracy,
    }
    if below and not member.flagged:
        member.flagged = True
        audit.record(project.id, "flagged", subject_id=user_id, **figures)
    elif not below and member.flagged:
        member.flagged = False
        audit.record(project.id, "unflagged", subject_id=user_id, **figures)
    if below and project.control_pause and not member.paused:
        member.paused = True
        audit.record(project.id, "paused", subject_id=user_id, **figures)
    db.session.flush()
    return acc


def set_paused(actor: User, project: Project, user: User, paused: bool) -> None:
    member = membership(project.id, user.id)
    if member is None:
        raise ServiceError(f"{user.username} is not a member of this project.")
    if member.paused != paused:
        member.paused = paused
        audit.record(
            project.id, "paused" if paused else "resumed", subject_id=user.id, actor_id=actor.id
        )
        db.session.flush()


def is_paused(project_id: int, user_id: int) -> bool:
    member = membership(project_id, user_id)
    return bool(member and member.paused)


def overview(project: Project) -> list[dict]:
    """For leads: every annotator's control accuracy, interval, flag and pause."""
    out = []
    for user in annotators(project.id):
        member = membership(project.id, user.id)
        acc = accuracy(project.id, user.id)
        out.append(
            {
                "user_id": user.id,
                "username": user.username,
                **acc,
                "served": _count(project.id, user.id, "control"),
                "flagged": member.flagged,
                "paused": member.paused,
            }
        )
    return out
