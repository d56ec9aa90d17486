"""Native JSONL: one article per line with metadata, every annotator's spans, answers and gold.

Line keys: ``id, title, outlet, author, url, published, meta, text, spans, answers, gold`` and,
(``meta`` only when an article has metadata: an empty object on every line becomes a struct
with no fields in pandas/pyarrow and ``datasets``, which Parquet cannot store) and,
with ``soft_labels=True``, ``soft_labels = {"annotators": n, "labels": {label: [[start, end,
fraction], ...]}}``: for each label, runs of characters with the fraction of the document's ``n``
annotators (those who finished the article and anyone with spans or answers; gold excluded)
whose spans cover them; and ``soft_answers = {"method": m, "questions": {question: {value:
probability}}}`` for the article's answered questions: vote fractions (``majority``) or a
reliability model's posterior (``dawid_skene``, ``mace``; see ``annotator.reliability``).
A span is ``{id?, annotator, label, start, end, text, attributes?, note?, guidelines_version?,
fragments?}`` (``fragments``: a discontinuous span's ``[start, end]`` pieces, start/end their hull)
(keys with empty values are left out). ``answers`` holds the annotators' answers and then the
curated (gold) answers, whose annotator is ``"gold"`` (as in the gold-only export; the importer
reads them back as gold). Lines are ASCII-only JSON (other characters escaped),
exactly as ``json.dumps(document_dict(doc), separators=(",", ":"))`` writes them.
The reader is strict: unknown keys are errors.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from annotator.formats import _asciijson
from annotator.formats._common import (
    Source,
    all_answers,
    check_offsets,
    check_stated,
    decode,
    is_int,
    load_bytes,
)
from annotator.formats.errors import FormatError
from annotator.records import AnswerRecord, DocumentRecord, SpanRecord, annotators_of

# ASCII-only output (non-ASCII as \uXXXX): safe in any encoding. The reference encoder;
# ``write_jsonl`` produces the same bytes through orjson (see ``_asciijson``).
_dumps = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode
_DOC_KEYS = ("id", "title", "outlet", "author", "url", "published", "meta", "text")
_SPAN_KEYS = {
    *("id", "annotator", "label", "start", "end", "text", "attributes", "note"),
    "guidelines_version",
    "fragments",
}
_LINE_KEYS = set(_DOC_KEYS) | {"spans", "answers", "gold", "soft_labels", "soft_answers"}


def span_dict(s: SpanRecord, text: str) -> dict[str, Any]:
    """A span as a JSON-ready dict (covered text taken from the document)."""
    d: dict[str, Any] = {"annotator": s.annotator, "label": s.label, "start": s.start, "end": s.end}
    d["text"] = text[s.start : s.end]
    if s.id is not None:
        d["id"] = s.id
    if s.attributes:
        d["attributes"] = s.attributes
    if s.note:
        d["note"] = s.note
    if s.guidelines_version is not None:
        d["guidelines_version"] = s.guidelines_version
    if s.fragments:
        d["fragments"] = [list(f) for f in s.fragments]
    return d


def soft_label_runs(doc: DocumentRecord, ndigits: int = 4) -> dict[str, Any]:
    """Per-label runs ``[start, end, fraction]`` of annotators covering each character."""
    n = len(annotators_of(doc))
    by_label: dict[str, dict[str, list[tuple[int, int]]]] = {}
    for s in doc.spans:
        by_label.setdefault(s.label, {}).setdefault(s.annotator, []).append((s.start, s.end))
    out: dict[str, list[list[Any]]] = {}
    for label in sorted(by_label):
        events: dict[int, int] = {}
        for intervals in by_label[label].values():
            intervals.sort()
            cur_s, cur_e = intervals[0]
            merged = []
            for a, b in intervals[1:]:
                if a <= cur_e:
                    cur_e = max(cur_e, b)
                else:
                    merged.append((cur_s, cur_e))
                    cur_s, cur_e = a, b
            merged.append((cur_s, cur_e))
            for a, b in merged:
                events[a] = events.get(a, 0) + 1
                events[b] = events.get(b, 0) - 1
        runs, count, prev = [], 0, 0
        for pos in sorted(events):
            if count and pos > prev:
                frac = round(count / n, ndigits)
                if runs and runs[-1][1] == prev and runs[-1][2] == frac:
                    runs[-1][1] = pos
                else:
                    runs.append([prev, pos, frac])
            count += events[pos]
            prev = pos
        out[label] = runs
    return {"annotators": n, "labels": out}


def _soft_answers(doc: DocumentRecord, soft_answers) -> dict[str, Any] | None:
    if soft_answers is None:
        return None
    method, by_doc = soft_answers
    questions = by_doc.get(doc.id)
    return {"method": method, "questions": questions or {}}


def document_dict(doc: DocumentRecord, *, soft: bool = False, soft_answers=None) -> dict[str, Any]:
    """The JSON object of one line."""
    text = doc.text
    d: dict[str, Any] = {
        "id": doc.id,
        "title": doc.title,
        "outlet": doc.outlet,
        "author": doc.author,
        "url": doc.url,
        "published": doc.published,
        "meta": doc.meta,
        "text": text,
        "spans": [span_dict(s, text) for s in doc.spans],
        "answers": [
            {"annotator": a.annotator, "question": a.question, "value": a.value}
            for a in all_answers(doc)
        ],
        "gold": [span_dict(s, text) for s in doc.gold],
    }
    if not doc.meta:
        del d["meta"]
    if soft:
        d["soft_labels"] = soft_label_runs(doc)
        answers = _soft_answers(doc, soft_answers)
        if answers is not None:
            d["soft_answers"] = answers
    return d


def write_jsonl(
    documents: Iterable[DocumentRecord], *, soft_labels: bool = False, soft_answers=None
) -> Iterator[str]:
    """Yield one JSON line (with ``\\n``) per document: ``document_dict`` encoded once.

    ``soft_answers`` (with ``soft_labels``): ``(method, {document id: {question: {value:
    probability}}})``."""
    for line in jsonl_lines(documents, soft_labels=soft_labels, soft_answers=soft_answers):
        yield line.decode("ascii")


def jsonl_lines(
    documents: Iterable[DocumentRecord], *, soft_labels: bool = False, soft_answers=None
) -> Iterator[bytes]:
    """``write_jsonl`` as bytes: the same lines, built by orjson from ``document_dict``'s shape."""
    texts = _asciijson.Texts()
    for doc in documents:
        try:
            obj = _document_obj(doc, soft_labels, texts)
            if soft_labels and soft_answers is not None:
                obj["soft_answers"] = _asciijson.nested(_soft_answers(doc, soft_answers))
            yield _asciijson.line(obj)
        except TypeError:  # a value orjson cannot write (e.g. an integer beyond 64 bits)
            d = document_dict(doc, soft=soft_labels, soft_answers=soft_answers)
            yield (_dumps(d) + "\n").encode("ascii")


