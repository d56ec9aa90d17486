"""Comment threads: an annotator's questions to the leads about an article or one of their
spans ("how do I label this?"), the leads' replies, and the leads' list of open questions.

Who sees what: a thread belongs to one annotator (``annotator_id``); that annotator and the
project's leads see it, nobody else. Annotators never see each other's spans, so neither do
they see each other's questions about them, blind project or not.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, select

from annotator.extensions import db
from annotator.models import Assignment, Comment, Document, Span, User
from annotator.models.base import utcnow
from annotator.services.errors import Forbidden, NotFound, ServiceError
from annotator.services.projects.access import is_lead, project_role

MAX_BODY = 5000


@dataclass(frozen=True)
class Viewer:
    """The caller as the comment rules see them."""

    user: User
    role: str

    @property
    def lead(self) -> bool:
        return is_lead(self.role)


def clean_body(raw) -> str:
    if not isinstance(raw, str):
        raise ServiceError("'body' must be a string.")
    body = unicodedata.normalize("NFC", raw).strip()
    if not body:
        raise ServiceError("Write something: 'body' is empty.")
    if len(body) > MAX_BODY:
        raise ServiceError(f"'body' is {len(body)} characters long; at most {MAX_BODY}.")
    return body


def _assigned(user_id: int, document_id: int) -> bool:
    return (
        db.session.execute(
            select(Assignment.id).where(
                Assignment.user_id == user_id, Assignment.document_id == document_id
            )
        ).first()
        is not None
    )


def _user_named(name) -> User:
    if not isinstance(name, str) or not name:
        raise ServiceError("'annotator' must be a user name.")
    user = db.session.execute(select(User).where(User.username == name)).scalar_one_or_none()
    if user is None:
        raise NotFound(f"No user named {name!r}.")
    return user


def add_comment(viewer: Viewer, document: Document, data: dict) -> Comment:
    """A new thread (``span_id`` optional) or, with ``parent_id``, a reply to one."""
    unknown = set(data) - {"body", "span_id", "parent_id", "annotator"}
    if unknown:
        raise ServiceError(f"Unknown field(s): {', '.join(sorted(map(str, unknown)))}.")
    body = clean_body(data.get("body"))
    user = viewer.user
    parent_id = data.get("parent_id")
    if parent_id is not None:
        if data.get("span_id") is not None or data.get("annotator") is not None:
            raise ServiceError("A reply takes only 'body' and 'parent_id'.")
        root = _visible_thread(viewer, parent_id)
        if root.document_id != document.id:
            raise ServiceError("That thread is about another article.")
        comment = Comment(
            project_id=root.project_id,
            document_id=root.document_id,
            annotator_id=root.annotator_id,
            author_id=user.id,
            parent_id=root.id,
            body=body,
        )
        if user.id == root.annotator_id and root.resolved_at is not None:
            root.resolved_at = None  # the annotator asks again: open once more
            root.resolved_by_id = None
        db.session.add(comment)
        db.session.flush()
        return comment
    owner = user
    if data.get("annotator") is not None and data["annotator"] != user.username:
        if not viewer.lead:
            raise Forbidden("Only leads can write to another annotator's thread.")
        owner = _user_named(data["annotator"])
        if not _assigned(owner.id, document.id):
            raise ServiceError(f"This article is not assigned to {owner.username}.")
    span_id = data.get("span_id")
    if span_id is not None:
        if not isinstance(span_id, int) or isinstance(span_id, bool):
            raise ServiceError("'span_id' must be an integer.")
        span = db.session.get(Span, span_id)
        if span is None or span.document_id != document.id or span.user_id != owner.id:
            raise NotFound(f"No span {span_id} of {owner.username} in this article.")
    comment = Comment(
        project_id=document.project_id,
        document_id=document.id,
        annotator_id=owner.id,
        author_id=user.id,
        span_id=span_id,
        body=body,
    )
    db.session.add(comment)
    db.session.flush()
    return comment


def _visible_thread(viewer: Viewer, comment_id) -> Comment:
    if not isinstance(comment_id, int) or isinstance(comment_id, bool):
        raise ServiceError("'parent_id' must be an integer.")
    comment = db.session.get(Comment, comment_id)
    if comment is not None and comment.parent_id is not None:
        comment = db.session.get(Comment, comment.parent_id)
    if comment is None or not _may_see(viewer, comment):
        raise NotFound("No such thread.")
    return comment


def _may_see(viewer: Viewer, comment: Comment) -> bool:
    role = project_role(viewer.user, comment.project_id)
    if role is None:
        return False
    return is_lead(role) or comment.annotator_id == viewer.user.id


def thread_to_resolve(user: User, comment_id: int) -> Comment:
    """The thread (root comment) a lead may resolve; 403 for its own annotator, else 404."""
    comment = db.session.get(Comment, comment_id)
    if comment is not None and comment.parent_id is not None:
        comment = db.session.get(Comment, comment.parent_id)
    role = project_role(user, comment.project_id) if comment is not None else None
    if comment is None or role is None:
        raise NotFound("No such thread.")
    if not is_lead(role):
        if comment.annotator_id == user.id:
            raise Forbidden("Only a lead can resolve a question.")
        raise NotFound("No such thread.")
    return comment


def set_resolved(user: User, comment_id: int, resolved: bool) -> Comment:
    """Leads close (or reopen) a thread."""
    comment = thread_to_resolve(user, comment_id)
    comment.resolved_at = utcnow() if resolved else None
    comment.resolved_by_id = user.id if resolved else None
    return comment


def threads_for(viewer: Viewer, document_id: int, annotator: str | None = None) -> list[dict]:
    """The threads on one article the viewer may see, oldest first, replies inside."""
    query = select(Comment).where(Comment.document_id == document_id)
    if not viewer.lead:
        if annotator not in (None, viewer.user.username):
            raise Forbidden("Only leads can read other annotators' questions.")
        query = query.where(Comment.annotator_id == viewer.user.id)
    elif annotator:
        query = query.where(Comment.annotator_id == _user_named(annotator).id)
    comments = db.session.execute(query.order_by(Comment.id)).scalars().all()
    return _threads(comments)


def _threads(comments) -> list[dict]:
    ids = {c.author_id for c in comments} | {c.annotator_id for c in comments}
    ids |= {c.resolved_by_id for c in comments if c.resolved_by_id}
    names = dict(db.session.execute(select(User.id, User.username).where(User.id.in_(ids))).all())
    span_ids = {c.span_id for c in comments if c.span_id}
    spans = {
        s.id: s for s in db.session.execute(select(Span).where(Span.id.in_(span_ids))).scalars()
    }
    roots: dict[int, dict] = {}
    for c in comments:
        message = {
            "id": c.id,
            "author": names.get(c.author_id, ""),
            "body": c.body,
            "created_at": c.created_at.isoformat(),
        }
        if c.parent_id is None:
            span = spans.get(c.span_id)
            roots[c.id] = {
                **message,
                "document_id": c.document_id,
                "annotator": names.get(c.annotator_id, ""),
                "span": (
                    {"id": span.id, "text": span.text, "start": span.start, "end": span.end}
                    if span
                    else None
                ),
                "resolved": c.resolved_at is not None,
                "resolved_by": names.get(c.resolved_by_id) if c.resolved_by_id else None,
                "replies": [],
            }
        elif c.parent_id in roots:
            roots[c.parent_id]["replies"].append(message)
    return list(roots.values())


def open_questions(project_id: int, *, include_resolved: bool = False) -> list[dict]:
    """For leads: every thread of the project (open ones unless ``include_resolved``), with
    the article's title and the latest message, most recently active first."""
    roots = select(Comment).where(Comment.project_id == project_id, Comment.parent_id.is_(None))
    if not include_resolved:
        roots = roots.where(Comment.resolved_at.is_(None))
    root_rows = db.session.execute(roots).scalars().all()
    if not root_rows:
        return []
    root_ids = [r.id for r in root_rows]
    replies = (
        db.session.execute(
            select(Comment).where(Comment.parent_id.in_(root_ids)).order_by(Comment.id)
        )
        .scalars()
        .all()
    )
    threads = _threads([*root_rows, *replies])
    titles = dict(
        db.session.execute(
            select(
                Document.id, func.coalesce(func.nullif(Document.title, ""), Document.external_id)
            ).where(Document.id.in_({r.document_id for r in root_rows}))
        ).all()
    )
    for thread in threads:
        thread["document_title"] = titles.get(thread["document_id"], "")
        last = thread["replies"][-1] if thread["replies"] else thread
        thread["last"] = {"author": last["author"], "body": last["body"], "at": last["created_at"]}
    threads.sort(key=lambda t: t["last"]["at"], reverse=True)
    return threads


def thread_of(comment: Comment) -> dict:
    """The whole thread a comment is in, as ``threads_for`` lists it."""
    root_id = comment.parent_id or comment.id
    rows = db.session.execute(
        select(Comment)
        .where((Comment.id == root_id) | (Comment.parent_id == root_id))
        .order_by(Comment.id)
    ).scalars()
    return _threads(list(rows))[0]


__all__ = [
    "Viewer",
    "add_comment",
    "thread_of",
    "open_questions",
    "set_resolved",
    "thread_to_resolve",
    "threads_for",
]
