"""doccano sequence-labelling JSONL: ``{"id", "text", "label": [[start, end, "Label"], ...]}``.

Writing: ``write_doccano`` (registry ``doccano``, like doccano's own export) gives one
``<annotator>.jsonl`` zip entry per annotator, spooled to temporary files so memory stays flat;
``write_doccano_merged`` (``doccano-merged``) one stream, one line per article with the union of
all annotators' spans (exact duplicates collapsed, sorted). Each line also carries
``Comments: []``, the article's ``title``, ``outlet``, ``author``, ``url``, ``published`` (empty
strings when unset) and its ``meta`` object: the same keys on every line, ASCII-escaped JSON.
``doccano-relations`` writes doccano's "JSONL with relations" shape instead (``entities`` with
ids, ``relations`` from link attributes). Attributes and notes are counted as dropped.

Reading: ``label`` (or older ``labels``) triples, or ``entities`` objects with
``start_offset``/``end_offset``/``label``. Spans carry no stated text in this format, so offsets
cannot be cross-checked; old doccano versions counted UTF-16 units (``utf16=True`` converts).
"""

from __future__ import annotations

import heapq
import json
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from annotator.formats._common import (
    Source,
    all_answers,
    all_spans,
    check_offsets,
    is_int,
    load_bytes,
    safe_filename,
    split_gold,
    utf16_to_cp,
)
from annotator.formats._links import Schema, count, plain_attributes, split_links
from annotator.formats.errors import FormatError
from annotator.formats.jsonl import iter_json_lines, iter_lines, numbered_lines
from annotator.formats.ziputil import ZipMembers, read_zip
from annotator.records import DocumentRecord, LabelRecord, SpanRecord

_dumps = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode
_META = ("title", "outlet", "author", "url", "published")
_RESERVED = {"id", "text", "label", "labels", "entities", "relations", "Comments", "meta"}


def _line(
    doc: DocumentRecord,
    spans: list[SpanRecord],
    schema: Schema | None = None,
    report: dict | None = None,
) -> str:
    """One line with the same keys on every line (doccano reads a file into one pandas frame:
    a key missing on some lines becomes NaN, which its database rejects as invalid JSON) and
    ASCII-escaped text (so doccano's encoding "Auto" detection cannot misread it). With a
    ``schema``, the "JSONL with relations" shape: ``entities`` with ids and ``relations``."""
    d: dict[str, Any] = {"id": doc.id, "text": doc.text}
    if schema is None:
        d["label"] = [[s.start, s.end, s.label] for s in spans]
    else:
        number = {id(s): n for n, s in enumerate(spans, 1)}
        d["entities"] = [
            {"id": n, "label": s.label, "start_offset": s.start, "end_offset": s.end}
            for n, s in enumerate(spans, 1)
        ]
        links, missing = split_links(spans, schema)
        count(report, "links_dropped", missing)
        d["relations"] = [
            {"id": n, "from_id": number[id(a)], "to_id": number[id(b)], "type": name}
            for n, (a, name, b) in enumerate(links, 1)
        ]
    d["Comments"] = []
    for key in _META:
        d[key] = getattr(doc, key)
    d["meta"] = {k: v for k, v in doc.meta.items()}
    if report is not None:
        ids = {s.id: s for s in spans if s.id}
        sch = schema or Schema.of(None)
        count(report, "attributes_dropped", sum(len(plain_attributes(s, sch, ids)) for s in spans))
        count(report, "notes_dropped", sum(1 for s in spans if s.note))
        if schema is None:
            count(report, "links_dropped", len(split_links(spans, sch)[0]))
    return _dumps(d) + "\n"


def write_doccano_merged(
    documents: Iterable[DocumentRecord], *, report: dict | None = None
) -> Iterator[str]:
    """One line per article with every annotator's spans merged (duplicates collapsed)."""
    for doc in documents:
        spans = sorted({(s.start, s.end, s.label): s for s in all_spans(doc)}.items())
        count(report, "answers_dropped", len(all_answers(doc)))
        yield _line(doc, [s for _, s in spans], None, report)


