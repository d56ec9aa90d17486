"""Baseline-model training runs: parameters, data snapshot, metrics and the model file."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from annotator.extensions import db
from annotator.models.base import created_column

DECISIONS = ("accepted", "dismissed")

RUN_STATES = ("queued", "running", "finished", "failed")


class ModelRun(db.Model):
    __tablename__ = "model_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    level: Mapped[str] = mapped_column(String(16))
    folds: Mapped[int] = mapped_column(default=5)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    job_id: Mapped[str] = mapped_column(String(64), default="")
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    sources: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    metrics: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Active learning: {document id (as text): how uncertain the model is about it}.
    uncertainty: Mapped[dict[str, float] | None] = mapped_column(JSON)
    training_hash: Mapped[str] = mapped_column(String(64), default="")
    code_version: Mapped[str] = mapped_column(String(32), default="")
    model_path: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = created_column()
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint("level IN ('sentence', 'span')", name="level_valid"),
        CheckConstraint(
            "status IN ('queued', 'running', 'finished', 'failed')", name="status_valid"
        ),
    )


class SuggestionDecision(db.Model):
    """An annotator's answer to one suggestion: accepted (it became a span) or dismissed.

    One row per annotator, article, label and range (a later answer replaces an earlier one;
    undoing an acceptance removes it). ``origin`` is "model" (the project's latest run) or
    "server" (an external ML backend)."""

    __tablename__ = "suggestion_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    label_id: Mapped[int] = mapped_column(ForeignKey("label.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    score: Mapped[float | None] = mapped_column(Float)
    decision: Mapped[str] = mapped_column(String(16))
    origin: Mapped[str] = mapped_column(String(16), default="model")
    created_at: Mapped[datetime] = created_column()

    __table_args__ = (
        UniqueConstraint(
            "user_id", "document_id", "label_id", "start", "end", name="uq_suggestion_decision"
        ),
        CheckConstraint("decision IN ('accepted', 'dismissed')", name="decision_valid"),
        CheckConstraint("origin IN ('model', 'server')", name="origin_valid"),
    )
