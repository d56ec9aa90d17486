"""The part of an annotation import that needs no database: records merged, normalised and
checked a batch at a time, their spans turned into the values of their rows.

``prepare_batches`` runs in the importing process (``import_annotations``) or in a reader
process of its own (``import_reader``: the files read and prepared while the importing process
writes the batch before; nothing here may touch the database or the app). A batch's articles
come as ``Prepared``: the record, its text's digest, its people (for assignments) and, for an
article whose spans carry no relation and no event argument, its spans as plain tuples
(``flat``: what a span row holds except the ids, which only the database side knows); an
article with relations keeps its ``SpanRecord`` objects for the link mapping of the writer.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from annotator.formats.normalize import normalise_document
from annotator.records import DocumentRecord, SpanRecord
from annotator.services.errors import ServiceError
from annotator.services.transfer.article_files import text_sha256

GOLD = "gold"


@dataclass(slots=True)
class Prepared:
    """One article of a batch, checked (see the module docstring)."""

    record: DocumentRecord  # its spans left out on the wire when they are rows
    digest: str  # sha256 of the (normalised) text
    people: tuple[str, ...]  # the annotators of its spans and answers, sorted
    # (annotator, label, start, end, text, attributes JSON, note, fragments JSON or None,
    # guidelines version) per span, in the file's order; None: the spans are elsewhere.
    flat: list[tuple] | None = None
    # When the article's spans are plain (no note, no fragments, one guidelines version):
    # that version, and its spans are in the batch's ``Columns`` of it.
    plain: int | None = None


@dataclass(slots=True)
class Columns:
    """A batch's plain spans of one guidelines version as columns, article by article in
    the batch's order and each article's spans in the file's order: the article's position in
    the batch, annotator, label, start, end, text, attributes JSON (a pickle of a few lists
    costs less than one of a tuple per span, and the writer maps whole columns)."""

    doc: list[int] = field(default_factory=list)
    who: list[str] = field(default_factory=list)
    label: list[str] = field(default_factory=list)
    start: list[int] = field(default_factory=list)
    end: list[int] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    attrs: list[str] = field(default_factory=list)

    def as_tuple(self) -> tuple:
        return (self.doc, self.who, self.label, self.start, self.end, self.text, self.attrs)


@dataclass(slots=True)
class Batch:
    """A batch of prepared articles and what the database side needs to know of it."""

    docs: list[Prepared]
    names: list[str]  # the annotators (spans and answers), sorted
    used: set[str]  # the labels of its spans and gold spans
    # label -> attribute -> "link" | "boolean" | "text": what a label created for it holds
    seen: dict[str, dict[str, str]] = field(default_factory=dict)
    texts_normalised: int = 0
    snapped: int = 0
    discontinuous: int = 0  # flat spans with fragments
    plain: dict[int, Columns] = field(default_factory=dict)  # by guidelines version

    @property
    def span_rows(self) -> int:
        """Annotator spans (not gold)."""
        return sum(len(c.start) for c in self.plain.values()) + sum(
            len(p.flat) if p.flat is not None else len(p.record.spans)
            for p in self.docs
            if p.plain is None
        )

    @property
    def spans(self) -> int:
        return self.span_rows + sum(len(p.record.gold) for p in self.docs)

    def to_wire(self) -> tuple:
        """Plain tuples (quick to pickle: no dataclass state functions per object); the
        records of articles with relations go as they are."""
        return (
            [
                (
                    p.record if p.flat is None and p.plain is None else _fields_of(p.record),
                    p.digest,
                    p.people,
                    p.flat,
                    p.plain,
                )
                for p in self.docs
            ],
            self.names,
            self.used,
            self.seen,
            self.texts_normalised,
            self.snapped,
            self.discontinuous,
            {version: c.as_tuple() for version, c in self.plain.items()},
        )

    @classmethod
    def from_wire(cls, wire: tuple) -> Batch:
        docs, names, used, seen, normalised, snapped, discontinuous, plain = wire
        return cls(
            [
                Prepared(
                    record if isinstance(record, DocumentRecord) else DocumentRecord(*record),
                    digest,
                    people,
                    flat,
                    plain,
                )
                for record, digest, people, flat, plain in docs
            ],
            names,
            used,
            seen,
            normalised,
            snapped,
            discontinuous,
            {version: Columns(*columns) for version, columns in plain.items()},
        )


def prepare_batches(
    documents: Iterable[DocumentRecord],
    *,
    as_gold: bool,
    version: int,
    n: int,
    spans: int,
    dumps: Callable = json.dumps,
) -> Iterator[Batch]:
    """``documents`` in batches of at most ``n`` articles holding about ``spans`` spans, each
    merged (an id given twice), normalised (NFC, ``\\n``), with answers of annotator "gold" as
    gold answers, all gold with ``as_gold``, and checked; ``version``: the guidelines version
    of spans whose file gives none; ``dumps``: the JSON the database side stores."""
    encode = AttributeJSON(dumps)
    interned: dict[str, str] = {}
    for chunk in _chunks(documents, n, spans):
        batch = Batch([], [], set(), {})
        names: set[str] = set()
        records = []
        for record in _merge(chunk).values():
            result = normalise_document(record)
            batch.texts_normalised += result.changed
            batch.snapped += result.snapped
            record = _gold_answers_apart(result.document)
            if as_gold:
                record = _all_gold(record)
            _check(record)
            records.append(record)
        for record in records:
            people = {s.annotator for s in record.spans} | {a.annotator for a in record.answers}
            names |= people
            flat = plain = None
            if not _usage(record, batch.used, batch.seen):  # no relations: row values
                marks = record.spans
                first = (marks[0].guidelines_version or version) if marks else version
                if all(
                    not (s.note or s.fragments) and (s.guidelines_version or version) == first
                    for s in marks
                ):
                    plain = first
                    _columns(record, len(batch.docs), batch, plain, encode, interned)
                else:
                    flat, frags = _flat(record, version, encode, interned)
                    batch.discontinuous += frags
            if len(interned) > 10_000:
                interned.clear()
            digest = text_sha256(record.text)
            batch.docs.append(Prepared(record, digest, tuple(sorted(people)), flat, plain))
        batch.names = sorted(names)
        yield batch


class AttributeJSON:
    """``dumps(attrs)``, remembered for attribute sets of text values (many spans share one,
    e.g. ``{"intensity": "high"}``; only text, as ``True == 1`` would collide); ``{}`` once."""

    def __init__(self, dumps: Callable) -> None:
        self.dumps = dumps
        self.empty = dumps({})
        self._seen: dict[tuple, str] = {}

    def __call__(self, attrs: dict) -> str:
        if not attrs:
            return self.empty
        if not all(type(v) is str for v in attrs.values()):
            return self.dumps(attrs)
        key = tuple(attrs.items())
        out = self._seen.get(key)
        if out is not None:
            return out
        out = self._seen[key] = self.dumps(attrs)
        if len(self._seen) > 10_000:
            self._seen.clear()
        return out


def _columns(
    record: DocumentRecord,
    position: int,
    batch: Batch,
    version: int,
    encode: AttributeJSON,
    names: dict[str, str],
) -> None:
    """The plain spans of the article at ``position`` added to the batch's columns of their
    guidelines version (see ``Columns``); annotator and label names are one object per name
    (``names``), which a pickle then sends once."""
    spans, text, one = record.spans, record.text, names.setdefault
    c = batch.plain.get(version) or batch.plain.setdefault(version, Columns())
    c.doc.extend([position] * len(spans))
    c.who.extend([one(s.annotator, s.annotator) for s in spans])
    c.label.extend([one(s.label, s.label) for s in spans])
    c.start.extend([s.start for s in spans])
    c.end.extend([s.end for s in spans])
    c.text.extend([text[s.start : s.end] for s in spans])
    c.attrs.extend([encode(s.attributes) for s in spans])


def _flat(
    record: DocumentRecord, version: int, encode: AttributeJSON, names: dict[str, str]
) -> tuple[list, int]:
    """The spans' row values (see ``Prepared.flat``), names as in ``_columns``."""
    text, dumps = record.text, encode.dumps
    one = names.setdefault
    out = []
    row = out.append
    frags = 0
    for s in record.spans:
        fragments = None
        if s.fragments:
            fragments = dumps([list(f) for f in s.fragments])
            frags += 1
        start, end = s.start, s.end
        who, label = s.annotator, s.label
        row((one(who, who), one(label, label), start, end, text[start:end], encode(s.attributes),
             s.note or "", fragments, s.guidelines_version or version))  # fmt: skip
    return out, frags


