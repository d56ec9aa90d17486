"""News outlets of a project: display name, aliases, leaning and where the rating came from.

``key`` is the matching form of the name (case-folded, whitespace collapsed); every alias is
stored in that form too, so ``FOX``, ``fox`` and `` Fox `` find the same outlet.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from annotator.extensions import db
from annotator.models.base import created_column

LEANINGS = ("left", "centre-left", "centre", "centre-right", "right")


class Outlet(db.Model):
    __tablename__ = "outlet"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)  # matching keys
    leaning: Mapped[str] = mapped_column(String(16), default="")
    rating_source: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = created_column()

    __table_args__ = (
        UniqueConstraint("project_id", "key", name="uq_outlet_project_key"),
        CheckConstraint(
            "leaning IN ('', 'left', 'centre-left', 'centre', 'centre-right', 'right')",
            name="leaning_valid",
        ),
    )
