"""A Hugging Face dataset folder: ``data/raw.parquet`` (one row per article and annotator),
``data/gold.parquet`` and ``data/majority.parquet`` (one row per article), and a README whose
YAML ``configs`` make ``datasets.load_dataset(folder, "raw" | "gold" | "majority")`` work.

Rows: ``id, annotator, title, outlet, author, url, published, meta (JSON text), text, spans,
answers``; a span is ``{id, label, start, end, text, attributes (JSON text), note}`` (code-point
offsets into ``text``; links are attributes holding the target span's ``id``), an answer
``{question, value}`` (the row annotator's; the gold row holds the gold answers; majority rows
none, as the majority selection keeps no answers). Metadata and attributes are JSON text
because their keys differ from article to article (a Parquet struct needs one set of fields).
Written with pyarrow in row groups, so memory stays bounded; needs ``pyarrow``
(``pip install annotator[hf]``).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from annotator.formats._common import GOLD, all_answers, all_spans, annotators_of, split_gold
from annotator.formats.errors import FormatError
from annotator.formats.selection import majority_vote
from annotator.records import AnswerRecord, DocumentRecord, SpanRecord

CONFIGS = ("raw", "gold", "majority")
_dumps = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
_GROUP = 2000  # rows per row group


def _schema(pa):
    span = pa.struct([("id", pa.string()), ("label", pa.string()), ("start", pa.int64()),
                      ("end", pa.int64()), ("text", pa.string()), ("attributes", pa.string()),
                      ("note", pa.string())])  # fmt: skip
    fields = [(k, pa.string()) for k in ("id", "annotator", "title", "outlet", "author", "url",
                                         "published", "meta", "text")]  # fmt: skip
    answer = pa.struct([("question", pa.string()), ("value", pa.string())])
    return pa.schema(fields + [("spans", pa.list_(span)), ("answers", pa.list_(answer))])


def _row(
    doc: DocumentRecord, who: str, spans: Iterable[SpanRecord], answers: Iterable[AnswerRecord] = ()
) -> dict[str, Any]:
    text = doc.text
    return {
        "id": doc.id, "annotator": who, "title": doc.title, "outlet": doc.outlet,
        "author": doc.author, "url": doc.url, "published": doc.published,
        "meta": _dumps(doc.meta), "text": text,
        "spans": [{"id": s.id, "label": s.label, "start": s.start, "end": s.end,
                   "text": text[s.start : s.end], "attributes": _dumps(s.attributes),
                   "note": s.note} for s in spans],
        "answers": [{"question": a.question, "value": a.value} for a in answers],
    }  # fmt: skip


def readme() -> str:
    """The minimal card: YAML configs for the three parquet files."""
    out = ["---", "configs:"]
    for name in CONFIGS:
        out += [f"- config_name: {name}", "  data_files:", "  - split: train",
                f"    path: data/{name}.parquet"]  # fmt: skip
    out += ["---", "", 'Load with `datasets.load_dataset(folder, "raw")` (or gold, majority).', ""]
    return "\n".join(out)


def write_hf(
    documents: Iterable[DocumentRecord], *, readme_file: bool = True
) -> Iterator[tuple[str, Any]]:
    """Zip entries ``data/raw.parquet``, ``data/gold.parquet``, ``data/majority.parquet`` (and
    ``README.md`` with the configs unless ``readme_file=False``, when a card replaces it)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:  # pragma: no cover - depends on the installation
        raise FormatError("hf", None, "the hf format needs pyarrow (pip install pyarrow)") from None
    schema = _schema(pa)
    files = {name: tempfile.SpooledTemporaryFile(max_size=16 << 20) for name in CONFIGS}
    writers = {name: pq.ParquetWriter(fh, schema) for name, fh in files.items()}
    pending: dict[str, list[dict]] = {name: [] for name in CONFIGS}

    def flush(name: str) -> None:
        if pending[name]:
            writers[name].write_table(pa.Table.from_pylist(pending[name], schema=schema))
            pending[name].clear()

    try:
        for doc in documents:
            raw, gold = split_gold(all_spans(doc))
            answers = all_answers(doc)
            people = {a.annotator for a in answers if a.annotator != GOLD}
            for who in sorted(set(annotators_of(raw)) | set(doc.annotators) | people):
                pending["raw"].append(_row(doc, who, (s for s in raw if s.annotator == who),
                                           (a for a in answers if a.annotator == who)))  # fmt: skip
            pending["gold"].append(
                _row(doc, "gold", gold, (a for a in answers if a.annotator == GOLD))
            )
            (voted,) = majority_vote([doc])
            pending["majority"].append(_row(doc, "majority", voted.spans))
            for name in CONFIGS:
                if len(pending[name]) >= _GROUP:
                    flush(name)
        for name in CONFIGS:
            flush(name)
            writers.pop(name).close()
            fh = files[name]
            fh.seek(0)
            yield f"data/{name}.parquet", iter(lambda fh=fh: fh.read(1 << 16), b"")
        if readme_file:
            yield "README.md", readme()
    finally:
        for writer in writers.values():  # stopped early: close the writers before their files
            writer.close()
        for fh in files.values():
            fh.close()
