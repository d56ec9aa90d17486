"""CSV: one span per row (gold spans under annotator ``gold``), with a header row.

Columns: ``document_id, outlet, annotator, label, start, end, text, attributes, note,
guidelines_version``; ``attributes`` is a JSON object. Export only (no reader).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from annotator.formats._common import all_spans
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
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode


def write_csv(documents: Iterable[DocumentRecord]) -> Iterator[str]:
    """Yield the header, then one chunk of rows per document."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield buf.getvalue()
    for doc in documents:
        buf.seek(0)
        buf.truncate()
        text = doc.text
        for s in all_spans(doc):
            version = "" if s.guidelines_version is None else s.guidelines_version
            writer.writerow(
                (
                    doc.id,
                    doc.outlet,
                    s.annotator,
                    s.label,
                    s.start,
                    s.end,
                    text[s.start : s.end],
                    _dumps(s.attributes),
                    s.note,
                    version,
                )
            )
        if buf.tell():
            yield buf.getvalue()