def _document_obj(doc: DocumentRecord, soft: bool, texts: _asciijson.Texts) -> dict[str, Any]:
    """``document_dict(doc)`` with every value prepared for ``_asciijson.line``."""
    text = doc.text
    string = _asciijson.text
    obj: dict[str, Any] = {
        "id": string(doc.id),
        "title": string(doc.title),
        "outlet": texts[doc.outlet],
        "author": texts[doc.author],
        "url": string(doc.url),
        "published": texts[doc.published],
        "meta": _asciijson.nested(doc.meta),
        "text": string(text),
        "spans": _span_objs(doc.spans, text, texts),
        "answers": [
            {
                "annotator": texts[a.annotator],
                "question": texts[a.question],
                "value": string(a.value),
            }
            for a in all_answers(doc)
        ],
        "gold": _span_objs(doc.gold, text, texts),
    }
    if not doc.meta:
        del obj["meta"]
    if soft:
        obj["soft_labels"] = _asciijson.nested(soft_label_runs(doc))
    return obj


def _span_objs(spans: Iterable[SpanRecord], text: str, texts: _asciijson.Texts) -> list[dict]:
    """``span_dict`` for each span, prepared for ``_asciijson.line`` (start, end and version
    are integers)."""
    string, nested, escape, fragment = (
        _asciijson.text,
        _asciijson.nested,
        _asciijson.escape,
        _asciijson.Fragment,
    )
    out: list[dict] = []
    append = out.append
    for s in spans:
        start, end = s.start, s.end
        covered = text[start:end]
        d = {
            "annotator": texts[s.annotator],
            "label": texts[s.label],
            "start": start,
            "end": end,
            "text": covered if covered.isascii() else fragment(escape(covered)),
        }
        if s.id is not None:
            d["id"] = texts[s.id]
        if s.attributes:
            d["attributes"] = nested(s.attributes)
        if s.note:
            d["note"] = string(s.note)
        if s.guidelines_version is not None:
            d["guidelines_version"] = s.guidelines_version
        if s.fragments:
            d["fragments"] = [list(f) for f in s.fragments]
        append(d)
    return out


def _err(source: str, line: int, msg: str) -> FormatError:
    return FormatError(source, line, msg)


