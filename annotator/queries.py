"""The one adapter from database rows to plain records (``annotator.records``).

Streams documents in id-ordered batches with one span query and one answer query per batch,
reading columns (not ORM objects), so exports and reports run in constant memory.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import Text, select, type_coerce

from annotator.extensions import db
from annotator.models import (
    Assignment,
    Document,
    DocumentAnswer,
    DocumentQuestion,
    GoldSpan,
    Label,
    Span,
    User,
)
from annotator.records import AnswerRecord, AttributeDef, DocumentRecord, LabelRecord, SpanRecord


@dataclass(frozen=True)
class Selection:
    """Which work to read: annotator and label names, and whether only finished work counts."""

    annotators: frozenset[str] | None = None
    labels: frozenset[str] | None = None
    done_only: bool = False


def label_records(project_id: int) -> list[LabelRecord]:
    labels = db.session.execute(
        select(Label).where(Label.project_id == project_id).order_by(Label.order, Label.id)
    ).scalars()
    return [
        LabelRecord(
            name=lb.name,
            color=lb.color,
            shortcut=lb.shortcut,
            description=lb.description,
            attributes=tuple(
                AttributeDef(a["name"], a["type"], tuple(a.get("options", ())))
                for a in lb.attributes or []
            ),
        )
        for lb in labels
    ]


def link_attributes(project_id: int) -> dict[str, tuple[str, ...]]:
    """Label name -> names of its link attributes."""
    rows = db.session.execute(
        select(Label.name, Label.attributes).where(Label.project_id == project_id)
    )
    return {
        name: tuple(a["name"] for a in attrs or [] if a.get("type") == "link")
        for name, attrs in rows
    }


def iter_documents(
    project_id: int,
    selection: Selection | None = None,
    *,
    batch: int = 500,
    document_ids: Iterable[int] | None = None,
) -> Iterator[DocumentRecord]:
    selection = selection or Selection()
    users = dict(db.session.execute(select(User.id, User.username)).all())
    labels = dict(
        db.session.execute(select(Label.id, Label.name).where(Label.project_id == project_id)).all()
    )
    links = link_attributes(project_id)
    questions = dict(
        db.session.execute(
            select(DocumentQuestion.id, DocumentQuestion.name).where(
                DocumentQuestion.project_id == project_id
            )
        ).all()
    )
    wanted_users = _ids(users, selection.annotators)
    wanted_labels = _ids(labels, selection.labels)
    last = 0
    only = sorted(set(document_ids)) if document_ids is not None else None
    while True:
        query = (
            select(
                Document.id,
                Document.external_id,
                Document.title,
                Document.text,
                Document.outlet,
                Document.author,
                Document.url,
                Document.published,
                Document.meta,
            )
            .where(Document.project_id == project_id, Document.id > last)
            .order_by(Document.id)
            .limit(batch)
        )
        if only is not None:
            query = query.where(Document.id.in_(only))
        rows = db.session.execute(query).all()
        if not rows:
            return
        ids = [r.id for r in rows]
        last = ids[-1]
        allowed = _finished(ids) if selection.done_only else None
        external = {r.id: r.external_id for r in rows}
        spans = _spans(external, users, labels, wanted_users, wanted_labels, allowed, links)
        answers = _answers(external, users, questions, wanted_users, allowed)
        gold = _gold(external, labels, wanted_labels)
        for r in rows:
            if allowed is not None and not allowed.get(r.id):
                continue
            yield DocumentRecord(
                id=r.external_id,
                text=r.text,
                title=r.title,
                outlet=r.outlet,
                author=r.author,
                url=r.url,
                published=r.published.isoformat() if r.published else "",
                meta=r.meta or {},
                spans=tuple(spans.get(r.id, ())),
                answers=tuple(answers.get(r.id, ())),
                gold=tuple(gold.get(r.id, ())),
            )


def _ids(names_by_id: dict[int, str], wanted: frozenset[str] | None) -> set[int] | None:
    if wanted is None:
        return None
    return {i for i, name in names_by_id.items() if name in wanted}


def _finished(doc_ids: list[int]) -> dict[int, set[int]]:
    done: dict[int, set[int]] = defaultdict(set)
    for doc, user in db.session.execute(
        select(Assignment.document_id, Assignment.user_id).where(
            Assignment.document_id.in_(doc_ids), Assignment.status == "done"
        )
    ):
        done[doc].add(user)
    return done


def _spans(external, users, labels, wanted_users, wanted_labels, allowed, links):
    """Spans per document with document-local ids ``T1..Tn`` (stable across a re-import: in
    order of start, end, annotator, label, then insertion) and link attributes rewritten from
    database ids to those local ids."""
    rows: dict[int, list[tuple]] = defaultdict(list)
    query = select(
        Span.document_id,
        Span.user_id,
        Span.label_id,
        Span.start,
        Span.end,
        Span.text,
        type_coerce(Span.attributes, Text),
        Span.note,
        Span.guidelines_version,
        Span.id,
    ).where(Span.document_id.in_(list(external)))
    # Core, not the ORM, and JSON parsed only when not empty: exports read millions of rows.
    for (
        doc,
        user,
        label,
        start,
        end,
        text,
        attrs,
        note,
        version,
        span_id,
    ) in db.session.connection().execute(query).fetchall():
        if wanted_users is not None and user not in wanted_users:
            continue
        if wanted_labels is not None and label not in wanted_labels:
            continue
        if allowed is not None and user not in allowed.get(doc, ()):
            continue
        if isinstance(attrs, str):
            attrs = json.loads(attrs) if attrs not in ("{}", "null") else None
        rows[doc].append(
            (start, end, users[user], labels[label], span_id, text, attrs, note, version)
        )
    out: dict[int, list[SpanRecord]] = {}
    for doc, items in rows.items():
        items.sort()
        local = {item[4]: f"T{n}" for n, item in enumerate(items, start=1)}
        out[doc] = [
            SpanRecord(
                external[doc],
                who,
                label,
                start,
                end,
                text,
                _local_links(attrs, links.get(label, ()), local),
                note or "",
                version,
                local[span_id],
            )
            for start, end, who, label, span_id, text, attrs, note, version in items
        ]
    return out


def _local_links(attrs: dict | None, link_names, local: dict[int, str]) -> dict:
    if not attrs:
        return {}
    if not link_names:
        return attrs
    out = dict(attrs)
    for name in link_names:
        value = out.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            out[name] = local.get(value, "")  # a link to a span outside this selection
    return out


def _answers(external, users, questions, wanted_users, allowed):
    out: dict[int, list[AnswerRecord]] = defaultdict(list)
    rows = db.session.execute(
        select(
            DocumentAnswer.document_id,
            DocumentAnswer.user_id,
            DocumentAnswer.question_id,
            DocumentAnswer.value,
        )
        .where(DocumentAnswer.document_id.in_(list(external)))
        .order_by(DocumentAnswer.document_id, DocumentAnswer.user_id, DocumentAnswer.question_id)
    )
    for doc, user, question, value in rows:
        if wanted_users is not None and user not in wanted_users:
            continue
        if allowed is not None and user not in allowed.get(doc, ()):
            continue
        out[doc].append(AnswerRecord(external[doc], users[user], questions[question], value))
    return out


def _gold(external, labels, wanted_labels) -> dict[int, list[SpanRecord]]:
    """Gold spans (annotator ``"gold"``, ids ``G1..Gn`` per document, in text order)."""
    out: dict[int, list[SpanRecord]] = defaultdict(list)
    rows = db.session.execute(
        select(
            GoldSpan.document_id,
            GoldSpan.label_id,
            GoldSpan.start,
            GoldSpan.end,
            GoldSpan.text,
            GoldSpan.attributes,
        )
        .where(GoldSpan.document_id.in_(list(external)))
        .order_by(GoldSpan.document_id, GoldSpan.start, GoldSpan.end, GoldSpan.id)
    )
    for doc, label, start, end, text, attrs in rows:
        if wanted_labels is not None and label not in wanted_labels:
            continue
        n = len(out[doc]) + 1
        out[doc].append(
            SpanRecord(
                external[doc],
                "gold",
                labels[label],
                start,
                end,
                text,
                dict(attrs or {}),
                id=f"G{n}",
            )
        )
    return out
