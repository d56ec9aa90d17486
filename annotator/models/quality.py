"""Annotator training, qualification and quality control: attempts, item scores, audit.

A document's ``purpose`` (``work``, ``training`` or ``control``) lives on ``Document``; the
project's thresholds on ``Project``; a member's qualification and pause on ``Membership``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from annotator.extensions import db
from annotator.models.base import created_column

PURPOSES = ("work", "training", "control")
QUALITY_ACTIONS = (
    "purpose",  # a lead marked an article as work / training / control
    "settings",  # a lead changed the thresholds or rates
    "attempt",  # an annotator started a training attempt
    "passed",
    "failed",
    "flagged",  # control accuracy fell below the threshold
    "unflagged",
    "paused",
    "resumed",
)


class TrainingAttempt(db.Model):
    """One pass of an annotator through the project's training set, in its own order."""

    __tablename__ = "training_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    order: Mapped[list[int]] = mapped_column(JSON, default=list)  # document ids, served in order
    score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    started_at: Mapped[datetime] = created_column()
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("project_id", "user_id", "number", name="uq_training_attempt_number"),
    )


class ItemScore(db.Model):
    """An annotator's score on one training or control article against its gold, kept with
    the differences so feedback and accuracy survive a retry (which clears the spans)."""

    __tablename__ = "item_score"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(16))
    attempt_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_attempt.id", ondelete="CASCADE")
    )
    span_f1: Mapped[float | None] = mapped_column(Float)
    answer_agreement: Mapped[float | None] = mapped_column(Float)
    score: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool] = mapped_column(Boolean)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = created_column()

    __table_args__ = (
        CheckConstraint("purpose IN ('training', 'control')", name="purpose_valid"),
        Index("ix_item_score_user_project", "user_id", "project_id"),
    )


class QualityEvent(db.Model):
    """Audit row for every training, qualification and quality-control decision."""

    __tablename__ = "quality_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(16))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = created_column()

    __table_args__ = (
        CheckConstraint(
            "action IN (" + ", ".join(f"'{a}'" for a in QUALITY_ACTIONS) + ")",
            name="action_valid",
        ),
    )
