"""Training data from plain records: which spans to learn from, and sentence examples."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from annotator.records import DocumentRecord, SpanRecord

from .sentences import sentence_labels, split_sentences

GOLD, MAJORITY, ALL, NONE = "gold", "majority", "all", "none"


@dataclass(frozen=True)
class TrainingSpans:
    """Spans chosen for training and, per document id, which rule chose them."""

    spans: tuple[SpanRecord, ...]
    source: dict[str, str]

    def for_document(self, document_id: str) -> list[SpanRecord]:
        return [s for s in self.spans if s.document_id == document_id]


def _key(span: SpanRecord) -> tuple[int, int, str]:
    return span.start, span.end, span.label


def training_spans(
    documents: Iterable[DocumentRecord], curated_ids: Iterable[str] = ()
) -> TrainingSpans:
    """Pick the spans to train on, document by document.

    1. ``gold``: the document is curated (its id is in ``curated_ids``): its gold spans, even none;
    2. ``majority``: spans marked identically (same start, end, label) by at least half of the
       document's annotators (people with a span or an answer on it), if there is any such span;
    3. ``all``: otherwise the union of every annotator's spans (identical spans kept once);
    4. ``none``: no annotator and not curated.
    """
    curated = set(curated_ids)
    chosen: list[SpanRecord] = []
    source: dict[str, str] = {}
    for doc in documents:
        if doc.id in curated:
            source[doc.id] = GOLD
            chosen.extend(replace(s, annotator="gold") for s in doc.gold)
            continue
        people = {s.annotator for s in doc.spans} | {a.annotator for a in doc.answers}
        people.discard("gold")
        if not people:
            source[doc.id] = NONE
            continue
        votes = Counter()
        first: dict[tuple[int, int, str], SpanRecord] = {}
        for span in doc.spans:
            if span.annotator == "gold":
                continue
            key = _key(span)
            first.setdefault(key, span)
            votes[key, span.annotator] = 1
        per_span = Counter(key for key, _ in votes)
        majority = [k for k in first if per_span[k] * 2 >= len(people)]
        source[doc.id] = MAJORITY if majority else ALL
        keys = majority or list(first)
        chosen.extend(replace(first[k], annotator=source[doc.id]) for k in sorted(keys))
    return TrainingSpans(tuple(chosen), source)


@dataclass(frozen=True)
class SentenceExamples:
    """Sentences with their label sets, article ids (CV groups) and offsets."""

    texts: list[str]
    labels: list[frozenset[str]]
    groups: list[str]
    offsets: list[tuple[int, int]]


def sentence_examples(
    documents: Iterable[DocumentRecord], training: TrainingSpans
) -> SentenceExamples:
    """Split each document that has a training source into sentences labelled by overlap."""
    texts, labels, groups, offsets = [], [], [], []
    for doc in documents:
        if training.source.get(doc.id, NONE) == NONE:
            continue
        sentences = split_sentences(doc.text)
        for (start, end), label_set in zip(
            sentences, sentence_labels(training.for_document(doc.id), sentences), strict=True
        ):
            texts.append(doc.text[start:end])
            labels.append(label_set)
            groups.append(doc.id)
            offsets.append((start, end))
    return SentenceExamples(texts, labels, groups, offsets)


def training_hash(texts: Mapping[str, str], spans: Iterable) -> str:
    """sha256 of the sorted ``(doc, start, end, label)`` spans and sorted ``(doc, text)`` pairs."""
    rows = sorted(
        (s.document_id, s.start, s.end, s.label) if isinstance(s, SpanRecord) else tuple(s)
        for s in spans
    )
    payload = {"spans": [list(r) for r in rows], "texts": sorted(texts.items())}
    blob = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
