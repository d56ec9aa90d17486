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
  attribute per relation type. Any other relation is counted per type as unmapped.
- Gold: the file's gold (JSONL ``gold``, Label Studio ``ground_truth``, brat ``gold`` folder,
  PTC) becomes the project's gold; ``as_gold`` makes every span and answer in the file gold.
  A gold span equal to one the article already has (label and offsets) is counted, not doubled.
- Discontinuous spans keep their fragments (start/end are the hull).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import func, insert, select, text, update

from annotator.extensions import db
from annotator.formats import FormatError, get_reader, read_zip
from annotator.formats._common import safe_filename
from annotator.formats.doccano import iter_doccano
from annotator.formats.jsonl import iter_jsonl
from annotator.formats.normalize import normalise_document
from annotator.models import (
    Assignment,
    Document,
    DocumentAnswer,
    DocumentCuration,
    DocumentQuestion,
    GoldAnswer,
    GoldEvent,
    GoldSpan,
    Label,
    Project,
    Span,
    SpanEvent,
    User,
)
from annotator.models.base import utcnow
from annotator.records import AnswerRecord, DocumentRecord, SpanRecord
from annotator.services.errors import ServiceError
from annotator.services.projects.projects import add_member
from annotator.services.transfer.article_files import text_sha256

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
FORMATS = ("doccano", "labelstudio", "brat", "ptc", "jsonl")
OFFSETS = ("codepoints", "utf16")
GOLD = "gold"
BATCH = 2000  # articles written per round of inserts


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
        if self.unmapped_relations:
            kinds = ", ".join(f"{k} ({v})" for k, v in sorted(self.unmapped_relations.items()))
            total = sum(self.unmapped_relations.values())
            out.append(
                f"Not kept: {total} relations with no fitting link attribute in the project's "
                f"schema, by type: {kinds}."
            )
        return out

    def summary(self) -> str:
        return " ".join(self.lines())


def read_annotation_files(
    fmt: str, paths, *, annotator: str | None = None, offsets: str = "codepoints"
) -> list[DocumentRecord]:
    """Records from files of one format; FormatError becomes a ServiceError naming file/line."""
    return list(iter_annotation_files(fmt, paths, annotator=annotator, offsets=offsets))


def iter_annotation_files(
    fmt: str, paths, *, annotator: str | None = None, offsets: str = "codepoints"
) -> Iterator[DocumentRecord]:
    """``read_annotation_files`` as a stream: JSONL and plain doccano files are read a line at
    a time (memory stays flat however large the file); the other formats a file at a time.
    The options are checked at once, the files as they are read."""
    if fmt not in FORMATS:
        raise ServiceError(f"Cannot import annotations from {fmt!r}; use {', '.join(FORMATS)}.")
    if offsets not in OFFSETS:
        raise ServiceError(f"Offsets are {' or '.join(OFFSETS)}, not {offsets!r}.")
    if offsets == "utf16" and fmt not in ("doccano", "labelstudio"):
        raise ServiceError(f"--offsets utf16 applies to doccano and labelstudio, not {fmt}.")
    for path in paths:
        if fmt in ("labelstudio", "jsonl") and Path(path).is_dir():
            raise ServiceError(f"{path}: expected a file, not a folder.")
    return _iter_files(fmt, list(paths), annotator, offsets == "utf16")


def _iter_files(fmt, paths, annotator, utf16) -> Iterator[DocumentRecord]:
    reader = get_reader(fmt)
    for path in paths:
        options: dict = {}
        if fmt in ("brat", "doccano") and annotator:
            options["annotator"] = annotator
        if utf16:
            options["utf16"] = True
        try:
            if fmt == "jsonl":
                yield from iter_jsonl(os.fspath(path))
                continue
            if fmt == "doccano" and not _is_zip(path):
                who = annotator or "doccano"
                yield from iter_doccano(os.fspath(path), annotator=who, utf16=utf16)
                continue
            if fmt == "ptc":
                options.update(_ptc_layout(Path(path)))
                path = Path(path).parent if Path(path).is_file() else path
            yield from reader.read(os.fspath(path), **options)
        except FormatError as exc:
            raise ServiceError(str(exc)) from None
        except OSError as exc:
            raise ServiceError(f"{path}: cannot read ({exc.strerror}).") from None