def write_doccano(
    documents: Iterable[DocumentRecord],
    *,
    relations: bool = False,
    labels: Sequence[LabelRecord] | None = None,
    report: dict | None = None,
) -> Iterator[tuple[str, Iterator[str]]]:
    """Zip entries ``<annotator>.jsonl`` in name order (so the zip does not depend on which
    article an annotator first appears in): each annotator's lines for the articles they
    labelled. ``relations=True`` writes doccano's "JSONL with relations" shape, links (link
    attributes, typed by ``labels``) as relations named after the attribute. Attributes other
    than links and notes cannot be held by doccano: counted into ``report``."""
    schema = Schema.of(labels) if relations else None
    files: dict[str, Any] = {}
    try:
        for doc in documents:
            spans = all_spans(doc)
            count(report, "answers_dropped", len(all_answers(doc)))  # sequence labelling only
            who_spans: dict[str, list[SpanRecord]] = {}
            for s in spans:
                who_spans.setdefault(s.annotator, []).append(s)
            for who, mine in who_spans.items():
                if who not in files:
                    files[who] = tempfile.SpooledTemporaryFile(
                        max_size=4 << 20, mode="w+", encoding="utf-8", newline=""
                    )
                files[who].write(_line(doc, mine, schema, report))
        for who in sorted(files):
            fh = files[who]
            fh.seek(0)
            yield f"{safe_filename(who)}.jsonl", iter(lambda fh=fh: fh.read(1 << 16), "")
    finally:
        for fh in files.values():
            fh.close()


def write_doccano_relations(documents: Iterable[DocumentRecord], **options: Any):
    """``write_doccano`` in the "JSONL with relations" shape."""
    return write_doccano(documents, relations=True, **options)


def _spans(obj: dict, doc_id: str, text: str, who: str, source: str, line: int, utf16: bool):
    """The line's spans; entity ids become span ids and each relation a link attribute of its
    ``from_id`` span (``{type: to_id}``), for the import to map onto the project's schema."""
    ids: list[str | None] = []
    if "entities" in obj:
        items = obj["entities"]
        if not isinstance(items, list):
            raise FormatError(source, line, "entities must be a list")
        triples = []
        for e in items:
            if not isinstance(e, dict) or not {"start_offset", "end_offset", "label"} <= set(e):
                raise FormatError(source, line, "an entity needs start_offset, end_offset, label")
            triples.append([e["start_offset"], e["end_offset"], e["label"]])
            eid = e.get("id")
            if eid is not None and (isinstance(eid, bool) or not isinstance(eid, int | str)):
                raise FormatError(source, line, f"entity id {str(eid)[:40]} is not a number")
            ids.append(None if eid is None else str(eid))
    else:
        triples = obj.get("label", obj.get("labels", []))
        if not isinstance(triples, list):
            raise FormatError(source, line, "label must be a list of [start, end, label]")
        ids = [None] * len(triples)
    table = utf16_to_cp(text) if utf16 else None
    out = []
    for t, eid in zip(triples, ids, strict=True):
        if not isinstance(t, list) or len(t) != 3:
            raise FormatError(source, line, f"label {str(t)[:40]} is not [start, end, label]")
        start, end, label = t
        if table and is_int(start) and is_int(end) and 0 <= start < end < len(table):
            start, end = table[start], table[end]
        if not isinstance(label, str) or not label:
            raise FormatError(source, line, f"label name {label!r} is not a string")
        check_offsets(text, start, end, source, line)
        out.append(SpanRecord(doc_id, who, label, start, end, text[start:end], id=eid))
    _relations(obj.get("relations", []), out, source, line)
    return out


def _relations(relations: Any, spans: list[SpanRecord], source: str, line: int) -> None:
    if not isinstance(relations, list):
        raise FormatError(source, line, "relations must be a list")
    by_id = {s.id: s for s in spans if s.id is not None}
    for r in relations:
        if not isinstance(r, dict) or not {"from_id", "to_id", "type"} <= set(r):
            raise FormatError(source, line, "a relation needs from_id, to_id and type")
        src, dst, kind = str(r["from_id"]), str(r["to_id"]), r["type"]
        if not isinstance(kind, str) or not kind:
            raise FormatError(source, line, f"relation type {kind!r} is not a string")
        if src not in by_id or dst not in by_id:
            raise FormatError(source, line, f"relation {src}->{dst} names an unknown entity")
        attrs = by_id[src].attributes
        if kind not in attrs:
            attrs[kind] = dst
        else:  # several relations of one type from one entity: a list of targets
            attrs[kind] = [*(attrs[kind] if isinstance(attrs[kind], list) else [attrs[kind]]), dst]


def parse_doccano(
    data: str | bytes,
    *,
    annotator: str = "doccano",
    source: str = "data.jsonl",
    utf16: bool = False,
) -> list[DocumentRecord]:
    """Parse one doccano JSONL file; every span is credited to ``annotator``."""
    return list(_records(iter_json_lines(data, source), annotator, source, utf16))


