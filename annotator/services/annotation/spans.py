"""Updating and deleting an annotator's spans, each with its audit row (creating, the hot
path, is in ``span_create``), and the pieces both share: the span as sent, link checks, audit.

Updates are optimistic: the caller sends the version it saw; a stale version is a 409.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update

from annotator.extensions import db
from annotator.models import Document, Label, Membership, Span, SpanEvent, User
from annotator.models.base import utcnow
from annotator.services.annotation.document_context import PAUSED
from annotator.services.annotation.span_rules import (
    check_attributes,
    check_note,
    check_offsets,
    is_id,
    require_int,
)
from annotator.services.errors import Conflict, Forbidden, NotFound, ServiceError

EDITABLE = {"label_id", "start", "end", "text", "attributes", "note", "version"}


def span_dict(span: Span, label_name: str | None = None) -> dict[str, Any]:
    return {
        "id": span.id,
        "label_id": span.label_id,
        "label": label_name if label_name is not None else span.label.name,
        "start": span.start,
        "end": span.end,
        "text": span.text,
        "fragments": getattr(
            span, "fragments", None
        ),  # a discontinuous span's pieces (start/end: the hull)
        "attributes": span.attributes or {},
        "note": span.note or "",
        "source": span.source,
        "version": span.version,
        "guidelines_version": span.guidelines_version,
    }


def _label(document: Document, label_id: Any) -> Label:
    if not is_id(label_id):
        raise ServiceError("'label_id' must be a label's id (a positive integer).")
    label = db.session.get(Label, label_id)
    if label is None or label.project_id != document.project_id:
        raise ServiceError("That label does not belong to this project.")
    return label


def link_checker(user_id: int, document_id: int, exclude: int | None = None):
    """``ok(span_id)``: may a link attribute of this user's span point at ``span_id``?"""

    def ok(span_id: int) -> bool:
        if span_id == exclude:
            return False
        owner = db.session.execute(
            select(Span.user_id, Span.document_id).where(Span.id == span_id)
        ).first()
        return owner is not None and tuple(owner) == (user_id, document_id)

    return ok


def own_span(user: User, span_id: int) -> Span:
    """The caller's own span in a project they still belong to (site admins: any project);
    other people's spans, and spans left behind in a project one was removed from, are simply
    not found. Forbidden while a lead has paused the caller's work on the project (as for new
    spans and article reads)."""
    span = db.session.get(Span, span_id)
    membership = None if span is None or span.user_id != user.id else _membership(user, span)
    if membership is None:
        raise NotFound("No such span among yours.")
    if membership == "paused":
        raise Forbidden(PAUSED)
    return span


def _membership(user: User, span: Span) -> str | None:
    """None: not (or no longer) a member of the span's project; "paused"; else "member"."""
    if user.is_admin:
        return "member"
    paused = db.session.execute(
        select(Membership.paused)
        .join(Document, Document.project_id == Membership.project_id)
        .where(Document.id == span.document_id, Membership.user_id == user.id)
    ).first()
    if paused is None:
        return None
    return "paused" if paused[0] else "member"


def update_span(user: User, span_id: int, data: dict) -> Span:
    if not isinstance(data, dict):
        raise ServiceError("Send a JSON object.")
    unknown = set(data) - EDITABLE
    if unknown:
        raise ServiceError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    version = require_int(data, "version")
    span = own_span(user, span_id)
    document = db.session.get(Document, span.document_id)
    before = span_dict(span)
    label = _label(document, data["label_id"]) if "label_id" in data else span.label
    start = require_int(data, "start") if "start" in data else span.start
    end = require_int(data, "end") if "end" in data else span.end
    covered = data.get("text", span.text)
    check_offsets(document.text, start, end, covered)
    attributes = data.get("attributes", span.attributes)
    attributes = check_attributes(
        attributes, label.attributes, link_checker(user.id, document.id, exclude=span.id)
    )
    note = check_note(data["note"]) if "note" in data else span.note
    values = dict(
        label_id=label.id,
        start=start,
        end=end,
        text=covered,
        attributes=attributes,
        note=note,
        version=Span.version + 1,
        updated_at=utcnow(),
    )
    if span.fragments and (start, end) != (span.start, span.end):
        values["fragments"] = None  # re-drawn on the page: now one contiguous span
    result = db.session.execute(
        update(Span)
        .where(Span.id == span.id, Span.version == version)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        current = own_span(user, span_id)
        raise Conflict(_stale(current), payload={"span": span_dict(current)})
    db.session.refresh(span)
    audit(span.id, document.id, user.id, "update", before, span_dict(span, label.name))
    return span


def delete_span(user: User, span_id: int, version: int | None = None) -> None:
    span = own_span(user, span_id)
    if version is not None and version != span.version:
        raise Conflict(_stale(span), payload={"span": span_dict(span)})
    before = span_dict(span)
    _unlink(user, span)
    audit(span.id, span.document_id, user.id, "delete", before, None)
    db.session.delete(span)
    db.session.flush()


def _stale(span: Span) -> str:
    return (
        f"This span was changed elsewhere (now version {span.version}); the page has reloaded it."
    )


def _unlink(user: User, target: Span) -> None:
    """Clear link attributes of the user's other spans that point at ``target``."""
    others = db.session.execute(
        select(Span).where(
            Span.document_id == target.document_id,
            Span.user_id == user.id,
            Span.id != target.id,
        )
    ).scalars()
    for other in list(others):
        attrs = other.attributes or {}
        linked = [k for k, v in attrs.items() if v == target.id and not isinstance(v, bool)]
        if not linked:
            continue
        before = span_dict(other)
        other.attributes = {k: v for k, v in attrs.items() if k not in linked}
        other.touch()
        db.session.flush()
        audit(other.id, other.document_id, user.id, "update", before, span_dict(other))


def audit(span_id: int, document_id: int, user_id: int, action: str, before, after) -> None:
    """The audit row written in the same transaction as every span change."""
    db.session.connection().execute(
        insert(SpanEvent),
        {
            "span_id": span_id,
            "document_id": document_id,
            "user_id": user_id,
            "action": action,
            "before": before,
            "after": after,
            "at": utcnow(),
        },
    )
