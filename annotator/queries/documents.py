"""The one adapter from database rows to plain records (``annotator.records``).

Streams documents in id-ordered batches with one query each for documents, spans, answers and
gold per batch, reading columns (not ORM objects), so exports and reports run in constant
memory. Documents and spans, the bulk of an export, come as the driver's plain tuples.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter, itemgetter

from sqlalchemy import Text, bindparam, cast, select

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
        rows = _plain_rows(queries.documents, wanted)
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
        spans = _span_rows(queries.spans, params)
        answers = _answers(queries.answers, params, external, users, questions, allowed)
        gold = _gold(queries.gold, params, external, labels, links)
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
                {} if meta == "{}" else _json_object(meta),
                tuple(_span_records(external_id, text, doc_spans, users, labels, links))
                if doc_spans
                else (),
                tuple(answers.get(doc_id, ())),
                tuple(gold.get(doc_id, ())),
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
            .where(walk, Document.id > bindparam("after"))
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
                walk, Document.id.between(bindparam("first"), bindparam("last"))
            )

        def in_batch(column):
            return column.in_(batch_ids)

        self.finished = select(Assignment.document_id, Assignment.user_id).where(
            in_batch(Assignment.document_id), Assignment.status == "done"
        )
        if wanted_users is not None:
            self.finished = self.finished.where(Assignment.user_id.in_(wanted_users))
        self.spans = _span_query(in_batch, wanted_users, wanted_labels, selection.done_only)
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
            )
            .where(in_batch(GoldSpan.document_id))
            .order_by(GoldSpan.document_id, GoldSpan.start, GoldSpan.end, GoldSpan.id)
        )
        if wanted_labels is not None:
            self.gold = self.gold.where(GoldSpan.label_id.in_(wanted_labels))


def _plain_rows(query, params: dict) -> list[tuple]:
    """All rows of ``query`` as the driver's tuples (no Row objects, no type processing)."""
    result = db.session.connection().execute(query, params)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def _iso_date(value) -> str:
    """A date column as ``YYYY-MM-DD``: SQLite returns that text, PostgreSQL a date."""
    if not value:
        return ""
    return value if isinstance(value, str) else value.isoformat()


_scan = json.JSONDecoder().scan_once  # json.loads without its Python-level wrapper


def _json_object(value: str | None) -> dict:
    """A JSON column's object from its text (``null`` and SQL NULL read as empty)."""
    if not value:
        return {}
    try:
        decoded, end = _scan(value, 0)
    except StopIteration:
        end = -1
    if end != len(value):
        decoded = json.loads(value)  # leading or trailing space, or an error to raise
    return decoded or {}


def _ids(names_by_id: dict[int, str], wanted: frozenset[str] | None) -> set[int] | None:
    if wanted is None:
        return None
    return {i for i, name in names_by_id.items() if name in wanted}


def _finished(query, params: dict) -> dict[int, set[int]]:
    done: dict[int, set[int]] = defaultdict(set)
    for doc, user in db.session.connection().execute(query, params):
        done[doc].add(user)
    return done


def _span_query(in_batch, wanted_users, wanted_labels, done_only):
    """Span rows ``(document, user, label, start, end, attributes, note, version, id)``,
    filtered by the database and read in index order (document, user, id).

    The stored covered text is not read: it equals the document's ``text[start:end]``
    (checked whenever a span is written), and slicing is cheaper than reading it."""
    query = (
        select(
            Span.document_id,
            Span.user_id,
            Span.label_id,
            Span.start,
            Span.end,
            cast(Span.attributes, Text),  # JSON text on every database, decoded on demand
            Span.note,
            Span.guidelines_version,
            Span.id,
        )
        .where(in_batch(Span.document_id))
        .order_by(Span.document_id, Span.user_id, Span.id)
    )
    if wanted_users is not None:
        query = query.where(Span.user_id.in_(wanted_users))
    if wanted_labels is not None:
        query = query.where(Span.label_id.in_(wanted_labels))
    if done_only:
        query = query.join(
            Assignment,
            (Assignment.document_id == Span.document_id)
            & (Assignment.user_id == Span.user_id)
            & (Assignment.status == "done"),
        )
    return query


def _span_rows(query, params: dict) -> dict[int, list[tuple]]:
    """The batch's span rows per document."""
    return {doc: list(group) for doc, group in groupby(_plain_rows(query, params), itemgetter(0))}


_ORDER = attrgetter("start", "end", "annotator", "label")


def _span_records(
    document_id: str, text: str, rows: list[tuple], users, labels, links
) -> list[SpanRecord]:
    """Records in text order (start, end, annotator, label, then insertion: the rows come in
    id order per user and the sort is stable) with document-local ids ``T1..Tn`` (stable
    across a re-import) and link attributes rewritten from database ids to those local ids."""
    records = [
        SpanRecord(
            document_id,
            users[user],
            labels[label],
            start,
            end,
            text[start:end],
            {} if attrs == "{}" else _json_object(attrs),
            note or "",
            version,
            span_id,  # the database id until renumbered below
        )
        for _, user, label, start, end, attrs, note, version, span_id in rows
    ]
    records.sort(key=_ORDER)
    local = _LOCAL_IDS if len(records) < len(_LOCAL_IDS) else _local_ids(len(records) + 1)
    if not links:
        for n, record in enumerate(records, 1):
            record.id = local[n]
        return records
    by_db_id = {}
    for n, record in enumerate(records, 1):
        by_db_id[record.id] = record.id = local[n]
    _relink(records, links, by_db_id)
    return records


def _local_ids(n: int) -> list[str]:
    """``["T0", "T1", ..., "T{n-1}"]``: local id ``k`` at index ``k``."""
    return [f"T{k}" for k in range(n)]


_LOCAL_IDS = _local_ids(1000)


def _relink(records: list[SpanRecord], links, local: dict[int, str]) -> None:
    """Rewrite the link attributes of ``records`` from database ids to local ids."""
    for record in records:
        names = links.get(record.label)
        if names and record.attributes:
            record.attributes = _local_links(record.attributes, names, local)


def _local_links(attrs: dict, link_names, local: dict[int, str]) -> dict:
    out = dict(attrs)
    for name in link_names:
        value = out.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            out[name] = local.get(value, "")  # a link to a span outside this selection
    return out


def _answers(query, params, external, users, questions, allowed):
    out: dict[int, list[AnswerRecord]] = defaultdict(list)
    for doc, user, question, value in db.session.connection().execute(query, params):
        if allowed is not None and user not in allowed.get(doc, ()):
            continue
        out[doc].append(AnswerRecord(external[doc], users[user], questions[question], value))
    return out


def _gold(query, params, external, labels, links) -> dict[int, list[SpanRecord]]:
    """Gold spans (annotator ``"gold"``, ids ``G1..Gn`` per document, in text order), their
    link attributes rewritten from database ids to those local ids."""
    out: dict[int, list[SpanRecord]] = defaultdict(list)
    local: dict[int, dict[int, str]] = defaultdict(dict)
    for doc, label, start, end, text, attrs, gold_id in db.session.connection().execute(
        query, params
    ):
        n = len(out[doc]) + 1
        local[doc][gold_id] = f"G{n}"
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
    if links:
        for doc, records in out.items():
            _relink(records, links, local[doc])
    return out
