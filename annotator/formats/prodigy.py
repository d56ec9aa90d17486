"""Prodigy-style JSONL (also what spaCy's ``spans`` training recipes read): one line per article
and annotator, ``{"text", "spans": [{"start", "end", "label", "text"}], "answer": "accept",
"_annotator_id", "_session_id", "meta": {"id", "title", "outlet", ...}}``; gold lines carry
``_annotator_id: "gold"``. An annotator who finished an article without marking anything gets a
line with no spans (an accepted "nothing here"). ASCII-escaped JSON. Attributes, notes, links and
article answers are not part of Prodigy's span format: counted as ``attributes_dropped`` /
``notes_dropped`` / ``answers_dropped``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from annotator.formats._common import all_answers, all_spans, annotators_of
from annotator.formats._links import count
from annotator.records import DocumentRecord

_dumps = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode
_META = ("title", "outlet", "author", "url", "published")


def write_prodigy(
    documents: Iterable[DocumentRecord], *, report: dict | None = None
) -> Iterator[str]:
    """Yield one line per article and annotator."""
    for doc in documents:
        spans = all_spans(doc)
        count(report, "answers_dropped", len(all_answers(doc)))
        meta = {"id": doc.id, **{k: getattr(doc, k) for k in _META if getattr(doc, k)}}
        meta.update({k: v for k, v in doc.meta.items() if k not in meta})
        people = annotators_of(spans) + [a for a in doc.annotators if a not in annotators_of(spans)]
        lines = []
        for who in people:
            mine = sorted((s for s in spans if s.annotator == who),
                          key=lambda s: (s.start, s.end, s.label))  # fmt: skip
            count(report, "attributes_dropped", sum(len(s.attributes) for s in mine))
            count(report, "notes_dropped", sum(1 for s in mine if s.note))
            lines.append(_dumps({
                "text": doc.text,
                "spans": [{"start": s.start, "end": s.end, "label": s.label,
                           "text": doc.text[s.start : s.end]} for s in mine],
                "answer": "accept", "_annotator_id": who, "_session_id": who, "meta": meta,
            }) + "\n")  # fmt: skip
        if lines:
            yield "".join(lines)
