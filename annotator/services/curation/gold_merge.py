"""Auto-merge runs: read a project's records, apply ``adjudication.merge_document`` to each
article and store the proposed gold with its audit rows. Idempotent (see ``adjudication``)."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import select

from annotator.adjudication import REASONS, MergeRule, merge_document
from annotator.extensions import db
from annotator.models import (
    Assignment,
    Document,
    DocumentCuration,
    GoldAnswer,
    GoldEvent,
    GoldSpan,
    Label,
    Project,
    User,
)
from annotator.queries import iter_documents, link_attributes
from annotator.services.curation.gold import _event, _started, gold_answers, gold_dict
from annotator.services.errors import ServiceError


def run_merge(
    user: User | None, project: Project, rule: MergeRule, document_ids=None
) -> dict[str, Any]:
    """Auto-merge every (or the given) document of the project into gold; returns counts.

    Agreed attributes and links go into gold (links pointing at gold span ids), split votes
    into ``GoldSpan.disputes``; the candidates that did not become gold are stored on the
    article's ``DocumentCuration.unmerged`` and counted by reason in the summary."""
    labels = {
        lb.name: lb
        for lb in db.session.execute(select(Label).where(Label.project_id == project.id)).scalars()
    }
    names = {lb.id: name for name, lb in labels.items()}
    questions = {q.name: q.id for q in project.questions}
    links = {label: names_ for label, names_ in link_attributes(project.id).items() if names_}
    done = _done_annotators(project.id)
    added: dict[str, int] = defaultdict(int)
    reasons: Counter[str] = Counter()
    answers = documents = open_questions = disputed = linked = 0
    ids = dict(
        db.session.execute(select(Document.external_id, Document.id).where(
            Document.project_id == project.id
        )).all()
    )  # fmt: skip
    model_labels: dict[str, dict[str, str]] = {}
    if rule.aggregation != "majority":  # a reliability model fitted on the whole project
        from annotator.services.quality.reliability import question_labels

        model_labels = question_labels(project, rule.aggregation)
    for record in list(iter_documents(project.id, document_ids=document_ids)):
        doc_id = ids[record.id]
        existing = (
            db.session.execute(select(GoldSpan).where(GoldSpan.document_id == doc_id))
            .scalars()
            .all()
        )
        result = merge_document(
            record.spans,
            done.get(doc_id, set()) | {a.annotator for a in record.answers},
            rule,
            answers=record.answers,
            existing=[(names[g.label_id], g.start, g.end) for g in existing],
            rejected=_rejected(doc_id),
            gold_questions=_question_names(doc_id, questions),
            links=links,
            answer_labels=model_labels.get(record.id) if rule.aggregation != "majority" else None,
        )
        documents += 1
        open_questions += len(result.open_questions)
        reasons.update(u.reason for u in result.unmerged)
        _store_unmerged(doc_id, result)
        gold_ids = {(names[g.label_id], g.start, g.end): g.id for g in existing}
        pieces: dict[tuple, set] = defaultdict(set)  # a discontinuous span's fragments
        for s in record.spans:
            pieces[(s.label, s.start, s.end)].add(s.fragments)
        created = []
        for cand in result.spans:
            shared = pieces.get((cand.label, cand.start, cand.end), set())
            gold = GoldSpan(
                document_id=doc_id,
                label_id=labels[cand.label].id,
                start=cand.start,
                end=cand.end,
                text=record.text[cand.start : cand.end],
                attributes=dict(cand.attributes),
                disputes=cand.disputes or None,
                notes=cand.notes or None,
                provenance=cand.provenance,
                # the supporters' fragments when they all drew the same ones (else the hull)
                fragments=[list(f) for f in next(iter(shared))] or None
                if len(shared) == 1
                else None,
                source="auto",
                adjudicated_by=user.id if user else None,
                version=1,
            )
            db.session.add(gold)
            created.append((cand, gold))
            added[cand.label] += 1
            disputed += bool(cand.disputes)
        db.session.flush()
        gold_ids.update((cand.key, gold.id) for cand, gold in created)
        for cand, gold in created:
            if cand.links:
                gold.attributes = {
                    **gold.attributes,
                    **{name: gold_ids[key] for name, key in cand.links.items()},
                }
                linked += len(cand.links)
            _event(doc_id, user, "create", gold.id, None, gold_dict(gold, cand.label))
        for answer in result.answers:
            db.session.add(
                GoldAnswer(
                    document_id=doc_id,
                    question_id=questions[answer.question],
                    value=answer.value,
                    provenance=answer.provenance,
                    adjudicated_by=user.id if user else None,
                )
            )
            after = {"question": answer.question, "value": answer.value}
            _event(doc_id, user, "answer", None, None, after)
            answers += 1
        if result.spans or result.answers:
            _started(user, doc_id)
    db.session.flush()
    return {
        "documents": documents,
        "gold_spans_added": sum(added.values()),
        "per_label": dict(sorted(added.items())),
        "gold_answers_added": answers,
        "open_questions": open_questions,
        "links_added": linked,
        "spans_with_disputes": disputed,
        "unmerged": dict(sorted(reasons.items())),
        "rule": {"min_votes": rule.min_votes, "match": rule.match},
    }


def _store_unmerged(document_id: int, result) -> None:
    """The candidates of this run that need a curator's eye (not those already gold)."""
    rows = [u.as_dict() for u in result.unmerged if u.reason != "already_gold"]
    curation = db.session.execute(
        select(DocumentCuration).where(DocumentCuration.document_id == document_id)
    ).scalar_one_or_none()
    if curation is None:
        if not rows:
            return
        curation = DocumentCuration(document_id=document_id, status="open")
        db.session.add(curation)
    curation.unmerged = rows or None


def describe_unmerged(counts: dict[str, int]) -> str:
    """``"3 not merged: 2 tied with an overlapping boundary, 1 ..."``, or ``""``."""
    if not counts:
        return ""
    parts = ", ".join(f"{n} {REASONS.get(reason, reason)}" for reason, n in counts.items())
    return f"{sum(counts.values())} candidates not merged: {parts}"


def _done_annotators(project_id: int) -> dict[int, set[str]]:
    out: dict[int, set[str]] = defaultdict(set)
    for doc, name in db.session.execute(
        select(Assignment.document_id, User.username)
        .join(User, User.id == Assignment.user_id)
        .where(Assignment.project_id == project_id, Assignment.status == "done")
    ):
        out[doc].add(name)
    return out


def _rejected(document_id: int) -> set[tuple[str, int, int]]:
    rows = db.session.execute(
        select(GoldEvent.before).where(
            GoldEvent.document_id == document_id, GoldEvent.action == "reject"
        )
    ).scalars()
    return {(b["label"], b["start"], b["end"]) for b in rows if b}


def _question_names(document_id: int, questions: dict[str, int]) -> set[str]:
    have = set(gold_answers(document_id))
    return {name for name, qid in questions.items() if str(qid) in have}


def parse_rule(data: dict) -> MergeRule:
    """A MergeRule from a request body (``min_votes``, ``match``); ServiceError when bad."""
    min_votes = data.get("min_votes")
    if min_votes is not None and (
        isinstance(min_votes, bool) or not isinstance(min_votes, int) or not 1 <= min_votes <= 100
    ):
        raise ServiceError("'min_votes' must be an integer from 1 to 100 (or null: majority).")
    try:
        return MergeRule(
            min_votes=min_votes,
            match=data.get("match", "exact"),
            aggregation=data.get("aggregation", "majority"),
        )
    except ValueError as exc:
        raise ServiceError(str(exc)) from None
