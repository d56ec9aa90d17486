"""The SemEval-2020 Task 11 Propaganda Techniques Corpus (technique classification labels).

``<root>/train-task2-TC.labels`` holds ``article_id<TAB>technique<TAB>start<TAB>end`` lines;
texts are ``<root>/train-articles/article<ID>.txt`` (first line the title), read with
``newline=""`` so offsets stay exact. Spans become gold spans (annotator ``"gold"``).
``labels_file`` may also name a folder of per-article files, as the task distributed them
(``article<ID>.task2-TC.labels``, ``article<ID>.labels.tsv``); span-identification files
(``article_id<TAB>start<TAB>end``, task 1) give spans labelled ``propaganda``.
"""

from __future__ import annotations

import os
from pathlib import Path

from annotator.formats._common import GOLD, check_offsets
from annotator.formats.errors import FormatError
from annotator.records import DocumentRecord, SpanRecord


def read_ptc(
    root: str | os.PathLike,
    *,
    labels_file: str = "train-task2-TC.labels",
    articles_dir: str = "train-articles",
) -> list[DocumentRecord]:
    """Every article in ``articles_dir`` (sorted by id) with its gold technique spans."""
    root = Path(root)
    texts: dict[str, str] = {}
    for path in sorted((root / articles_dir).glob("article*.txt")):
        with open(path, encoding="utf-8", newline="") as fh:
            texts[path.stem.removeprefix("article")] = fh.read()
    spans: dict[str, list[SpanRecord]] = {}
    label_path = root / labels_file
    if label_path.is_dir():
        files = sorted(label_path.glob("*.labels")) + sorted(label_path.glob("*.labels.tsv"))
    else:
        files = [label_path]
    for path in files:
        _read_labels(path, texts, spans)
    docs = []
    for doc_id in sorted(texts, key=lambda k: (len(k), k)):
        text = texts[doc_id]
        title = text.split("\n", 1)[0].strip()
        docs.append(DocumentRecord(doc_id, text, title=title, gold=tuple(spans.get(doc_id, ()))))
    return docs


def _read_labels(label_path: Path, texts: dict[str, str], spans: dict) -> None:
    with open(label_path, encoding="utf-8", newline="") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) == 3:  # task 1, span identification: no technique
                parts = [parts[0], "propaganda", parts[1], parts[2]]
            if len(parts) != 4:
                raise FormatError(str(label_path), lineno, "expected 3 or 4 tab-separated fields")
            doc_id, label, a, b = parts
            if doc_id not in texts:
                raise FormatError(str(label_path), lineno, f"no article{doc_id}.txt")
            if not (a.isascii() and a.isdigit() and b.isascii() and b.isdigit()):
                raise FormatError(str(label_path), lineno, f"offsets {a}-{b} are not integers")
            text = texts[doc_id]
            start, end = int(a), int(b)
            check_offsets(text, start, end, str(label_path), lineno)
            spans.setdefault(doc_id, []).append(
                SpanRecord(doc_id, GOLD, label, start, end, text[start:end])
            )
