"""Articles, who annotates them, and article-level answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from annotator.extensions import db
from annotator.models.base import created_column

ASSIGNMENT_STATUSES = ("todo", "in_progress", "done", "skipped")


class Document(db.Model):
    """An article. ``text`` is NFC with ``\\n`` line endings and never changes once annotated."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    outlet: Mapped[str] = mapped_column(String(200), default="")
    # The project's Outlet row the outlet name matched (``outlet`` holds its display name).
    outlet_id: Mapped[int | None] = mapped_column(
        ForeignKey("outlet.id", ondelete="SET NULL"), index=True
    )
    # Articles about the same event from different outlets share a story key.
    story: Mapped[str] = mapped_column(String(200), default="")
    author: Mapped[str] = mapped_column(String(200), default="")
    url: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[date | None] = mapped_column(Date)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # ``work`` (real articles), ``training`` or ``control`` (gold articles set aside to train
    # and check annotators: never in agreement, gold or exports of real work).
    purpose: Mapped[str] = mapped_column(String(16), default="work", server_default="work")
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = created_column()

    __table_args__ = (
        UniqueConstraint("project_id", "external_id", name="uq_document_project_external"),
        Index("ix_document_project_sha", "project_id", "sha256"),
        # "does the project have a training set" runs on every article read and span write:
        # without it that EXISTS scans every article row of the project (text included).
        Index("ix_document_project_purpose", "project_id", "purpose"),
        CheckConstraint("purpose IN ('work', 'training', 'control')", name="purpose_valid"),
    )

    project = relationship("Project")


class Assignment(db.Model):
    __tablename__ = "assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="todo")
    skip_reason: Mapped[str] = mapped_column(Text, default="")
    seconds_spent: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = created_column()
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # "uncertainty" when active learning chose this article as the annotator's next one.
    picked_by: Mapped[str] = mapped_column(String(16), default="")

    __table_args__ = (
        UniqueConstraint("document_id", "user_id", name="uq_assignment_document_user"),
        CheckConstraint(
            "status IN ('todo', 'in_progress', 'done', 'skipped')", name="status_valid"
        ),
        CheckConstraint("seconds_spent >= 0", name="seconds_nonnegative"),
    )

    document: Mapped[Document] = relationship()
    user = relationship("User")


class DocumentAnswer(db.Model):
    __tablename__ = "document_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("document_question.id", ondelete="CASCADE"))
    value: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = created_column()

    __table_args__ = (
        UniqueConstraint("document_id", "user_id", "question_id", name="uq_answer_doc_user_q"),
    )

    question = relationship("DocumentQuestion")
    user = relationship("User")
