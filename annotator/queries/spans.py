"""Span and gold rows to records: text order, document-local ids (``T1..``, ``G1..``) and link
attributes rewritten from database ids to those ids."""

from __future__ import annotations

import json
from collections import defaultdict
from itertools import groupby
from operator import attrgetter, itemgetter

from sqlalchemy import Text, cast, select

from annotator.extensions import db
from annotator.models import Assignment, Span
from annotator.queries.rows import json_object, plain_rows
from annotator.records import SpanRecord


def span_query(in_batch, wanted_users, wanted_labels, done_only):
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
            cast(Span.fragments, Text),  # NULL (None) for a contiguous span
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


def span_rows(query, params: dict) -> dict[int, list[tuple]]:
    """The batch's span rows per document."""
    return {doc: list(group) for doc, group in groupby(plain_rows(query, params), itemgetter(0))}


_ORDER = attrgetter("start", "end", "annotator", "label")


def span_records(
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
            {} if attrs == "{}" else json_object(attrs),
            note or "",
            version,
            span_id,  # the database id until renumbered below
            _fragments(frags),
        )
        for _, user, label, start, end, attrs, note, version, span_id, frags in rows
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


def _fragments(value) -> tuple[tuple[int, int], ...]:
    """A discontinuous span's fragments from their stored JSON (text or decoded)."""
    if value is None or value == "null":
        return ()
    if isinstance(value, str):
        value = json.loads(value)
    return tuple((int(a), int(b)) for a, b in value) if value else ()


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


def gold_records(query, params, external, labels, links) -> dict[int, list[SpanRecord]]:
    """Gold spans (annotator ``"gold"``, ids ``G1..Gn`` per document, in text order), their
    link attributes rewritten from database ids to those local ids."""
    out: dict[int, list[SpanRecord]] = defaultdict(list)
    local: dict[int, dict[int, str]] = defaultdict(dict)
    rows = db.session.connection().execute(query, params)
    for doc, label, start, end, text, attrs, gold_id, notes, frags in rows:
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
                gold_note(notes),
                id=f"G{n}",
                fragments=_fragments(frags),
            )
        )
    if links:
        for doc, records in out.items():
            _relink(records, links, local[doc])
    return out


def gold_note(notes) -> str:
    """The supporting annotators' notes on a gold span as one note, a ``who: note`` line each."""
    if not notes:
        return ""
    if set(notes) == {"gold"}:  # a note imported with gold from a file: kept as it was
        return notes["gold"]
    return "\n".join(f"{who}: {note}" for who, note in sorted(notes.items()))
