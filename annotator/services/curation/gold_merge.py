"""Auto-merge runs: read a project's records, apply ``adjudication.merge_document`` to each
article and store the proposed gold with its audit rows. Idempotent (see ``adjudication``)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import Any

from sqlalchemy import select

from annotator.adjudication import MergeRule, merge_document
from annotator.extensions import db
from annotator.models import (
    Assignment,
    Document,
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
    """Auto-merge every (or the given) document of the project into gold; returns counts."""
    labels = {
        lb.name: lb
        for lb in db.session.execute(select(Label).where(Label.project_id == project.id)).scalars()
    }
    questions = {q.name: q.id for q in project.questions}
    links = link_attributes(project.id)
    done = _done_annotators(project.id)
    added: dict[str, int] = defaultdict(int)
    answers = documents = 0
    open_questions = 0
    ids = dict(
        db.session.execute(select(Document.external_id, Document.id).where(
            Document.project_id == project.id
        )).all()
    )  # fmt: skip
    for record in list(iter_documents(project.id, document_ids=document_ids)):
        doc_id = ids[record.id]
        spans = [_without_links(s, links.get(s.label, ())) for s in record.spans]
        existing = (
            db.session.execute(select(GoldSpan).where(GoldSpan.document_id == doc_id))
            .scalars()
            .all()
        )
        names = {lb.id: name for name, lb in labels.items()}
        result = merge_document(
            spans,
            done.get(doc_id, set()) | {a.annotator for a in record.answers},
            rule,
            answers=record.answers,
            existing=[(names[g.label_id], g.start, g.end) for g in existing],
            rejected=_rejected(doc_id),
            gold_questions=_question_names(doc_id, questions),
        )
        documents += 1
        open_questions += len(result.open_questions)
        for cand in result.spans:
            label = labels[cand.label]
            gold = GoldSpan(
                document_id=doc_id,
                label_id=label.id,
                start=cand.start,
                end=cand.end,
                text=record.text[cand.start : cand.end],
                attributes=cand.attributes,
                provenance=cand.provenance,
                source="auto",
                adjudicated_by=user.id if user else None,
                version=1,
            )
            db.session.add(gold)
            db.session.flush()
            _event(doc_id, user, "create", gold.id, None, gold_dict(gold, cand.label))
            added[cand.label] += 1
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
        "rule": {"min_votes": rule.min_votes, "match": rule.match},
    }


def _without_links(span, link_names):
    if not link_names or not span.attributes:
        return span
    attrs = {k: v for k, v in span.attributes.items() if k not in link_names}
    return dataclasses.replace(span, attributes=attrs)


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
        return MergeRule(min_votes=min_votes, match=data.get("match", "exact"))
    except ValueError as exc:
        raise ServiceError(str(exc)) from None
