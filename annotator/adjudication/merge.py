"""Auto-merge: several annotators' spans and answers -> proposed gold. Pure: plain records in,
plain candidates out (no Flask, no database), so the rules are tested on hand-built cases.

Rules
-----
* ``n`` is the number of the document's annotators (given, so that an annotator who marked
  nothing still counts); a span needs ``min_votes`` of them (default: a strict majority,
  ``n // 2 + 1``). An annotator votes at most once per candidate.
* ``match="exact"``: annotators vote for the same ``(label, start, end)``. When passing
  candidates of a label overlap, the one with most votes wins; a tie is left to the curator.
* ``match="overlap"``: an annotator votes for a candidate boundary when one of their spans of
  the same label shares at least one character with it. Candidates are the distinct
  boundaries annotators drew; they are taken greedily by (most votes, most exact copies,
  earliest, shortest), skipping any that overlaps a span already taken for that label, so
  overlapping candidates never both become gold.
* Attributes: each attribute takes the value a strict majority of the supporting spans gave
  it (a missing value counts as a vote for nothing); otherwise it is left unset. Link
  attributes (integer span ids) are annotator-specific and never merged.
* Idempotent: a candidate that overlaps existing gold of its label, or that a curator
  rejected, is not proposed; so running the merge again adds nothing.
* Article-level answers: the value most annotators gave, when it is the single most common
  one and at least ``min_votes`` gave it; ties are left open. Existing gold answers stay.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from annotator.records import AnswerRecord, SpanRecord

MATCHES = ("exact", "overlap")


@dataclass(frozen=True)
class MergeRule:
    min_votes: int | None = None  # None: a strict majority of the annotators
    match: str = "exact"

    def __post_init__(self):
        if self.match not in MATCHES:
            raise ValueError(f"match must be one of {', '.join(MATCHES)}, not {self.match!r}")
        if self.min_votes is not None and self.min_votes < 1:
            raise ValueError("min_votes must be at least 1")

    def needed(self, n_annotators: int) -> int:
        return self.min_votes if self.min_votes is not None else n_annotators // 2 + 1


@dataclass
class GoldCandidate:
    label: str
    start: int
    end: int
    provenance: list[str]
    attributes: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.label, self.start, self.end)


@dataclass
class AnswerCandidate:
    question: str
    value: str
    provenance: list[str]


@dataclass
class MergeResult:
    spans: list[GoldCandidate] = field(default_factory=list)
    answers: list[AnswerCandidate] = field(default_factory=list)
    open_questions: list[str] = field(default_factory=list)  # ties: left to the curator


def merge_document(
    spans: Iterable[SpanRecord],
    annotators: Collection[str],
    rule: MergeRule = MergeRule(),
    *,
    answers: Iterable[AnswerRecord] = (),
    existing: Iterable[tuple[str, int, int]] = (),
    rejected: Collection[tuple[str, int, int]] = (),
    gold_questions: Collection[str] = (),
) -> MergeResult:
    """Proposed gold for one document (see the module docstring).

    ``existing``: ``(label, start, end)`` of gold already stored; ``rejected``: keys a curator
    rejected; ``gold_questions``: questions that already have a gold answer.
    """
    spans = [s for s in spans if s.end > s.start]
    people = set(annotators) | {s.annotator for s in spans}
    need = rule.needed(len(people))
    taken: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for label, start, end in existing:
        taken[label].append((start, end))
    rejected = set(rejected)
    result = MergeResult()
    by_label: dict[str, list[SpanRecord]] = defaultdict(list)
    for s in spans:
        by_label[s.label].append(s)
    for label in sorted(by_label):
        for cand in _label_candidates(by_label[label], rule.match, need):
            if cand.key in rejected or _overlaps(taken[label], cand.start, cand.end):
                continue
            taken[label].append((cand.start, cand.end))
            result.spans.append(cand)
    result.spans.sort(key=lambda c: (c.start, c.end, c.label))
    _merge_answers(result, answers, need, set(gold_questions))
    return result


def _overlaps(intervals: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in intervals)


def _label_candidates(spans: list[SpanRecord], match: str, need: int) -> list[GoldCandidate]:
    exact: dict[tuple[int, int], dict[str, SpanRecord]] = defaultdict(dict)
    for s in sorted(spans, key=lambda s: (s.start, s.end, s.annotator)):
        exact[(s.start, s.end)].setdefault(s.annotator, s)
    label = spans[0].label
    if match == "exact":
        passing = [(a, b, v) for (a, b), v in sorted(exact.items()) if len(v) >= need]
        chosen = []
        for a, b, voters in passing:
            rivals = [len(v) for x, y, v in passing if (x, y) != (a, b) and x < b and a < y]
            if rivals and max(rivals) >= len(voters):
                continue  # an overlapping boundary with as many votes (a tie) or more
            chosen.append(
                GoldCandidate(label, a, b, sorted(voters), merge_attributes(list(voters.values())))
            )
        return chosen
    scored = []
    for (a, b), copies in exact.items():
        voters = _overlap_voters(spans, a, b)
        if len(voters) >= need:
            scored.append((-len(voters), -len(copies), a, b - a, b, voters))
    scored.sort(key=lambda t: t[:5])
    chosen: list[GoldCandidate] = []
    for _, _, a, _, b, voters in scored:
        if _overlaps([(c.start, c.end) for c in chosen], a, b):
            continue
        chosen.append(
            GoldCandidate(label, a, b, sorted(voters), merge_attributes(list(voters.values())))
        )
    return chosen


def _overlap_voters(spans: list[SpanRecord], start: int, end: int) -> dict[str, SpanRecord]:
    """Per annotator, their same-label span overlapping [start, end) the most."""
    best: dict[str, tuple[int, SpanRecord]] = {}
    for s in spans:
        shared = min(s.end, end) - max(s.start, start)
        if shared <= 0:
            continue
        if s.annotator not in best or shared > best[s.annotator][0]:
            best[s.annotator] = (shared, s)
    return {who: s for who, (_, s) in best.items()}


def merge_attributes(supporters: list[SpanRecord]) -> dict[str, Any]:
    """Each attribute's value by strict majority of the supporting spans (else unset)."""
    names = sorted({k for s in supporters for k in (s.attributes or {})})
    out: dict[str, Any] = {}
    for name in names:
        votes = Counter(
            v
            for s in supporters
            if (v := (s.attributes or {}).get(name)) is not None and _mergeable(v)
        )
        if not votes:
            continue
        (value, count), *rest = votes.most_common()
        if rest and rest[0][1] == count:
            continue
        if count * 2 > len(supporters):
            out[name] = value
    return out


