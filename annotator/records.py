"""Plain records that the pure packages (agreement, formats, classifier) consume.

Data flows one way: database rows -> ``annotator.queries`` -> these records -> pure packages.
Nothing here imports Flask or SQLAlchemy.

Offsets are half-open Unicode code-point offsets into the stored (NFC) document text:
``text[start:end]`` is the covered text.

Records are plain slotted dataclasses. Treat them as read-only values (use
``dataclasses.replace`` to derive a changed copy); they are not frozen because a frozen
dataclass costs five times as much to build, and exports build millions of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ATTRIBUTE_TYPES = ("choice", "text", "boolean", "link")


@dataclass(slots=True)
class AttributeDef:
    """A typed label attribute: choice (with options), free text, boolean, or link to a span."""

    name: str
    type: str = "text"
    options: tuple[str, ...] = ()


@dataclass(slots=True)
class LabelRecord:
    name: str
    color: str = "#fde047"
    shortcut: str = ""
    description: str = ""
    attributes: tuple[AttributeDef, ...] = ()


@dataclass(slots=True)
class SpanRecord:
    """One annotator's (or the gold standard's) labelled span.

    ``annotator`` is a user name; gold spans use ``annotator="gold"``.
    ``attributes`` maps attribute name -> value (str, bool, or for links the target span's ``id``;
    read from another tool's file, a list of ids: several relations of one type from the span).
    """

    document_id: str
    annotator: str
    label: str
    start: int
    end: int
    text: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    guidelines_version: int | None = None
    id: str | None = None
    # Discontinuous spans (brat ``T1 Cue 10 15;20 25``): the fragments, whose hull is
    # start..end; empty for a contiguous span.
    fragments: tuple[tuple[int, int], ...] = ()
    # An event's arguments on its trigger span (brat ``E1 Type:T1 Role:T2``), as read from a
    # file: ``(role, target span's id)`` in the file's order; empty otherwise.
    arguments: tuple[tuple[str, str], ...] = ()


@dataclass(slots=True)
class QuestionRecord:
    """An article-level question: ``kind`` ``likert`` or ``choice``, ``values`` its answers in
    the question's own order (``"1".."5"`` for a 1-5 Likert item)."""

    name: str
    kind: str = "choice"
    values: tuple[str, ...] = ()
    text: str = ""


@dataclass(slots=True)
class AnswerRecord:
    """An annotator's answer to an article-level question."""

    document_id: str
    annotator: str
    question: str
    value: str


@dataclass(slots=True)
class DocumentRecord:
    """An article with its metadata and, optionally, its annotations."""

    id: str
    text: str
    title: str = ""
    outlet: str = ""
    author: str = ""
    url: str = ""
    published: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    spans: tuple[SpanRecord, ...] = ()
    answers: tuple[AnswerRecord, ...] = ()
    gold: tuple[SpanRecord, ...] = ()
    gold_answers: tuple[AnswerRecord, ...] = ()  # curated article answers, annotator "gold"
    # Who finished the article (a done assignment), marks or not: an annotator who marked
    # nothing still votes "nothing here" in majority votes and soft labels. Not written out.
    annotators: tuple[str, ...] = ()


def annotators_of(doc: DocumentRecord) -> set[str]:
    """A document's annotators: who finished it, and anyone with spans or answers (not gold)."""
    answered = {a.annotator for a in doc.answers if a.annotator != "gold"}
    return {s.annotator for s in doc.spans} | answered | set(doc.annotators)
