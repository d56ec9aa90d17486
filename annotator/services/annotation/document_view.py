"""The annotate page's data: an article, the project's schema and the viewer's (or, for leads,
another annotator's) spans — built with a fixed, small number of queries.

Statements are built once and run on the request's read connection (SQLAlchemy Core): this is the
hottest read in the app, and ORM entities would only be turned back into dicts. One annotator's
spans and answers come back from a single statement (a UNION ALL; answer rows carry a question
id, span rows do not).
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam, null, select, union_all

from annotator.extensions import db
from annotator.models import Assignment, Document, DocumentAnswer, Span, User
from annotator.services.annotation.document_context import DocumentContext
from annotator.services.annotation.read_connection import read_connection
from annotator.services.annotation.spans import span_dict
from annotator.services.errors import Forbidden, NotFound
from annotator.services.projects.schema_cache import project_schema


@cache
def _statements() -> dict:
    columns = (
        Span.id,
        Span.label_id,
        Span.start,
        Span.end,
        Span.text,
        Span.attributes,
        Span.note,
        Span.source,
        Span.version,
        Span.guidelines_version,
        Span.user_id,
        Span.fragments,
    )
    order = (Span.start, Span.end, Span.id)
    document = Span.document_id == bindparam("document_id")
    spans = select(*columns, null().label("question_id"), null().label("value")).where(
        document, Span.user_id == bindparam("user_id")
    )
    answers = select(
        *(null().label(c.key) for c in columns),
        DocumentAnswer.question_id,
        DocumentAnswer.value,
    ).where(
        DocumentAnswer.user_id == bindparam("user_id"),
        DocumentAnswer.document_id == bindparam("document_id"),
    )
    both = union_all(spans, answers)
    both = both.order_by(*(both.selected_columns[c.key] for c in order))
    return {
        "all_spans": select(*columns).where(document).order_by(*order),
        "spans_and_answers": both,
        "assignees": select(User.id, User.username, Assignment.status)
        .join(Assignment, Assignment.user_id == User.id)
        .where(Assignment.document_id == bindparam("document_id"))
        .order_by(User.username),
    }


def _run(name: str, **params):
    return read_connection().execute(_statements()[name], params)


def spans_and_answers(user_id: int, document_id: int, labels: dict[int, str]):
    """The user's spans (in text order) and answers (keyed by question id, as a string)."""
    spans, answers = [], {}
    for row in _run("spans_and_answers", document_id=document_id, user_id=user_id):
        if row.question_id is None:
            spans.append(span_dict(row, labels.get(row.label_id, "")))
        else:
            answers[str(row.question_id)] = row.value
    return spans, answers


def document_payload(user: User, context: DocumentContext, annotator: str | None = None) -> dict:
    """Everything the annotate page needs. ``annotator`` (leads only): a user name, or ``*``
    for every annotator's spans in lanes."""
    lead = context.lead
    if annotator and not lead:
        raise Forbidden("Only leads can view other annotators' spans.")
    if not lead and context.status is None:
        raise Forbidden("This article is not assigned to you.")
    schema = project_schema(context.project_id, context.schema_stamp)
    labels = schema.label_names
    assignees = _run("assignees", document_id=context.id).all() if lead else []
    status = context.status
    payload = {
        "document": _document_fields(context),
        "project": {
            "id": context.project_id,
            "name": context.project_name,
            "blind": context.blind,
            "snap_to_words": context.snap_to_words,
            "suggestions": context.suggestions
            and (not context.blind or context.suggestions_in_blind),
            "guidelines_version": context.guidelines_version,
        },
        "labels": schema.labels,
        "questions": schema.questions,
        "viewer": {
            "username": user.username,
            "role": context.role,
            "read_only": False,
            "annotator": user.username,
        },
        "assignment": {"status": status} if status is not None else None,
        "annotators": [a.username for a in assignees],
    }
    if annotator == "*":
        lanes = {a.username: [] for a in assignees}
        names = {a.id: a.username for a in assignees}
        for row in _run("all_spans", document_id=context.id):
            lane = names.get(row.user_id) or f"user-{row.user_id}"
            lanes.setdefault(lane, []).append(span_dict(row, labels.get(row.label_id, "")))
        payload.update(spans=[], lanes=lanes, answers={})
        payload["viewer"].update(read_only=True, annotator="*")
        return payload
    target_id = user.id
    if annotator and annotator != user.username:
        target = next((a for a in assignees if a.username == annotator), None)
        if target is None:
            raise NotFound(f"{annotator!r} has no assignment for this article.")
        target_id = target.id
        payload["viewer"].update(read_only=True, annotator=annotator)
    payload["spans"], payload["answers"] = spans_and_answers(target_id, context.id, labels)
    return payload


def _document_fields(context: DocumentContext) -> dict:
    fields = {"id": context.id, "title": context.title, "text": context.text}
    fields["length"] = len(context.text)
    if context.lead:
        # the lead's own ids ("control-3", "breitbart-0412") would tell an annotator which
        # articles are control items, or the outlet the project hides: leads only
        fields["external_id"] = context.external_id
    if context.lead or not context.hide_outlet:
        fields.update(
            outlet=context.outlet,
            author=context.author,
            url=context.url,
            published=context.published.isoformat() if context.published else None,
        )
    return fields


def load_document(document_id: int) -> Document:
    document = db.session.get(Document, document_id)
    if document is None:
        raise NotFound("No such article.")
    return document
