"""Giving each article to k distinct annotators with balanced workloads.

Re-running only fills gaps: started work (in progress, done, skipped) is never taken away.
Unstarted assignments may move from the busiest annotator to the least busy one so that
workloads differ by at most one wherever the k-distinct rule allows it.

Only real articles (``Document.purpose == "work"``) are assigned, and only to qualified
annotators (all of them when the project has no training set; see ``services/quality``):
k per article and the workload balance count neither training nor control items, nor
annotators still in training. Those get their training items here instead.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import delete, insert, select

from annotator.extensions import db
from annotator.models import Assignment, Document, Project
from annotator.services.errors import ServiceError
from annotator.services.projects.projects import annotators
from annotator.services.quality.training import qualified_ids, sync_training
from annotator.wording import plural


@dataclass
class AssignReport:
    created: int = 0
    moved: int = 0
    annotators: int = 0
    unfilled: int = 0
    in_training: int = 0  # annotators not yet qualified: given their training items only

    def summary(self) -> str:
        text = (
            f"Created {plural(self.created, 'assignment')} "
            f"for {plural(self.annotators, 'annotator')}"
        )
        if self.moved:
            text += f", moved {plural(self.moved, 'unstarted one')} to balance workloads"
        if self.unfilled:
            have = "has" if self.unfilled == 1 else "have"
            text += f"; {plural(self.unfilled, 'article')} {have} fewer than k annotators available"
        if self.in_training:
            are = "is" if self.in_training == 1 else "are"
            text += (
                f"; {plural(self.in_training, 'annotator')} {are} still in training (not counted)"
            )
        return text + "."


def assign(project: Project, per_doc: int | None = None) -> AssignReport:
    k = per_doc or project.per_doc
    if k < 1:
        raise ServiceError("Each article needs at least one annotator (k >= 1).")
    everyone = [u.id for u in annotators(project)]
    if not everyone:
        raise ServiceError("The project has no annotators to assign articles to.")
    sync_training(project)
    people = qualified_ids(project.id, everyone)
    report = AssignReport(annotators=len(people))
    report.in_training = len(everyone) - len(people)
    if not people:
        db.session.flush()
        return report
    docs = (
        db.session.execute(
            select(Document.id)
            .where(Document.project_id == project.id, Document.purpose == "work")
            .order_by(Document.id)
        )
        .scalars()
        .all()
    )
    current = db.session.execute(
        select(Assignment.id, Assignment.document_id, Assignment.user_id, Assignment.status)
        .join(Document, Document.id == Assignment.document_id)
        .where(Assignment.project_id == project.id, Document.purpose == "work")
    ).all()
    members = set(people)
    on_doc: dict[int, set[int]] = defaultdict(set)
    load = {uid: 0 for uid in people}
    movable: dict[int, list[tuple[int, int]]] = defaultdict(list)  # user -> (assignment, doc)
    for aid, doc, uid, status in current:
        on_doc[doc].add(uid)
        if uid in members:
            load[uid] += 1
            if status == "todo":
                movable[uid].append((aid, doc))
    new: list[dict] = []
    for doc in docs:
        while len(on_doc[doc]) < k:
            free = [u for u in people if u not in on_doc[doc]]
            if not free:
                report.unfilled += 1
                break
            uid = min(free, key=lambda u: (load[u], u))
            on_doc[doc].add(uid)
            load[uid] += 1
            new.append({"document_id": doc, "user_id": uid, "project_id": project.id})
    report.moved = _rebalance(project, people, load, on_doc, movable)
    if new:
        db.session.execute(insert(Assignment), new)
    report.created = len(new)
    db.session.flush()
    return report


def _rebalance(project, people, load, on_doc, movable) -> int:
    """Move unstarted assignments from the busiest to the least busy annotators."""
    moved = 0
    while True:
        low = min(people, key=lambda u: (load[u], u))
        # The busiest annotator that has unstarted work to give (not always the busiest one).
        donors = sorted((u for u in people if load[u] - load[low] > 1), key=lambda u: (-load[u], u))
        pick = None
        for high in donors:
            choice = next(((a, d) for a, d in movable[high] if low not in on_doc[d]), None)
            if choice is not None:
                pick = (high, choice)
                break
        if pick is None:
            return moved
        high, choice = pick
        aid, doc = choice
        movable[high].remove(choice)
        db.session.execute(delete(Assignment).where(Assignment.id == aid))
        db.session.execute(
            insert(Assignment), [{"document_id": doc, "user_id": low, "project_id": project.id}]
        )
        on_doc[doc].discard(high)
        on_doc[doc].add(low)
        load[high] -= 1
        load[low] += 1
        moved += 1