def _mergeable(value: Any) -> bool:
    if isinstance(value, bool):
        return True
    return isinstance(value, str | float) and value != ""


def _merge_answers(result, answers, need: int, have: set[str]) -> None:
    by_question: dict[str, dict[str, str]] = defaultdict(dict)
    for a in answers:
        by_question[a.question][a.annotator] = str(a.value)
    for question in sorted(by_question):
        if question in have:
            continue
        votes = Counter(by_question[question].values())
        (value, count), *rest = votes.most_common()
        if (rest and rest[0][1] == count) or count < need:
            result.open_questions.append(question)
            continue
        who = sorted(p for p, v in by_question[question].items() if v == value)
        result.answers.append(AnswerCandidate(question, value, who))


def document_annotators(
    spans: Iterable[SpanRecord], answers: Iterable[AnswerRecord], done: Iterable[str] = ()
) -> set[str]:
    """Who annotated a document: finished assignments plus anyone with spans or answers."""
    return set(done) | {s.annotator for s in spans} | {a.annotator for a in answers}


def summarise(results: Mapping[str, MergeResult]) -> dict[str, int]:
    """Gold spans proposed per label over several documents."""
    counts: Counter[str] = Counter()
    for res in results.values():
        counts.update(c.label for c in res.spans)
    return dict(sorted(counts.items()))
