"""Creating an annotator's span: the hottest write in the app, so it runs on SQLAlchemy Core.

Everything is checked before the first write (the label comes from the cached project schema,
the document from the caller's :class:`DocumentContext`), then three short statements — the
span, its audit row and, on the first span, the assignment's start — share one transaction,
which keeps SQLite's write lock held for as little time as possible.
"""

from __future__ import annotations

from functools import cache
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, insert, select, update

from annotator.extensions import db
from annotator.models import Assignment, Span, User
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


@cache
def _statements() -> dict:
    return {
        "insert_span": insert(Span),
        "start_assignment": update(Assignment)
        .where(
            Assignment.user_id == bindparam("uid"),
            Assignment.document_id == bindparam("did"),
            Assignment.status == "todo",
        )
        .values(status="in_progress", started_at=bindparam("now")),
        "by_client_key": select(*(getattr(Span, f) for f in SPAN_FIELDS)).where(
            Span.user_id == bindparam("uid"), Span.client_key == bindparam("key")
        ),
    }


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


def create_span(user: User, context: DocumentContext, data: dict) -> dict:
    """Validate ``data`` and add the span with its audit row (not committed). Returns the span
    as sent to the browser."""
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
    statements = _statements()
    result = connection.execute(
        statements["insert_span"], {**values, "created_at": now, "updated_at": now}
    )
    span_id = result.inserted_primary_key[0]
    span = span_dict(SimpleNamespace(**values, id=span_id, fragments=None), label["name"])
    audit(span_id, context.id, user.id, "create", None, span)
    if context.status == "todo":
        connection.execute(
            statements["start_assignment"], {"uid": user.id, "did": context.id, "now": now}
        )
    return span