def local_ids(spans) -> dict[tuple[str, str], SpanRecord]:
    return {(s.annotator, s.id): s for s in spans if s.id}


def names_spans(value, annotator: str, ids) -> bool:
    """A relation attribute: a local span id, or a list of them."""
    if isinstance(value, str):
        return (annotator, value) in ids
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, str) and (annotator, v) in ids for v in value)
    )


def _usage(record: DocumentRecord, used: set[str], seen: dict[str, dict[str, str]]) -> bool:
    """Add the labels of the record's spans and gold spans to ``used`` and, per label, the
    attributes (relations as links) that a label created for them holds to ``seen``; whether
    a span (not gold) names another (a relation attribute) or has event arguments: then the
    writer maps links, and the spans stay records."""
    relations = False
    for group in (record.spans, record.gold):
        used.update({span.label for span in group})
        marked = [span for span in group if span.attributes or span.arguments]
        if not marked:
            continue
        ids = local_ids(group)
        for span in marked:
            kinds = seen.setdefault(span.label, {})
            for key, value in span.attributes.items():
                if ids and names_spans(value, span.annotator, ids):
                    kinds[key] = "link"  # names a span: a relation
                    relations = relations or group is record.spans
                else:
                    kinds.setdefault(key, "boolean" if isinstance(value, bool) else "text")
            for role, _ in span.arguments:  # an event's argument: a link per role
                kinds[role.rstrip("0123456789") or role] = "link"
                relations = relations or group is record.spans
    return relations


