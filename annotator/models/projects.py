"""Projects, their members, label schema and article-level questions."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from annotator.extensions import db
from annotator.models.base import created_column

ROLES = ("lead", "annotator")


class Project(db.Model):
    __tablename__ = "project"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    guidelines: Mapped[str] = mapped_column(Text, default="")
    guidelines_version: Mapped[int] = mapped_column(Integer, default=1)
    per_doc: Mapped[int] = mapped_column(Integer, default=2)
    blind: Mapped[bool] = mapped_column(Boolean, default=True)
    snap_to_words: Mapped[bool] = mapped_column(Boolean, default=True)
    hide_outlet: Mapped[bool] = mapped_column(Boolean, default=False)
    suggestions: Mapped[bool] = mapped_column(Boolean, default=False)
    suggestions_in_blind: Mapped[bool] = mapped_column(Boolean, default=False)
    # The model loop (Model page): None = the latest model's own tuned threshold.
    suggestion_threshold: Mapped[float | None] = mapped_column(Float)
    active_learning: Mapped[bool] = mapped_column(Boolean, default=False)
    # A Label Studio ML backend serving suggestions instead of the project's own model.
    model_server_url: Mapped[str] = mapped_column(Text, default="")
    # Training and quality control (services/quality): qualification needs a mean training
    # score of at least ``training_pass`` within ``training_attempts`` attempts; one control
    # article is served after every ``control_every`` real ones (0: none); an annotator whose
    # control accuracy is below ``control_min_accuracy`` after ``control_min_items`` control
    # articles is flagged, and paused too when ``control_pause`` is set.
    training_pass: Mapped[float] = mapped_column(Float, default=0.6, server_default="0.6")
    training_attempts: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    control_every: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    control_min_accuracy: Mapped[float] = mapped_column(Float, default=0.6, server_default="0.6")
    control_min_items: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    control_pause: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A new random value whenever the labels or questions change (see services/schema_cache).
    schema_stamp: Mapped[str] = mapped_column(String(32), default=lambda: uuid4().hex)
    # Changed by database triggers on every write to the project's data (models/write_stamp).
    write_stamp: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    created_at: Mapped[datetime] = created_column()

    __table_args__ = (
        CheckConstraint("per_doc >= 1", name="per_doc_positive"),
        CheckConstraint(
            "suggestion_threshold IS NULL OR (suggestion_threshold >= 0 AND "
            "suggestion_threshold <= 1)",
            name="suggestion_threshold_range",
        ),
        CheckConstraint("control_every >= 0", name="control_every_nonnegative"),
        CheckConstraint("training_attempts >= 1", name="training_attempts_positive"),
    )

    labels: Mapped[list[Label]] = relationship(
        back_populates="project", order_by="Label.order", cascade="all, delete-orphan"
    )
    questions: Mapped[list[DocumentQuestion]] = relationship(
        back_populates="project", order_by="DocumentQuestion.order", cascade="all, delete-orphan"
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="project", cascade="all, delete-orphan"
    )


class GuidelineVersion(db.Model):
    """One saved text of a project's guidelines: ``version`` is the ``guidelines_version`` it
    had (spans record the version they were made under). ``author_id`` is None for the text a
    project had before versions were stored (migration 0018) and for a deleted user."""

    __tablename__ = "guideline_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_column()

    __table_args__ = (
        UniqueConstraint("project_id", "version", name="uq_guideline_version_project_version"),
    )


class Membership(db.Model):
    __tablename__ = "membership"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    # Passed the project's training (or was qualified while the project had no training set).
    qualified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Control accuracy below the project's threshold; paused members are served no articles.
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    paused: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (
        UniqueConstraint("user_id", "project_id", name="uq_membership_user_project"),
        CheckConstraint("role IN ('lead', 'annotator')", name="role_valid"),
    )

    user = relationship("User", back_populates="memberships")
    project: Mapped[Project] = relationship(back_populates="memberships")


class Label(db.Model):
    """A span label. ``attributes`` is a list of ``{"name", "type", "options"}`` definitions,
    type one of choice, text, boolean, link (to another span)."""

    __tablename__ = "label"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    color: Mapped[str] = mapped_column(String(7), default="#fde047")
    shortcut: Mapped[str] = mapped_column(String(1), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    order: Mapped[int] = mapped_column(Integer, default=0)
    attributes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    __table_args__ = (UniqueConstraint("project_id", "name", name="uq_label_project_name"),)

    project: Mapped[Project] = relationship(back_populates="labels")


class DocumentQuestion(db.Model):
    """An article-level question: single choice over ``options`` or a 1..``scale`` Likert item."""

    __tablename__ = "document_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), default="likert")
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    scale: Mapped[int] = mapped_column(Integer, default=5)
    order: Mapped[int] = mapped_column(Integer, default=0)
    # Done is refused until a required question is answered.
    required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (
        UniqueConstraint("project_id", "name", name="uq_question_project_name"),
        CheckConstraint("kind IN ('likert', 'choice')", name="kind_valid"),
    )

    project: Mapped[Project] = relationship(back_populates="questions")

    def allowed_values(self) -> list[str]:
        if self.kind == "likert":
            return [str(i) for i in range(1, self.scale + 1)]
        return list(self.options)
