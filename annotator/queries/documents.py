"""A project's documents as records, read in id-ordered batches.

Streams documents in id-ordered batches with one query each for documents, spans, answers and
gold per batch, reading columns (not ORM objects), so exports and reports run in constant
memory. Documents and spans, the bulk of an export, come as the driver's plain tuples.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import Text, bindparam, cast, select

from annotator.extensions import db
from annotator.models import (
    Assignment,
    Document,
    DocumentAnswer,
    DocumentQuestion,
    GoldAnswer,
    GoldSpan,
    Label,
    User,
)
from annotator.queries.labels import link_attributes
from annotator.queries.rows import json_object, plain_rows
from annotator.queries.spans import gold_records, span_query, span_records, span_rows
from annotator.records import AnswerRecord, DocumentRecord


@dataclass(frozen=True)
class Selection:
    """Which work to read: annotator and label names, whether only finished work counts, and
    which articles: real work (``purpose="work"``, the default) or the training or control
    items, which never mix with real work in agreement, gold or exports; ``None``: every
    article (the read API pages through what the caller may open, whatever its purpose)."""

    annotators: frozenset[str] | None = None
    labels: frozenset[str] | None = None
    done_only: bool = False
    purpose: str | None = "work"


def iter_documents(
    project_id: int,
    selection: Selection | None = None,
    *,
    batch: int = 500,
    document_ids: Iterable[int] | None = None,
) -> Iterator[DocumentRecord]:
    """The project's documents in id order with their spans, answers and gold, in batches."""
    selection = selection or Selection()
    users = dict(db.session.execute(select(User.id, User.username)).all())
    labels = dict(
        db.session.execute(select(Label.id, Label.name).where(Label.project_id == project_id)).all()
    )
    links = {name: names for name, names in link_attributes(project_id).items() if names}
    questions = dict(
        db.session.execute(
            select(DocumentQuestion.id, DocumentQuestion.name).where(
                DocumentQuestion.project_id == project_id
            )
        ).all()
    )
    wanted_users = _ids(users, selection.annotators)
    wanted_labels = _ids(labels, selection.labels)
    only = sorted(set(document_ids)) if document_ids is not None else None
    queries = _BatchQueries(
        project_id, batch, only is not None, selection, wanted_users, wanted_labels
    )
    last = 0
    while True:
        wanted = {"after": last}
        if only is not None:  # the next ``batch`` of the listed ids
            start = bisect_right(only, last)
            wanted["listed"] = only[start : start + batch]
            if not wanted["listed"]:
                return
        rows = plain_rows(queries.documents, wanted)
        if not rows:
            if only is None:
                return
            last = wanted["listed"][-1]  # none of these is the project's: on to the next
            continue
        ids = [r[0] for r in rows]
        last = ids[-1]
        params = {"ids": ids} if only is not None else {"first": ids[0], "last": last}
        finished = _finished(queries.finished, params)
        allowed = finished if selection.done_only else None
        external = {r[0]: r[1] for r in rows}
        spans = span_rows(queries.spans, params)
        answers = _answers(queries.answers, params, external, users, questions, allowed)
        gold = gold_records(queries.gold, params, external, labels, links)
        gold_answers = _gold_answers(queries.gold_answers, params, external, questions)
        for doc_id, external_id, title, text, outlet, author, url, published, meta in rows:
            if allowed is not None and not allowed.get(doc_id):
                continue
            doc_spans = spans.get(doc_id)
            yield DocumentRecord(
                external_id,
                text,
                title,
                outlet,
                author,
                url,
                _iso_date(published),
                {} if meta == "{}" else json_object(meta),
                tuple(span_records(external_id, text, doc_spans, users, labels, links))
                if doc_spans
                else (),
                tuple(answers.get(doc_id, ())),
                tuple(gold.get(doc_id, ())),
                tuple(gold_answers.get(doc_id, ())),
                tuple(sorted(users[u] for u in finished.get(doc_id, ()))),
            )


