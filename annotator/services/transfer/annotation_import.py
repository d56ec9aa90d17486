"""Importing other tools' annotations (doccano, Label Studio, brat, PTC, native JSONL) into a
project.

All or nothing: every record is checked before anything is written, in one transaction (the
caller commits). Articles are matched by id (a different text under the same id is an error) or
created; annotators map to users (created inactive when missing) and labels to labels (created
when missing); both are reported.

Nothing is dropped without being counted in the report:

- Texts that are not NFC with ``\\n`` line endings are normalised and every offset is moved
  through a code-point map (``formats.normalize``); a span edge inside a CRLF pair or a
  combining sequence snaps outward (``snapped``).
- Relations (brat ``R`` lines, doccano ``relations``, Label Studio ``relation`` results) arrive
  as attributes naming another span's local id. They become link attributes of the project's
  schema when one fits: the source label's link attribute of that name (case-insensitive), else
  the target label's (the link reversed), else the source label's only link attribute (the label
  pair), else the target label's only one (reversed); labels the import creates get a link
  attribute per relation type. Any other relation is counted per type as unmapped. A link
  holds one target: a second relation of one type from one span (a list of targets from the
  reader) keeps the first and is counted per type (``relations_conflicting``).
- Event arguments (brat ``E`` lines: ``SpanRecord.arguments`` of the trigger span) become the
  trigger label's link attribute named as the role (case-insensitive; ``Theme2`` is a further
  ``Theme``), else are counted per role (``unmapped_event_arguments``).
- Gold: the file's gold (JSONL ``gold``, Label Studio ``ground_truth``, brat ``gold`` folder,
  PTC) becomes the project's gold; ``as_gold`` makes every span and answer in the file gold.
  A gold span equal to one the article already has (label and offsets) is counted, not doubled.
- Discontinuous spans keep their fragments (start/end are the hull).

The records come as a stream (``import_files``), are merged, normalised and checked a batch at
a time (``import_prepare``; for files, in a reader process of their own: ``import_reader``) and
written a batch at a time (``import_writer``: straight to the driver, with the audit rows and
the write stamp the row-by-row inserts gave), so memory stays bounded however large the input.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select

from annotator.extensions import db
from annotator.formats._common import safe_filename
from annotator.models import Document, Label, Project, User
from annotator.records import DocumentRecord
from annotator.services.errors import ServiceError
from annotator.services.projects.projects import add_member
from annotator.services.transfer.import_files import (  # noqa: F401 (the import's API)
    FORMATS,
    OFFSETS,
    _unpacked,
    iter_annotation_files,
    read_annotation_files,
)
from annotator.services.transfer.import_prepare import Batch, Prepared, prepare_batches
from annotator.services.transfer.import_reader import batches_from_a_process, no_cycle_collection
from annotator.services.transfer.import_sql import (
    _reserve_ids,
    insert_rows,
    json_serializer,
    skip_foreign_key_checks,
)
from annotator.services.transfer.import_writer import _Writer

PALETTE = (
    "#fbbf24",
    "#60a5fa",
    "#34d399",
    "#f472b6",
    "#a78bfa",
    "#f87171",
    "#2dd4bf",
    "#fb923c",
    "#a3e635",
    "#e879f9",
)
BATCH = 2000  # articles written per round of inserts, at most
BATCH_SPANS = 20_000  # spans (and gold spans) per round, at most: memory stays bounded


@dataclass
class AnnotationImportReport:
    """What an import brought in, mapped, and could not keep, per kind."""

    documents_created: int = 0
    documents_matched: int = 0
    spans: int = 0
    gold_spans: int = 0
    answers: int = 0
    gold_answers: int = 0
    discontinuous: int = 0  # spans kept with their fragments
    links: int = 0  # relations that arrived as link attributes
    texts_normalised: int = 0  # articles brought to NFC with \n line endings
    snapped: int = 0  # spans whose edge fell inside a CRLF pair or combining sequence
    gold_duplicates: int = 0  # gold spans the article already had (label and offsets)
    unmapped_relations: dict[str, int] = field(default_factory=dict)  # relation type -> count
    # a link holds one target: further relations of one type from one span, by type
    relations_conflicting: dict[str, int] = field(default_factory=dict)
    event_arguments: int = 0  # brat event arguments that arrived as link attributes
    unmapped_event_arguments: dict[str, int] = field(default_factory=dict)  # role -> count
    users_created: list[str] = field(default_factory=list)
    labels_created: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            name: getattr(self, name) for name in self.__dataclass_fields__
        }  # plain values: counts, lists, the unmapped relations by type

    def lines(self) -> list[str]:
        """The report as sentences: imported, mapped, then what could not be kept."""
        n = self.documents_created + self.documents_matched
        out = [
            f"Imported {self.spans} spans, {self.gold_spans} gold spans, {self.answers} answers "
            f"and {self.gold_answers} gold answers on {n} articles "
            f"({self.documents_created} new)."
        ]
        if self.discontinuous:
            out.append(f"{self.discontinuous} discontinuous spans kept with their fragments.")
        if self.links:
            out.append(f"Mapped {self.links} relations to link attributes.")
        if self.event_arguments:
            out.append(f"Mapped {self.event_arguments} event arguments to link attributes.")
        if self.texts_normalised:
            out.append(
                f"Normalised {self.texts_normalised} article texts to NFC with \\n line endings "
                f"(offsets moved with them); {self.snapped} spans snapped outward to whole "
                "characters."
            )
        if self.users_created:
            out.append(f"Created inactive users: {', '.join(self.users_created)}.")
        if self.labels_created:
            out.append(f"Created labels: {', '.join(self.labels_created)}.")
        if self.gold_duplicates:
            out.append(
                f"{self.gold_duplicates} gold spans were already gold (same label and offsets) "
                "and were not added again."
            )
        for counts, what, by in (
            (
                self.unmapped_relations,
                "relations with no fitting link attribute in the project's schema",
                "type",
            ),
            (
                self.relations_conflicting,
                "relations to a further target of a link that already had one from the same "
                "span (a link holds one target; the first was kept)",
                "type",
            ),
            (
                self.unmapped_event_arguments,
                "event arguments with no link attribute of their role on the trigger's label",
                "role",
            ),
        ):
            if counts:
                kinds = ", ".join(f"{k} ({v})" for k, v in sorted(counts.items()))
                out.append(f"Not kept: {sum(counts.values())} {what}, by {by}: {kinds}.")
        return out

    def summary(self) -> str:
        return " ".join(self.lines())


def import_uploads(
    project: Project,
    fmt: str,
    uploads: list[tuple[str, bytes]],
    *,
    annotator: str | None = None,
    as_gold: bool = False,
    offsets: str = "codepoints",
) -> AnnotationImportReport:
    """The import page's use case: uploaded ``(file name, bytes)`` as the CLI reads files (a
    brat collection or a PTC folder comes as a zip); errors name the uploaded file."""
    if not uploads:
        raise ServiceError("Choose at least one file.")
    with tempfile.TemporaryDirectory(prefix="annotator-import-") as tmp:
        paths = []
        for k, (name, data) in enumerate(uploads):
            base = safe_filename(Path(name).name) or f"upload{k}"
            folder = Path(tmp) / str(k)
            folder.mkdir()
            path = folder / base
            path.write_bytes(data)
            if fmt == "ptc":
                path = _unpacked(path, folder / "unpacked")
            paths.append(path)
        try:
            documents = iter_annotation_files(fmt, paths, annotator=annotator, offsets=offsets)
            return import_annotations(project, documents, as_gold=as_gold)
        except ServiceError as exc:
            message = exc.message
            for k in range(len(uploads)):
                message = message.replace(f"{tmp}/{k}/unpacked/", "").replace(f"{tmp}/{k}/", "")
            raise ServiceError(message) from None


Progress = Callable[[int, int], None]


def import_annotations(
    project: Project,
    documents: Iterable[DocumentRecord],
    *,
    as_gold: bool = False,
    progress: Progress | None = None,
) -> AnnotationImportReport:
    """Check and write ``documents`` (see the module docstring), ``BATCH`` articles at a time
    as they come (so a stream of records is imported in bounded memory); the caller commits,
    and rolls back on a ServiceError, which may come from any batch. ``progress(spans, None)``
    is called after each batch."""
    batches = prepare_batches(
        documents,
        as_gold=as_gold,
        version=project.guidelines_version,
        n=BATCH,
        spans=BATCH_SPANS,
        dumps=_json_dumps(),
    )
    return _write_batches(project, batches, progress)


def import_annotation_files(
    project: Project,
    fmt: str,
    paths,
    *,
    annotator: str | None = None,
    offsets: str = "codepoints",
    as_gold: bool = False,
    progress: Progress | None = None,
    reader_process: bool = True,
) -> AnnotationImportReport:
    """``import_annotations`` of files (``iter_annotation_files``), as the CLI imports them:
    with ``reader_process`` the files are read and their batches prepared in a process of
    their own (``import_reader``) while this one writes the batch before, on both cores; the
    result is the same as reading them here (which happens when the database stores JSON
    other than ``json.dumps`` gives, since the reader encodes the attributes)."""
    documents = iter_annotation_files(fmt, paths, annotator=annotator, offsets=offsets)
    if not reader_process or _json_dumps() is not json.dumps:
        return import_annotations(project, documents, as_gold=as_gold, progress=progress)
    documents.close()  # the options are checked; the reader process reads the files
    skip_foreign_key_checks()
    batches = batches_from_a_process(
        fmt,
        [os.fspath(p) for p in paths],
        annotator=annotator,
        offsets=offsets,
        as_gold=as_gold,
        version=project.guidelines_version,
        n=BATCH,
        spans=BATCH_SPANS,
    )
    with no_cycle_collection():
        return _write_batches(project, batches, progress)


def _json_dumps():
    return json_serializer(db.session.get_bind().dialect)


def _write_batches(
    project: Project, batches: Iterable[Batch], progress: Progress | None
) -> AnnotationImportReport:
    report = AnnotationImportReport()
    writer = _Writer(project, {q.name: q for q in project.questions}, report)
    created: set[str] = set()
    done = 0
    for batch in batches:
        report.texts_normalised += batch.texts_normalised
        report.snapped += batch.snapped
        docs, fresh = _documents(project, batch.docs, report, created)
        writer.users.update(_users(project, batch.names, report, writer.users))
        writer.set_labels(_labels(project, batch, report))
        writer.write(batch, docs, fresh)
        done += batch.spans
        if progress is not None:
            progress(done, None)
    db.session.flush()
    return report


def _documents(
    project: Project, prepared: list[Prepared], report, created: set[str]
) -> tuple[dict[str, int], set[int]]:
    """The batch's articles by id: matched (same id, same text) or created; and the ids of
    those created here (nothing refers to them yet)."""
    existing = {
        external: (doc_id, digest)
        for external, doc_id, digest in db.session.execute(
            select(Document.external_id, Document.id, Document.sha256).where(
                Document.project_id == project.id,
                Document.external_id.in_([p.record.id for p in prepared]),
            )
        ).all()
    }
    ids: dict[str, int] = {}
    fresh: set[int] = set()
    new_rows = []
    for p in prepared:
        record, digest = p.record, p.digest
        if record.id in existing:
            doc_id, have = existing[record.id]
            if have != digest:
                raise ServiceError(
                    f"Article {record.id!r} exists in the project with a different text."
                )
            ids[record.id] = doc_id
            if record.id not in created:  # not an article an earlier batch created
                report.documents_matched += 1
            continue
        new_rows.append(
            {
                "project_id": project.id,
                "external_id": record.id,
                "title": record.title,
                "text": record.text,
                "outlet": record.outlet,
                "author": record.author,
                "url": record.url,
                "meta": dict(record.meta),
                "sha256": digest,
                "published": _date(record.published),
            }
        )
    if new_rows:
        for row, doc_id in zip(new_rows, _reserve_ids(Document.__table__, len(new_rows)),
                               strict=True):  # fmt: skip
            row["id"] = doc_id
            fresh.add(doc_id)
            ids[row["external_id"]] = doc_id
            created.add(row["external_id"])
        insert_rows(Document.__table__, new_rows, project.id)
        report.documents_created += len(new_rows)
    return ids, fresh


def _date(value: str):
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _users(project: Project, names: list[str], report, known) -> dict[str, int]:
    names = [n for n in names if n not in known]  # members since an earlier batch
    found = dict(
        db.session.execute(select(User.username, User.id).where(User.username.in_(names))).all()
    )
    for name in names:
        if name not in found:
            if not name or len(name) > 80:
                raise ServiceError(f"Annotator name {name!r} is not a valid user name.")
            user = User(username=name, active=False, password_hash="")  # no password signs in
            db.session.add(user)
            db.session.flush()
            found[name] = user.id
            report.users_created.append(name)
        add_member(project, db.session.get(User, found[name]), "annotator")
    return found


def _labels(project: Project, batch: Batch, report) -> dict[str, Label]:
    """The project's labels by name, creating those the batch uses and the project lacks, with
    the attributes (relations as links) their spans carry."""
    by_name = {label.name: label for label in project.labels}
    used, seen = batch.used, batch.seen
    for name in sorted(used - by_name.keys()):
        if not name or len(name) > 80:
            raise ServiceError(f"Label name {name!r} is not valid.")
        label = Label(
            project_id=project.id,
            name=name,
            order=len(project.labels),
            color=PALETTE[len(project.labels) % len(PALETTE)],
            attributes=[
                {"name": k, "type": t, "options": []} for k, t in sorted(seen.get(name, {}).items())
            ],
        )
        project.labels.append(label)
        by_name[name] = label
        report.labels_created.append(name)
    db.session.flush()
    return by_name


def report_json(report: AnnotationImportReport) -> str:
    return json.dumps(report.as_dict(), sort_keys=True)