def _is_zip(path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == b"PK" or os.fspath(path).endswith(".zip")


def _ptc_layout(path: Path) -> dict:
    """PTC options for a folder holding one labels file (``*.labels``, ``*.labels.tsv``) or one
    folder of per-article label files (``*labels*``), and one articles folder (``*articles*``);
    or for the labels file itself, its articles folder beside it."""
    folder = path.parent if path.is_file() else path
    if path.is_file():
        labels = [path]
    else:
        labels = sorted(folder.glob("*.labels")) + sorted(folder.glob("*.labels.tsv"))
        labels = labels or sorted(p for p in folder.glob("*labels*") if p.is_dir())
    articles = sorted(p for p in folder.glob("*articles*") if p.is_dir())
    if len(labels) != 1 or len(articles) != 1:
        raise ServiceError(
            f"{path}: a PTC folder holds one labels file (e.g. train-task2-TC.labels) or folder "
            f"of article<ID>.labels.tsv files, and one articles folder (e.g. train-articles); "
            f"found {len(labels)} and {len(articles)}."
        )
    return {"labels_file": labels[0].name, "articles_dir": articles[0].name}


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


def _unpacked(path: Path, into: Path) -> Path:
    """A PTC zip unpacked (safely: ``read_zip``'s name and size checks); the folder holding its
    articles folder."""
    try:
        files = read_zip(path.read_bytes())
    except FormatError as exc:
        raise ServiceError(f"{path.name}: {exc.message}") from None
    for name, data in files.items():
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    homes = sorted({p.parent for p in into.rglob("*articles*") if p.is_dir()})
    if len(homes) != 1:
        raise ServiceError(f"{path.name}: a PTC zip holds one articles folder and its labels.")
    return homes[0]


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
    report = AnnotationImportReport()
    writer = _Writer(project, {q.name: q for q in project.questions}, report)
    created: set[str] = set()
    done = 0
    for chunk in _chunks(documents, BATCH):
        prepared: list[DocumentRecord] = []
        for record in _merge(chunk).values():
            result = normalise_document(record)
            report.texts_normalised += result.changed
            report.snapped += result.snapped
            record = result.document
            if as_gold:
                record = _all_gold(record)
            _check(record)
            prepared.append(record)
        docs = _documents(project, prepared, report, created)
        writer.users.update(_users(project, prepared, report, writer.users))
        writer.set_labels(_labels(project, prepared, report))
        writer.write(prepared, docs)
        done += sum(len(r.spans) + len(r.gold) for r in prepared)
        if progress is not None:
            progress(done, None)
    db.session.flush()
    return report


def _chunks(items: Iterable, n: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == n:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _merge(documents: Iterable[DocumentRecord]) -> dict[str, DocumentRecord]:
    merged: dict[str, DocumentRecord] = {}
    for doc in documents:
        if doc.id in merged:
            prev = merged[doc.id]
            if prev.text != doc.text:
                raise ServiceError(f"Article {doc.id!r} appears twice with different texts.")
            doc = DocumentRecord(
                **{
                    **_fields(prev),
                    "spans": prev.spans + doc.spans,
                    "answers": prev.answers + doc.answers,
                    "gold": prev.gold + doc.gold,
                    "gold_answers": prev.gold_answers + doc.gold_answers,
                }
            )
        merged[doc.id] = doc
    return merged


def _fields(doc: DocumentRecord) -> dict:
    return {name: getattr(doc, name) for name in DocumentRecord.__slots__}


def _all_gold(record: DocumentRecord) -> DocumentRecord:
    """``--as-gold``: the annotators' spans and answers become gold (provenance: who)."""
    return DocumentRecord(
        **{
            **_fields(record),
            "spans": (),
            "answers": (),
            "gold": record.gold + record.spans,
            "gold_answers": record.gold_answers + record.answers,
        }
    )


def _check(doc: DocumentRecord) -> None:
    if not doc.id or len(doc.id) > 200:
        raise ServiceError("Every imported article needs an id of at most 200 characters.")
    n = len(doc.text)
    for span in (*doc.spans, *doc.gold):
        if not 0 <= span.start < span.end <= n:
            raise ServiceError(
                f"Article {doc.id!r}: span {span.start}-{span.end} is outside the text."
            )
        for a, b in span.fragments:
            if not span.start <= a < b <= span.end:
                raise ServiceError(
                    f"Article {doc.id!r}: fragment {a}-{b} is outside its span "
                    f"{span.start}-{span.end}."
                )


def _documents(
    project: Project, records: list[DocumentRecord], report, created: set[str]
) -> dict[str, int]:
    """The batch's articles by id: matched (same id, same text) or created."""
    existing = {
        external: (doc_id, digest)
        for external, doc_id, digest in db.session.execute(
            select(Document.external_id, Document.id, Document.sha256).where(
                Document.project_id == project.id,
                Document.external_id.in_([r.id for r in records]),
            )
        ).all()
    }
    ids: dict[str, int] = {}
    new_rows = []
    for record in records:
        digest = text_sha256(record.text)
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
    for k in range(0, len(new_rows), BATCH):
        rows = new_rows[k : k + BATCH]
        new_ids = db.session.scalars(
            insert(Document).returning(Document.id, sort_by_parameter_order=True), rows
        ).all()
        for row, doc_id in zip(rows, new_ids, strict=True):
            ids[row["external_id"]] = doc_id
            created.add(row["external_id"])
        report.documents_created += len(rows)
    return ids


def _date(value: str):
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _users(project: Project, records: list[DocumentRecord], report, known) -> dict[str, int]:
    names = sorted(
        {s.annotator for d in records for s in d.spans}
        | {a.annotator for d in records for a in d.answers}
    )
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


def _local_ids(spans) -> dict[tuple[str, str], SpanRecord]:
    return {(s.annotator, s.id): s for s in spans if s.id}


def _labels(project: Project, records: list[DocumentRecord], report) -> dict[str, Label]:
    """The project's labels by name, creating missing ones with the attributes (relations as
    links) their spans carry."""
    by_name = {label.name: label for label in project.labels}
    seen: dict[str, dict[str, str]] = defaultdict(dict)
    used: set[str] = set()
    for doc in records:
        for group in (doc.spans, doc.gold):
            ids = _local_ids(group)
            for span in group:
                used.add(span.label)
                if span.label in by_name:
                    continue
                for key, value in (span.attributes or {}).items():
                    if isinstance(value, str) and (span.annotator, value) in ids:
                        seen[span.label][key] = "link"  # names a span: a relation
                    else:
                        seen[span.label].setdefault(
                            key, "boolean" if isinstance(value, bool) else "text"
                        )
    for name in sorted(used - by_name.keys()):
        if not name or len(name) > 80:
            raise ServiceError(f"Label name {name!r} is not valid.")
        label = Label(
            project_id=project.id,
            name=name,
            order=len(project.labels),
            color=PALETTE[len(project.labels) % len(PALETTE)],
            attributes=[
                {"name": k, "type": t, "options": []} for k, t in sorted(seen[name].items())
            ],
        )
        project.labels.append(label)
        by_name[name] = label
        report.labels_created.append(name)
    db.session.flush()
    return by_name


class _Writer:
    """Inserts one batch of prepared articles: spans, gold, answers, links, audit rows."""

    def __init__(self, project, questions, report):
        self.project = project
        self.users: dict[str, int] = {}
        self.questions = questions
        self.report = report
        self.version = project.guidelines_version
        self.unmapped: Counter[str] = Counter()
        self.set_labels({})

    def set_labels(self, labels: dict[str, Label]) -> None:
        self.labels = labels
        self.label_ids = {name: label.id for name, label in labels.items()}
        self.link_names = {
            name: [a["name"] for a in label.attributes or [] if a.get("type") == "link"]
            for name, label in labels.items()
        }
        self.all_names = {
            name: {a["name"] for a in label.attributes or []} for name, label in labels.items()
        }

    def write(self, batch: list[DocumentRecord], docs: dict[str, int]) -> None:
        span_rows, span_links = [], []
        gold_rows, gold_links = [], []
        assignments = []
        have_gold = self._existing_gold([docs[r.id] for r in batch if r.gold])
        for record in batch:
            doc_id = docs[record.id]
            people = sorted(
                {s.annotator for s in record.spans} | {a.annotator for a in record.answers}
            )
            assignments.extend((doc_id, self.users[p]) for p in people)
            links = self._links(record.spans)
            for s in record.spans:
                span_rows.append(self._span_row(record, doc_id, s, links))
                span_links.append((s.annotator, s.id))
            gold = self._dedupe_gold(record, doc_id, have_gold)
            links = self._links(gold)
            for s in gold:
                gold_rows.append(self._gold_row(record, doc_id, s, links))
                gold_links.append((s.annotator, s.id))
        self._assign(assignments)
        self._insert_spans(span_rows, span_links)
        self._insert_gold(gold_rows, gold_links)
        for record in batch:
            self._answers(record, docs[record.id])
        for kind, n in self.unmapped.items():
            self.report.unmapped_relations[kind] = self.report.unmapped_relations.get(kind, 0) + n
        self.unmapped.clear()

    # -- relations -----------------------------------------------------------------------

    def _links(self, spans) -> dict[int, dict[str, tuple[str, str]]]:
        """Per span (by ``id()``): link attribute name -> target's (annotator, local id).
        Relation attributes are taken out of the span's plain attributes (see ``_plain``)."""
        ids = _local_ids(spans)
        out: dict[int, dict[str, tuple[str, str]]] = defaultdict(dict)
        for s in spans:
            for name, value in (s.attributes or {}).items():
                if not isinstance(value, str) or (s.annotator, value) not in ids:
                    continue
                target = ids[(s.annotator, value)]
                if target is s:
                    continue
                self._relate(s, name, target, out)
        return out

    def _relate(self, src: SpanRecord, name: str, dst: SpanRecord, out) -> None:
        if name in self.all_names[src.label] and name not in self.link_names[src.label]:
            self.unmapped[name] += 1  # the schema holds a plain attribute of that name
            out[id(src)][name] = None
            return
        own, theirs = self.link_names[src.label], self.link_names[dst.label]
        fold = name.casefold()
        choice = next((n for n in own if n.casefold() == fold), None)
        if choice is None:
            back = next((n for n in theirs if n.casefold() == fold), None)
            if back is None and len(own) == 1:
                choice = own[0]
            elif back is None and len(theirs) == 1:
                back = theirs[0]
            if back is not None:
                out[id(src)].setdefault(name, None)  # not stored on the source
                out[id(dst)][back] = (src.annotator, src.id)
                self.report.links += 1
                return
        if choice is None:
            self.unmapped[name] += 1
            out[id(src)][name] = None
            return
        if choice != name:
            out[id(src)].setdefault(name, None)
        out[id(src)][choice] = (dst.annotator, dst.id)
        self.report.links += 1

    def _plain(self, s: SpanRecord, links) -> dict:
        mine = links.get(id(s), {})
        return {k: v for k, v in (s.attributes or {}).items() if k not in mine}

    # -- rows ------------------------------------------------------------------------------

    def _frags(self, s: SpanRecord):
        if s.fragments:
            self.report.discontinuous += 1
            return [list(f) for f in s.fragments]
        return None

    def _common_row(self, record, doc_id, s: SpanRecord, links) -> dict:
        """The columns an annotator's span row and a gold span row share."""
        return {
            "document_id": doc_id,
            "label_id": self.label_ids[s.label],
            "start": s.start,
            "end": s.end,
            "text": record.text[s.start : s.end],
            "fragments": self._frags(s),
            "attributes": self._plain(s, links),
            "_links": (
                list(s.attributes or ()),
                {k: v for k, v in links.get(id(s), {}).items() if v is not None},
            ),
        }

    def _span_row(self, record, doc_id, s: SpanRecord, links) -> dict:
        return {
            **self._common_row(record, doc_id, s, links),
            "user_id": self.users[s.annotator],
            "note": s.note or "",
            "guidelines_version": s.guidelines_version or self.version,
            "source": "import",
            "version": 1,
        }

    def _gold_row(self, record, doc_id, s: SpanRecord, links) -> dict:
        return {
            **self._common_row(record, doc_id, s, links),
            "provenance": [] if s.annotator == GOLD else [s.annotator],
            "notes": {s.annotator: s.note} if s.note else None,
            "source": "import",
            "version": 1,
        }

    def _existing_gold(self, doc_ids: list[int]) -> set[tuple[int, int, int, int]]:
        if not doc_ids:
            return set()
        rows = db.session.execute(
            select(GoldSpan.document_id, GoldSpan.label_id, GoldSpan.start, GoldSpan.end).where(
                GoldSpan.document_id.in_(doc_ids)
            )
        ).all()
        return {tuple(r) for r in rows}

    def _dedupe_gold(self, record, doc_id, have) -> list[SpanRecord]:
        out = []
        for s in record.gold:
            key = (doc_id, self.label_ids[s.label], s.start, s.end)
            if key in have:
                self.report.gold_duplicates += 1
                continue
            have.add(key)
            out.append(s)
        return out

    # -- inserts ---------------------------------------------------------------------------

    def _assign(self, pairs) -> None:
        if not pairs:
            return
        doc_ids = sorted({d for d, _ in pairs})
        have = set(
            db.session.execute(
                select(Assignment.document_id, Assignment.user_id).where(
                    Assignment.document_id.in_(doc_ids)
                )
            ).all()
        )
        rows = [
            {"document_id": d, "user_id": u, "project_id": self.project.id, "status": "done"}
            for d, u in dict.fromkeys(pairs)
            if (d, u) not in have
        ]
        if rows:
            db.session.execute(insert(Assignment), rows)

    def _insert_spans(self, rows, keys) -> None:
        if not rows:
            return
        ids = _reserve_ids(Span.__table__, len(rows))
        self._relink(rows, keys, ids)
        events = [
            {
                "span_id": r["id"],
                "document_id": r["document_id"],
                "user_id": r["user_id"],
                "action": "create",
                "before": None,
                "after": {
                    "start": r["start"],
                    "end": r["end"],
                    "text": r["text"],
                    "attributes": r["attributes"],
                },
                "at": r["created_at"],
            }
            for r in rows
        ]
        _insert_many(Span.__table__, rows)
        _insert_many(SpanEvent.__table__, events)
        self.report.spans += len(rows)

    def _insert_gold(self, rows, keys) -> None:
        if not rows:
            return
        ids = _reserve_ids(GoldSpan.__table__, len(rows))
        self._relink(rows, keys, ids)
        db.session.execute(insert(GoldSpan.__table__), rows)
        self.report.gold_spans += len(rows)
        db.session.execute(
            insert(GoldEvent.__table__),
            [
                {
                    "gold_span_id": r["id"],
                    "document_id": r["document_id"],
                    "user_id": None,
                    "action": "create",
                    "before": None,
                    "after": {
                        "label_id": r["label_id"],
                        "start": r["start"],
                        "end": r["end"],
                        "attributes": r["attributes"],
                        "source": "import",
                    },
                    "at": r["created_at"],
                }
                for r in rows
            ],
        )
        self._curated(sorted({r["document_id"] for r in rows}))

    def _relink(self, rows, keys, ids) -> None:
        """Give each row its id and its link attributes the targets' ids (in the order the
        file gave the attributes; links renamed or reversed onto a span come last)."""
        now = utcnow()
        by_doc_key = {}
        for r, (who, local), new in zip(rows, keys, ids, strict=True):
            r["id"] = new
            r["created_at"] = r["updated_at"] = now
            if local:
                by_doc_key[(r["document_id"], who, local)] = new
        for r in rows:
            order, wanted = r.pop("_links")
            if not wanted:
                continue
            linked = {}
            for name, (who, local) in wanted.items():
                target = by_doc_key.get((r["document_id"], who, local))
                if target is None:  # its target was a gold span the article already had
                    self.unmapped[f"{name} (to a span already gold)"] += 1
                    self.report.links -= 1
                    continue
                linked[name] = target
            plain = r["attributes"]
            attrs = {k: plain[k] if k in plain else linked.pop(k) for k in order
                     if k in plain or k in linked}  # fmt: skip
            attrs.update(linked)
            r["attributes"] = attrs

    def _curated(self, doc_ids: list[int]) -> None:
        """Articles that received gold from the file count as curated (an adjudicated corpus)."""
        rows = db.session.execute(
            select(DocumentCuration).where(DocumentCuration.document_id.in_(doc_ids))
        ).scalars()
        have = {row.document_id: row for row in rows}
        for doc_id in doc_ids:
            if doc_id in have:
                have[doc_id].status = "curated"
            else:
                db.session.add(DocumentCuration(document_id=doc_id, status="curated"))

    # -- answers -----------------------------------------------------------------------------

    def _question(self, record, a: AnswerRecord) -> DocumentQuestion:
        question = self.questions.get(a.question)
        if question is None:
            question = DocumentQuestion(
                name=a.question,
                text=a.question,
                kind="choice",
                options=[],
                order=len(self.project.questions),
            )
            self.project.questions.append(question)
            self.questions[a.question] = question
        if question.kind == "choice" and a.value not in question.options:
            question.options = [*question.options, a.value]
        elif question.kind == "likert" and str(a.value) not in question.allowed_values():
            raise ServiceError(
                f"Article {record.id!r}: answer {a.value!r} to {a.question!r} "
                f"is not one of {', '.join(question.allowed_values())}."
            )
        db.session.flush()
        return question

    def _answers(self, record: DocumentRecord, doc_id: int) -> None:
        gold_answers = list(record.gold_answers)
        for a in record.answers:
            if a.annotator == GOLD:  # our exports name gold answers' annotator "gold"
                gold_answers.append(a)
                continue
            question = self._question(record, a)
            db.session.add(
                DocumentAnswer(
                    document_id=doc_id,
                    user_id=self.users[a.annotator],
                    question_id=question.id,
                    value=str(a.value),
                )
            )
            self.report.answers += 1
        if not gold_answers:
            return
        chosen: dict[str, tuple[str, list[str]]] = {}
        for a in gold_answers:
            value, who = chosen.setdefault(a.question, (str(a.value), []))
            if value != str(a.value):
                raise ServiceError(
                    f"Article {record.id!r}: gold answers to {a.question!r} differ "
                    f"({value!r}, {a.value!r}); gold holds one answer per question."
                )
            if a.annotator != GOLD:
                who.append(a.annotator)
        existing = dict(
            db.session.execute(
                select(GoldAnswer.question_id, GoldAnswer.value).where(
                    GoldAnswer.document_id == doc_id
                )
            ).all()
        )
        for name, (value, who) in chosen.items():
            question = self._question(record, AnswerRecord(record.id, GOLD, name, value))
            if question.id in existing:
                if existing[question.id] != value:
                    raise ServiceError(
                        f"Article {record.id!r}: the project's gold answer to {name!r} is "
                        f"{existing[question.id]!r}, the file's {value!r}."
                    )
                continue
            db.session.add(
                GoldAnswer(document_id=doc_id, question_id=question.id, value=value, provenance=who)
            )
            self.report.gold_answers += 1


def _insert_many(table, rows: list[dict]) -> None:
    """``INSERT`` ``rows`` (dicts with the same keys) in one executemany. On SQLite the values
    go straight to the driver, each column's value put through the column type's own bind
    processor (JSON, dates: stored exactly as SQLAlchemy stores them), which is several times
    faster than SQLAlchemy's per-row parameter processing; elsewhere a Core insert."""
    if not rows:
        return
    connection = db.session.connection()
    dialect = connection.dialect
    if dialect.name != "sqlite":
        connection.execute(insert(table), rows)
        return
    names = list(rows[0])
    columns = [table.c[name] for name in names]
    processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    quoted = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
    sql = f"INSERT INTO {table.name} ({quoted}) VALUES ({', '.join('?' * len(names))})"
    plain = all(p is None for p in processors)
    if plain:
        values = [tuple(r.values()) for r in rows]
    else:
        todo = [(i, p) for i, p in enumerate(processors) if p is not None]
        values = []
        for r in rows:
            row = list(r.values())
            for i, p in todo:
                row[i] = p(row[i])
            values.append(tuple(row))
    connection.exec_driver_sql(sql, values)


def _reserve_ids(table, n: int) -> list[int]:
    """``n`` new primary keys for ``table``, taken before the insert so links can name them and
    the rows go in with one plain executemany (no RETURNING round trips). PostgreSQL draws them
    from the table's sequence; SQLite continues after the largest id, which is safe because the
    transaction holds the database's write lock from its first write (taken here if need be)."""
    if db.session.get_bind().dialect.name == "postgresql":
        rows = db.session.execute(
            text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
            {"t": table.name, "n": n},
        )
        return [r[0] for r in rows]
    db.session.execute(update(table).where(table.c.id == -1).values(id=table.c.id))  # write lock
    top = db.session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
    return list(range(top + 1, top + 1 + n))


def report_json(report: AnnotationImportReport) -> str:
    return json.dumps(report.as_dict(), sort_keys=True)