def _span(obj: Any, doc_id: str, text: str, source: str, line: int) -> SpanRecord:
    if type(obj) is not dict:
        raise _err(source, line, "a span must be an object")
    if not _SPAN_KEYS.issuperset(obj):
        raise _err(source, line, f"unknown span keys {sorted(set(obj) - _SPAN_KEYS)}")
    annotator, label = obj.get("annotator"), obj.get("label")
    if type(annotator) is not str or type(label) is not str or not annotator or not label:
        key = "label" if type(annotator) is str and annotator else "annotator"
        raise _err(source, line, f"span {key} must be a non-empty string")
    start, end = obj.get("start"), obj.get("end")
    if not (type(start) is int and type(end) is int and 0 <= start < end <= len(text)):
        check_offsets(text, start, end, source, line)  # raises, naming what is wrong
    covered = text[start:end]
    if "text" in obj and obj["text"] != covered:
        if not isinstance(obj["text"], str):
            raise _err(source, line, "span text must be a string")
        check_stated(covered, start, end, obj["text"], source, line, text)
    attrs = obj.get("attributes")
    attrs = {} if attrs is None and "attributes" not in obj else attrs
    note = obj.get("note", "")
    version = obj.get("guidelines_version")
    sid = obj.get("id")
    if type(attrs) is not dict or type(note) is not str:
        raise _err(source, line, "span attributes must be an object and note a string")
    if version is not None and type(version) is not int:
        raise _err(source, line, "guidelines_version must be an integer")
    if sid is not None and type(sid) is not str:
        raise _err(source, line, "span id must be a string")
    fragments = () if "fragments" not in obj else _fragments(obj["fragments"], start, end,
                                                             source, line)  # fmt: skip
    return SpanRecord(doc_id, annotator, label, start, end, covered, attrs, note, version, sid,
                      fragments)  # fmt: skip


def _spans(items: list, doc_id: str, text: str, source: str, line: int) -> tuple:
    """``_span`` of each item, with the common case (plain values, the stated text right, no
    fragments) checked inline; anything else goes through ``_span``, which says what is
    wrong."""
    n, keys, record, out = len(text), _SPAN_KEYS, SpanRecord, []
    append = out.append
    for obj in items:
        if type(obj) is dict and keys.issuperset(obj) and "fragments" not in obj:
            get = obj.get
            annotator, label, start, end = get("annotator"), get("label"), get("start"), get("end")
            attrs, note, version, sid = (
                get("attributes"),
                get("note", ""),
                get("guidelines_version"),
                get("id"),
            )
            if attrs is None and "attributes" not in obj:
                attrs = {}
            if (
                type(annotator) is str
                and type(label) is str
                and annotator
                and label
                and type(start) is int
                and type(end) is int
                and 0 <= start < end <= n
                and type(attrs) is dict
                and type(note) is str
                and (version is None or type(version) is int)
                and (sid is None or type(sid) is str)
            ):
                covered = text[start:end]
                if get("text", covered) == covered:
                    append(record(doc_id, annotator, label, start, end, covered, attrs, note,
                                  version, sid))  # fmt: skip
                    continue
        append(_span(obj, doc_id, text, source, line))
    return tuple(out)


def _fragments(value: Any, start: int, end: int, source: str, line: int):
    """A discontinuous span's ``[[s, e], ...]``: ordered, disjoint, their hull start..end."""
    if value is None:
        return ()
    ok = isinstance(value, list) and len(value) >= 2
    pairs = []
    for f in value if ok else ():
        if not (isinstance(f, list) and len(f) == 2 and all(is_int(x) for x in f)):
            ok = False
            break
        pairs.append((f[0], f[1]))
    ok = (
        ok
        and all(a < b for a, b in pairs)
        and all(p[1] < q[0] for p, q in zip(pairs, pairs[1:], strict=False))
    )
    if not ok or pairs[0][0] != start or pairs[-1][1] != end:
        raise _err(
            source,
            line,
            f"span fragments must be two or more ordered [start, end] pairs spanning {start}-{end}",
        )
    return tuple(pairs)


