"""Creating an annotator's span: the hottest write in the app, so it runs on SQLAlchemy Core.

Everything is checked before the first write (the label comes from the cached project schema,
the document from the caller's :class:`DocumentContext`). Then, on SQLite, three short
statements — the span, its audit row and, on the first span, the assignment's start — share
one transaction, which keeps SQLite's write lock held for as little time as possible. On
PostgreSQL the three are one statement (data-modifying WITH clauses), which the request runs
in autocommit: one round trip, its commit included.

A retry (the same ``client_key``) is found by the INSERT itself (ON CONFLICT DO NOTHING on the
user's key), so a first save pays no look-up for it.
"""

from __future__ import annotations

import json
from functools import cache
from types import SimpleNamespace
from typing import Any

from sqlalchemy import (
    JSON,
    Integer,
    String,
    Text,
    bindparam,
    cast,
    exists,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from annotator.extensions import db
from annotator.models import Assignment, Span, SpanEvent, User
from annotator.models.base import utcnow
from annotator.services.annotation.document_context import DocumentContext
from annotator.services.annotation.span_rules import (
    check_attributes,
    check_note,
    check_offsets,
    check_source,
    is_id,
    require_int,
)
from annotator.services.annotation.spans import audit, link_checker, span_dict
from annotator.services.errors import ServiceError
from annotator.services.projects.schema_cache import project_schema

SPAN_FIELDS = (  # what spans.span_dict reads, less the label's name
    "id",
    "label_id",
    "start",
    "end",
    "text",
    "attributes",
    "note",
    "source",
    "version",
    "guidelines_version",
    "fragments",
)


INSERT_COLUMNS = (
    "document_id",
    "user_id",
    "label_id",
    "start",
    "end",
    "text",
    "attributes",
    "note",
    "source",
    "guidelines_version",
    "version",
    "client_key",
    "created_at",
    "updated_at",
)


def _insert_span(dialect_insert):
    """INSERT of one span that does nothing when the user's ``client_key`` is taken (a retry,
    or a parallel one that got in first), returning the new id (no row: the key was taken)."""
    table = Span.__table__
    return (
        dialect_insert(table)
        .values({name: bindparam(f"p_{name}", type_=table.c[name].type) for name in INSERT_COLUMNS})
        .on_conflict_do_nothing(
            index_elements=["user_id", "client_key"], index_where=table.c.client_key.isnot(None)
        )
        .returning(table.c.id)
    )


def _start_assignment():
    return (
        update(Assignment)
        .where(
            Assignment.user_id == bindparam("p_user_id"),
            Assignment.document_id == bindparam("p_document_id"),
            Assignment.status == "todo",
        )
        .values(status="in_progress", started_at=bindparam("p_created_at"))
    )


@cache
def _statements() -> dict:
    return {
        "insert_span": _insert_span(sqlite.insert),
        "start_assignment": _start_assignment(),
        "by_client_key": select(*(getattr(Span, f) for f in SPAN_FIELDS)).where(
            Span.user_id == bindparam("uid"), Span.client_key == bindparam("key")
        ),
    }


@cache
def _one_statement():
    """PostgreSQL: the span, its audit row and the assignment's start in one statement.

    Data-modifying WITH clauses run in one statement and so in one transaction: the request
    runs it in autocommit, and the save is one round trip (the commit included) instead of
    BEGIN, INSERT span, INSERT audit row, UPDATE assignment and COMMIT one after the other.
    The audit row's ``after`` is the span as sent, whose id only the INSERT knows: the JSON text
    is written around it (``after_head`` + id + ``after_tail``: exactly what ``json.dumps`` of
    the span makes, as the JSON column would store it)."""
    new_span = _insert_span(postgresql.insert).cte("new_span")
    after = cast(
        bindparam("after_head", type_=Text)
        + cast(new_span.c.id, Text)
        + bindparam("after_tail", type_=Text),
        JSON,
    )
    event = SpanEvent.__table__
    audit_row = (
        insert(event)
        .from_select(
            ["span_id", "document_id", "user_id", "action", "before", "after", "at"],
            select(
                new_span.c.id,
                bindparam("p_document_id", type_=Integer),
                bindparam("p_user_id", type_=Integer),
                literal("create", String),
                bindparam("before", None, type_=event.c.before.type),  # JSON null, as audit()
                after,
                bindparam("p_created_at", type_=event.c.at.type),
            ),
        )
        .cte("audit_row")
    )
    started = _start_assignment().where(exists(select(new_span.c.id))).cte("assignment_start")
    return select(new_span.c.id).add_cte(audit_row).add_cte(started)


def _client_key(data: dict) -> str | None:
    key = data.get("client_key")
    if key is not None and (not isinstance(key, str) or not 1 <= len(key) <= 64):
        raise ServiceError("'client_key' must be a string of 1-64 characters.")
    return key


def replayed_create(user: User, data: dict, labels: dict[int, str]) -> dict | None:
    """The span (as sent to the browser) that an earlier create with the same ``client_key``
    made, if any."""
    key = _client_key(data) if isinstance(data, dict) else None
    if key is None:
        return None
    row = (
        db.session.connection()
        .execute(_statements()["by_client_key"], {"uid": user.id, "key": key})
        .first()
    )
    if row is None:
        return None
    return span_dict(row, labels.get(row.label_id, ""))


CREATE_FIELDS = frozenset(
    {"label_id", "start", "end", "text", "attributes", "note", "source", "client_key"}
)


def create_span(user: User, context: DocumentContext, data: dict) -> dict | None:
    """Validate ``data`` and add the span with its audit row (not committed). Returns the span
    as sent to the browser, or None when the user's ``client_key`` already made a span (see
    :func:`replayed_create`); nothing is written then."""
    if not isinstance(data, dict):
        raise ServiceError("Send a JSON object.")
    if not CREATE_FIELDS.issuperset(data):  # as PATCH does: a typo is an error, not ignored
        unknown = sorted(set(data) - CREATE_FIELDS)
        raise ServiceError(f"Unknown fields: {', '.join(unknown)}.")
    schema = project_schema(context.project_id, context.schema_stamp)
    label_id = data.get("label_id")
    label = schema.by_id.get(label_id) if is_id(label_id) else None
    if label is None:
        if not is_id(label_id):
            raise ServiceError("'label_id' must be a label's id (a positive integer).")
        raise ServiceError("That label does not belong to this project.")
    start, end = require_int(data, "start"), require_int(data, "end")
    check_offsets(context.text, start, end, data.get("text"))
    values: dict[str, Any] = {
        "document_id": context.id,
        "user_id": user.id,
        "label_id": label_id,
        "start": start,
        "end": end,
        "text": data["text"],
        "attributes": check_attributes(
            data.get("attributes"), label["attributes"], link_checker(user.id, context.id)
        ),
        "note": check_note(data.get("note")),
        "source": check_source(data.get("source")),
        "guidelines_version": context.guidelines_version,
        "version": 1,
        "client_key": _client_key(data),
    }
    now = utcnow()
    connection = db.session.connection()
    params = {f"p_{name}": value for name, value in values.items()}
    params.update(p_created_at=now, p_updated_at=now)
    after = span_dict(SimpleNamespace(**values, id=0, fragments=None), label["name"])
    if connection.dialect.name == "postgresql":
        del after["id"]  # the span as sent, written around the id the INSERT makes
        params.update(after_head='{"id": ', after_tail=", " + json.dumps(after)[1:])
        span_id = connection.execute(_one_statement(), params).scalar()
        if span_id is None:
            return None
        return {"id": span_id, **after}
    statements = _statements()
    span_id = connection.execute(statements["insert_span"], params).scalar()
    if span_id is None:
        return None
    span = after | {"id": span_id}
    audit(span_id, context.id, user.id, "create", None, span)
    if context.status == "todo":
        connection.execute(statements["start_assignment"], params)
    return span
