"""Importing articles into a project: one transaction, duplicates skipped and counted."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from annotator.extensions import db
from annotator.models import Document, Project
from annotator.services.article_files import ArticleRow, ImportFailed, read_articles
from annotator.services.errors import ServiceError


@dataclass
class ImportReport:
    imported: int = 0
    duplicates: int = 0
    files: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"Imported {self.imported} articles; skipped {self.duplicates} duplicates."


def import_files(
    project: Project,
    files: Iterable[tuple[str, bytes]],
    *,
    max_chars: int = 1_000_000,
    max_records: int = 100_000,
    progress=None,
) -> ImportReport:
    """Parse every file first, then insert; any bad record raises ServiceError and writes nothing.

    The caller commits (or rolls back).
    """
    rows: list[ArticleRow] = []
    report = ImportReport()
    try:
        for name, data in files:
            rows.extend(read_articles(name, data, max_chars=max_chars, max_records=max_records))
            report.files.append(name)
            if len(rows) > max_records:
                raise ImportFailed(name, None, f"more than {max_records} articles in one import.")
    except ImportFailed as exc:
        raise ServiceError(str(exc)) from None
    return insert_rows(project, rows, report, progress=progress)


def insert_rows(
    project: Project, rows: list[ArticleRow], report: ImportReport | None = None, progress=None
) -> ImportReport:
    report = report or ImportReport()
    existing = db.session.execute(
        select(Document.external_id, Document.sha256).where(Document.project_id == project.id)
    ).all()
    seen_ids = {e for e, _ in existing}
    seen_hashes = {h for _, h in existing}
    values = []
    for row in rows:
        if row.external_id in seen_ids or row.sha256 in seen_hashes:
            report.duplicates += 1
            continue
        seen_ids.add(row.external_id)
        seen_hashes.add(row.sha256)
        values.append(
            {
                "project_id": project.id,
                "external_id": row.external_id,
                "title": row.title,
                "text": row.text,
                "outlet": row.outlet,
                "author": row.author,
                "url": row.url,
                "published": row.published,
                "meta": row.meta,
                "sha256": row.sha256,
            }
        )
    batch = 1000
    for i in range(0, len(values), batch):
        db.session.execute(Document.__table__.insert(), values[i : i + batch])  # Core: fast
        if progress:
            progress(min(i + batch, len(values)), len(values))
    report.imported = len(values)
    return report
