"""Comment threads on an article (or one span of it) between an annotator and the leads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from annotator.extensions import db
from annotator.models.base import created_column


class Comment(db.Model):
    """One message. A thread is a root comment (``parent_id`` None) and its replies.

    ``annotator_id`` is whose thread it is: only that annotator and the project's leads ever
    see it (annotators never see each other's spans, so neither their questions about them).
    ``span_id`` (root only) is the span asked about; it is cleared, not cascaded, when the span
    is deleted, so the question stays on the article. ``resolved_at`` (root only) closes the
    thread; a later reply by the annotator opens it again.
    """

    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), index=True
    )
    span_id: Mapped[int | None] = mapped_column(ForeignKey("span.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = created_column()
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    __table_args__ = (
        Index("ix_comment_document_annotator", "document_id", "annotator_id"),
        Index("ix_comment_project_open", "project_id", "resolved_at"),
    )