def iter_doccano(
    path: str, *, annotator: str = "doccano", utf16: bool = False
) -> Iterator[DocumentRecord]:
    """One doccano JSONL file (not a zip) as a stream of records, a line at a time."""
    return _records(numbered_lines(path), annotator, path, utf16)


def iter_doccano_zip(
    source: Source, *, annotator: str | None = None, utf16: bool = False
) -> Iterator[DocumentRecord]:
    """A zip of ``<annotator>.jsonl`` files as a stream: member by member, a line at a time
    (an article in several annotators' files comes once per file; the import merges them)."""
    with ZipMembers(source) as members:
        for member in members.names:
            if member.endswith(".jsonl"):
                who = annotator or Path(member).stem
                lines = iter_lines(members.chunks(member), member)
                yield from _records(lines, who, member, utf16)


def _records(lines, annotator: str, source: str, utf16: bool) -> Iterator[DocumentRecord]:
    for lineno, obj in lines:
        if not isinstance(obj, dict):
            raise FormatError(source, lineno, "each line must be a JSON object")
        text = obj.get("text", obj.get("data"))
        if not isinstance(text, str):
            raise FormatError(source, lineno, "missing text")
        doc_id = obj.get("id", lineno)
        if not isinstance(doc_id, str | int) or isinstance(doc_id, bool):
            raise FormatError(source, lineno, "id must be a string or integer")
        doc_id = str(doc_id)
        raw, gold = split_gold(_spans(obj, doc_id, text, annotator, source, lineno, utf16))
        fields = {k: obj[k] for k in _META if isinstance(obj.get(k), str)}
        meta = {k: v for k, v in obj.items() if k not in _RESERVED and k not in fields}
        if isinstance(obj.get("meta"), dict):
            meta.update(obj["meta"])
        yield DocumentRecord(doc_id, text, meta=meta, spans=raw, gold=gold, **fields)


def merge_documents(files: Iterable[list[DocumentRecord]]) -> list[DocumentRecord]:
    """Merge per-file records of the same article id (spans concatenated in file order).

    Articles are ordered consistently with every file's own order (a stable topological merge),
    so a per-annotator export read back and exported again is identical.
    """
    by_id: dict[str, DocumentRecord] = {}
    after: dict[str, set[str]] = {}
    for docs in files:
        prev_id = None
        for d in docs:
            old = by_id.get(d.id)
            if old is None:
                by_id[d.id], after[d.id] = d, set()
            elif old.text != d.text:
                raise FormatError(d.id, None, "the same article id has different texts")
            else:
                by_id[d.id] = DocumentRecord(
                    old.id,
                    old.text,
                    old.title,
                    old.outlet,
                    old.author,
                    old.url,
                    old.published,
                    old.meta,
                    old.spans + d.spans,
                    old.answers + d.answers,
                    old.gold + d.gold,
                )
            if prev_id is not None and prev_id != d.id:
                after[d.id].add(prev_id)
            prev_id = d.id
    rank = {k: i for i, k in enumerate(by_id)}
    succ: dict[str, list[str]] = {k: [] for k in by_id}
    for k, preds in after.items():
        for p in preds:
            succ[p].append(k)
    indeg = {k: len(v) for k, v in after.items()}
    heap = [(rank[k], k) for k in by_id if not indeg[k]]
    heapq.heapify(heap)
    out: list[DocumentRecord] = []
    while heap:
        _, k = heapq.heappop(heap)
        out.append(by_id[k])
        for nxt in succ[k]:
            indeg[nxt] -= 1
            if not indeg[nxt]:
                heapq.heappush(heap, (rank[nxt], nxt))
    if len(out) < len(by_id):  # inconsistent file orders: keep first appearance for the rest
        seen = {d.id for d in out}
        out += [d for k, d in by_id.items() if k not in seen]
    return out


def read_doccano(
    source: Source, *, annotator: str | None = None, utf16: bool = False
) -> list[DocumentRecord]:
    """Read a doccano ``.jsonl`` (annotator: given or ``doccano``) or a zip of
    ``<annotator>.jsonl`` files (annotator from each file name), merging articles by id.
    ``source`` is a path, bytes or a binary file; ``utf16`` reads offsets as UTF-16 units."""
    data, name = load_bytes(source, "data.jsonl")
    if not data.startswith(b"PK") and not name.endswith(".zip"):
        return parse_doccano(data, annotator=annotator or "doccano", source=name, utf16=utf16)
    files = read_zip(data)
    parsed = [
        parse_doccano(content, annotator=annotator or Path(member).stem, source=member, utf16=utf16)
        for member, content in files.items()
        if member.endswith(".jsonl")
    ]
    return merge_documents(parsed)