class _BatchQueries:
    """The statements of one read, built once and run per batch with its parameters:
    ``after`` (the last id read) and ``listed`` (ids the caller asked for, if any) for the
    documents; the batch's id range ``first``..``last``, or its ``ids`` when listed, for the
    rest. Filters of the selection are part of the statements."""

    def __init__(self, project_id, batch, listed, selection, wanted_users, wanted_labels):
        # "+ 0": SQLite walks the primary key in id order instead of using the project index,
        # which would sort the whole project for every batch
        walk = Document.project_id + 0 == project_id
        purpose = () if selection.purpose is None else (Document.purpose == selection.purpose,)
        self.documents = (
            select(
                Document.id,
                Document.external_id,
                Document.title,
                Document.text,
                Document.outlet,
                Document.author,
                Document.url,
                Document.published,
                cast(Document.meta, Text),
            )
            .where(walk, *purpose, Document.id > bindparam("after"))
            .order_by(Document.id)
            .limit(batch)
        )
        if listed:
            self.documents = self.documents.where(
                Document.id.in_(bindparam("listed", expanding=True))
            )
            batch_ids = bindparam("ids", expanding=True)
        else:  # a subquery over the batch's range: no list of ids goes through the driver
            batch_ids = select(Document.id).where(
                walk,
                *purpose,
                Document.id.between(bindparam("first"), bindparam("last")),
            )

        def in_batch(column):
            return column.in_(batch_ids)

        self.finished = select(Assignment.document_id, Assignment.user_id).where(
            in_batch(Assignment.document_id), Assignment.status == "done"
        )
        if wanted_users is not None:
            self.finished = self.finished.where(Assignment.user_id.in_(wanted_users))
        self.spans = span_query(in_batch, wanted_users, wanted_labels, selection.done_only)
        self.answers = (
            select(
                DocumentAnswer.document_id,
                DocumentAnswer.user_id,
                DocumentAnswer.question_id,
                DocumentAnswer.value,
            )
            .where(in_batch(DocumentAnswer.document_id))
            .order_by(
                DocumentAnswer.document_id, DocumentAnswer.user_id, DocumentAnswer.question_id
            )
        )
        if wanted_users is not None:
            self.answers = self.answers.where(DocumentAnswer.user_id.in_(wanted_users))
        self.gold = (
            select(
                GoldSpan.document_id,
                GoldSpan.label_id,
                GoldSpan.start,
                GoldSpan.end,
                GoldSpan.text,
                GoldSpan.attributes,
                GoldSpan.id,
                GoldSpan.notes,
                GoldSpan.fragments,
            )
            .where(in_batch(GoldSpan.document_id))
            .order_by(GoldSpan.document_id, GoldSpan.start, GoldSpan.end, GoldSpan.id)
        )
        if wanted_labels is not None:
            self.gold = self.gold.where(GoldSpan.label_id.in_(wanted_labels))
        self.gold_answers = (
            select(GoldAnswer.document_id, GoldAnswer.question_id, GoldAnswer.value)
            .where(in_batch(GoldAnswer.document_id))
            .order_by(GoldAnswer.document_id, GoldAnswer.question_id)
        )


def _iso_date(value) -> str:
    """A date column as ``YYYY-MM-DD``: SQLite returns that text, PostgreSQL a date."""
    if not value:
        return ""
    return value if isinstance(value, str) else value.isoformat()


def _ids(names_by_id: dict[int, str], wanted: frozenset[str] | None) -> set[int] | None:
    if wanted is None:
        return None
    return {i for i, name in names_by_id.items() if name in wanted}


def _finished(query, params: dict) -> dict[int, set[int]]:
    done: dict[int, set[int]] = defaultdict(set)
    for doc, user in db.session.connection().execute(query, params):
        done[doc].add(user)
    return done


def _answers(query, params, external, users, questions, allowed):
    out: dict[int, list[AnswerRecord]] = defaultdict(list)
    for doc, user, question, value in db.session.connection().execute(query, params):
        if allowed is not None and user not in allowed.get(doc, ()):
            continue
        out[doc].append(AnswerRecord(external[doc], users[user], questions[question], value))
    return out


def _gold_answers(query, params, external, questions):
    """Curated answers per document, as answers of annotator ``"gold"``."""
    out: dict[int, list[AnswerRecord]] = defaultdict(list)
    for doc, question, value in db.session.connection().execute(query, params):
        out[doc].append(AnswerRecord(external[doc], "gold", questions[question], value))
    return out