def parse_line(obj: Any, source: str, line: int) -> DocumentRecord:
    """Validate one decoded JSON line and build its DocumentRecord."""
    if not isinstance(obj, dict):
        raise _err(source, line, "each line must be a JSON object")
    unknown = set(obj) - _LINE_KEYS
    if unknown:
        raise _err(source, line, f"unknown keys {sorted(unknown)}")
    text = obj.get("text")
    if not isinstance(text, str):
        raise _err(source, line, "missing text")
    doc_id = obj.get("id")
    if not isinstance(doc_id, str) or not doc_id:
        raise _err(source, line, "missing id")
    fields = {}
    for key in ("title", "outlet", "author", "url", "published"):
        value = obj.get(key, "")
        if not isinstance(value, str):
            raise _err(source, line, f"{key} must be a string")
        fields[key] = value
    meta = obj.get("meta", {})
    if not isinstance(meta, dict):
        raise _err(source, line, "meta must be an object")
    lists = {}
    for key in ("spans", "answers", "gold"):
        lists[key] = obj.get(key, [])
        if not isinstance(lists[key], list):
            raise _err(source, line, f"{key} must be a list")
    raw = _spans(lists["spans"], doc_id, text, source, line)
    gold = _spans(lists["gold"], doc_id, text, source, line) if lists["gold"] else ()
    answers = []
    for a in lists["answers"]:
        if not isinstance(a, dict) or set(a) != {"annotator", "question", "value"}:
            raise _err(source, line, "an answer needs exactly annotator, question and value")
        if not all(isinstance(v, str) for v in a.values()):
            raise _err(source, line, "answer fields must be strings")
        answers.append(AnswerRecord(doc_id, a["annotator"], a["question"], a["value"]))
    soft = obj.get("soft_labels")
    if soft is not None and not isinstance(soft, dict):
        raise _err(source, line, "soft_labels must be an object")
    return DocumentRecord(
        id=doc_id, text=text, meta=meta, spans=raw, answers=tuple(answers), gold=gold, **fields
    )


def iter_json_lines(data: str | bytes, source: str) -> Iterator[tuple[int, Any]]:
    """Yield ``(line number, decoded object)`` for each non-blank line."""
    for lineno, raw in enumerate(decode(data, source).split("\n"), 1):
        if not raw.strip():
            continue
        try:
            yield lineno, json.loads(raw)
        except (ValueError, RecursionError) as exc:
            msg = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)[:80]
            raise FormatError(source, lineno, f"invalid JSON ({msg})") from None


def parse_jsonl(data: str | bytes, *, source: str = "data.jsonl") -> list[DocumentRecord]:
    """Parse native JSONL text into DocumentRecords (gold spans back into ``gold``)."""
    docs = [parse_line(obj, source, n) for n, obj in iter_json_lines(data, source)]
    seen: set[str] = set()
    for doc in docs:
        if doc.id in seen:
            raise FormatError(source, None, f"duplicate document id {doc.id!r}")
        seen.add(doc.id)
    return docs


def iter_jsonl(path: str) -> Iterator[DocumentRecord]:
    """``read_jsonl`` of a file as a stream of records, a line at a time."""
    seen: set[str] = set()
    for lineno, obj in numbered_lines(path):
        doc = parse_line(obj, path, lineno)
        if doc.id in seen:
            raise FormatError(path, lineno, f"duplicate document id {doc.id!r}")
        seen.add(doc.id)
        yield doc


def numbered_lines(path: str) -> Iterator[tuple[int, Any]]:
    """``(line number, decoded object)`` for each non-blank line of a file, a line at a time."""
    with open(path, "rb") as fh:
        yield from _numbered(enumerate(fh, 1), path)


def iter_lines(chunks: Iterable[bytes], source: str) -> Iterator[tuple[int, Any]]:
    """``numbered_lines`` of a file given as byte chunks (e.g. a zip member read in pieces)."""

    def lines() -> Iterator[tuple[int, bytes]]:
        n, rest = 0, b""
        for chunk in chunks:
            parts = (rest + chunk).split(b"\n")
            rest = parts.pop()
            for raw in parts:
                n += 1
                yield n, raw
        if rest:
            yield n + 1, rest

    return _numbered(lines(), source)


def _numbered(lines: Iterable[tuple[int, bytes]], source: str) -> Iterator[tuple[int, Any]]:
    loads, fast_error = orjson.loads, orjson.JSONDecodeError
    for lineno, raw in lines:
        if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:  # orjson where it can (several times faster); what it refuses goes to json
            yield lineno, loads(raw)
            continue
        except fast_error:
            pass
        if not raw.strip():
            continue
        text = decode(raw, f"{source}:{lineno}")
        try:
            yield lineno, json.loads(text)
        except (ValueError, RecursionError) as exc:
            msg = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)[:80]
            raise FormatError(source, lineno, f"invalid JSON ({msg})") from None


def read_jsonl(source: Source) -> list[DocumentRecord]:
    """Read a native JSONL file (path, bytes or binary file)."""
    data, name = load_bytes(source, "data.jsonl")
    return parse_jsonl(data, source=name)
