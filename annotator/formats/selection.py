"""Which annotations an export carries: raw, gold only, majority vote, label/annotator filters.

Each helper maps an iterable of DocumentRecords to a generator of new ones (lazy, pure).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Collection, Iterable, Iterator

from annotator.records import DocumentRecord, SpanRecord, annotators_of

MAJORITY = "majority"


def raw(documents: Iterable[DocumentRecord]) -> Iterator[DocumentRecord]:
    """Every annotator's spans and the gold spans, unchanged."""
    yield from documents


def gold_only(documents: Iterable[DocumentRecord]) -> Iterator[DocumentRecord]:
    """Only gold: the gold spans, and the curated answers as the article's answers (annotator
    ``"gold"``); annotators' spans and answers dropped."""
    for doc in documents:
        yield dataclasses.replace(doc, spans=(), answers=doc.gold_answers)


def majority_vote(
    documents: Iterable[DocumentRecord], *, min_share: float = 0.5
) -> Iterator[DocumentRecord]:
    """Spans marked exactly (same start, end and label) by more than ``min_share`` of the
    document's annotators (those who finished it, and anyone with spans or answers): a strict
    majority, so with two annotators both must agree and with four, three. An annotator who
    finished without marking anything counts as a vote against. They become annotator
    ``"majority"`` spans in place of the raw ones; gold is kept, attributes and notes are
    dropped."""
    for doc in documents:
        people = annotators_of(doc)
        votes = {(s.start, s.end, s.label, s.annotator) for s in doc.spans}
        counts = Counter((a, b, lab) for a, b, lab, _ in votes)
        need = min_share * len(people)
        kept = tuple(
            SpanRecord(doc.id, MAJORITY, lab, a, b, doc.text[a:b])
            for (a, b, lab), n in sorted(counts.items())
            if n > need
        )
        yield dataclasses.replace(doc, spans=kept, answers=())


def filter_labels(
    documents: Iterable[DocumentRecord], labels: Collection[str]
) -> Iterator[DocumentRecord]:
    """Keep only spans (raw and gold) whose label is in ``labels``."""
    keep = set(labels)
    for doc in documents:
        yield dataclasses.replace(
            doc,
            spans=tuple(s for s in doc.spans if s.label in keep),
            gold=tuple(s for s in doc.gold if s.label in keep),
        )


def filter_annotators(
    documents: Iterable[DocumentRecord], annotators: Collection[str]
) -> Iterator[DocumentRecord]:
    """Keep only the spans and answers of ``annotators`` (gold kept)."""
    keep = set(annotators)
    for doc in documents:
        yield dataclasses.replace(
            doc,
            spans=tuple(s for s in doc.spans if s.annotator in keep),
            answers=tuple(a for a in doc.answers if a.annotator in keep),
            annotators=tuple(a for a in doc.annotators if a in keep),
        )


SELECTIONS = {"raw": raw, "gold": gold_only, "majority": majority_vote}
