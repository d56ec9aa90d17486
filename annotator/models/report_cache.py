"""Heavy reports (agreement, curation queue, model page, outlet analysis) stored per project,
kind and parameters with the write stamp they were built under (``services/report_cache``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from annotator.extensions import db
from annotator.models.base import created_column


class ReportCache(db.Model):
    __tablename__ = "report_cache"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    params: Mapped[str] = mapped_column(String(255), primary_key=True)
    stamp: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    built_at: Mapped[datetime] = created_column()
