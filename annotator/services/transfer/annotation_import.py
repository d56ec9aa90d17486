"""Importing other tools' annotations (doccano, Label Studio, brat, native JSONL) into a project.

All or nothing: every record is checked before anything is written. Articles are matched by id
(a different text under the same id is an error) or created; annotators map to users (created
inactive when missing) and labels to labels (created when missing); both are reported.
Spans are never shifted: a text that is not NFC with ``\\n`` line endings is rejected.
"""

from __future__ import annotations

import os
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import insert, select, update

from annotator.extensions import db
from annotator.formats import FormatError, get_reader
from annotator.models import (
    Assignment,
    Document,
    DocumentAnswer,
    DocumentQuestion,
    Label,
    Project,
    Span,
    SpanEvent,
    User,
)
from annotator.records import DocumentRecord
from annotator.services.errors import ServiceError
from annotator.services.projects.projects import add_member
from annotator.services.transfer.article_files import normalise_text, text_sha256

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
FORMATS = ("doccano", "labelstudio", "brat", "jsonl")


@dataclass
class AnnotationImportReport:
    documents_created: int = 0
    documents_matched: int = 0
    spans: int = 0
    answers: int = 0
    users_created: list[str] = field(default_factory=list)
    labels_created: list[str] = field(default_factory=list)
    gold_ignored: int = 0

    def summary(self) -> str:
        parts = [
            f"Imported {self.spans} spans and {self.answers} answers on "
            f"{self.documents_created + self.documents_matched} articles "
            f"({self.documents_created} new)."
        ]
        if self.users_created:
            parts.append(f"Created inactive users: {', '.join(self.users_created)}.")
        if self.labels_created:
            parts.append(f"Created labels: {', '.join(self.labels_created)}.")
        if self.gold_ignored:
            parts.append(f"Ignored {self.gold_ignored} gold spans (import them by adjudication).")
        return " ".join(parts)


def read_annotation_files(fmt: str, paths, *, annotator: str | None = None):
    """Records from files of one format; FormatError becomes a ServiceError naming file/line."""
    if fmt not in FORMATS:
        raise ServiceError(f"Cannot import annotations from {fmt!r}; use {', '.join(FORMATS)}.")
    reader = get_reader(fmt)
    documents: list[DocumentRecord] = []
    for path in paths:
        options = {"annotator": annotator} if fmt in ("brat", "doccano") and annotator else {}
        if fmt in ("labelstudio", "jsonl") and Path(path).is_dir():
            raise ServiceError(f"{path}: expected a file, not a folder.")
        try:
            documents.extend(reader.read(os.fspath(path), **options))
        except FormatError as exc:
            raise ServiceError(str(exc)) from None
        except OSError as exc:
            raise ServiceError(f"{path}: cannot read ({exc.strerror}).") from None
    return documents


def import_annotations(project: Project, documents: list[DocumentRecord]):
    report = AnnotationImportReport()
    merged = _merge(documents)
    _check_texts(merged)
    docs = _documents(project, merged, report)
    users = _users(project, merged, report)
    labels = _labels(project, merged, report)
    questions = {q.name: q for q in project.questions}
    for record in merged.values():
        doc_id = docs[record.id]
        report.gold_ignored += len(record.gold)
        people = {s.annotator for s in record.spans} | {a.annotator for a in record.answers}
        _assign(project, doc_id, [users[p] for p in sorted(people)])
        report.spans += _spans(record, doc_id, users, labels, project.guidelines_version)
        report.answers += _answers(project, record, doc_id, users, questions)
    db.session.flush()
    return report


def _merge(documents: list[DocumentRecord]) -> dict[str, DocumentRecord]:
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
                }
            )
        merged[doc.id] = doc
    return merged


def _fields(doc: DocumentRecord) -> dict:
    return {name: getattr(doc, name) for name in DocumentRecord.__slots__}


def _check_texts(merged: dict[str, DocumentRecord]) -> None:
    for doc in merged.values():
        if not doc.id or len(doc.id) > 200:
            raise ServiceError("Every imported article needs an id of at most 200 characters.")
        if normalise_text(doc.text) != doc.text:
            raise ServiceError(
                f"Article {doc.id!r}: its text is not NFC with \\n line endings, so its offsets "
                "would shift; normalise the source and its offsets first."
            )
        for span in doc.spans:
            if not 0 <= span.start < span.end <= len(doc.text):
                raise ServiceError(
                    f"Article {doc.id!r}: span {span.start}-{span.end} is outside the text."
                )


def _documents(project: Project, merged, report) -> dict[str, int]:
    existing = dict(
        db.session.execute(
            select(Document.external_id, Document.id).where(Document.project_id == project.id)
        ).all()
    )
    texts = dict(
        db.session.execute(
            select(Document.id, Document.sha256).where(Document.project_id == project.id)
        ).all()
    )
    ids = {}
    for record in merged.values():
        digest = text_sha256(record.text)
        if record.id in existing:
            if texts[existing[record.id]] != digest:
                raise ServiceError(
                    f"Article {record.id!r} exists in the project with a different text."
                )
            ids[record.id] = existing[record.id]
            report.documents_matched += 1
            continue
        doc = Document(
            project_id=project.id,
            external_id=record.id,
            title=record.title,
            text=record.text,
            outlet=record.outlet,
            author=record.author,
            url=record.url,
            meta=dict(record.meta),
            sha256=digest,
            published=_date(record.published),
        )
        db.session.add(doc)
        db.session.flush()
        ids[record.id] = doc.id
        report.documents_created += 1
    return ids


