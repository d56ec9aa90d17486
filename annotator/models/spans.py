"""Annotators' spans and their audit trail."""

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
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from annotator.extensions import db
from annotator.models.base import created_column, utcnow


class Span(db.Model):
    """A labelled half-open code-point range ``[start, end)`` of a document's text.

    ``text`` stores the covered text to catch drift; ``version`` increments on every update
    (optimistic concurrency: a stale version gets 409). ``client_key`` makes creates
    idempotent: a retried create with the same key returns the span it already made.
    """

    __tablename__ = "span"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    label_id: Mapped[int] = mapped_column(ForeignKey("label.id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    # A discontinuous span (brat ``T1 Cue 10 15;20 25``): its fragments ``[[s, e], ...]``;
    # start/end are their hull. NULL for a contiguous span.
    fragments: Mapped[list[list[int]] | None] = mapped_column(JSON(none_as_null=True))
    guidelines_version: Mapped[int] = mapped_column(Integer, default=1)
    source: Mapped[str] = mapped_column(String(16), default="manual")
    client_key: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = created_column()

    __table_args__ = (
        CheckConstraint('0 <= start AND start < "end"', name="offsets_valid"),
        Index("ix_span_document_user", "document_id", "user_id"),
        # The idempotency key of creates, unique where given (imported spans have none).
        Index(
            "uq_span_user_client_key",
            "user_id",
            "client_key",
            unique=True,
            sqlite_where=sql_text("client_key IS NOT NULL"),
            postgresql_where=sql_text("client_key IS NOT NULL"),
        ),
    )

    label = relationship("Label")
    user = relationship("User")

    def touch(self) -> None:
        self.version += 1
        self.updated_at = utcnow()


class SpanEvent(db.Model):
    """Audit row written in the same transaction as every span create/update/delete."""

    __tablename__ = "span_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    span_id: Mapped[int] = mapped_column(Integer, index=True)  # no FK: survives deletion
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(16))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    at: Mapped[datetime] = created_column()

    __table_args__ = (
        CheckConstraint("action IN ('create', 'update', 'delete')", name="action_valid"),
    )

    user = relationship("User")
