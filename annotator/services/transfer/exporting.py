"""Exports: database rows -> records (``queries``) -> a format writer, streamed as bytes.

Optionally bundled as a zip with a dataset card (README.md) carrying label definitions,
guidelines, counts and agreement figures.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import func, select

from annotator.extensions import db
from annotator.formats import (
    SELECTIONS,
    WRITERS,
    dataset_card,
    export,
    filter_annotators,
    filter_labels,
    stream_zip,
)
from annotator.models import Assignment, Document, Project, Span
from annotator.models.quality import PURPOSES
from annotator.queries import Selection, iter_documents, label_records, question_records
from annotator.records import DocumentRecord
from annotator.reliability import METHODS
from annotator.services.errors import ServiceError

CONTENTS = tuple(SELECTIONS)


@dataclass
class ExportRequest:
    format: str = "jsonl"
    content: str = "raw"
    annotators: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    done_only: bool = False
    soft_labels: bool = False
    bundle: bool = False
    raw_cells: bool = False  # CSV: formula-like cells verbatim (not neutralised)
    label_columns: bool = False  # CoNLL: one tag column per label (nested spans kept)
    # Real work (default), or on request the training or control items, exported apart.
    purpose: str = "work"
    # Soft labels for article answers: vote fractions (majority) or a reliability model's
    # posterior (dawid_skene, mace; see annotator.reliability).
    aggregation: str = "majority"

    def validate(self) -> ExportRequest:
        if self.format not in WRITERS:
            raise ServiceError(f"Unknown format {self.format!r}; choose {', '.join(WRITERS)}.")
        if self.content not in CONTENTS:
            raise ServiceError(f"Unknown content {self.content!r}; choose {', '.join(CONTENTS)}.")
        if self.format == "hf" and self.content != "raw":
            raise ServiceError("The hf format holds raw, gold and majority configs: use raw.")
        if self.soft_labels and self.format != "jsonl":
            raise ServiceError("Soft labels are only written in the jsonl format.")
        if self.purpose not in PURPOSES:
            raise ServiceError(f"Unknown purpose {self.purpose!r}; choose {', '.join(PURPOSES)}.")
        if self.aggregation not in METHODS:
            raise ServiceError(
                f"Unknown aggregation {self.aggregation!r}; choose {', '.join(METHODS)}."
            )
        if self.aggregation != "majority" and not self.soft_labels:
            raise ServiceError("An aggregation model applies to soft labels: set soft_labels.")
        return self


def slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or "project"


def filename(project: Project, request: ExportRequest) -> str:
    writer = WRITERS[request.format]
    base = f"{slug(project.name)}-{request.content}-{request.format}"
    if request.purpose != "work":
        base = f"{slug(project.name)}-{request.purpose}-{request.content}-{request.format}"
    return base + (".zip" if request.bundle else writer.extension)


def media_type(request: ExportRequest) -> str:
    return "application/zip" if request.bundle else WRITERS[request.format].media_type


@dataclass
class Tally:
    """What an export wrote so far: articles and spans (annotators' and gold)."""

    documents: int = 0
    spans: int = 0
    # What the format could not hold or changed, by kind (e.g. ``neutralised`` CSV cells,
    # ``nested`` spans a single CoNLL column could not tag): reported, never silent.
    reductions: dict[str, int] = field(default_factory=dict)
    labels: Counter = field(default_factory=Counter)  # spans written, by label


def documents(project: Project, request: ExportRequest, tally: Tally | None = None):
    """The selected records, lazily (counted into ``tally`` as they are read)."""
    selection = Selection(
        annotators=frozenset(request.annotators) if request.annotators else None,
        labels=frozenset(request.labels) if request.labels else None,
        done_only=request.done_only,
        purpose=request.purpose,
    )
    docs = SELECTIONS[request.content](iter_documents(project.id, selection))
    docs = _with_story_and_leaning(project, docs)
    if request.labels:
        docs = filter_labels(docs, request.labels)
    if request.annotators and request.content != "majority":
        docs = filter_annotators(docs, request.annotators)
    if tally is None:
        return docs
    return _counted(docs, tally, request.format not in KEEPS_FRAGMENTS)


def _with_story_and_leaning(project: Project, docs: Iterator[DocumentRecord]):
    """Adds ``story`` and ``outlet_leaning`` to the metadata of articles that have them."""
    from annotator.services.projects.outlets import article_metadata

    extra = article_metadata(project.id)
    if not extra:
        yield from docs
        return
    for doc in docs:
        more = extra.get(doc.id)
        yield dataclasses.replace(doc, meta={**doc.meta, **more}) if more else doc


# Formats that write a discontinuous span as its fragments; the others write its hull
# (start..end) and the export report counts each such span (``fragments_hulled``).
KEEPS_FRAGMENTS = frozenset({"brat", "jsonl"})


def _counted(
    docs: Iterator[DocumentRecord], tally: Tally, hulls: bool = False
) -> Iterator[DocumentRecord]:
    for doc in docs:
        tally.documents += 1
        tally.spans += len(doc.spans) + len(doc.gold)
        hulled = 0
        for s in doc.spans:
            tally.labels[s.label] += 1
            hulled += bool(s.fragments)
        for s in doc.gold:
            tally.labels[s.label] += 1
            hulled += bool(s.fragments)
        if hulls and hulled:
            tally.reductions["fragments_hulled"] = (
                tally.reductions.get("fragments_hulled", 0) + hulled
            )
        yield doc


BLOCK = 1 << 16


def stream(project: Project, request: ExportRequest, tally: Tally | None = None) -> Iterator[bytes]:
    """The export's bytes in blocks of about ``BLOCK`` bytes (a few writes, not one per
    article), counting into ``tally`` if given. Raises ServiceError (before the first byte)
    on a bad request."""
    request.validate()
    tally = tally if tally is not None else Tally()
    options = writer_options(project, request, tally)
    docs = documents(project, request, tally)
    if not request.bundle:
        return _blocks(export(request.format, docs, **options))
    writer = WRITERS[request.format]
    data_name = filename(project, ExportRequest(request.format, request.content))
    if request.format == "hf":  # the card carries the configs
        entries = writer.write(docs, readme_file=False, **options)
    elif writer.multi_file:
        entries = writer.write(docs, **options)
    elif "answers" in writer.options:  # csv: the answers table beside the spans
        entries = _with_answers(data_name, writer, docs, options)
    else:
        entries = [(data_name, writer.encoded(docs, **options))]
    return _blocks(stream_zip(_with_card(project, request, entries, tally)))


def _with_answers(data_name: str, writer, docs, options: dict):
    """The spans file, then ``answers.csv`` from the answers the writer collected on the way."""
    from annotator.formats.csvfmt import answer_rows

    answers: list = []
    yield data_name, writer.encoded(docs, answers=answers, **options)
    yield "answers.csv", answer_rows(answers, raw=bool(options.get("raw")),
                                     report=options.get("report"))  # fmt: skip


def writer_options(project: Project, request: ExportRequest, tally: Tally) -> dict:
    """The keyword options the request's writer takes (see ``Writer.options``)."""
    writer = WRITERS[request.format]
    options: dict = {"soft_labels": True} if request.soft_labels else {}
    if request.soft_labels:
        from annotator.services.quality.reliability import soft_answers

        options["soft_answers"] = soft_answers(project, request.aggregation, request.purpose)
    if "labels" in writer.options:
        options["labels"] = label_records(project.id)
    if "report" in writer.options:
        options["report"] = tally.reductions
    if "raw" in writer.options and request.raw_cells:
        options["raw"] = True
    if "label_columns" in writer.options and request.label_columns:
        options["labels"] = request.labels or [lb.name for lb in label_records(project.id)]
    return options


def count_documents(project: Project, request: ExportRequest) -> int:
    """How many articles the export will hold at most (for a progress bar)."""
    query = select(func.count(Document.id)).where(
        Document.project_id == project.id, Document.purpose == request.purpose
    )
    return db.session.execute(query).scalar_one()


def _blocks(chunks: Iterator[bytes], size: int = BLOCK) -> Iterator[bytes]:
    """Join small chunks into blocks of at least ``size`` bytes (the last may be shorter)."""
    pending: list[bytes] = []
    held = 0
    for chunk in chunks:
        pending.append(chunk)
        held += len(chunk)
        if held >= size:
            yield b"".join(pending)
            pending.clear()
            held = 0
    if held:
        yield b"".join(pending)


def _with_card(project: Project, request: ExportRequest, entries, tally: Tally):
    names = []
    for name, content in entries:
        names.append(name)
        yield name, content
    extras = WRITERS[request.format].extras
    if extras is not None:
        for name, content in extras(label_records(project.id), question_records(project.id)):
            names.append(name)
            yield name, content
    from annotator.services.analysis.outlets import bundle_entries  # the outlet tables

    for name, content in bundle_entries(project, request.content):
        names.append(name)
        yield name, content
    yield "README.md", card(project, names, request, tally)


# Agreement for the card is computed over the whole project in memory; above this many spans
# the card points to ``annotator agreement`` instead, so a bundle stays as flat as the export.
CARD_AGREEMENT_MAX_SPANS = 50_000


def card(
    project: Project,
    files: list[str],
    request: ExportRequest | None = None,
    tally: Tally | None = None,
) -> str:
    outlets = Counter(
        dict(
            db.session.execute(
                select(Document.outlet, func.count(Document.id))
                .where(Document.project_id == project.id, Document.purpose == "work")
                .group_by(Document.outlet)
            ).all()
        )
    )
    if "" in outlets or None in outlets:  # no outlet: one honest row
        outlets[""] = outlets.pop("", 0) + outlets.pop(None, 0)
    annotators = db.session.execute(
        select(func.count(func.distinct(Assignment.user_id)))
        .join(Document, Document.id == Assignment.document_id)
        .where(Assignment.project_id == project.id, Document.purpose == "work")
    ).scalar_one()
    spans = db.session.execute(
        select(func.count(Span.id))
        .join(Document, Span.document_id == Document.id)
        .where(Document.project_id == project.id, Document.purpose == "work")
    ).scalar_one()
    note = "Not computed for this export."
    if spans > CARD_AGREEMENT_MAX_SPANS:
        agreement = None
        note = (f"Not computed for the card ({spans:,} spans); run "
                f"`annotator agreement {project.name!r}` for the figures.")  # fmt: skip
    else:
        agreement = agreement_summary(project)
    return dataset_card(
        project.name,
        label_records(project.id),
        project.guidelines,
        project.guidelines_version,
        dict(outlets),
        annotators,
        agreement,
        files,
        gold=gold_counts(project),
        fmt=request.format if request else "jsonl",
        spans_by_label=dict(tally.labels) if tally else None,
        reductions=tally.reductions if tally else None,
        agreement_note=note,
    )


def gold_counts(project: Project) -> dict[str, int]:
    from annotator.services.curation.counts import gold_counts as counts

    return counts(project)


def agreement_summary(project: Project) -> dict | None:
    """Headline agreement figures for the card (None when there is not enough data)."""
    from annotator.services.analysis.agreement import headline_figures

    return headline_figures(project)