def _date(value: str):
    from datetime import date

    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _users(project: Project, merged, report) -> dict[str, int]:
    names = sorted(
        {s.annotator for d in merged.values() for s in d.spans}
        | {a.annotator for d in merged.values() for a in d.answers}
    )
    found = dict(
        db.session.execute(select(User.username, User.id).where(User.username.in_(names))).all()
    )
    for name in names:
        if name not in found:
            if not name or len(name) > 80:
                raise ServiceError(f"Annotator name {name!r} is not a valid user name.")
            user = User(username=name, active=False)
            user.set_password(secrets.token_urlsafe(24))
            db.session.add(user)
            db.session.flush()
            found[name] = user.id
            report.users_created.append(name)
        add_member(project, db.session.get(User, found[name]), "annotator")
    return found


def _labels(project: Project, merged, report) -> dict[str, Label]:
    by_name = {label.name: label for label in project.labels}
    seen: dict[str, dict[str, str]] = defaultdict(dict)
    for doc in merged.values():
        ids = {(s.annotator, s.id) for s in doc.spans if s.id}
        for span in doc.spans:
            for key, value in (span.attributes or {}).items():
                if isinstance(value, str) and (span.annotator, value) in ids:
                    seen[span.label][key] = "link"  # names a span: brat R-lines, Label Studio
                else:  # relations, our own local ids
                    seen[span.label].setdefault(
                        key, "boolean" if isinstance(value, bool) else "text"
                    )
    for name in sorted(seen.keys() | {s.label for d in merged.values() for s in d.spans}):
        if name in by_name:
            continue
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


def _assign(project: Project, doc_id: int, user_ids: list[int]) -> None:
    have = set(
        db.session.execute(
            select(Assignment.user_id).where(Assignment.document_id == doc_id)
        ).scalars()
    )
    rows = [
        {"document_id": doc_id, "user_id": u, "project_id": project.id, "status": "done"}
        for u in user_ids
        if u not in have
    ]
    if rows:
        db.session.execute(insert(Assignment), rows)


def _spans(record: DocumentRecord, doc_id: int, users, labels, version: int) -> int:
    if not record.spans:
        return 0
    rows = []
    for s in record.spans:
        label = labels[s.label]
        rows.append(
            {
                "document_id": doc_id,
                "user_id": users[s.annotator],
                "label_id": label.id,
                "start": s.start,
                "end": s.end,
                "text": record.text[s.start : s.end],
                "attributes": dict(s.attributes or {}),
                "note": s.note or "",
                "guidelines_version": s.guidelines_version or version,
                "source": "import",
                "version": 1,
            }
        )
    ids = list(
        db.session.scalars(insert(Span).returning(Span.id, sort_by_parameter_order=True), rows)
    )
    _relink(record, ids, labels)
    db.session.execute(
        insert(SpanEvent),
        [
            {
                "span_id": i,
                "document_id": doc_id,
                "user_id": r["user_id"],
                "action": "create",
                "before": None,
                "after": {k: r[k] for k in ("start", "end", "text", "attributes")},
            }
            for i, r in zip(ids, rows, strict=True)
        ],
    )
    return len(rows)


def _relink(record: DocumentRecord, ids: list[int], labels) -> None:
    """Turn link attributes that name a local span id (e.g. ``T3``) into the new span's id."""
    local = {(s.annotator, s.id): new for s, new in zip(record.spans, ids, strict=True) if s.id}
    for s, new in zip(record.spans, ids, strict=True):
        links = [a["name"] for a in labels[s.label].attributes or [] if a["type"] == "link"]
        attrs = dict(s.attributes or {})
        changed = False
        for name in links:
            target = local.get((s.annotator, attrs.get(name)))
            if isinstance(attrs.get(name), str) and target is not None:
                attrs[name], changed = target, True
        if changed:
            db.session.execute(update(Span).where(Span.id == new).values(attributes=attrs))


def _answers(project, record: DocumentRecord, doc_id: int, users, questions) -> int:
    for a in record.answers:
        question = questions.get(a.question)
        if question is None:
            question = DocumentQuestion(
                name=a.question,
                text=a.question,
                kind="choice",
                options=[],
                order=len(project.questions),
            )
            project.questions.append(question)
            questions[a.question] = question
        if question.kind == "choice" and a.value not in question.options:
            question.options = [*question.options, a.value]
        elif question.kind == "likert" and str(a.value) not in question.allowed_values():
            raise ServiceError(
                f"Article {record.id!r}: answer {a.value!r} to {a.question!r} "
                f"is not one of {', '.join(question.allowed_values())}."
            )
        db.session.flush()
        db.session.add(
            DocumentAnswer(
                document_id=doc_id,
                user_id=users[a.annotator],
                question_id=question.id,
                value=str(a.value),
            )
        )
    return len(record.answers)
