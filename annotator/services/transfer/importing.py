"""Importing articles into a project: one transaction, duplicates skipped and counted."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, literal, select, union_all

from annotator.extensions import db
from annotator.models import Document, Project
from annotator.models.base import utcnow
from annotator.services.errors import ServiceError
from annotator.services.projects.outlets import match_outlets
from annotator.services.transfer.article_files import ArticleRow, ImportFailed, read_articles
from annotator.wording import plural


@dataclass
class ImportReport:
    imported: int = 0
    duplicates: int = 0
    files: list[str] = field(default_factory=list)
    # Per uploaded file: [imported, duplicates] (filled by ``import_files``).
    by_file: dict[str, list[int]] = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"Imported {plural(self.imported, 'article')}; "
            f"skipped {plural(self.duplicates, 'duplicate')}."
        )


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
    origins: list[str] = []  # the uploaded file of each row
    report = ImportReport()
    try:
        for name, data in files:
            found = read_articles(name, data, max_chars=max_chars, max_records=max_records)
            rows.extend(found)
            key = name if name not in report.by_file else f"{name} ({len(report.files) + 1})"
            origins.extend([key] * len(found))
            report.files.append(name)
            report.by_file[key] = [0, 0]
            if len(rows) > max_records:
                raise ImportFailed(name, None, f"more than {max_records} articles in one import.")
    except ImportFailed as exc:
        raise ServiceError(str(exc)) from None
    return insert_rows(project, rows, report, progress=progress, origins=origins)


# Reading all of a project's keys (from the two indexes alone) is cheaper than looking the
# incoming keys up one by one until the project holds a few times as many articles as arrive.
SCAN_RATIO = 4
# Keys of each kind looked up per query: 2 x 450 bound parameters stay under the 999 that
# SQLite before 3.32 allows (PostgreSQL allows 65,535).
LOOKUP_CHUNK = 450
INSERT_BATCH = 1000


def insert_rows(
    project: Project,
    rows: list[ArticleRow],
    report: ImportReport | None = None,
    progress=None,
    origins: list[str] | None = None,
) -> ImportReport:
    report = report or ImportReport()
    seen_ids, seen_hashes = existing_keys(project.id, rows)
    project_id, now = project.id, utcnow()  # one import, one creation time
    values = []
    for i, row in enumerate(rows):
        counts = report.by_file.get(origins[i]) if origins else None
        if row.external_id in seen_ids or row.sha256 in seen_hashes:
            report.duplicates += 1
            if counts is not None:
                counts[1] += 1
            continue
        if counts is not None:
            counts[0] += 1
        seen_ids.add(row.external_id)
        seen_hashes.add(row.sha256)
        values.append(
            {
                "project_id": project_id,
                "external_id": row.external_id,
                "title": row.title,
                "text": row.text,
                "outlet": row.outlet,
                "story": row.story,
                "author": row.author,
                "url": row.url,
                "published": row.published,
                "meta": row.meta,
                "sha256": row.sha256,
                "created_at": now,
            }
        )
    # Outlet names matched case- and whitespace-insensitively to the project's outlets
    # (in import order: the first spelling of a new outlet becomes its display name)
    outlet_ids = match_outlets(project_id, list(dict.fromkeys(v["outlet"] for v in values)))
    for v in values:
        v["outlet_id"] = outlet_ids.get(v["outlet"])
    insert = Document.__table__.insert()  # Core executemany: no ORM objects
    for i in range(0, len(values), INSERT_BATCH):
        db.session.execute(insert, values[i : i + INSERT_BATCH])
        if progress:
            progress(min(i + INSERT_BATCH, len(values)), len(values))
    report.imported = len(values)
    return report


def existing_keys(project_id: int, rows: list[ArticleRow]) -> tuple[set[str], set[str]]:
    """The external ids and text hashes the project already has, as far as ``rows`` need them.

    A small project gives all its keys in one index-only query; a large one is asked only for
    the incoming keys, so the cost follows the size of the import, not of the project.
    """
    in_project = Document.project_id == project_id
    held = db.session.execute(select(func.count()).where(in_project)).scalar_one()
    if not held:
        return set(), set()
    if held <= SCAN_RATIO * len(rows):
        return _keys(
            select(literal(0).label("kind"), Document.external_id.label("key")).where(in_project),
            select(literal(1), Document.sha256).where(in_project),
        )
    ids: set[str] = set()
    hashes: set[str] = set()
    for i in range(0, len(rows), LOOKUP_CHUNK):
        chunk = rows[i : i + LOOKUP_CHUNK]
        found_ids, found_hashes = _keys(
            select(literal(0).label("kind"), Document.external_id.label("key")).where(
                in_project, Document.external_id.in_({row.external_id for row in chunk})
            ),
            select(literal(1), Document.sha256).where(
                in_project, Document.sha256.in_({row.sha256 for row in chunk})
            ),
        )
        ids |= found_ids
        hashes |= found_hashes
    return ids, hashes


def _keys(by_id, by_hash) -> tuple[set[str], set[str]]:
    """One query for both kinds of key: (0, external_id) and (1, sha256) rows."""
    ids: set[str] = set()
    hashes: set[str] = set()
    for kind, key in db.session.execute(union_all(by_id, by_hash)):
        (hashes if kind else ids).add(key)
    return ids, hashes
