"""Curating gold: accept, edit, reject and delete gold spans, gold answers and curation status
(auto-merge runs are in ``gold_merge``). Every change writes a ``GoldEvent`` in the same
transaction; annotators' own spans are only read.

Callers check that the user leads the project (``lead_document`` / ``lead_gold``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from annotator.extensions import db
from annotator.models import (
    Document,
    DocumentCuration,
    DocumentQuestion,
    GoldAnswer,
    GoldEvent,
    GoldSpan,
    Label,
    Project,
    Span,
    User,
)
from annotator.models.base import utcnow
from annotator.models.gold import CURATION_STATUSES
from annotator.services.annotation.document_view import load_document
from annotator.services.annotation.span_rules import check_attributes, check_offsets, require_int
from annotator.services.errors import Conflict, NotFound, ServiceError
from annotator.services.projects.access import load_project

EDITABLE = {"label_id", "start", "end", "text", "attributes", "version"}


def gold_dict(gold: GoldSpan, label_name: str | None = None) -> dict[str, Any]:
    return {
        "id": gold.id,
        "label_id": gold.label_id,
        "label": label_name if label_name is not None else gold.label.name,
        "start": gold.start,
        "end": gold.end,
        "text": gold.text,
        "fragments": getattr(
            gold, "fragments", None
        ),  # a discontinuous span's pieces (start/end: the hull)
        "attributes": gold.attributes or {},
        "provenance": list(gold.provenance or []),
        # split votes auto-merge left open (attribute -> annotator -> value), until a curator
        # sets the attribute
        "disputes": gold.disputes or {},
        "notes": gold.notes or {},
        "source": gold.source,
        "version": gold.version,
    }


def lead_document(user: User, document_id: int) -> tuple[Project, Document]:
    """The article and its project for a lead; a non-member hears "No such article." as for a
    missing id."""
    document = load_document(document_id)
    try:
        project, _ = load_project(user, document.project_id, lead=True)
    except NotFound:
        raise NotFound("No such article.") from None
    return project, document


def lead_gold(user: User, gold_id: int) -> tuple[GoldSpan, Document]:
    gold = db.session.get(GoldSpan, gold_id)
    if gold is None:
        raise NotFound("No such gold span.")
    try:
        _, document = lead_document(user, gold.document_id)
    except NotFound:
        raise NotFound("No such gold span.") from None
    return gold, document


def _event(document_id: int, user: User | None, action: str, gold_id=None, before=None, after=None):
    db.session.add(
        GoldEvent(
            gold_span_id=gold_id,
            document_id=document_id,
            user_id=user.id if user else None,
            action=action,
            before=before,
            after=after,
        )
    )


def _label(document: Document, label_id: Any) -> Label:
    if isinstance(label_id, bool) or not isinstance(label_id, int):
        raise ServiceError("'label_id' must be an integer.")
    label = db.session.get(Label, label_id)
    if label is None or label.project_id != document.project_id:
        raise ServiceError("That label does not belong to this project.")
    return label


def _gold_link_ok(document_id: int, exclude: int | None = None):
    def ok(gold_id: int) -> bool:
        doc = db.session.execute(
            select(GoldSpan.document_id).where(GoldSpan.id == gold_id)
        ).scalar_one_or_none()
        return gold_id != exclude and doc == document_id

    return ok


def _supporters(document_id: int, label_id: int, start: int, end: int) -> list[str]:
    """Annotators with a span of exactly this label and boundaries."""
    rows = db.session.execute(
        select(User.username)
        .join(Span, Span.user_id == User.id)
        .where(
            Span.document_id == document_id,
            Span.label_id == label_id,
            Span.start == start,
            Span.end == end,
        )
    ).scalars()
    return sorted(set(rows))


def _duplicate(document_id: int, label_id: int, start: int, end: int, exclude=None):
    query = select(GoldSpan).where(
        GoldSpan.document_id == document_id,
        GoldSpan.label_id == label_id,
        GoldSpan.start == start,
        GoldSpan.end == end,
    )
    if exclude is not None:
        query = query.where(GoldSpan.id != exclude)
    return db.session.execute(query).scalar_one_or_none()


def accept_span(user: User, document: Document, data: dict) -> GoldSpan:
    """A gold span from an annotator's span (``span_id``), optionally with edited label,
    boundaries or attributes, or from scratch (``label_id``, ``start``, ``end``, ``text``)."""
    if not isinstance(data, dict):
        raise ServiceError("Send a JSON object.")
    unknown = set(data) - (EDITABLE | {"span_id"}) - {"version"}
    if unknown:
        raise ServiceError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    source = None
    if "span_id" in data:
        span_id = require_int(data, "span_id")
        source = db.session.get(Span, span_id)
        if source is None or source.document_id != document.id:
            raise NotFound("No such annotator span in this article.")
    if source is None and "label_id" not in data:
        raise ServiceError(
            "Send 'span_id' (an annotator's span to accept) or 'label_id', 'start', 'end' and "
            "'text' (a new gold span)."
        )
    label = _label(document, data.get("label_id", source.label_id if source else None))
    start = require_int(data, "start") if "start" in data or not source else source.start
    end = require_int(data, "end") if "end" in data or not source else source.end
    covered = data.get("text", document.text[start:end] if source else None)
    check_offsets(document.text, start, end, covered)
    attrs = data.get("attributes")
    if attrs is None and source is not None and source.label_id == label.id:
        attrs = {k: v for k, v in (source.attributes or {}).items() if not _is_link(v)}
    attrs = check_attributes(attrs, label.attributes, _gold_link_ok(document.id))
    earlier = _duplicate(document.id, label.id, start, end)
    if earlier is not None:
        raise Conflict("This span is already gold.", payload={"gold": gold_dict(earlier)})
    provenance = _supporters(document.id, label.id, start, end)
    if source is not None and source.user.username not in provenance:
        provenance = sorted([*provenance, source.user.username])
    fragments = None
    if source is not None and source.fragments:
        fragments = refit_fragments(source.fragments, start, end)
    gold = GoldSpan(
        document_id=document.id,
        label_id=label.id,
        start=start,
        end=end,
        fragments=fragments,
        text=covered,
        attributes=attrs,
        provenance=provenance,
        source="manual",
        adjudicated_by=user.id,
        version=1,
    )
    gold.label = label
    db.session.add(gold)
    db.session.flush()
    _event(document.id, user, "create", gold.id, None, gold_dict(gold, label.name))
    _started(user, document.id)
    return gold


def refit_fragments(fragments, start: int, end: int) -> list[list[int]] | None:
    """A discontinuous span's pieces once its ends are ``start`` and ``end``: pieces wholly
    outside are dropped, the first and last are stretched or cut to the new ends (a moved end
    that falls in a gap takes the gap into the piece beyond it). One piece left is a plain
    span (None)."""
    if not fragments:
        return None
    kept = [[max(s, start), min(e, end)] for s, e in fragments if e > start and s < end]
    if not kept:
        return None
    kept[0][0], kept[-1][1] = start, end
    return kept if len(kept) > 1 else None


def _is_link(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def update_gold(user: User, gold_id: int, data: dict) -> GoldSpan:
    if not isinstance(data, dict):
        raise ServiceError("Send a JSON object.")
    unknown = set(data) - EDITABLE
    if unknown:
        raise ServiceError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    version = require_int(data, "version")
    gold, document = lead_gold(user, gold_id)
    if version != gold.version:
        raise Conflict(_stale(gold), payload={"gold": gold_dict(gold)})
    before = gold_dict(gold)
    label = _label(document, data["label_id"]) if "label_id" in data else gold.label
    start = require_int(data, "start") if "start" in data else gold.start
    end = require_int(data, "end") if "end" in data else gold.end
    covered = data.get("text", document.text[start:end])
    check_offsets(document.text, start, end, covered)
    attrs = data.get("attributes", gold.attributes if label.id == gold.label_id else {})
    attrs = check_attributes(attrs, label.attributes, _gold_link_ok(document.id, gold.id))
    if _duplicate(document.id, label.id, start, end, exclude=gold.id) is not None:
        raise Conflict("Another gold span has this label and these boundaries.")
    # The annotators it came from stay; those who marked exactly the new span join them.
    provenance = sorted(
        set(gold.provenance or []) | set(_supporters(document.id, label.id, start, end))
    )
    disputes = {
        name: votes
        for name, votes in (gold.disputes or {}).items()
        if label.id == gold.label_id and attrs.get(name) in (None, "")
    }
    result = db.session.execute(
        update(GoldSpan)
        .where(GoldSpan.id == gold.id, GoldSpan.version == version)
        .values(
            label_id=label.id,
            start=start,
            end=end,
            fragments=refit_fragments(gold.fragments, start, end),
            text=covered,
            attributes=attrs,
            provenance=provenance,
            disputes=disputes or None,
            adjudicated_by=user.id,
            version=GoldSpan.version + 1,
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        current, _ = lead_gold(user, gold_id)
        raise Conflict(_stale(current), payload={"gold": gold_dict(current)})
    db.session.refresh(gold)
    _event(document.id, user, "update", gold.id, before, gold_dict(gold))
    _started(user, document.id)
    return gold


def delete_gold(user: User, gold_id: int, *, version: int | None = None, reject=False) -> None:
    """Delete a gold span; ``reject`` also stops auto-merge from proposing it again."""
    gold, document = lead_gold(user, gold_id)
    if version is not None and version != gold.version:
        raise Conflict(_stale(gold), payload={"gold": gold_dict(gold)})
    _event(document.id, user, "reject" if reject else "delete", gold.id, gold_dict(gold), None)
    db.session.delete(gold)
    db.session.flush()
    _started(user, document.id)


def _stale(gold: GoldSpan) -> str:
    return f"This gold span was changed elsewhere (now version {gold.version}); reloaded."


def curation_status(document_id: int) -> str:
    status = db.session.execute(
        select(DocumentCuration.status).where(DocumentCuration.document_id == document_id)
    ).scalar_one_or_none()
    return status or "open"


def set_curation_status(user: User | None, document_id: int, status: Any) -> str:
    if status not in CURATION_STATUSES:
        raise ServiceError(f"'status' must be one of {', '.join(CURATION_STATUSES)}.")
    row = db.session.execute(
        select(DocumentCuration).where(DocumentCuration.document_id == document_id)
    ).scalar_one_or_none()
    if row is None:
        row = DocumentCuration(document_id=document_id)
        db.session.add(row)
    row.status, row.updated_at = status, utcnow()
    row.updated_by = user.id if user else None
    db.session.flush()
    return status


def _started(user: User | None, document_id: int) -> None:
    if curation_status(document_id) == "open":
        set_curation_status(user, document_id, "in_progress")


def set_gold_answer(user: User, document: Document, question_id: int, value: Any) -> str | None:
    """Set (or with ``None`` clear) the gold answer to an article-level question."""
    question = db.session.get(DocumentQuestion, question_id)
    if question is None or question.project_id != document.project_id:
        raise NotFound("No such question in this project.")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is not None and (not isinstance(value, str) or value not in question.allowed_values()):
        raise ServiceError(f"Answer must be one of {', '.join(question.allowed_values())}.")
    row = db.session.execute(
        select(GoldAnswer).where(
            GoldAnswer.document_id == document.id, GoldAnswer.question_id == question.id
        )
    ).scalar_one_or_none()
    before = {"question": question.name, "value": row.value} if row else None
    if value is None:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(
            GoldAnswer(
                document_id=document.id,
                question_id=question.id,
                value=value,
                provenance=_answerers(document.id, question.id, value),
                adjudicated_by=user.id,
            )
        )
    else:
        row.value, row.updated_at, row.adjudicated_by = value, utcnow(), user.id
        row.provenance = _answerers(document.id, question.id, value)
    after = {"question": question.name, "value": value} if value is not None else None
    _event(document.id, user, "answer", None, before, after)
    db.session.flush()
    _started(user, document.id)
    return value


def _answerers(document_id: int, question_id: int, value: str) -> list[str]:
    from annotator.models import DocumentAnswer

    rows = db.session.execute(
        select(User.username)
        .join(DocumentAnswer, DocumentAnswer.user_id == User.id)
        .where(
            DocumentAnswer.document_id == document_id,
            DocumentAnswer.question_id == question_id,
            DocumentAnswer.value == value,
        )
    ).scalars()
    return sorted(rows)


def gold_answers(document_id: int) -> dict[str, str]:
    rows = db.session.execute(
        select(GoldAnswer.question_id, GoldAnswer.value).where(
            GoldAnswer.document_id == document_id
        )
    )
    return {str(q): v for q, v in rows}
