"""One query for what the annotate calls need to know before anything else: the article, its
project's settings, the caller's role in the project and the caller's assignment.

The annotate page's read and span-create calls are the server's hottest paths; they start here
instead of loading the document, the project, the membership and the assignment one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from flask import g, has_request_context, request
from sqlalchemy import and_, bindparam, exists, select, true
from sqlalchemy.orm import aliased

from annotator.models import Assignment, Document, Membership, Project, User
from annotator.services.annotation.read_connection import read_connection
from annotator.services.errors import Forbidden, NotFound


@dataclass(slots=True, frozen=True)
class DocumentContext:
    """An article with its project's settings, seen by one user (``role`` is never None)."""

    id: int
    project_id: int
    external_id: str
    title: str
    text: str
    outlet: str
    author: str
    url: str
    published: date | None
    project_name: str
    blind: bool
    snap_to_words: bool
    hide_outlet: bool
    suggestions: bool
    suggestions_in_blind: bool
    guidelines_version: int
    schema_stamp: str
    role: str
    status: str | None  # the caller's assignment status; None when not assigned

    @property
    def lead(self) -> bool:
        return self.role in ("lead", "admin")


@cache
def _statement():
    """Built once: the document joined to its project, the caller's membership and assignment
    (and what the training and quality-control gate needs: the article's purpose, whether the
    project has a training set, the member's qualification and pause)."""
    uid = bindparam("uid")
    training = aliased(Document)
    has_training = (
        exists()
        .where(training.project_id == Document.project_id, training.purpose == "training")
        .correlate(Document)
    )
    return (
        select(
            Document.id,
            Document.project_id,
            Document.external_id,
            Document.title,
            Document.text,
            Document.outlet,
            Document.author,
            Document.url,
            Document.published,
            Project.name,
            Project.blind,
            Project.snap_to_words,
            Project.hide_outlet,
            Project.suggestions,
            Project.suggestions_in_blind,
            Project.guidelines_version,
            Project.schema_stamp,
            Membership.role,
            Assignment.status,
            Document.purpose,
            has_training.label("has_training"),
            Membership.qualified_at,
            Membership.paused,
        )
        .join(Project, Project.id == Document.project_id)
        .outerjoin(
            Membership,
            and_(Membership.project_id == Document.project_id, Membership.user_id == uid),
        )
        .outerjoin(
            Assignment, and_(Assignment.document_id == Document.id, Assignment.user_id == uid)
        )
        .where(Document.id == bindparam("document_id"))
    )


# The annotate calls that start with this context: the logged-in user's query fetches it in
# the same statement (``with_context``), saving the request a round trip.
PREFETCH_ENDPOINTS = frozenset({"api.get_document", "api.post_span"})
_PREFETCHED = "_annotator_document_context"


def prefetch_document_id() -> int | None:
    """The article this request's context will be read for, if it is one of the annotate calls
    (and so can come with the user's row)."""
    if request.endpoint in PREFETCH_ENDPOINTS and request.view_args:
        return request.view_args.get("document_id")
    return None


@cache
def with_context(user_statement):
    """``user_statement`` (one row by ``:id``) with the article's context columns after its
    own (all NULL when there is no such article): the subquery is the statement below."""
    context = _statement().subquery("context")
    return user_statement.add_columns(*context.c).outerjoin_from(User, context, true())


def keep_prefetched(user_id: int, document_id: int, row) -> None:
    """The context part of a ``with_context`` row, for :func:`document_context` to use."""
    g.setdefault(_PREFETCHED, {})[user_id, document_id] = None if row[0] is None else row


def document_context(user: User, document_id: int, *, assigned: bool = True) -> DocumentContext:
    """The article as ``user`` may see it. NotFound if it does not exist or the user is not in
    its project (the same answer, so ids cannot be probed); Forbidden if (with ``assigned``)
    the user is an annotator it is not assigned to."""
    prefetched = g.get(_PREFETCHED) if has_request_context() else None
    if prefetched and (user.id, document_id) in prefetched:
        row = prefetched.pop((user.id, document_id))
    else:
        row = (
            read_connection()
            .execute(_statement(), {"uid": user.id, "document_id": document_id})
            .first()
        )
    if row is None:
        raise NotFound("No such article.")
    *fields, role, status, purpose, has_training, qualified_at, paused = row
    role = "admin" if user.is_admin else role
    if role is None:
        raise NotFound("No such article.")
    context = DocumentContext(*fields, role=role, status=status)
    if assigned and not context.lead and status is None:
        raise Forbidden("This article is not assigned to you.")
    if role == "annotator" and status is not None:
        refusal = gate_refusal(purpose, bool(has_training), qualified_at is not None, paused)
        if refusal:
            raise Forbidden(refusal)
    return context


PAUSED = "A lead has paused your work on this project; ask them to resume it."


def gate_refusal(purpose: str, has_training: bool, qualified: bool, paused: bool) -> str | None:
    """Why an annotator may not work on an assigned article now (None: they may)."""
    if paused:
        return PAUSED
    if purpose == "work" and has_training and not qualified:
        return "Pass the project's training first: real articles unlock when you do."
    return None
