"""CSV: one span per row (gold spans under annotator ``gold``), with a header row.

Columns: ``document_id, outlet, annotator, label, start, end, text, attributes, note,
guidelines_version``; ``attributes`` is a JSON object. Export only (no reader).

Spreadsheets run cells that start with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
as formulas (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``). Following the OWASP guidance on CSV
injection, such text cells get a leading ``'`` (shown, never evaluated) unless ``raw=True``;
numbers (offsets, versions) are never touched. ``neutralised`` counts the changed cells.

Article answers go into a second table, one answer per row (``write_answers_csv``, format
``csv-answers``; a ``csv`` bundle adds it as ``answers.csv``): ``document_id, outlet,
annotator, question, value``, gold answers under annotator ``gold``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from annotator.formats._common import all_answers, all_spans
from annotator.formats._links import count
from annotator.records import DocumentRecord

COLUMNS = (
    "document_id",
    "outlet",
    "annotator",
    "label",
    "start",
    "end",
    "text",
    "attributes",
    "note",
    "guidelines_version",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode


def neutralise(cell: str) -> str:
    """``cell`` with a leading ``'`` if a spreadsheet would run it as a formula."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


ANSWER_COLUMNS = ("document_id", "outlet", "annotator", "question", "value")


def write_csv(
    documents: Iterable[DocumentRecord],
    *,
    raw: bool = False,
    report: dict | None = None,
    answers: list | None = None,
) -> Iterator[str]:
    """Yield the header, then one chunk of rows per document. Formula-like text cells are
    neutralised unless ``raw``; their count goes into ``report["neutralised"]``. With an
    ``answers`` list, each article's answer rows are appended to it (for ``answers.csv``)."""
    changed = 0
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield buf.getvalue()
    for doc in documents:
        buf.seek(0)
        buf.truncate()
        text = doc.text
        if answers is not None:
            answers += [(doc.id, doc.outlet, a.annotator, a.question, a.value)
                        for a in all_answers(doc)]  # fmt: skip
        for s in all_spans(doc):
            version = "" if s.guidelines_version is None else s.guidelines_version
            cells = [doc.id, doc.outlet, s.annotator, s.label, text[s.start : s.end]]
            cells += [_dumps(s.attributes), s.note]
            if not raw:
                safe = [neutralise(c) for c in cells]
                changed += sum(a is not b for a, b in zip(safe, cells, strict=True))
                cells = safe
            doc_id, outlet, who, label, covered, attrs, note = cells
            writer.writerow((doc_id, outlet, who, label, s.start, s.end, covered, attrs, note,
                             version))  # fmt: skip
        if buf.tell():
            yield buf.getvalue()
    count(report, "neutralised", changed)


def answer_rows(
    rows: Iterable[tuple[str, str, str, str, str]],
    *,
    raw: bool = False,
    report: dict | None = None,
) -> Iterator[str]:
    """The answers table from ``(document_id, outlet, annotator, question, value)`` rows."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(ANSWER_COLUMNS)
    yield buf.getvalue()
    buf.seek(0)
    buf.truncate()
    changed = 0
    for row in rows:
        if not raw:
            safe = [neutralise(c) for c in row]
            changed += sum(a is not b for a, b in zip(safe, row, strict=True))
            row = safe
        writer.writerow(row)
        if buf.tell() > 1 << 12:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()
    count(report, "neutralised", changed)


def write_answers_csv(
    documents: Iterable[DocumentRecord], *, raw: bool = False, report: dict | None = None
) -> Iterator[str]:
    """The answers table alone: one row per article answer (gold under ``gold``)."""
    rows = ((doc.id, doc.outlet, a.annotator, a.question, a.value)
            for doc in documents for a in all_answers(doc))  # fmt: skip
    yield from answer_rows(rows, raw=raw, report=report)
