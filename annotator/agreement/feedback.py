"""One annotator's spans and answers beside the gold of one article: the differences a
trainee is shown, and the item's score.

Differences (each gold and each own span appears in exactly one entry):

* ``match``: same label, start and end.
* ``label``: same start and end, another label (then: overlapping, another label, when no span
  of the gold label overlaps).
* ``boundary``: same label, overlapping, other start or end.
* ``missed``: a gold span nothing of the annotator's overlaps (or that was paired already).
* ``extra``: an own span that overlaps no gold span left to pair.

Pairs are taken greedily: exact offsets first, then the largest overlap, then the earliest.
The score is the partial-credit span F1 (``span_prf(..., match="partial")``, SemEval-2020
Task 11) and, where the gold has answers, the share of gold-answered questions answered the
same; the item score is their mean (the span F1 alone without gold answers).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

KINDS = ("match", "label", "boundary", "missed", "extra")


@dataclass
class Feedback:
    differences: list[dict[str, Any]] = field(default_factory=list)
    span_f1: float = 1.0
    answer_agreement: float | None = None
    answers: list[dict[str, Any]] = field(default_factory=list)

    @property
    def score(self) -> float:
        if self.answer_agreement is None:
            return self.span_f1
        return (self.span_f1 + self.answer_agreement) / 2

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(KINDS, 0)
        for d in self.differences:
            out[d["kind"]] += 1
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "differences": self.differences,
            "counts": self.counts(),
            "answers": self.answers,
            "span_f1": self.span_f1,
            "answer_agreement": self.answer_agreement,
            "score": self.score,
        }


def _span(s) -> dict[str, Any]:
    return {"label": s.label, "start": int(s.start), "end": int(s.end)}


def _overlap(a, b) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def compare(
    gold: Iterable,
    own: Iterable,
    gold_answers: Mapping[str, str] | None = None,
    own_answers: Mapping[str, str] | None = None,
) -> Feedback:
    """Differences and score of ``own`` spans (objects with ``label``, ``start``, ``end``)
    against ``gold``; answers are ``question -> value``."""
    from .spans import span_prf  # NumPy: imported by the first score, not by the web worker

    gold, own = [s for s in gold if s.end > s.start], [s for s in own if s.end > s.start]
    left_gold, left_own = list(range(len(gold))), list(range(len(own)))
    pairs: list[tuple[str, int, int]] = []

    def take(kind: str, accept) -> None:
        candidates = [
            (-_overlap(gold[g], own[o]), gold[g].start, own[o].start, g, o)
            for g in left_gold
            for o in left_own
            if accept(gold[g], own[o])
        ]
        for *_, g, o in sorted(candidates):
            if g in left_gold and o in left_own:
                left_gold.remove(g)
                left_own.remove(o)
                pairs.append((kind, g, o))

    same = lambda g, o: (g.start, g.end) == (o.start, o.end)  # noqa: E731
    take("match", lambda g, o: same(g, o) and g.label == o.label)
    take("label", lambda g, o: same(g, o))
    take("boundary", lambda g, o: g.label == o.label and _overlap(g, o) > 0)
    take("label", lambda g, o: _overlap(g, o) > 0)
    out = Feedback()
    for kind, g, o in pairs:
        out.differences.append({"kind": kind, "gold": _span(gold[g]), "own": _span(own[o])})
    out.differences += [{"kind": "missed", "gold": _span(gold[g]), "own": None} for g in left_gold]
    out.differences += [{"kind": "extra", "gold": None, "own": _span(own[o])} for o in left_own]
    out.differences.sort(
        key=lambda d: (
            (d["gold"] or d["own"])["start"],
            (d["gold"] or d["own"])["end"],
            KINDS.index(d["kind"]),
        )
    )
    out.span_f1 = span_prf(
        [(s.start, s.end, s.label) for s in gold],
        [(s.start, s.end, s.label) for s in own],
        match="partial",
    ).f1
    if gold_answers:
        own_answers = own_answers or {}
        for question, value in sorted(gold_answers.items()):
            mine = own_answers.get(question)
            out.answers.append(
                {"question": question, "gold": value, "own": mine, "same": mine == value}
            )
        out.answer_agreement = sum(a["same"] for a in out.answers) / len(out.answers)
    return out
