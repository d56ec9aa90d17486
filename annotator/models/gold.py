"""The gold standard: adjudicated spans and answers, their audit trail, and curation status.

Gold lives apart from annotators' spans (``span``): curation never changes those.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from annotator.extensions import db
from annotator.models.base import created_column, utcnow

CURATION_STATUSES = ("open", "in_progress", "curated")
GOLD_ACTIONS = ("create", "update", "delete", "reject", "answer")


class GoldSpan(db.Model):
    """A gold ``[start, end)`` code-point span. ``provenance`` lists the annotators (user names)
    whose spans support it; ``source`` is ``auto`` (auto-merge) or ``manual`` (a curator)."""

    __tablename__ = "gold_span"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    label_id: Mapped[int] = mapped_column(ForeignKey("label.id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    provenance: Mapped[list[str]] = mapped_column(JSON, default=list)
    # A discontinuous span (brat ``T1 Cue 10 15;20 25``): its fragments ``[[s, e], ...]``;
    # start/end are their hull. NULL for a contiguous span.
    fragments: Mapped[list[list[int]] | None] = mapped_column(JSON(none_as_null=True))
    # Split votes auto-merge left open: attribute -> annotator -> their value (None: none).
    disputes: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    # The supporting annotators' notes on their spans: annotator -> note.
    notes: Mapped[dict[str, str] | None] = mapped_column(JSON(none_as_null=True))
    source: Mapped[str] = mapped_column(String(16), default="manual")
    adjudicated_by: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = created_column()

    __table_args__ = (
        CheckConstraint('0 <= start AND start < "end"', name="offsets_valid"),
        UniqueConstraint(
            "document_id", "label_id", "start", "end", name="uq_gold_span_document_label_offsets"
        ),
    )

    label = relationship("Label")
    adjudicator = relationship("User")

    def touch(self) -> None:
        self.version += 1
        self.updated_at = utcnow()


class GoldAnswer(db.Model):
    """The adjudicated answer to an article-level question."""

    __tablename__ = "gold_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("document_question.id", ondelete="CASCADE"))
    value: Mapped[str] = mapped_column(String(200))
    provenance: Mapped[list[str]] = mapped_column(JSON, default=list)
    adjudicated_by: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = created_column()

    __table_args__ = (
        UniqueConstraint("document_id", "question_id", name="uq_gold_answer_doc_question"),
    )


class GoldEvent(db.Model):
    """Audit row for every gold change. ``reject`` deletes a gold span and stops auto-merge
    from proposing it again; ``answer`` records a gold answer change."""

    __tablename__ = "gold_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    gold_span_id: Mapped[int | None] = mapped_column(Integer, index=True)  # survives deletion
    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(16))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    at: Mapped[datetime] = created_column()

    __table_args__ = (
        CheckConstraint(
            "action IN ('create', 'update', 'delete', 'reject', 'answer')", name="action_valid"
        ),
    )

    user = relationship("User")


class DocumentCuration(db.Model):
    """Where curation of a document stands; a document without a row is ``open``."""

    __tablename__ = "document_curation"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[str] = mapped_column(String(16), default="open")
    # Candidates the last auto-merge did not make gold: label, start, end, reason, annotators.
    unmerged: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON(none_as_null=True))
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = created_column()

    __table_args__ = (
        CheckConstraint("status IN ('open', 'in_progress', 'curated')", name="status_valid"),
        Index("ix_document_curation_status", "status"),
    )