def _chunks(documents: Iterable[DocumentRecord], n: int, spans: int) -> Iterator[list]:
    """Lists of at most ``n`` documents holding about ``spans`` spans (a document's spans are
    never split)."""
    chunk: list[DocumentRecord] = []
    held = 0
    for doc in documents:
        chunk.append(doc)
        held += len(doc.spans) + len(doc.gold)
        if len(chunk) == n or held >= spans:
            yield chunk
            chunk, held = [], 0
    if chunk:
        yield chunk


def _merge(documents: Iterable[DocumentRecord]) -> dict[str, DocumentRecord]:
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
                    "gold_answers": prev.gold_answers + doc.gold_answers,
                }
            )
        merged[doc.id] = doc
    return merged


def _fields(doc: DocumentRecord) -> dict:
    return {name: getattr(doc, name) for name in DocumentRecord.__slots__}


def _fields_of(doc: DocumentRecord) -> tuple:
    """The record's fields in order, its spans left out (``Prepared.flat`` holds them)."""
    return tuple(() if name == "spans" else getattr(doc, name) for name in DocumentRecord.__slots__)


def _gold_answers_apart(record: DocumentRecord) -> DocumentRecord:
    """Answers whose annotator is ``"gold"`` (how our exports write curated answers) are
    the article's gold answers, not an annotator's: no user, member or assignee "gold"."""
    if not any(a.annotator == GOLD for a in record.answers):
        return record
    return DocumentRecord(
        **{
            **_fields(record),
            "answers": tuple(a for a in record.answers if a.annotator != GOLD),
            "gold_answers": record.gold_answers
            + tuple(a for a in record.answers if a.annotator == GOLD),
        }
    )


def _all_gold(record: DocumentRecord) -> DocumentRecord:
    """``--as-gold``: the annotators' spans and answers become gold (provenance: who)."""
    return DocumentRecord(
        **{
            **_fields(record),
            "spans": (),
            "answers": (),
            "gold": record.gold + record.spans,
            "gold_answers": record.gold_answers + record.answers,
        }
    )


def _check(doc: DocumentRecord) -> None:
    if not doc.id or len(doc.id) > 200:
        raise ServiceError("Every imported article needs an id of at most 200 characters.")
    n = len(doc.text)
    for span in (*doc.spans, *doc.gold) if doc.gold else doc.spans:
        if not 0 <= span.start < span.end <= n:
            raise ServiceError(
                f"Article {doc.id!r}: span {span.start}-{span.end} is outside the text."
            )
        for a, b in span.fragments:
            if not span.start <= a < b <= span.end:
                raise ServiceError(
                    f"Article {doc.id!r}: fragment {a}-{b} is outside its span "
                    f"{span.start}-{span.end}."
                )
