"""Human agreement at the sentence level: what a sentence model's F1 should be set beside.

``labels_by_doc`` maps document -> annotator -> one label set per sentence (the same sentences
for every annotator of a document, e.g. ``classifier.sentences.sentence_labels``). For each
label and each pair of annotators, over the sentences of the documents both annotated, F1 of
one against the other (``2 * both / (a + b)``: symmetric, so either may be the reference);
``f1`` is the mean over the pairs that used the label at all. ``None`` with a ``reason`` when no
pair can be scored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import combinations


def sentence_agreement(labels_by_doc: Mapping[str, Mapping[str, list]], labels: Iterable[str]):
    """``{label: {"f1", "pairs", "sentences", "reason"?}}`` (see the module docstring)."""
    labels = list(labels)
    tallies: dict[tuple[str, str], dict[str, list[int]]] = {}
    shared: dict[tuple[str, str], int] = {}
    for per_annotator in labels_by_doc.values():
        for a, b in combinations(sorted(per_annotator), 2):
            rows_a, rows_b = per_annotator[a], per_annotator[b]
            if len(rows_a) != len(rows_b):
                raise ValueError("every annotator of a document needs the same sentences")
            shared[(a, b)] = shared.get((a, b), 0) + len(rows_a)
            pair = tallies.setdefault((a, b), {lab: [0, 0, 0] for lab in labels})
            for set_a, set_b in zip(rows_a, rows_b, strict=True):
                for lab in labels:
                    in_a, in_b = lab in set_a, lab in set_b
                    counts = pair[lab]
                    counts[0] += in_a and in_b
                    counts[1] += in_a
                    counts[2] += in_b
    out = {}
    for lab in labels:
        scores = [
            2 * both / (na + nb)
            for pair in tallies.values()
            for both, na, nb in [pair[lab]]
            if na + nb > 0
        ]
        entry = {
            "f1": sum(scores) / len(scores) if scores else None,
            "pairs": len(scores),
            "sentences": sum(shared.values()),
        }
        if not scores:
            entry["reason"] = (
                "no two annotators annotated the same articles"
                if not tallies
                else "no annotator of a shared article used this label"
            )
        out[lab] = entry
    return out
